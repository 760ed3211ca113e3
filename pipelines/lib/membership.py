"""Membership tests on text columns through Arrow's hash table.

pandas' `isin` on its Arrow-backed `str` dtype turns the values looked for into Python objects
one by one; at a million ids that is seconds per call. Nulls count as members of a collection
that holds a null, as in pandas.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc


def _arrow(values: pd.Series | pd.Index | Iterable) -> pa.Array:
    if isinstance(values, pd.Series | pd.Index):
        return pa.array(values, from_pandas=True)
    return pa.array(list(values), from_pandas=True)


def is_in(values: pd.Series | pd.Index, among: pd.Series | pd.Index | Iterable) -> np.ndarray:
    """Per item of `values`, whether it occurs in `among` (a boolean array)."""
    looked_up = _arrow(values)
    value_set = _arrow(among)
    if len(value_set) == 0:
        return np.zeros(len(looked_up), dtype=bool)
    if pa.types.is_null(looked_up.type):
        looked_up = looked_up.cast(value_set.type)
    elif value_set.type != looked_up.type:
        value_set = value_set.cast(looked_up.type)
    return pc.is_in(looked_up, value_set=value_set).to_numpy(zero_copy_only=False)
