"""Data-quality checks, shown beside their asset in the UI. schema_valid and nothing_lost_check
read the staged release and block its publication when they fail."""

from pathlib import Path

import pandas as pd
from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetIn,
    MetadataValue,
    asset_check,
    multi_asset_check,
)

from pipelines.catalogue.health import ERROR, OK, records_health, rejected_share_severity
from pipelines.defs import metadata as md
from pipelines.defs.catalogue.assets import RAW_FEEDS, STAGED, VALIDATED
from pipelines.defs.resources import CatalogueSettings
from pipelines.publish.release import StagedRelease, published_release, read_published, read_release
from pipelines.reading.sources import SourcesRead
from pipelines.validation.validate import ValidationResult, rejected_records, schema_failures
from schemas.records import catalogue_schema

MIN_MEAN_COMPLETENESS = 0.6


def nothing_lost(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Per source of the latest run: records read vs records in lineage + records rejected."""
    status = tables["feed_status"]
    latest = status[status["run_at"] == status["run_at"].max()]
    latest = latest[latest["status"].isin(["ok", "unchanged"])]
    lineage = tables["lineage"]
    in_lineage = lineage[lineage["active"]].groupby("source_id").size()
    in_rejects = rejected_records(tables["rejects"]).groupby("source_id").size()
    frame = latest[["source_id", "records_read"]].copy()
    frame["in_lineage"] = frame["source_id"].map(in_lineage).fillna(0).astype(int)
    frame["in_rejects"] = frame["source_id"].map(in_rejects).fillna(0).astype(int)
    frame["lost"] = frame["records_read"] - frame["in_lineage"] - frame["in_rejects"]
    return frame.reset_index(drop=True)


def _gate_description(passed: bool, what: str, staged: StagedRelease, directory: Path) -> str:
    """What a failed gate means for the catalogue, said truthfully."""
    if passed:
        return f"{what}: release {staged.name} may be published"
    return (
        f"{what}: release {staged.name} is not published; the published catalogue is still "
        f"{published_release(directory) or 'none'} (nothing changed for readers)"
    )


def schema_valid(staged: StagedRelease, directory: Path) -> AssetCheckResult:
    frame = read_release(staged.path, ["microcredentials"])["microcredentials"]
    failures = schema_failures(frame, catalogue_schema())
    passed = failures.empty
    what = "schema valid" if passed else f"{len(failures)} schema failures"
    return AssetCheckResult(
        check_name="schema_valid",
        passed=passed,
        description=_gate_description(passed, what, staged, directory),
        metadata={
            "rows": len(frame),
            "failures": len(failures),
            "sample": md.md_table(failures.head(20)),
        },
    )


def nothing_lost_check(staged: StagedRelease, directory: Path) -> AssetCheckResult:
    counts = nothing_lost(read_release(staged.path, ["feed_status", "lineage", "rejects"]))
    lost = counts[counts["lost"] != 0]
    passed = lost.empty
    what = "nothing lost" if passed else f"{int(lost['lost'].abs().sum())} records lost"
    return AssetCheckResult(
        check_name="nothing_lost_check",
        passed=passed,
        description=_gate_description(passed, what, staged, directory),
        metadata={
            "records_read": int(counts["records_read"].sum()),
            "records_lost": int(counts["lost"].abs().sum()),
            "sources_with_losses": md.md_table(lost),
        },
    )


GATE_CHECKS = {"schema_valid": schema_valid, "nothing_lost_check": nothing_lost_check}


@multi_asset_check(
    specs=[
        AssetCheckSpec(
            "schema_valid",
            asset=STAGED,
            blocking=True,
            description="The staged microcredentials table satisfies the canonical schema "
            "(blocks publication when it does not).",
        ),
        AssetCheckSpec(
            "nothing_lost_check",
            asset=STAGED,
            blocking=True,
            description="Every record read is in lineage or in rejects of the staged release "
            "(blocks publication when one is lost).",
        ),
    ],
    ins={"staged_release": AssetIn(key=STAGED)},
    can_subset=True,
)
def publication_gates(
    context: AssetCheckExecutionContext,
    settings: CatalogueSettings,
    staged_release: StagedRelease,
):
    """The gates of a staged release, in one step: Dagster orders the blocking checks of one
    asset by output name, and two separate checks would both be named `result`."""
    for key in context.selected_asset_check_keys:
        yield GATE_CHECKS[key.name](staged_release, settings.directory)


@asset_check(
    asset=STAGED,
    description=f"Mean completeness of the catalogue is at least {MIN_MEAN_COMPLETENESS:.0%} "
    "(a warning: incomplete records are kept, not rejected).",
)
def completeness_check(staged_release: StagedRelease) -> AssetCheckResult:
    frame = read_release(staged_release.path, ["microcredentials"])["microcredentials"]
    mean = float(frame["completeness"].mean()) if len(frame) else 0.0
    missing = frame["missing_elements"].explode().value_counts().head(10)
    by_provider = frame.groupby("provider_name")["completeness"].mean().sort_values().head(10)
    return AssetCheckResult(
        passed=mean >= MIN_MEAN_COMPLETENESS,
        severity=AssetCheckSeverity.WARN,
        description=f"mean completeness {mean:.0%}",
        metadata={
            "mean_completeness_percent": md.percent(mean),
            "most_missing_elements": md.md_table(
                missing.rename_axis("element").reset_index(name="rows")
            ),
            "least_complete_providers": md.md_table(
                by_provider.reset_index(), percent=("completeness",)
            ),
        },
    )


def _records_health(settings: CatalogueSettings, result: ValidationResult, feeds: SourcesRead):
    previous = read_published(settings.directory, ["rejects"]).get("rejects")
    return records_health(feeds.reads, result.rejects, previous, feeds.registry.health)


@asset_check(
    asset=VALIDATED,
    additional_ins={"raw_feeds": AssetIn(key=RAW_FEEDS)},
    description="Per source, the share of records rejected: WARN when a source's share reaches "
    "the registry's health.max_rejected_share; ERROR when health.records_lost_error_share of "
    "all records is rejected.",
)
def records_rejected_check(
    settings: CatalogueSettings, validated_records: ValidationResult, raw_feeds: SourcesRead
) -> AssetCheckResult:
    health = _records_health(settings, validated_records, raw_feeds)
    table = health.table
    severity = rejected_share_severity(table, raw_feeds.registry.health)
    return AssetCheckResult(
        passed=severity == OK,
        severity=AssetCheckSeverity.ERROR if severity == ERROR else AssetCheckSeverity.WARN,
        description=health.headline or "no record rejected",
        metadata={
            "headline": md.text(health.headline or "no record rejected"),
            "records_checked": int(table["records_checked"].sum()),
            "records_rejected": int(table["records_rejected"].sum()),
            "per_source": md.md_table(
                table[table["records_rejected"] > 0], percent=("share_rejected",)
            ),
        },
    )


@asset_check(
    asset=VALIDATED,
    additional_ins={"raw_feeds": AssetIn(key=RAW_FEEDS)},
    # blocking only orders it before publication (it compares with the catalogue published
    # before this run); a WARN never blocks
    blocking=True,
    description="Records rejected now that were not rejected in the last catalogue (by source "
    "and record id): WARN when there is one.",
)
def newly_rejected_check(
    settings: CatalogueSettings, validated_records: ValidationResult, raw_feeds: SourcesRead
) -> AssetCheckResult:
    table = _records_health(settings, validated_records, raw_feeds).table
    new = table[table["newly_rejected"] > 0]
    named = ", ".join(
        f"{s} ({n})" for s, n in zip(new["source"], new["newly_rejected"], strict=True)
    )
    return AssetCheckResult(
        passed=new.empty,
        severity=AssetCheckSeverity.WARN,
        description=f"{int(new['newly_rejected'].sum())} newly rejected: {named}"
        if named
        else None,
        metadata={
            "newly_rejected": int(table["newly_rejected"].sum()),
            "per_source": md.md_table(new[["source", "records_checked", "newly_rejected"]]),
            "compared_with": MetadataValue.text(
                published_release(settings.directory) or "no catalogue before"
            ),
        },
    )
