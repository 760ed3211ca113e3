"""Which value a merged catalogue row takes from its source records (survivorship rules).

Records of one cluster are ranked: first the awarding provider's own feed (over aggregators and
platforms that repeat it), then the more complete record, then the record key (so the result
does not depend on the order of the feeds). Fields that belong together are taken together from
the best-ranked record that has the group's key field, so a row never pairs an EQF level with
another record's origin of it, or an amount with another record's currency. Lists (learning
outcomes, languages, stackability) and code flags come from the same best record; the title from
the best record of all.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: Field groups: the first field decides which record the group is taken from.
FIELD_GROUPS: tuple[tuple[str, ...], ...] = (
    ("title", "title_language"),
    ("provider_id", "provider_name", "provider_country", "provider_trusted", "provider_id_origin"),
    ("description",),
    ("url",),
    ("awarding_body_name", "awarding_body_country"),
    ("learning_outcomes",),
    ("ects", "ects_origin"),
    ("workload_hours",),
    ("assessment_type",),
    ("quality_assurance",),
    ("nqf_level", "nqf_framework"),
    (
        "eqf_level",
        "eqf_level_origin",
        "qf_ehea_cycle",
        "qf_ehea_cycle_origin",
        "isced_level",
        "isced_level_origin",
    ),
    ("isced_f_code", "isced_f_label", "isced_f_code_origin"),
    ("sqf",),
    ("participation_form",),
    ("access_requirements",),
    ("languages",),
    ("start_date", "end_date"),
    ("expiry",),
    ("price_amount", "price_currency"),
    ("stackable_into",),
    ("code_flags",),
)

RULES_DOC = (
    "own feed of the awarding provider first, then the most complete record, then the record key"
)


def _has_value(column: pd.Series) -> pd.Series:
    """Not null, and not an empty list."""
    present = column.notna()
    if column.dtype == object:
        lengths = column.map(len, na_action="ignore") if present.any() else column
        is_list = column.map(lambda v: isinstance(v, list | tuple | np.ndarray), na_action="ignore")
        present &= ~(is_list.fillna(False).astype(bool) & (lengths == 0))
    return present


def rank_members(records: pd.DataFrame, own_feed: pd.Series) -> pd.DataFrame:
    """Records sorted best first within each cluster."""
    own = own_feed.reindex(records.index).fillna(False).astype(bool).to_numpy()
    return records.assign(_own=own).sort_values(
        ["cluster", "_own", "completeness", "source_id", "source_record_id"],
        ascending=[True, False, False, True, True],
        kind="stable",
    )


def merge_clusters(records: pd.DataFrame, own_feed: pd.Series) -> pd.DataFrame:
    """One row per cluster (indexed by cluster) with every grouped field and `source_count`.

    Single-record clusters, most of the catalogue, are copied without ranking.
    """
    sizes = records.groupby("cluster").size()
    single = records[records["cluster"].map(sizes).to_numpy() == 1].set_index("cluster")
    multi = rank_members(records[records["cluster"].map(sizes).to_numpy() > 1], own_feed)
    columns = [c for group in FIELD_GROUPS for c in group if c in records]
    if not len(multi):
        rows = single[columns].copy()
    else:
        merged = {}
        for group in FIELD_GROUPS:
            present = [c for c in group if c in multi]
            if not present:
                continue
            best = multi[_has_value(multi[present[0]])].drop_duplicates("cluster")
            best = best.set_index("cluster")
            merged.update({column: best[column] for column in present})
        clusters = pd.Index(multi["cluster"].unique(), name="cluster")
        merged_rows = pd.DataFrame({c: merged[c].reindex(clusters) for c in columns})
        rows = pd.concat([single[columns], merged_rows])
    rows["source_count"] = sizes.reindex(rows.index).astype("int32")
    return rows.sort_index()
