"""Run the pipeline's functions on a registry and kill this process (SIGKILL) at a chosen point.

    python tests/support/crash_run.py REGISTRY CATALOGUE_DIR (write_release|build_duckdb|none)

Used by tests/test_resilience.py to show that a crash mid-write leaves the previous catalogue
readable and whole, and that the next run recovers by itself.
"""

import os
import signal
import sys
from datetime import UTC, datetime
from pathlib import Path

import pyarrow.parquet as pq

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.publish import database, release
from pipelines.reading.registry import load_registry
from pipelines.reading.sources import read_sources


def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)


def main(registry_path: str, catalogue_dir: str, kill_at: str) -> None:
    directory = Path(catalogue_dir)
    registry = load_registry(registry_path)
    reads = read_sources(registry, FeedClient(), FeedCache(directory / "state" / "feeds"))
    result = validate_sources(reads, registry)
    tables = build_catalogue(
        result, reads, registry, datetime.now(UTC), release.read_published(directory)
    )
    if kill_at == "write_release":
        real_write = pq.write_table
        written = []

        def write_then_die(table, where, **kwargs):  # die after the first side table is written
            real_write(table, where, **kwargs)
            written.append(where)
            if len(written) == 2:
                die()

        release.pq.write_table = write_then_die
    written_release = release.write_release(
        tables.as_dict(), directory, f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-crash"
    )
    release.publish_release(directory, written_release)
    if kill_at == "build_duckdb":
        database.os.replace = die  # the new database is complete but never swapped in
    database.build_duckdb(directory)


if __name__ == "__main__":
    main(*sys.argv[1:4])
