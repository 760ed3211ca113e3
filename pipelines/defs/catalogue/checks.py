"""Data-quality checks on the published catalogue, shown beside the asset in the UI."""

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, MetadataValue, asset_check

from pipelines.defs.catalogue.assets import parquet_release
from pipelines.defs.resources import CatalogueSettings
from pipelines.lib.safe_text import markdown_table
from pipelines.publish.release import read_published
from pipelines.validation.validate import rejected_records, schema_failures
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


@asset_check(
    asset=parquet_release,
    description="The published microcredentials table satisfies the canonical schema.",
)
def schema_valid(settings: CatalogueSettings) -> AssetCheckResult:
    frame = read_published(settings.directory, ["microcredentials"])["microcredentials"]
    failures = schema_failures(frame, catalogue_schema())
    return AssetCheckResult(
        passed=failures.empty,
        metadata={
            "rows": len(frame),
            "failures": len(failures),
            "sample": MetadataValue.md(markdown_table(failures.head(20))),
        },
    )


@asset_check(asset=parquet_release, description="Every record read is in lineage or in rejects.")
def nothing_lost_check(settings: CatalogueSettings) -> AssetCheckResult:
    counts = nothing_lost(read_published(settings.directory, ["feed_status", "lineage", "rejects"]))
    lost = counts[counts["lost"] != 0]
    return AssetCheckResult(
        passed=lost.empty,
        metadata={
            "records_read": int(counts["records_read"].sum()),
            "records_lost": int(counts["lost"].abs().sum()),
            "sources_with_losses": MetadataValue.md(markdown_table(lost)),
        },
    )


@asset_check(
    asset=parquet_release,
    description=f"Mean completeness of the catalogue is at least {MIN_MEAN_COMPLETENESS:.0%} "
    "(a warning: incomplete records are kept, not rejected).",
)
def completeness_check(settings: CatalogueSettings) -> AssetCheckResult:
    frame = read_published(settings.directory, ["microcredentials"])["microcredentials"]
    mean = float(frame["completeness"].mean()) if len(frame) else 0.0
    missing = frame["missing_elements"].explode().value_counts().head(10)
    by_provider = frame.groupby("provider_name")["completeness"].mean().sort_values().head(10)
    return AssetCheckResult(
        passed=mean >= MIN_MEAN_COMPLETENESS,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "mean_completeness": mean,
            "most_missing_elements": MetadataValue.md(markdown_table(missing.reset_index())),
            "least_complete_providers": MetadataValue.md(markdown_table(by_provider.reset_index())),
        },
    )


def _latest_feed_status(settings: CatalogueSettings) -> pd.DataFrame:
    status = read_published(settings.directory, ["feed_status"])["feed_status"]
    return status[status["run_at"] == status["run_at"].max()]


@asset_check(
    asset=parquet_release,
    description="Every source was read in the latest run and is healthy (a warning: failed "
    "sources keep their last good records, marked stale; a source read with no records, or "
    "with most of them rejected, is named with why).",
)
def sources_read_check(settings: CatalogueSettings) -> AssetCheckResult:
    latest = _latest_feed_status(settings)
    failed = latest[latest["status"] == "failed"][["source_id", "stale", "error"]]
    read = latest[latest["status"].isin(["ok", "unchanged"])]
    degraded = read[read["warnings"].notna()][
        ["source_id", "records_read", "records_rejected", "warnings"]
    ]
    names = [*failed["source_id"], *degraded["source_id"]]
    return AssetCheckResult(
        passed=not names,
        severity=AssetCheckSeverity.WARN,
        description=f"not healthy: {', '.join(names)}" if names else None,
        metadata={
            "sources": len(latest),
            "failed": len(failed),
            "stale": int(failed["stale"].sum()),
            "with_warnings": len(degraded),
            "failed_sources": MetadataValue.md(markdown_table(failed)),
            "sources_with_warnings": MetadataValue.md(markdown_table(degraded)),
        },
    )


@asset_check(
    asset=parquet_release,
    description="No source is held in the latest run (a warning: a source that suddenly lost "
    "more than the registry's history.max_drop_share of its records keeps its last good records "
    "until an operator runs `python -m pipelines confirm-drop SOURCE`).",
)
def sources_held_check(settings: CatalogueSettings) -> AssetCheckResult:
    latest = _latest_feed_status(settings)
    held = latest[latest["status"] == "held"][["source_id", "records_read", "error"]]
    return AssetCheckResult(
        passed=held.empty,
        severity=AssetCheckSeverity.WARN,
        metadata={
            "held": len(held),
            "held_sources": MetadataValue.md(markdown_table(held)),
        },
    )
