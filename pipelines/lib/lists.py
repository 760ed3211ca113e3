"""List-valued columns (learning outcomes, languages...) handled column-wise.

A list column is exploded to one item per row, worked on with vectorised string operations,
then collected back into lists with pyarrow offsets (no per-row Python grouping).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa


def explode_items(values: pd.Series) -> pd.Series:
    """One row per item of each list (a plain value counts as a one-item list); nulls dropped."""
    items = values.explode()
    return items[items.notna()]


def collect_lists(items: pd.Series, index: pd.Index) -> pd.Series:
    """Items (indexed by the label of their row in `index`) back into one list per row, in
    order; rows without items get None."""
    positions = index.get_indexer(items.index)
    order = np.argsort(positions, kind="stable")
    counts = np.bincount(positions, minlength=len(index))
    offsets = np.zeros(len(index) + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    values = pa.array(items.to_numpy(dtype=object)[order], type=pa.large_string())
    lists = pa.LargeListArray.from_arrays(pa.array(offsets), values, mask=pa.array(counts == 0))
    return pd.Series(lists.to_pylist(), index=index, dtype="object")
