"""Run tags an operator filters the Runs list on: how the run was started, the registry it
used, and what it lost."""

from __future__ import annotations

from collections.abc import Mapping

from dagster import AssetExecutionContext

TRIGGER = "catalogue/trigger"
REGISTRY = "catalogue/registry"
REGISTRY_FINGERPRINT = "catalogue/registry_fingerprint"
SOURCES_FAILED = "catalogue/sources_failed"
SOURCES_HELD = "catalogue/sources_held"
RECORDS_REJECTED = "catalogue/records_rejected"
HEALTH = "catalogue/health"

#: `catalogue/trigger` values.
COMMAND_LINE, SCHEDULE, SENSOR, UI, REEXECUTION = (
    "command line",
    "schedule",
    "sensor",
    "UI",
    "re-execution",
)


def run_trigger(tags: Mapping[str, str]) -> str:
    """How a run was started, from the tags Dagster and the command line give it."""
    if TRIGGER in tags:
        return tags[TRIGGER]
    if "dagster/schedule_name" in tags:
        return SCHEDULE
    if "dagster/sensor_name" in tags:
        return SENSOR
    if "dagster/parent_run_id" in tags:
        return REEXECUTION
    return UI


def tag_run(context: AssetExecutionContext, tags: Mapping[str, object]) -> None:
    """Add tags to the running run (the Runs list filters on them)."""
    context.instance.add_run_tags(context.run_id, {k: str(v) for k, v in tags.items()})
