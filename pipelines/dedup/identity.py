"""Stable catalogue ids: a row keeps its `credential_id` across reruns, reordering, title edits
and new sources."""

from __future__ import annotations

import pandas as pd

from pipelines.lib.ids import stable_ids


def credential_ids(
    members: pd.DataFrame, previous_lineage: pd.DataFrame | None
) -> tuple[pd.Series, pd.DataFrame]:
    """A `credential_id` per cluster that survives reruns, reordering, title edits and new sources.

    `members` has source_id, source_record_id and cluster (one row per accepted record), and
    optionally `priority` (0 for the record a row's values come from first). A cluster keeps the
    id its records had in the last catalogue (`previous_lineage`): the id most of them had, then
    the id of its best-ranked record, then the smallest. When two clusters claim one id (a row
    split), the one with more claiming records keeps it. A cluster without a previous id gets one derived from its
    smallest record key, so that the same feeds in another order give the same ids.

    Returns the id per cluster and the previous ids that no cluster kept although some of their
    records are here (merged into the row now holding them): columns credential_id, merged_into.
    """
    keys = members["source_id"].astype("str") + "\x1f" + members["source_record_id"].astype("str")
    anchor = keys.groupby(members["cluster"].to_numpy()).min()
    assigned: dict[int, str] = {}
    claims = pd.DataFrame(columns=["cluster", "credential_id", "votes"])
    if previous_lineage is not None and len(previous_lineage):
        before = previous_lineage.drop_duplicates(["source_id", "source_record_id"])
        columns = ["source_id", "source_record_id", "cluster"]
        ranked = members.assign(priority=members.get("priority", 0))[[*columns, "priority"]]
        known = ranked.merge(
            before[["source_id", "source_record_id", "credential_id"]],
            on=["source_id", "source_record_id"],
            how="inner",
        )
        claims = (
            known.groupby(["cluster", "credential_id"])
            .agg(votes=("priority", "size"), best=("priority", "min"))
            .reset_index()
        )
        claims["anchor"] = claims["cluster"].map(anchor)
        claims = claims.sort_values(
            ["votes", "best", "credential_id", "anchor"], ascending=[False, True, True, True]
        )
        simple = claims[
            ~claims["cluster"].duplicated(keep=False)
            & ~claims["credential_id"].duplicated(keep=False)
        ]
        assigned.update(
            zip(simple["cluster"].tolist(), simple["credential_id"].tolist(), strict=True)
        )
        used = set(simple["credential_id"])
        for cluster, credential_id in claims.loc[
            ~claims.index.isin(simple.index), ["cluster", "credential_id"]
        ].itertuples(index=False):
            if cluster not in assigned and credential_id not in used:
                assigned[cluster] = credential_id
                used.add(credential_id)
    ids = pd.Series(assigned, dtype="object").reindex(anchor.index)
    fresh = anchor.index[ids.isna()]
    if len(fresh):
        parts = anchor.loc[fresh].str.split("\x1f", n=1, expand=True)
        derived = stable_ids([parts[0], parts[1]], prefix="mc-")
        taken = set(ids.dropna())
        clash = derived.isin(taken) | derived.duplicated()
        ids[derived.index[~clash]] = derived[~clash]
        taken.update(derived[~clash])
        for cluster in derived.index[clash]:
            salt, credential_id = 0, derived[cluster]
            while credential_id in taken:
                salt += 1
                credential_id = stable_ids(
                    [pd.Series([anchor[cluster]]), pd.Series([str(salt)])], prefix="mc-"
                ).iloc[0]
            taken.add(credential_id)
            ids[cluster] = credential_id
    merged = claims.assign(merged_into=claims["cluster"].map(ids))
    merged = merged[~merged["credential_id"].isin(set(ids))]
    merged = merged.sort_values("votes", ascending=False).drop_duplicates("credential_id")
    return ids, merged[["credential_id", "merged_into"]].reset_index(drop=True)
