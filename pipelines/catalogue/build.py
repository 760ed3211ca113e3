"""From the sources read in a run to the catalogue's tables (plain functions, no Dagster)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pandas as pd

from pipelines.dedup.deduplicate import deduplicate
from pipelines.dedup.identity import credential_ids
from pipelines.dedup.survivorship import RANK_COLUMNS, RULES_DOC, merge_clusters, rank_members
from pipelines.history.history import apply_history
from pipelines.lib.membership import is_in
from pipelines.normalise.providers import ProviderIndex, awarding_provider_ids
from pipelines.normalise.records import normalise_records
from pipelines.normalise.voices import may_speak_for
from pipelines.validation.completeness import completeness
from pipelines.validation.validate import ValidationResult, problem_counts, validate_records
from schemas.canonical import COLUMN_NAMES, RECORD_KEYS, REPEAT_OF
from schemas.matching import COMPARISONS
from schemas.reads import SourceRead
from schemas.registry import Registry
from schemas.tables import CHANGES, FEED_STATUS, LINEAGE, MATCHES, PROVIDERS


@dataclass
class CatalogueTables:
    microcredentials: pd.DataFrame
    lineage: pd.DataFrame
    rejects: pd.DataFrame
    feed_status: pd.DataFrame
    providers: pd.DataFrame
    matches: pd.DataFrame
    changes: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return dict(self.__dict__)


def assemble_records(reads: list[SourceRead]) -> pd.DataFrame:
    """All sources' mapped records in one frame (with `source_id`), in registry order."""
    frames = [
        read.records.assign(source_id=read.source_id)
        for read in reads
        if read.records is not None and len(read.records)
    ]
    if not frames:
        return pd.DataFrame({key: pd.Series(dtype="object") for key in RECORD_KEYS})
    return pd.concat(frames, ignore_index=True)


def validate_sources(reads: list[SourceRead], registry: Registry) -> ValidationResult:
    """Normalise and validate every record read, all sources together."""
    records = assemble_records(reads)
    normalised, problems = normalise_records(records, registry)
    return validate_records(normalised, problems)


def build_catalogue(
    result: ValidationResult,
    reads: list[SourceRead],
    registry: Registry,
    run_at: datetime,
    previous: dict[str, pd.DataFrame] | None = None,
) -> CatalogueTables:
    """The run's tables: accepted records deduplicated into one row per micro-credential, with
    ids and history carried over from `previous` (the last published tables)."""
    previous = previous or {}
    run_ts = (
        pd.Timestamp(run_at).tz_convert("UTC")
        if pd.Timestamp(run_at).tzinfo
        else pd.Timestamp(run_at, tz="UTC")
    )
    records, repeats = _split_repeats(result.accepted)
    records["completeness"], _ = completeness(records)
    index = ProviderIndex(registry, registry.matching.provider_similarity)
    records["match_provider"] = awarding_provider_ids(records, index)
    dedup = deduplicate(records, registry.matching)
    records["cluster"] = dedup.cluster

    source_provider = {s.id: s.provider for s in registry.sources}
    own_feed = records["source_id"].map(source_provider) == records["match_provider"]
    ranking = rank_members(records[RANK_COLUMNS], own_feed)
    rows = merge_clusters(records, ranking, _speaks_for_row(records, ranking, registry))
    ranked_clusters = records["cluster"].reindex(ranking)
    records["priority"] = ranked_clusters.groupby(ranked_clusters.to_numpy()).cumcount()
    ids, merged = credential_ids(records, previous.get("lineage"))
    rows["credential_id"] = ids.reindex(rows.index).to_numpy()
    rows["completeness"], rows["missing_elements"] = completeness(rows)
    current = rows.reset_index(drop=True)
    for name in COLUMN_NAMES:
        if name not in current:
            current[name] = None
    history, changes = apply_history(
        current[list(COLUMN_NAMES)], previous.get("microcredentials"), run_ts, merged
    )
    microcredentials = history[list(COLUMN_NAMES)].sort_values("credential_id")
    microcredentials = microcredentials.reset_index(drop=True)
    before = previous.get("changes")
    if before is not None and len(before):
        changes = pd.concat([before[CHANGES.column_names], changes], ignore_index=True)

    records["credential_id"] = records["cluster"].map(ids)
    lineage = _lineage(records, dedup.matches, ranking, previous.get("lineage"), history)
    lineage = _with_repeats(lineage, repeats)
    feed_status = _feed_status(
        reads, lineage, result.rejects, run_ts, previous.get("feed_status"), registry
    )
    return CatalogueTables(
        microcredentials,
        lineage,
        result.rejects,
        feed_status,
        providers_table(registry, microcredentials),
        _matches(records, dedup.matches),
        changes,
    )


def _speaks_for_row(records: pd.DataFrame, ranking: pd.Index, registry: Registry) -> pd.Series:
    """Whether each record's source may speak for the provider of the row it is merged into
    (the provider of the cluster's best-ranked record): survivorship takes nothing from the
    others."""
    best = records.loc[ranking].drop_duplicates("cluster").set_index("cluster")
    row_provider = records["cluster"].map(best["provider_id"])
    row_country = records["cluster"].map(best["provider_country"])
    return may_speak_for(registry, records["source_id"], row_provider, row_country)


def _split_repeats(accepted: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The records to deduplicate, and the identical repeats folded into one of them."""
    repeat_of = accepted.get(REPEAT_OF)
    if repeat_of is None:
        return accepted.reset_index(drop=True), accepted.iloc[:0]
    folded = repeat_of.notna()
    return accepted[~folded].reset_index(drop=True), accepted[folded]


def _with_repeats(lineage: pd.DataFrame, repeats: pd.DataFrame) -> pd.DataFrame:
    """Lineage rows for folded repeats: the row of the record they repeat, and why."""
    if repeats.empty:
        return lineage
    first = lineage[lineage["active"]].set_index(["source_id", "record_index"])["credential_id"]
    of = pd.MultiIndex.from_arrays([repeats["source_id"], repeats[REPEAT_OF].astype("int64")])
    rows = repeats[list(RECORD_KEYS)].assign(
        credential_id=first.reindex(of).to_numpy(),
        merge_reason="repeat of record #"
        + (repeats[REPEAT_OF].astype("int64") + 1).astype("str").to_numpy()
        + " in this feed (same id; it says nothing that record does not): folded into it",
        active=True,
    )
    lineage = pd.concat([lineage, rows[LINEAGE.column_names]], ignore_index=True)
    return lineage.sort_values(["source_id", "record_index"]).reset_index(drop=True)


def _evidence(matches: pd.DataFrame) -> pd.Series:
    """'weight 14: title equal, ects equal, …' for each pair."""
    text = "weight " + matches["weight"].map("{:g}".format) + ": title " + matches["title"]
    for comparison in COMPARISONS:
        level = matches[comparison.name]
        quiet = [lv.name for lv in comparison.levels if not lv.shown]
        text = text + ("; " + comparison.name + " " + level).where(~level.isin(quiet), "")
    return text


def _lineage(
    records: pd.DataFrame,
    matches: pd.DataFrame,
    ranking: pd.Index,
    previous: pd.DataFrame | None,
    history: pd.DataFrame,
) -> pd.DataFrame:
    """Every record of this run and its row, with why it is there; records of withdrawn rows
    are kept from the previous lineage, inactive. `ranking` is `rank_members` of the records."""
    lineage = records[["credential_id", *RECORD_KEYS]].copy()
    sizes = records.groupby("cluster")["cluster"].transform("size")
    best_first = records.loc[ranking, "cluster"].drop_duplicates().index
    survivor = best_first[sizes[best_first].to_numpy() > 1]
    reason = pd.Series("own record", index=records.index, dtype="object")
    reason[sizes > 1] = "merged"
    merged_pairs = matches[matches["matched"] & matches["merged"]]
    if len(merged_pairs):
        both = pd.concat(
            [
                merged_pairs.assign(row=merged_pairs["left_row"], other=merged_pairs["right_row"]),
                merged_pairs.assign(row=merged_pairs["right_row"], other=merged_pairs["left_row"]),
            ]
        ).sort_values(["row", "weight", "other"], ascending=[True, False, True])
        best = both.drop_duplicates("row").set_index("row")
        other = records.loc[best["other"], ["source_id", "source_record_id"]]
        described = (
            "matched "
            + other["source_id"].to_numpy()
            + ":"
            + other["source_record_id"].astype("str").to_numpy()
            + " ("
            + _evidence(best).to_numpy()
            + ")"
        )
        reason[best.index] = described
    reason[survivor] = "survivor (" + RULES_DOC + ")"
    lineage["merge_reason"] = reason
    lineage["active"] = True
    if previous is not None and len(previous):
        withdrawn = history.loc[history["status"] == "withdrawn", "credential_id"]
        kept = previous[is_in(previous["credential_id"], withdrawn)].assign(active=False)
        lineage = pd.concat([lineage, kept[LINEAGE.column_names]], ignore_index=True)
    return lineage.sort_values(["source_id", "record_index"]).reset_index(drop=True)


def _matches(records: pd.DataFrame, matches: pd.DataFrame) -> pd.DataFrame:
    left = records.loc[matches["left_row"], ["source_id", "source_record_id", "credential_id"]]
    right = records.loc[matches["right_row"], ["source_id", "source_record_id"]]
    frame = matches.assign(
        credential_id=left["credential_id"].where(matches["merged"].to_numpy(), None).to_numpy(),
        left_source_id=left["source_id"].to_numpy(),
        left_source_record_id=left["source_record_id"].to_numpy(),
        right_source_id=right["source_id"].to_numpy(),
        right_source_record_id=right["source_record_id"].to_numpy(),
    )
    return (
        frame[MATCHES.column_names]
        .sort_values(
            ["left_source_id", "left_source_record_id", "right_source_id", "right_source_record_id"]
        )
        .reset_index(drop=True)
    )


def _feed_status(
    reads: list[SourceRead],
    lineage: pd.DataFrame,
    rejects: pd.DataFrame,
    run_at: pd.Timestamp,
    history: pd.DataFrame | None,
    registry: Registry,
) -> pd.DataFrame:
    accepted = lineage.groupby("source_id").size()
    problems = problem_counts(rejects)
    current = pd.DataFrame(
        {
            "source_id": [r.source_id for r in reads],
            "run_at": run_at,
            "status": [r.status for r in reads],
            "records_read": [r.records_read for r in reads],
            "error": [r.error for r in reads],
            "stale": [r.stale for r in reads],
            "warnings": ["; ".join(r.warnings) or None for r in reads],
            "pages": [r.pages for r in reads],
            "bytes_read": [r.bytes_read for r in reads],
            "seconds": [round(r.seconds, 3) for r in reads],
        }
    )
    current["records_accepted"] = current["source_id"].map(accepted).fillna(0).astype("int64")
    for column in ("records_rejected", "values_dropped"):
        counted = current["source_id"].map(problems[column]).fillna(0)
        current[column] = counted.astype("int64")
    current["warnings"] = _health_warnings(current, registry.health.max_rejected_share)
    current["records_read"] = current["records_read"].astype("int64")
    current = current[FEED_STATUS.column_names]
    if history is not None and len(history):
        current = pd.concat([history[FEED_STATUS.column_names], current], ignore_index=True)
    return current


def _health_warnings(status: pd.DataFrame, max_rejected_share: float) -> pd.Series:
    """The sources' warnings, with one added for a source read whose records are mostly
    rejected (it is not plainly `ok`)."""
    read = status["records_read"]
    share = status["records_rejected"] / read.where(read > 0)
    mostly = status["status"].isin(["ok", "unchanged"]) & (share >= max_rejected_share)
    note = (
        status["records_rejected"].astype("str")
        + " of "
        + read.astype("str")
        + " records rejected ("
        + (share * 100).round().astype("Int64").astype("str")
        + "%, the registry's health.max_rejected_share is "
        + f"{max_rejected_share:.0%})"
    )
    warnings = status["warnings"].astype("object")
    joined = (warnings.fillna("") + "; " + note).str.lstrip("; ")
    return warnings.where(~mostly, joined)


def providers_table(registry: Registry, microcredentials: pd.DataFrame) -> pd.DataFrame:
    """The registry's providers, then those the catalogue names that the registry lacks."""
    registered = pd.DataFrame(
        {
            "provider_id": [p.id for p in registry.providers],
            "registered": True,
            "name": [p.name for p in registry.providers],
            "country": [p.country for p in registry.providers],
            "trusted": [p.trusted for p in registry.providers],
            "aliases": [list(p.aliases) for p in registry.providers],
            "schac": [p.identifiers.schac for p in registry.providers],
            "erasmus": [p.identifiers.erasmus for p in registry.providers],
            "deqar": [p.identifiers.deqar for p in registry.providers],
        }
    )
    named = microcredentials[["provider_id", "provider_name", "provider_country"]].dropna(
        subset=["provider_id"]
    )
    others = (
        named[~named["provider_id"].isin(registered["provider_id"])]
        .sort_values(["provider_id", "provider_name"])
        .drop_duplicates("provider_id")
        .rename(columns={"provider_name": "name", "provider_country": "country"})
        .assign(registered=False, trusted=False, schac=None, erasmus=None, deqar=None)
    )
    others["aliases"] = [[] for _ in range(len(others))]
    return pd.concat([registered, others[PROVIDERS.column_names]], ignore_index=True)
