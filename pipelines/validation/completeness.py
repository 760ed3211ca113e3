"""Completeness: which of the framework's constitutive elements a record or row holds."""

from __future__ import annotations

import numpy as np
import pandas as pd

from schemas.canonical import CONSTITUTIVE_ELEMENTS


def completeness(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Share of constitutive elements present, and the names of those missing, per row.

    Rows are grouped by which elements they have, so the lists are built once per pattern.
    """
    names = list(CONSTITUTIVE_ELEMENTS)
    present = (
        np.column_stack(
            [
                frame[list(cols)].notna().any(axis=1).to_numpy()
                for cols in CONSTITUTIVE_ELEMENTS.values()
            ]
        )
        if len(frame)
        else np.zeros((0, len(names)), dtype=bool)
    )
    pattern = present.astype(np.int64) @ (1 << np.arange(len(names), dtype=np.int64))
    lists = {
        int(p): [n for i, n in enumerate(names) if not (int(p) >> i) & 1]
        for p in np.unique(pattern)
    }
    missing = pd.Series(pattern, index=frame.index).map(lists).astype("object")
    share = pd.Series(present.sum(axis=1) / len(names), index=frame.index, dtype="float64")
    return share, missing
