"""A digest of every table a run would publish, to prove a change leaves outputs as they were.

    python bench/catalogue_digest.py REGISTRY [--expect bench/digests/FILE]

Runs the pipeline's plain functions on REGISTRY with a fixed run time, in a temporary folder,
and prints one SHA-256 per table over its Arrow IPC bytes (columns in the declared order, rows in
the published order). `feed_status.seconds` is left out: it is a measurement, not an output.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

RUN_AT = datetime(2026, 1, 1, 3, 0, tzinfo=UTC)


def table_digests(tables: dict[str, pa.Table]) -> dict[str, str]:
    digests = {}
    for name, table in sorted(tables.items()):
        if "seconds" in table.column_names:
            table = table.drop_columns(["seconds"])
        sink = pa.BufferOutputStream()
        with pa.ipc.new_stream(sink, table.schema) as writer:
            writer.write_table(table)
        digests[name] = hashlib.sha256(sink.getvalue().to_pybytes()).hexdigest()[:16]
    return digests


def run_once(registry_path: Path, folder: Path, run_at: datetime) -> dict[str, pa.Table]:
    """The tables of one cold run of `registry_path`, as they would be published."""
    from connectors.cache import FeedCache
    from connectors.http import FeedClient
    from pipelines.catalogue.build import build_catalogue, validate_sources
    from pipelines.publish.release import to_arrow
    from pipelines.reading.registry import load_registry
    from pipelines.reading.sources import read_sources

    registry = load_registry(registry_path)
    client = FeedClient()
    try:
        reads = read_sources(registry, client, FeedCache(folder / "cache"))
    finally:
        client.close()
    result = validate_sources(reads, registry)
    tables = build_catalogue(result, reads, registry, run_at).as_dict()
    return {name: to_arrow(name, frame) for name, frame in tables.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("registry", type=Path)
    parser.add_argument(
        "--expect", type=Path, help="a file of digests printed before: exit 1 when any differs"
    )
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="digest-") as folder:
        tables = run_once(args.registry, Path(folder), RUN_AT)
    lines = [
        f"{name:<18} {tables[name].num_rows:>8} rows  {digest}"
        for name, digest in table_digests(tables).items()
    ]
    print("\n".join(lines))
    if args.expect is not None:
        expected = args.expect.read_text(encoding="utf-8").split("\n")
        differ = sorted(set(filter(None, expected)) ^ set(lines))
        print("same as " + str(args.expect) if not differ else "DIFFERS:\n" + "\n".join(differ))
        return 1 if differ else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
