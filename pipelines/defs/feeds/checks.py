"""Checks on the sources read in a run: shown beside feeds/raw_feeds, WARN for a degraded
source, ERROR when the registry's `health.sources_lost_error_share` of them is lost."""

import pandas as pd
from dagster import AssetCheckResult, AssetCheckSeverity, AssetKey, asset_check

from pipelines.catalogue.health import ERROR, OK, feeds_health
from pipelines.defs import metadata as md
from pipelines.reading.sources import SourcesRead

RAW_FEEDS = AssetKey(["feeds", "raw_feeds"])
SEVERITY = {ERROR: AssetCheckSeverity.ERROR}


@asset_check(
    asset=RAW_FEEDS,
    description="Every source was read and sent records: failed sources (their last good "
    "records kept, stale), held sources and sources with no records are named with why. WARN "
    "for a degraded source; ERROR when the registry's health.sources_lost_error_share of the "
    "sources or more is lost.",
)
def sources_read_check(raw_feeds: SourcesRead) -> AssetCheckResult:
    health = feeds_health(raw_feeds.reads, raw_feeds.registry.health)
    table = health.table
    degraded = table[table["problem"] != ""]
    return AssetCheckResult(
        passed=health.severity == OK,
        severity=SEVERITY.get(health.severity, AssetCheckSeverity.WARN),
        description=health.headline or None,
        metadata={
            "headline": md.text(health.headline or "every source read"),
            "sources": len(table),
            "failed": int((table["problem"] == "failed").sum()),
            "held": int((table["problem"] == "held").sum()),
            "stale": int(table["stale"].sum()),
            "empty": int((table["problem"] == "empty").sum()),
            "with_warnings": int((table["problem"] == "warning").sum()),
            "degraded_sources": md.md_table(degraded),
        },
    )


@asset_check(
    asset=RAW_FEEDS,
    description="No source is held (a warning: a source that suddenly lost more than the "
    "registry's history.max_drop_share of its records keeps its last good records until an "
    "operator runs `python -m pipelines confirm-drop SOURCE`).",
)
def sources_held_check(raw_feeds: SourcesRead) -> AssetCheckResult:
    held = [r for r in raw_feeds.reads if r.status == "held"]
    names = ", ".join(r.source_id for r in held)
    return AssetCheckResult(
        passed=not held,
        severity=AssetCheckSeverity.WARN,
        description=f"held until confirmed: {names}" if held else None,
        metadata={
            "held": len(held),
            "held_sources": md.md_table(
                pd.DataFrame(
                    {
                        "source": [r.source_id for r in held],
                        "records_returned": [r.records_held for r in held],
                        "why": [r.error for r in held],
                    }
                )
            ),
        },
    )
