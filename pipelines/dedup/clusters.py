"""Matches joined into clusters (connected components), split where a record without ECTS
would bridge two volumes."""

from __future__ import annotations

import numpy as np
import pandas as pd


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Smallest member position of each node's component (label propagation, pointer jumping)."""
    labels = np.arange(n, dtype=np.int64)
    if not len(left):
        return labels
    while True:
        low = np.minimum(labels[left], labels[right])
        updated = labels.copy()
        np.minimum.at(updated, left, low)
        np.minimum.at(updated, right, low)
        while True:
            jumped = updated[updated]
            if np.array_equal(jumped, updated):
                break
            updated = jumped
        if np.array_equal(updated, labels):
            return labels
        labels = updated


def split_volume_conflicts(labels: np.ndarray, ects: np.ndarray, edges: pd.DataFrame) -> np.ndarray:
    """A record without ECTS can bridge two records of different volumes (5 and 10 ECTS) into one
    component; such components are split by volume, each record without one joining the volume of
    its strongest match."""
    frame = pd.DataFrame({"label": labels, "ects": ects})
    volumes = frame.dropna().groupby("label")["ects"].nunique()
    conflicted = volumes.index[volumes > 1]
    if not len(conflicted):
        return labels
    rows = np.flatnonzero(frame["label"].isin(conflicted).to_numpy())
    labels = labels.copy()
    with_volume = rows[~np.isnan(ects[rows])]
    by_volume = (
        pd.DataFrame(
            {
                "row": with_volume,
                "key": list(zip(labels[with_volume], ects[with_volume], strict=True)),
            }
        )
        .groupby("key")["row"]
        .transform("min")
    )
    labels[with_volume] = by_volume.to_numpy()
    without = set(rows[np.isnan(ects[rows])].tolist())
    if without:
        both = pd.concat(
            [
                edges.rename(columns={"left_row": "row", "right_row": "other"}),
                edges.rename(columns={"right_row": "row", "left_row": "other"}),
            ]
        )
        both = both[both["row"].isin(without) & ~both["other"].isin(without)]
        best = both.sort_values(["weight", "other"], ascending=[False, True]).drop_duplicates("row")
        labels[best["row"].to_numpy()] = labels[best["other"].to_numpy()]
    return labels
