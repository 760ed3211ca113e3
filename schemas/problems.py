"""Problems found in records: (row, field, reason, value), turned into rejects at validation."""

from __future__ import annotations

import numpy as np
import pandas as pd

PROBLEM_COLUMNS = ("row", "field", "reason", "value")


class Problems:
    """Collects (row, field, reason, value) for records that cannot be kept as they are."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(
        self, rows: pd.Index, field: str, reason: str | pd.Series, values: pd.Series | None = None
    ) -> None:
        """`reason` is one text for all rows, or a column holding each row's reason."""
        if len(rows) == 0:
            return
        shown = values.loc[rows].map(as_text).to_numpy() if values is not None else None
        reasons = reason.loc[rows].to_numpy() if isinstance(reason, pd.Series) else reason
        self._parts.append(
            pd.DataFrame({"row": rows, "field": field, "reason": reasons, "value": shown})
        )

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
        return pd.concat(self._parts, ignore_index=True)


def as_text(value: object) -> str | None:
    """A value as a reject shows it: lists joined with ' | ', nulls as None, at most 500 chars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, list | tuple | np.ndarray):
        return " | ".join(map(str, value))
    if isinstance(value, float) and np.isnan(value):
        return None
    return str(value)[:500]
