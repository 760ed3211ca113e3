"""What partitioning the feeds by source would cost in Dagster, at N sources.

    python bench/source_partitions.py --sources 1000 --records 10

On a generated registry (bench/generate_feeds.py), in a fresh DAGSTER_HOME (SQLite, as `make
ui` uses), it reads every source twice, each time in one step of one run:

  unpartitioned  the project's own `feeds/raw_feeds` asset (what runs today);
  partitioned    the same reading as an asset partitioned by source (dynamic partitions kept in
                 step with the registry, BackfillPolicy.single_run), one run over the range of
                 every partition, one Parquet file per source, per-source metadata.

and prints, for each: seconds, events written to the instance, instance size growth; for the
partitioned one also the time to register the partitions and to ask the instance which
partitions are materialised (what the partitions view asks). Each variant has its own feed
cache, so both fetch and parse everything.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))

import pandas as pd  # noqa: E402
from dagster import (  # noqa: E402
    AssetExecutionContext,
    AssetKey,
    BackfillPolicy,
    DagsterInstance,
    Definitions,
    DynamicPartitionsDefinition,
    asset,
    in_process_executor,
)

from pipelines.definitions import build_definitions  # noqa: E402
from pipelines.defs.resources import CatalogueSettings  # noqa: E402
from pipelines.reading.sources import read_sources  # noqa: E402

SOURCES = DynamicPartitionsDefinition(name="sources")


def partitioned_definitions(settings: CatalogueSettings, out: Path) -> Definitions:
    @asset(
        key_prefix="feeds",
        partitions_def=SOURCES,
        backfill_policy=BackfillPolicy.single_run(),
    )
    def source_feeds(context: AssetExecutionContext) -> None:
        registry = settings.registry()
        wanted = set(context.partition_keys)
        subset = registry.model_copy(
            update={"sources": tuple(s for s in registry.sources if s.id in wanted)}
        )
        client = settings.feed_client()
        try:
            reads = read_sources(subset, client, settings.feed_cache(), 16)
        finally:
            client.close()
        out.mkdir(parents=True, exist_ok=True)
        for r in reads:  # one file per source, as a partitioned IO manager would write
            if r.records is not None:
                r.records.to_parquet(out / f"{r.source_id}.parquet", index=False)
            context.add_asset_metadata(
                {"status": r.status, "records_read": r.records_read, "error": r.error or ""},
                partition_key=r.source_id,
            )

    return Definitions(assets=[source_feeds], executor=in_process_executor)


def events_of(instance: DagsterInstance, run_id: str) -> int:
    return len(instance.all_logs(run_id))


def home_size(home: Path) -> int:
    return sum(p.stat().st_size for p in home.rglob("*") if p.is_file())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=1000)
    parser.add_argument("--records", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run(
            [sys.executable, str(BENCH / "generate_feeds.py"), str(root / "gen"),
             "--sources", str(args.sources), "--records", str(args.records)],
            check=True, capture_output=True,
        )  # fmt: skip
        registry = root / "gen" / "registry.yaml"
        home = root / "dagster_home"
        home.mkdir()
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
        os.environ["DAGSTER_HOME"] = str(home)
        with DagsterInstance.get() as instance:
            plain = CatalogueSettings(registry_path=str(registry), catalogue_dir=str(root / "a"))
            job = build_definitions(plain).resolve_job_def("aggregate_catalogue")
            size = home_size(home)
            started = time.perf_counter()
            result = job.execute_in_process(
                instance=instance, asset_selection=[AssetKey(["feeds", "raw_feeds"])]
            )
            seconds = time.perf_counter() - started
            print(
                f"unpartitioned raw_feeds: {seconds:.1f} s, {events_of(instance, result.run_id)} "
                f"events, instance +{(home_size(home) - size) / 1e6:.1f} MB"
            )

            settings = CatalogueSettings(registry_path=str(registry), catalogue_dir=str(root / "b"))
            keys = [s.id for s in settings.registry().sources]
            started = time.perf_counter()
            instance.add_dynamic_partitions("sources", keys)
            print(f"register {len(keys)} partitions: {time.perf_counter() - started:.2f} s")
            job = partitioned_definitions(
                settings, root / "b" / "parts"
            ).resolve_implicit_global_asset_job_def()
            size = home_size(home)
            started = time.perf_counter()
            result = job.execute_in_process(
                instance=instance,
                tags={
                    "dagster/asset_partition_range_start": keys[0],
                    "dagster/asset_partition_range_end": keys[-1],
                },
            )
            seconds = time.perf_counter() - started
            print(
                f"partitioned, one run over {len(keys)} partitions: {seconds:.1f} s, "
                f"{events_of(instance, result.run_id)} events, instance "
                f"+{(home_size(home) - size) / 1e6:.1f} MB"
            )
            started = time.perf_counter()
            done = instance.get_materialized_partitions(AssetKey(["feeds", "source_feeds"]))
            print(
                f"materialised partitions asked: {len(done)} in "
                f"{time.perf_counter() - started:.2f} s"
            )
            records = instance.fetch_materializations(
                AssetKey(["feeds", "source_feeds"]), limit=len(keys)
            ).records
            statuses = pd.Series(
                [r.asset_materialization.metadata["status"].value for r in records]
            )
            print(f"per-source statuses recorded: {statuses.value_counts().to_dict()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
