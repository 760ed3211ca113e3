"""The catalogue's memory between runs: first_seen, last_seen, withdrawn rows and `changes`.

A micro-credential no longer published by any source that was read is `withdrawn`, not deleted:
the framework asks that information on micro-credentials no longer awarded stays available. A
source that failed, or that was held for losing too many records, still provides its last good
records, so it withdraws nothing.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.lib.membership import is_in
from schemas.canonical import LIST_FIELDS

#: Fields whose change is reported in `changes` (what describes the micro-credential).
TRACKED_FIELDS = (
    "title",
    "title_language",
    "description",
    "url",
    "provider_id",
    "provider_name",
    "provider_country",
    "awarding_body_name",
    "awarding_body_country",
    "learning_outcomes",
    "ects",
    "workload_hours",
    "assessment_type",
    "quality_assurance",
    "nqf_framework",
    "nqf_level",
    "eqf_level",
    "isced_f_code",
    "sqf",
    "participation_form",
    "access_requirements",
    "languages",
    "start_date",
    "end_date",
    "expiry",
    "price_amount",
    "price_currency",
    "stackable_into",
    "source_count",
)

CHANGE_COLUMNS = ("run_at", "credential_id", "change", "fields", "merged_into", "title")


def _comparable(column: pd.Series, is_list: bool) -> np.ndarray:
    """Values that compare with ==: numbers as floats, dates and lists as text, nulls as one
    marker (a list compares by its items)."""
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        return column.astype("float64").fillna(np.inf).to_numpy()
    if isinstance(column.dtype, pd.DatetimeTZDtype) or pd.api.types.is_datetime64_any_dtype(column):
        return column.astype("str").where(column.notna(), "\x00").to_numpy(dtype=object)
    if is_list:
        lists = pa.array(
            column.to_numpy(dtype=object), type=pa.list_(pa.string()), from_pandas=True
        )
        text = pc.binary_join(lists, "\x1f").to_numpy(zero_copy_only=False)
        return np.where(pd.isna(text), "\x00", text).astype(object)
    values = column.astype("object")
    return values.where(values.notna(), "\x00").to_numpy(dtype=object)


def changed_fields(before: pd.DataFrame, after: pd.DataFrame) -> pd.Series:
    """For rows (same index) in both frames, the tracked fields whose value differs."""
    differs = pd.DataFrame(index=after.index)
    for field in TRACKED_FIELDS:
        if field in before and field in after:
            is_list = field in LIST_FIELDS
            differs[field] = _comparable(before[field], is_list) != _comparable(
                after[field], is_list
            )
    names = np.array(differs.columns, dtype=object)
    matrix = differs.to_numpy(dtype=bool)
    result = pd.Series([[] for _ in range(len(after))], index=after.index, dtype="object")
    some = np.flatnonzero(matrix.any(axis=1))
    result.iloc[some] = pd.Series([list(names[matrix[i]]) for i in some], dtype="object").to_numpy()
    return result


def apply_history(
    current: pd.DataFrame,
    previous: pd.DataFrame | None,
    run_at: pd.Timestamp,
    merged: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The rows of this run with their history, and this run's `changes`.

    `current` has one row per micro-credential found in this run (credential_id set);
    `previous` is the last published `microcredentials`; `merged` lists previous ids whose
    records now belong to another row (credential_id, merged_into).
    """
    rows = current.copy()
    rows["status"] = "active"
    rows["last_seen"] = run_at
    rows["first_seen"] = run_at
    if previous is None or not len(previous):
        added = rows[["credential_id", "title"]].assign(change="added")
        return rows, _changes(added, run_at)

    before = previous.set_index("credential_id")
    known = is_in(rows["credential_id"], before.index)
    first = rows["credential_id"].map(before["first_seen"])
    rows["first_seen"] = first.where(first.notna(), run_at)

    old = before.loc[rows.loc[known, "credential_id"]]
    new = rows[known].set_index("credential_id")
    fields = changed_fields(old, new)
    was_withdrawn = old["status"].to_numpy() == "withdrawn"
    changed = new[(fields.str.len() > 0).to_numpy() & ~was_withdrawn]
    reactivated = new[was_withdrawn]

    gone = before[
        ~is_in(before.index, rows["credential_id"]) & ~is_in(before.index, merged["credential_id"])
    ]
    withdrawn = gone.assign(status="withdrawn")
    newly_withdrawn = gone[gone["status"] != "withdrawn"]
    events = [
        rows.loc[~known, ["credential_id", "title"]].assign(change="added"),
        changed.reset_index()[["credential_id", "title"]].assign(
            change="changed", fields=fields[changed.index].to_numpy()
        ),
        reactivated.reset_index()[["credential_id", "title"]].assign(change="reactivated"),
        newly_withdrawn.reset_index()[["credential_id", "title"]].assign(change="withdrawn"),
        merged.assign(change="merged", title=merged["credential_id"].map(before["title"])),
    ]
    history = pd.concat([rows, withdrawn.reset_index()[rows.columns]], ignore_index=True)
    happened = [e for e in events if len(e)]
    table = pd.concat(happened, ignore_index=True) if happened else pd.DataFrame()
    return history, _changes(table, run_at)


def _changes(events: pd.DataFrame, run_at: pd.Timestamp) -> pd.DataFrame:
    frame = events.copy()
    for column in CHANGE_COLUMNS:
        if column not in frame:
            frame[column] = None
    frame["run_at"] = run_at
    frame["fields"] = frame["fields"].map(
        lambda v: v if isinstance(v, list) else [], na_action=None
    )
    return (
        frame[list(CHANGE_COLUMNS)].sort_values(["change", "credential_id"]).reset_index(drop=True)
    )
