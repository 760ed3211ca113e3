"""Stable catalogue ids: a row keeps its `credential_id` across reruns, reordering, title edits
and new sources."""

from __future__ import annotations

import pandas as pd

from pipelines.lib.ids import stable_ids
from pipelines.lib.membership import is_in

_CLAIM_COLUMNS = ["cluster", "credential_id", "votes"]


def credential_ids(
    members: pd.DataFrame, previous_lineage: pd.DataFrame | None
) -> tuple[pd.Series, pd.DataFrame]:
    """A `credential_id` per cluster that survives reruns, reordering, title edits and new sources.

    `members` has source_id, source_record_id and cluster (one row per accepted record), and
    optionally `priority` (0 for the record a row's values come from first). A cluster keeps the
    id its records had in the last catalogue (`previous_lineage`): the id most of them had, then
    the id of its best-ranked record, then the smallest. When two clusters claim one id (a row
    split), the one with more claiming records keeps it. A cluster without a previous id gets
    one derived from its smallest record key, so that the same feeds in another order give the
    same ids.

    Returns the id per cluster and the previous ids that no cluster kept although some of their
    records are here (merged into the row now holding them): columns credential_id, merged_into.
    """
    keys = members["source_id"].astype("str") + "\x1f" + members["source_record_id"].astype("str")
    anchor = keys.groupby(members["cluster"].to_numpy()).min()
    claims = _claims(members, previous_lineage, anchor)
    ids = pd.Series(_kept_ids(claims), dtype="object").reindex(anchor.index)
    _derive_fresh_ids(ids, anchor)
    merged = claims.assign(merged_into=claims["cluster"].map(ids))
    merged = merged[~is_in(merged["credential_id"], ids.dropna())]
    merged = merged.sort_values("votes", ascending=False).drop_duplicates("credential_id")
    return ids, merged[["credential_id", "merged_into"]].reset_index(drop=True)


def _claims(
    members: pd.DataFrame, previous_lineage: pd.DataFrame | None, anchor: pd.Series
) -> pd.DataFrame:
    """Each (cluster, previous id) that records of the cluster had, with how many records
    (votes) and the best rank among them, strongest claim first."""
    if previous_lineage is None or not len(previous_lineage):
        return pd.DataFrame(columns=_CLAIM_COLUMNS)
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
    return claims.sort_values(
        ["votes", "best", "credential_id", "anchor"], ascending=[False, True, True, True]
    )


def _kept_ids(claims: pd.DataFrame) -> dict[int, str]:
    """Clusters that keep a previous id: uncontested claims at once, then the others in order
    of strength, each id and each cluster used once."""
    simple = claims[
        ~claims["cluster"].duplicated(keep=False) & ~claims["credential_id"].duplicated(keep=False)
    ]
    assigned = dict(zip(simple["cluster"].tolist(), simple["credential_id"].tolist(), strict=True))
    used = set(simple["credential_id"])
    contested = claims.loc[~claims.index.isin(simple.index), ["cluster", "credential_id"]]
    for cluster, credential_id in contested.itertuples(index=False):
        if cluster not in assigned and credential_id not in used:
            assigned[cluster] = credential_id
            used.add(credential_id)
    return assigned


def _derive_fresh_ids(ids: pd.Series, anchor: pd.Series) -> None:
    """Ids (in place) for clusters without one: from their smallest record key, salted in the
    rare case that the id is taken."""
    fresh = anchor.index[ids.isna()]
    if not len(fresh):
        return
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
