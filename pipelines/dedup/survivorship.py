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


def _has_value(column: pd.Series) -> np.ndarray:
    """Not null, and not an empty list."""
    present = column.notna().to_numpy().copy()
    if column.dtype == object and present.any():
        empty = column.map(lambda v: isinstance(v, list | tuple | np.ndarray) and len(v) == 0)
        present &= ~empty.fillna(False).to_numpy(dtype=bool)
    return present


RANK_COLUMNS = ["cluster", "completeness", "source_id", "source_record_id"]


def rank_members(records: pd.DataFrame, own_feed: pd.Series) -> pd.Index:
    """Index labels of `records`, best first within each cluster (sorted by cluster)."""
    own = own_feed.reindex(records.index).fillna(False).astype(bool).to_numpy()
    keys = pd.DataFrame(
        {
            "cluster": records["cluster"].to_numpy(),
            "own": own,
            "completeness": records["completeness"].to_numpy(),
            "source_id": records["source_id"].to_numpy(dtype=object),
            "source_record_id": records["source_record_id"].to_numpy(dtype=object),
        },
        index=records.index,
    )
    return keys.sort_values(
        ["cluster", "own", "completeness", "source_id", "source_record_id"],
        ascending=[True, False, False, True, True],
        kind="stable",
    ).index


def merge_clusters(
    records: pd.DataFrame, ranking: pd.Index, eligible: pd.Series | None = None
) -> pd.DataFrame:
    """One row per cluster (indexed by cluster) with every grouped field and `source_count`.

    `ranking` is `rank_members` of the records. Single-record clusters, most of the catalogue,
    are copied as they are; for the others only the chosen record's columns of each group are
    taken. `eligible` (by record, default all) says which records may give a field at all: a
    record whose source may not speak for the row's provider gives none, whatever its rank.
    """
    sizes = records.groupby("cluster").size()
    size = records["cluster"].map(sizes).to_numpy()
    columns = [c for group in FIELD_GROUPS for c in group if c in records]
    single = records.loc[size == 1, [*columns, "cluster"]].set_index("cluster")
    multi = records.loc[size > 1, [c for c in records.columns if c in (*columns, "cluster")]]
    if not len(multi):
        rows = single
    else:
        in_multi = pd.Series(size > 1, index=records.index)
        ranked = multi.loc[ranking[in_multi.reindex(ranking).to_numpy()]]
        clusters = ranked["cluster"].to_numpy()
        may_give = (
            np.ones(len(ranked), dtype=bool)
            if eligible is None
            else eligible.reindex(ranked.index).fillna(False).to_numpy(dtype=bool)
        )
        first_of_cluster = pd.unique(clusters)
        merged = {}
        for group in FIELD_GROUPS:
            present = [c for c in group if c in ranked]
            if not present:
                continue
            has = _has_value(ranked[present[0]]) & may_give
            # the first ranked row with the group's key value (without one: the best row)
            candidates = pd.Series(np.arange(len(ranked)))[has]
            best = candidates.groupby(clusters[has]).first()
            fallback = pd.Series(np.arange(len(ranked))).groupby(clusters).first()
            positions = best.reindex(first_of_cluster).fillna(fallback).astype(np.int64)
            chosen = ranked.iloc[positions.to_numpy()]
            for column in present:
                merged[column] = chosen[column].set_axis(pd.Index(first_of_cluster, name="cluster"))
        merged_rows = pd.DataFrame({c: merged[c] for c in columns})
        rows = pd.concat([single[columns], merged_rows])
    rows["source_count"] = sizes.reindex(rows.index).astype("int32")
    return rows.sort_index()
