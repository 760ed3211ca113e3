"""Validated records, the staged release, the published catalogue (Parquet) and its DuckDB
database. The release is written first and published only once its blocking checks pass."""

from datetime import UTC, datetime, timedelta

import pandas as pd
from dagster import (
    AssetCheckKey,
    AssetExecutionContext,
    AssetIn,
    AssetKey,
    Failure,
    FreshnessPolicy,
    MaterializeResult,
    MetadataValue,
    Output,
    asset,
)

from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.catalogue.coverage import COVERED, code_coverage
from pipelines.catalogue.health import records_health, worse
from pipelines.defs import metadata as md
from pipelines.defs import runs
from pipelines.defs.feeds.assets import OWNERS
from pipelines.defs.resources import CatalogueSettings
from pipelines.publish.database import build_duckdb, table_row_counts
from pipelines.publish.release import (
    StagedRelease,
    publish_release,
    published_release,
    read_published,
    write_release,
)
from pipelines.reading.sources import SourcesRead
from pipelines.validation.validate import ValidationResult, problem_counts, rejected_records
from schemas.tables import MICROCREDENTIALS

RAW_FEEDS = AssetKey(["feeds", "raw_feeds"])
VALIDATED = AssetKey(["catalogue", "validated_records"])
STAGED = AssetKey(["catalogue", "staged_release"])
#: The checks a staged release must pass before it is published.
GATES = ("schema_valid", "nothing_lost_check")
TABLES_VERSION = md.tables_code_version()


def _reject_reasons(rejects: pd.DataFrame) -> pd.DataFrame:
    """Problems per source, field, reason and severity, the most frequent first."""
    counts = rejects.groupby(["source_id", "field", "reason", "severity"]).size()
    frame = counts.reset_index(name="problems").rename(columns={"source_id": "source"})
    return frame.sort_values(["problems", "source"], ascending=[False, True]).head(20)


def validated_metadata(result: ValidationResult, health) -> dict:
    per_source = health.table.copy()
    accepted = result.accepted.groupby("source_id").size()
    dropped = problem_counts(result.rejects)["values_dropped"]
    per_source["accepted"] = per_source["source"].map(accepted).fillna(0).astype(int)
    per_source["values_dropped"] = per_source["source"].map(dropped).fillna(0).astype(int)
    return {
        "headline": md.text(health.headline or "no record rejected"),
        "health": health.severity,
        "records_accepted": len(result.accepted),
        "records_rejected": len(rejected_records(result.rejects)),
        "values_dropped": int(dropped.sum()),
        "per_source": md.md_table(per_source, percent=("share_rejected",)),
        "reject_reasons": md.md_table(_reject_reasons(result.rejects)),
        "rejects_preview": md.md_table(result.rejects.head(20)),
    }


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    ins={"raw_feeds": AssetIn(key=RAW_FEEDS)},
    kinds={"pandas", "parquet"},
    owners=OWNERS,
    tags={"stage": "validate"},
    code_version="2",
    description="Every record read, normalised and checked against the canonical schema (pandera, "
    "lazy): accepted records and rejects with source, record, field, reason and value.",
)
def validated_records(
    context: AssetExecutionContext, settings: CatalogueSettings, raw_feeds: SourcesRead
) -> Output[ValidationResult]:
    result = validate_sources(raw_feeds.reads, raw_feeds.registry)
    previous = read_published(settings.directory, ["rejects"]).get("rejects")
    health = records_health(raw_feeds.reads, result.rejects, previous, raw_feeds.registry.health)
    feeds = context.instance.get_run_by_id(context.run_id).tags.get(runs.HEALTH, "ok")
    worst = worse(feeds, health.severity)
    runs.tag_run(
        context,
        {runs.RECORDS_REJECTED: len(rejected_records(result.rejects)), runs.HEALTH: worst},
    )
    return Output(result, metadata=validated_metadata(result, health))


def _changes_this_run(changes: pd.DataFrame, run_at: datetime) -> MetadataValue:
    this_run = changes[changes["run_at"] == pd.Timestamp(run_at)]
    counts = this_run.groupby("change").size().reset_index(name="rows")
    return md.md_table(counts) if len(counts) else MetadataValue.md("no change")


def staged_metadata(tables, run_at: datetime, release: str) -> dict:
    mc = tables.microcredentials
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
    return {
        "release": release,
        "microcredentials": len(mc),
        "active": int((mc["status"] == "active").sum()),
        "withdrawn": int((mc["status"] == "withdrawn").sum()),
        "records_merged": int((mc["source_count"] - 1).clip(lower=0).sum()),
        "pairs_matched": int(tables.matches["matched"].sum()),
        "changes_this_run": _changes_this_run(tables.changes, run_at),
        "records_rejected": len(rejected_records(tables.rejects)),
        "problems_in_rejects": len(tables.rejects),
        "countries": md.md_table(
            mc.groupby("provider_country", dropna=False).size().reset_index(name="rows")
        ),
        "mean_completeness_percent": md.percent(mc["completeness"].mean() if len(mc) else None),
        "preview": md.md_table(preview),
    }


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    ins={"raw_feeds": AssetIn(key=RAW_FEEDS), "validated_records": AssetIn(key=VALIDATED)},
    kinds={"pandas", "parquet"},
    owners=OWNERS,
    tags={"stage": "build"},
    code_version=TABLES_VERSION,
    description="The catalogue tables of the run (microcredentials, lineage, rejects, feed_status, "
    "providers, matches, changes) written as a Parquet release under releases/, not yet "
    "published: schema_valid and nothing_lost_check read it first. Duplicates are merged into "
    "one row per micro-credential.",
)
def staged_release(
    context: AssetExecutionContext,
    settings: CatalogueSettings,
    raw_feeds: SourcesRead,
    validated_records: ValidationResult,
) -> Output[StagedRelease]:
    run_at = datetime.now(UTC)
    directory = settings.directory
    tables = build_catalogue(
        validated_records,
        raw_feeds.reads,
        raw_feeds.registry,
        run_at,
        read_published(directory, ["microcredentials", "feed_status", "lineage", "changes"]),
    )
    path = write_release(
        tables.as_dict(), directory, f"{run_at:%Y%m%dT%H%M%S%fZ}-{context.run_id[:8]}"
    )
    return Output(StagedRelease(path, run_at), metadata=staged_metadata(tables, run_at, path.name))


def _gates_passed_on(context: AssetExecutionContext, staged: StagedRelease) -> list[str]:
    """The gates that did not pass on the latest staged release (materialising the published
    catalogue alone must not publish a release its checks refused)."""
    staged_event = context.instance.get_latest_materialization_event(STAGED)
    records = context.instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [AssetCheckKey(STAGED, name) for name in GATES]
    )
    missing = []
    for name in GATES:
        record = records.get(AssetCheckKey(STAGED, name))
        evaluation = record.event.asset_check_evaluation if record and record.event else None
        target = evaluation.target_materialization_data if evaluation else None
        if not (
            evaluation
            and evaluation.passed
            and staged_event
            and target
            and target.run_id == staged_event.run_id
        ):
            missing.append(name)
    return missing


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    ins={"staged_release": AssetIn(key=STAGED)},
    kinds={"parquet", "pandas"},
    owners=OWNERS,
    tags={"stage": "publish", "published": "true"},
    code_version=TABLES_VERSION,
    freshness_policy=FreshnessPolicy.time_window(
        fail_window=timedelta(hours=26), warn_window=timedelta(hours=25)
    ),
    description="The published catalogue: `parquet` switched to the staged release in one "
    "atomic rename once its blocking checks passed (microcredentials partitioned by "
    "provider_country). Fresh within 26 hours of the daily schedule.",
)
def parquet_release(
    context: AssetExecutionContext, settings: CatalogueSettings, staged_release: StagedRelease
) -> MaterializeResult:
    directory = settings.directory
    refused = _gates_passed_on(context, staged_release)
    if refused:
        raise Failure(
            f"release {staged_release.name} was not published: {', '.join(refused)} did not pass "
            f"on it; the published catalogue is still {published_release(directory) or 'none'}"
        )
    publish_release(directory, staged_release.path)
    rows = read_published(directory, ["microcredentials"])["microcredentials"]
    return MaterializeResult(
        metadata={
            "release": staged_release.name,
            "path": MetadataValue.path(str(directory / "parquet")),
            "dagster/row_count": len(rows),
            "dagster/column_schema": md.table_column_schema(MICROCREDENTIALS),
            "active": int((rows["status"] == "active").sum()),
        }
    )


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    deps=[parquet_release],
    kinds={"duckdb"},
    owners=OWNERS,
    tags={"stage": "publish", "published": "true"},
    code_version=TABLES_VERSION,
    description="catalogue.duckdb: the published tables with table and column comments, swapped in atomically.",
)
def duckdb_database(settings: CatalogueSettings) -> MaterializeResult:
    path = build_duckdb(settings.directory)
    counts = table_row_counts(path)
    return MaterializeResult(
        metadata={
            "path": MetadataValue.path(str(path)),
            "tables": md.row_counts_table(counts),
            "dagster/row_count": counts["microcredentials"],
            "dagster/column_schema": md.table_column_schema(MICROCREDENTIALS),
        }
    )


@asset(
    key_prefix="catalogue",
    group_name="catalogue",
    ins={"validated_records": AssetIn(key=VALIDATED)},
    kinds={"pandas"},
    owners=OWNERS,
    tags={"stage": "report"},
    code_version="2",
    description="Code coverage of the run: per source, the share of accepted records with an EQF "
    "level, an ISCED-F code and ECTS, given by the provider or derived by the pipeline.",
)
def code_coverage_report(validated_records: ValidationResult) -> MaterializeResult:
    accepted = validated_records.accepted
    coverage = code_coverage(accepted)
    overall = {
        f"percent_{name}": md.percent(accepted[col].notna().mean() if len(accepted) else None)
        for name, col in COVERED.items()
    }
    shares = tuple(c for c in coverage.columns if c.endswith(("_given", "_derived")))
    return MaterializeResult(
        metadata={**overall, "per_source": md.md_table(coverage, percent=shares)}
    )
