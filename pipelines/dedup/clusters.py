"""Matches joined into clusters. Connected components first (vectorised); a component that
holds two records of one feed that were not matched to each other, or two ECTS volumes, is
rebuilt by merging its matches strongest first and skipping a merge that would break either
rule: a feed lists an offering once, and one micro-credential has one volume."""

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


def _conflicted(labels: np.ndarray, source: np.ndarray, ects: np.ndarray, edges: pd.DataFrame):
    """Components holding two ECTS volumes, or two records of one feed that no match joins
    directly."""
    members = pd.DataFrame({"label": labels, "source": source, "ects": ects})
    multi = members[members.groupby("label")["label"].transform("size") > 1]
    volumes = multi.dropna(subset=["ects"]).groupby("label")["ects"].nunique()
    per_source = multi.groupby(["label", "source"]).size()
    same_feed_links = edges[source[edges["left_row"]] == source[edges["right_row"]]]
    linked = (
        pd.DataFrame(
            {
                "label": labels[same_feed_links["left_row"]],
                "source": source[same_feed_links["left_row"]],
            }
        )
        .groupby(["label", "source"])
        .size()
    )
    crowded = per_source[per_source > 1]
    crowded = crowded[crowded - 1 > linked.reindex(crowded.index).fillna(0)]
    return set(volumes.index[volumes > 1]) | set(crowded.index.get_level_values("label"))


def _greedy(
    edges: pd.DataFrame, source: np.ndarray, ects: np.ndarray, order: np.ndarray
) -> dict[int, int]:
    """Merges of matches, strongest first (ties by the records' keys, so that the order of the
    feeds does not matter), skipping those that break a rule. Returns each row's root."""
    left, right = edges["left_row"].to_numpy(), edges["right_row"].to_numpy()
    ranked = np.lexsort((order[right], order[left], -edges["weight"].to_numpy()))
    rows = np.unique(np.concatenate([left, right]))
    parent = {int(r): int(r) for r in rows}
    feeds = {int(r): {int(source[r])} for r in rows}
    volumes = {int(r): set() if np.isnan(ects[r]) else {float(ects[r])} for r in rows}

    def root(r: int) -> int:
        while parent[r] != r:
            parent[r] = parent[parent[r]]
            r = parent[r]
        return r

    for a, b in zip(left[ranked].tolist(), right[ranked].tolist(), strict=True):
        ra, rb = root(a), root(b)
        if ra == rb:
            continue
        shared = feeds[ra] & feeds[rb]
        if shared and not (source[a] == source[b] and shared == {int(source[a])}):
            continue  # a feed lists an offering once: only their direct match may join them
        if volumes[ra] and volumes[rb] and volumes[ra] != volumes[rb]:
            continue  # one micro-credential, one volume
        keep, gone = (ra, rb) if order[ra] <= order[rb] else (rb, ra)
        parent[gone] = keep
        feeds[keep] |= feeds.pop(gone)
        volumes[keep] |= volumes.pop(gone)
    return {r: root(r) for r in parent}


def cluster_matches(
    n: int, edges: pd.DataFrame, source: np.ndarray, ects: np.ndarray, order: np.ndarray
) -> np.ndarray:
    """Cluster label (a member's position) of each record. `edges` are the matched pairs
    (left_row, right_row, weight); `source` each record's feed code, `ects` its volume (NaN when
    unknown or derived from hours), `order` its rank by (source, record id) for ties."""
    left, right = edges["left_row"].to_numpy(), edges["right_row"].to_numpy()
    labels = connected_components(n, left, right)
    conflicted = _conflicted(labels, source, ects, edges)
    if not conflicted:
        return labels
    labels = labels.copy()
    in_conflict = np.isin(labels[left], list(conflicted))
    roots = _greedy(edges[in_conflict], source, ects, order)
    first: dict[int, int] = {}
    for row in sorted(roots):  # each new cluster is named by its smallest member
        first.setdefault(roots[row], row)
    for row, r in roots.items():
        labels[row] = first[r]
    return labels
