"""Raw feeds: every registered source read in one step (fetched concurrently, bounded)."""

from dagster import AssetExecutionContext, Failure, MetadataValue, Output, asset

from pipelines.catalogue.health import Health, feeds_health
from pipelines.defs import metadata as md
from pipelines.defs import runs
from pipelines.defs.resources import CatalogueSettings
from pipelines.lib.safe_text import printable
from pipelines.reading.registry import registry_fingerprint
from pipelines.reading.sources import SourcesRead, read_sources
from schemas.reads import SourceRead

OWNERS = ["team:catalogue-operators"]


def sources_table(reads: list[SourceRead], health: Health) -> MetadataValue:
    """Every source, worst first: status, pages, bytes, records and what went wrong."""
    by_source = {r.source_id: r for r in reads}
    rows = [by_source[s] for s in health.table["source"]]
    frame = health.table[["source", "problem"]].assign(
        status=[f"{r.status} (last good records kept)" if r.stale else r.status for r in rows],
        pages=[r.pages for r in rows],
        bytes=[r.bytes_read for r in rows],
        records_read=[r.records_read for r in rows],
        seconds=[round(r.seconds, 2) for r in rows],
        error_or_warning=health.table["detail"],
    )
    return md.md_table(frame)


def feeds_metadata(reads: list[SourceRead], health: Health, registry_path: str, fingerprint: str):
    """The headline first, then the counts, the registry used, and the table worst first."""
    return {
        "headline": md.text(health.headline or f"all {len(reads)} sources read"),
        "health": health.severity,
        "sources": len(reads),
        "sources_failed": sum(r.status == "failed" for r in reads),
        "sources_held": sum(r.status == "held" for r in reads),
        "sources_empty": int((health.table["problem"] == "empty").sum()),
        "sources_unchanged": sum(r.status == "unchanged" for r in reads),
        "records_read": sum(r.records_read for r in reads),
        "registry": MetadataValue.path(registry_path),
        "registry_fingerprint": fingerprint,
        "sources_table": sources_table(reads, health),
    }


@asset(
    key_prefix="feeds",
    group_name="feeds",
    kinds={"python", "parquet"},
    owners=OWNERS,
    tags={"stage": "read"},
    code_version="2",
    description="Every source in the registry, fetched (conditional GET, retries, limits), parsed "
    "and mapped to canonical field names. Unchanged feeds reuse their cached records; failed feeds "
    "keep their last good records.",
)
def raw_feeds(context: AssetExecutionContext, settings: CatalogueSettings) -> Output[SourcesRead]:
    registry = settings.registry()  # the one read of the registry in a run
    fingerprint = registry_fingerprint(registry)
    runs.tag_run(
        context,
        {
            runs.TRIGGER: runs.run_trigger(context.run.tags),
            runs.REGISTRY: settings.registry_path,
            runs.REGISTRY_FINGERPRINT: fingerprint,
        },
    )
    client = settings.feed_client()
    confirmations = settings.drop_confirmations()
    confirmed = confirmations.load()
    try:
        reads = read_sources(
            registry, client, settings.feed_cache(), settings.max_concurrent_feeds, confirmed
        )
    finally:
        client.close()
    confirmations.consume({r.source_id for r in reads if r.status == "ok"} & confirmed)
    health = feeds_health(reads, registry.health)
    for r in reads:
        if r.status in ("failed", "held"):
            context.log.warning(f"source {r.source_id} {r.status}: {printable(r.error, 1000)}")
    runs.tag_run(
        context,
        {
            runs.SOURCES_FAILED: sum(r.status == "failed" for r in reads),
            runs.SOURCES_HELD: sum(r.status == "held" for r in reads),
            runs.HEALTH: health.severity,
        },
    )
    metadata = feeds_metadata(reads, health, settings.registry_path, fingerprint)
    if reads and all(r.status == "failed" for r in reads):
        raise Failure(
            f"every source failed ({len(reads)}); the published catalogue is left as it was",
            metadata=metadata,
        )
    return Output(SourcesRead(registry, reads), metadata=metadata)
