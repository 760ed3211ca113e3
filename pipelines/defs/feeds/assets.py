"""Raw feeds: every registered source read in one step (fetched concurrently, bounded)."""

import pandas as pd
from dagster import AssetExecutionContext, Failure, MetadataValue, Output, asset

from pipelines.defs.resources import CatalogueSettings
from pipelines.lib.safe_text import markdown_table, printable
from pipelines.reading.sources import SourcesRead, read_sources
from schemas.reads import SourceRead


def _source_rows_markdown(reads: list[SourceRead]) -> str:
    """One row per source; every cell escaped (an error may quote what a server sent)."""
    frame = pd.DataFrame(
        {
            "source": [r.source_id for r in reads],
            "status": [
                f"{r.status} (last good records kept)" if r.stale else r.status for r in reads
            ],
            "pages": [r.pages for r in reads],
            "bytes": [r.bytes_read for r in reads],
            "records read": [r.records_read for r in reads],
            "seconds": [f"{r.seconds:.2f}" for r in reads],
            "error or warning": [r.error or "; ".join(r.warnings) or "" for r in reads],
        }
    )
    return markdown_table(frame)


@asset(
    key_prefix="feeds",
    group_name="feeds",
    description="Every source in the registry, fetched (conditional GET, retries, limits), parsed "
    "and mapped to canonical field names. Unchanged feeds reuse their cached records; failed feeds "
    "keep their last good records.",
)
def raw_feeds(context: AssetExecutionContext, settings: CatalogueSettings) -> Output[SourcesRead]:
    registry = settings.registry()  # the one read of the registry in a run
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
    failed = [r for r in reads if r.status == "failed"]
    for r in failed:
        context.log.warning(f"source {r.source_id} failed: {printable(r.error, 1000)}")
    held = [r for r in reads if r.status == "held"]
    for r in held:
        context.log.warning(f"source {r.source_id} held: {printable(r.error, 1000)}")
    if reads and len(failed) == len(reads):
        raise Failure(
            f"every source failed ({len(reads)}); the published catalogue is left as it was",
            metadata={"sources_table": MetadataValue.md(_source_rows_markdown(reads))},
        )
    return Output(
        SourcesRead(registry, reads),
        metadata={
            "sources": len(reads),
            "sources_failed": len(failed),
            "sources_unchanged": sum(r.status == "unchanged" for r in reads),
            "sources_held": len(held),
            "records_read": sum(r.records_read for r in reads),
            "sources_table": MetadataValue.md(_source_rows_markdown(reads)),
        },
    )
