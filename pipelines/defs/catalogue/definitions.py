from dagster import (
    AssetSelection,
    DefaultScheduleStatus,
    Definitions,
    ScheduleDefinition,
    define_asset_job,
)

from pipelines.defs import runs
from pipelines.defs.catalogue.assets import (
    code_coverage_report,
    duckdb_database,
    parquet_release,
    staged_release,
    validated_records,
)
from pipelines.defs.catalogue.checks import (
    completeness_check,
    newly_rejected_check,
    publication_gates,
    records_rejected_check,
)

aggregate_catalogue = define_asset_job(
    "aggregate_catalogue",
    selection=AssetSelection.all(),
    description="Read every source, validate, stage the catalogue, check it, publish it "
    "(Parquet and DuckDB).",
)

daily_aggregation = ScheduleDefinition(
    name="daily_aggregation",
    job=aggregate_catalogue,
    cron_schedule="0 3 * * *",
    execution_timezone="UTC",
    default_status=DefaultScheduleStatus.STOPPED,
    tags={runs.TRIGGER: runs.SCHEDULE},
    description="Aggregate every night at 03:00 UTC (stopped until an operator starts it).",
)

defs = Definitions(
    assets=[
        validated_records,
        staged_release,
        parquet_release,
        duckdb_database,
        code_coverage_report,
    ],
    asset_checks=[
        publication_gates,
        completeness_check,
        records_rejected_check,
        newly_rejected_check,
    ],
    jobs=[aggregate_catalogue],
    schedules=[daily_aggregation],
)
