"""Validated records, the published catalogue (Parquet) and its DuckDB database."""

from datetime import UTC, datetime

import pandas as pd
from dagster import (
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)

from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.catalogue.coverage import COVERED, code_coverage
from pipelines.defs.resources import CatalogueSettings
from pipelines.lib.safe_text import markdown_table
from pipelines.publish.database import build_duckdb
from pipelines.publish.release import publish_release, read_published, write_release
from pipelines.reading.sources import SourcesRead
from pipelines.validation.validate import ValidationResult, problem_counts, rejected_records
from schemas.reads import SourceRead

RAW_FEEDS = AssetKey(["feeds", "raw_feeds"])


def _per_source(reads: list[SourceRead], result: ValidationResult) -> pd.DataFrame:
    accepted = result.accepted.groupby("source_id").size()
    problems = problem_counts(result.rejects)
    frame = pd.DataFrame(
        {
            "source": [r.source_id for r in reads],
            "status": [r.status + (" (stale)" if r.stale else "") for r in reads],
            "read": [r.records_read for r in reads],
        }
    )
    frame["accepted"] = frame["source"].map(accepted).fillna(0).astype(int)
    frame["records_rejected"] = frame["source"].map(problems["records_rejected"]).fillna(0)
    frame["values_dropped"] = frame["source"].map(problems["values_dropped"]).fillna(0)
    frame[["records_rejected", "values_dropped"]] = frame[
        ["records_rejected", "values_dropped"]
    ].astype(int)
    return frame


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    ins={"raw_feeds": AssetIn(key=RAW_FEEDS)},
    description="Every record read, normalised and checked against the canonical schema (pandera, "
    "lazy): accepted records and rejects with source, record, field, reason and value.",
)
def validated_records(
    context: AssetExecutionContext, raw_feeds: SourcesRead
) -> Output[ValidationResult]:
    result = validate_sources(raw_feeds.reads, raw_feeds.registry)
    per_source = _per_source(raw_feeds.reads, result)
    top_reasons = (
        result.rejects.groupby(["field", "reason"]).size().sort_values(ascending=False).head(15)
    )
    return Output(
        result,
        metadata={
            "records_accepted": len(result.accepted),
            "records_rejected": len(rejected_records(result.rejects)),
            "values_dropped": int(problem_counts(result.rejects)["values_dropped"].sum()),
            "per_source": MetadataValue.md(markdown_table(per_source)),
            "top_reject_reasons": MetadataValue.md(
                markdown_table(top_reasons.reset_index(name="records"))
            ),
            "rejects_preview": MetadataValue.md(markdown_table(result.rejects.head(20))),
        },
    )


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    ins={
        "raw_feeds": AssetIn(key=RAW_FEEDS),
        "validated_records": AssetIn(key=AssetKey(["catalogue", "validated_records"])),
    },
    description="The catalogue tables (microcredentials partitioned by provider_country, lineage, "
    "rejects, feed_status, providers, matches, changes) written as a Parquet release and "
    "published atomically. Duplicates are merged into one row per micro-credential.",
)
def parquet_release(
    context: AssetExecutionContext,
    settings: CatalogueSettings,
    raw_feeds: SourcesRead,
    validated_records: ValidationResult,
) -> MaterializeResult:
    run_at = datetime.now(UTC)
    directory = settings.directory
    tables = build_catalogue(
        validated_records,
        raw_feeds.reads,
        raw_feeds.registry,
        run_at,
        read_published(directory, ["microcredentials", "feed_status", "lineage", "changes"]),
    )
    release = write_release(
        tables.as_dict(), directory, f"{run_at:%Y%m%dT%H%M%S%fZ}-{context.run_id[:8]}"
    )
    publish_release(directory, release)
    mc = tables.microcredentials
    run_changes = tables.changes[tables.changes["run_at"] == tables.changes["run_at"].max()]
    preview = mc[
        [
            "credential_id",
            "title",
            "provider_name",
            "provider_country",
            "ects",
            "eqf_level",
            "participation_form",
            "completeness",
        ]
    ].head(10)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(directory / "parquet")),
            "release": release.name,
            "microcredentials": len(mc),
            "active": int((mc["status"] == "active").sum()),
            "withdrawn": int((mc["status"] == "withdrawn").sum()),
            "records_merged": int((mc["source_count"] - 1).clip(lower=0).sum()),
            "pairs_matched": int(tables.matches["matched"].sum()),
            "changes_this_run": MetadataValue.md(
                markdown_table(run_changes.groupby("change").size().reset_index(name="rows"))
            ),
            "rejects": len(tables.rejects),
            "countries": MetadataValue.md(
                markdown_table(mc.groupby("provider_country").size().reset_index(name="rows"))
            ),
            "mean_completeness": float(mc["completeness"].mean()) if len(mc) else 0.0,
            "preview": MetadataValue.md(markdown_table(preview)),
        }
    )


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    deps=[parquet_release],
    description="catalogue.duckdb: the published tables with table and column comments, swapped in atomically.",
)
def duckdb_database(settings: CatalogueSettings) -> MaterializeResult:
    path = build_duckdb(settings.directory)
    return MaterializeResult(metadata={"path": MetadataValue.path(str(path))})


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    ins={"validated_records": AssetIn(key=AssetKey(["catalogue", "validated_records"]))},
    description="Code coverage of the run: per source, the share of accepted records with an EQF "
    "level, an ISCED-F code and ECTS, given by the provider or derived by the pipeline.",
)
def code_coverage_report(validated_records: ValidationResult) -> MaterializeResult:
    coverage = code_coverage(validated_records.accepted)
    overall = {
        f"share_{name}": float(validated_records.accepted[col].notna().mean())
        if len(validated_records.accepted)
        else 0.0
        for name, col in COVERED.items()
    }
    return MaterializeResult(
        metadata={**overall, "per_source": MetadataValue.md(markdown_table(coverage))}
    )
