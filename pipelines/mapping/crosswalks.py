"""Crosswalks: a source's own values mapped to canonical ones (registry key `values`).

`values: {participation_form: {"Distance without attendance": online}}` turns that text, in any
case and spacing (the key every lookup uses), into `online` before normalisation; a value the
map does not name is left as the feed wrote it, for the normal normalisation to read or report.
Applied column-wise, once per distinct value.
"""

from __future__ import annotations

import pandas as pd

from pipelines.codes.lookups import fold, map_distinct
from pipelines.lib.lists import collect_lists, explode_items


def apply_crosswalk(values: pd.Series, table: dict[str, str], is_list: bool) -> pd.Series:
    """`values` (text, or lists of text for a list field) with every value the crosswalk names
    replaced by its canonical value."""
    folded = {fold(key): target for key, target in table.items()}

    def target(value: object) -> str | None:
        return folded.get(fold(str(value)))

    if not is_list:
        mapped = map_distinct(values, target)
        return values.where(mapped.isna(), mapped)
    items = explode_items(values).astype("object")
    mapped = map_distinct(items, target)
    replaced = items.where(mapped.isna(), mapped)
    lists = collect_lists(replaced.astype("str"), values.index)
    return lists.where(values.notna(), None)
