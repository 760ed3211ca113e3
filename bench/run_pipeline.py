"""End-to-end benchmark of the catalogue pipeline on generated feeds (no Dagster).

    python bench/run_pipeline.py --sources 100 --records 1000 [--out DIR] [--http] [--profile]

Generates the feeds (bench/generate_feeds.py) into --out (default bench/out/, gitignored), then
runs the plain functions in order: load_registry -> read_sources -> validate_sources ->
build_catalogue -> write_release -> publish_release -> build_duckdb, and prints the records,
the time per stage, records per second, peak memory, and the nothing-lost check. A second run on
the unchanged feeds (conditional GET, cached records) follows. With --http the feeds are served
by a ThreadingHTTPServer on 127.0.0.1 in a thread of this process, so the HTTP client is measured
too (the server shares the GIL with the pipeline). --profile profiles the first run with
cProfile: the main thread, and the feed-reading worker threads (summed over threads).
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import logging
import pstats
import resource
import shutil
import sys
import sysconfig
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import duckdb
import pandas as pd
from generate_feeds import generate

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import CatalogueTables, build_catalogue, validate_sources
from pipelines.publish.database import build_duckdb
from pipelines.publish.release import publish_release, read_published, write_release
from pipelines.reading.registry import load_registry
from pipelines.reading.sources import read_sources
from schemas.reads import SourceRead

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
STAGES = (
    "load_registry",
    "read_sources",
    "validate_sources",
    "read_published",
    "build_catalogue",
    "write_release",
    "publish_release",
    "build_duckdb",
)


def peak_mib() -> float:
    """Peak resident set size of this process so far (Linux reports KiB)."""
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return kib / 1024 if sys.platform != "darwin" else kib / 2**20


# ---------------------------------------------------------------- HTTP server for --http


class _FeedHandler(SimpleHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real feed server would
    statuses: ClassVar[Counter] = Counter()
    lock: ClassVar[threading.Lock] = threading.Lock()

    def send_response(self, code, message=None):
        with self.lock:
            self.statuses[code] += 1
        super().send_response(code, message)

    def log_message(self, format, *args):  # quiet
        pass


class FeedServer:
    """Serves `directory` on 127.0.0.1 (a free port) from a thread; `with` stops it."""

    def __init__(self, directory: Path) -> None:
        _FeedHandler.statuses = Counter()
        self.server = ThreadingHTTPServer(
            ("127.0.0.1", 0), partial(_FeedHandler, directory=str(directory))
        )
        self.server.daemon_threads = True
        self.thread = threading.Thread(
            target=self.server.serve_forever, name="bench-http-server", daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/"

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    @staticmethod
    def take_statuses() -> dict[int, int]:
        with _FeedHandler.lock:
            counts = {int(k): v for k, v in sorted(_FeedHandler.statuses.items())}
            _FeedHandler.statuses.clear()
        return counts


class _CountHandler(logging.Handler):
    """Counts urllib3 warnings (e.g. 'Connection pool is full') instead of printing each."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.counts: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        self.counts[record.getMessage().split(",")[0][:80]] += 1


# ---------------------------------------------------------------- profiling


class ThreadProfiles:
    """cProfile in every thread started while active (cProfile only sees the thread enabling it).

    Threads are grouped by name: the feed-reading pool ('ThreadPoolExecutor-...') and, with
    --http, the server's request threads. They are timed in CPU time of the thread
    (time.thread_time), so that time spent waiting for the GIL or for I/O is not counted and the
    sum over threads is the CPU each function cost.
    """

    def __init__(self) -> None:
        self.groups: dict[str, list[cProfile.Profile]] = {"workers": [], "http-server": []}
        self.lock = threading.Lock()

    def _hook(self, frame, event, arg):
        name = threading.current_thread().name
        group = "workers" if name.startswith("ThreadPoolExecutor") else None
        if name.endswith("(process_request_thread)"):
            group = "http-server"
        if group is None:
            sys.setprofile(None)
            return
        profile = cProfile.Profile(time.thread_time)
        with self.lock:
            self.groups[group].append(profile)
        profile.enable()

    def __enter__(self) -> ThreadProfiles:
        threading.setprofile(self._hook)
        return self

    def __exit__(self, *exc) -> None:
        threading.setprofile(None)

    def stats(self, group: str) -> pstats.Stats | None:
        profiles = list(self.groups[group])
        stats = None
        for profile in profiles:
            try:
                stats = pstats.Stats(profile) if stats is None else stats.add(profile)
            except TypeError:  # a thread that ran nothing
                continue
        return stats


def _print_stats(title: str, stats: pstats.Stats | None, limit: int = 15) -> None:
    if stats is None:
        return
    stream = io.StringIO()
    stats.stream = stream
    stats.sort_stats("cumulative").print_stats(limit)
    text = stream.getvalue()
    paths = sysconfig.get_paths()
    prefixes = {paths["purelib"], paths["platlib"], paths["stdlib"], str(PROJECT_DIR)}
    for prefix in sorted(prefixes, key=len, reverse=True):
        text = text.replace(prefix + "/", "")
    lines = [line for line in text.splitlines() if line.strip()]
    start = next((i for i, line in enumerate(lines) if "ncalls" in line), 0)
    print(f"\n--- cProfile, {title}: top {limit} by cumulative time")
    print("\n".join(lines[start:]))


# ---------------------------------------------------------------- one pipeline run


@dataclass
class RunResult:
    seconds: dict[str, float] = field(default_factory=dict)
    reads: list[SourceRead] = field(default_factory=list)
    tables: CatalogueTables | None = None
    release: Path | None = None
    database: Path | None = None

    @property
    def total(self) -> float:
        return sum(self.seconds.values())


class Stopwatch:
    def __init__(self, result: RunResult) -> None:
        self.result = result

    def __call__(self, stage: str):
        result = self.result

        class _Timer:
            def __enter__(self):
                self.started = time.perf_counter()

            def __exit__(self, *exc):
                result.seconds[stage] = time.perf_counter() - self.started
                print(
                    f"  .. {stage} {result.seconds[stage]:.2f} s, peak {peak_mib():,.0f} MiB",
                    file=sys.stderr,
                    flush=True,
                )

        return _Timer()


def run_once(
    registry_path: Path, catalogue_dir: Path, label: str, workers: int, threads=None
) -> RunResult:
    result = RunResult()
    timed = Stopwatch(result)
    with timed("load_registry"):
        registry = load_registry(registry_path)
    with timed("read_sources"):
        client = FeedClient()
        try:
            if threads is not None:
                with threads:
                    result.reads = read_sources(
                        registry, client, FeedCache(catalogue_dir / "state" / "feeds"), workers
                    )
            else:
                result.reads = read_sources(
                    registry, client, FeedCache(catalogue_dir / "state" / "feeds"), workers
                )
        finally:
            client.close()
    with timed("validate_sources"):
        validation = validate_sources(result.reads, registry)
    run_at = datetime.now(UTC)
    with timed("read_published"):
        previous = read_published(catalogue_dir)
    with timed("build_catalogue"):
        tables = build_catalogue(validation, result.reads, registry, run_at, previous)
    with timed("write_release"):
        release = write_release(
            tables.as_dict(), catalogue_dir, f"{run_at:%Y%m%dT%H%M%S%fZ}-{label}"
        )
    with timed("publish_release"):
        publish_release(catalogue_dir, release)
    with timed("build_duckdb"):
        database = build_duckdb(catalogue_dir)
    result.tables, result.release, result.database = tables, release, database
    return result


# ---------------------------------------------------------------- reporting


def distinct_rejected(rejects: pd.DataFrame) -> int:
    """Records rejected as a whole: a warning drops a value and keeps its record in lineage."""
    errors = rejects[rejects["severity"] == "error"]
    return len(errors[["source_id", "record_index"]].drop_duplicates())


def report_run(title: str, run: RunResult, generated: int, manifest: dict) -> bool:
    """Print one run's figures; return whether nothing was lost."""
    tables = run.tables
    assert tables is not None
    accepted = len(tables.lineage)
    rejected = distinct_rejected(tables.rejects)
    statuses = Counter(r.status for r in run.reads)
    print(f"\n=== {title}")
    print(
        f"sources: {len(run.reads)} ({', '.join(f'{k} {v}' for k, v in sorted(statuses.items()))}); "
        f"pages {sum(r.pages for r in run.reads)}, "
        f"{sum(r.bytes_read for r in run.reads) / 2**20:.1f} MiB read"
    )
    for r in [r for r in run.reads if r.status == "failed"][:5]:
        print(f"  FAILED {r.source_id}: {r.error}")
    warned = [r for r in run.reads if r.warnings]
    for r in warned[:3]:
        print(f"  warning {r.source_id}: {'; '.join(r.warnings)[:200]}")
    print(
        f"records: generated {generated}, read {sum(r.records_read for r in run.reads)}, "
        f"accepted {accepted}, rejected {rejected} "
        f"(generated invalid: {manifest['records_invalid']}), "
        f"catalogue rows {len(tables.microcredentials)}"
    )
    width = max(len(s) for s in STAGES)
    for stage in STAGES:
        seconds = run.seconds.get(stage, 0.0)
        share = 100 * seconds / run.total if run.total else 0
        print(f"  {stage:<{width}}  {seconds:8.3f} s  {share:5.1f} %")
    print(f"  {'total':<{width}}  {run.total:8.3f} s")
    print(f"end to end: {generated / run.total:,.0f} records/s")

    lost = generated - (accepted + rejected)
    print(
        f"nothing lost: generated {generated} == accepted in lineage {accepted} + "
        f"records rejected with an error {rejected} -> "
        f"{'OK' if lost == 0 else f'MISMATCH ({lost:+d} unaccounted)'}"
    )
    status = tables.feed_status[tables.feed_status["run_at"] == tables.feed_status["run_at"].max()]
    expected = {s["id"]: s["records"] for s in manifest["per_source"]}
    bad = status[
        (status["records_read"] != status["records_accepted"] + status["records_rejected"])
        | (status["records_read"] != status["source_id"].map(expected))
    ]
    if len(bad):
        print(f"  per-source mismatches ({len(bad)}):")
        print(bad[["source_id", "status", "records_read", "records_accepted", "records_rejected"]])
    if rejected != manifest["records_invalid"]:
        reasons = tables.rejects.groupby(["severity", "field", "reason"]).size()
        print(
            "  records rejected differ from the invalid records generated (a generated bad date "
            "is a warning: its record is kept without the date); problems found:\n"
            f"{reasons.sort_values(ascending=False).head(10)}"
        )
    return lost == 0 and not len(bad)


def check_duckdb(database: Path) -> str:
    con = duckdb.connect(str(database), read_only=True)
    try:
        rows = con.execute("SELECT count(*) FROM microcredentials").fetchone()[0]
        lineage = con.execute("SELECT count(*) FROM lineage").fetchone()[0]
        rejected = con.execute(
            "SELECT count(DISTINCT (source_id, record_index)) FROM rejects WHERE severity = 'error'"
        ).fetchone()[0]
        countries = con.execute(
            "SELECT count(DISTINCT provider_country) FROM microcredentials"
        ).fetchone()[0]
    finally:
        con.close()
    return (
        f"duckdb: microcredentials {rows} rows from {countries} countries, lineage {lineage}, "
        f"records rejected with an error {rejected}"
    )


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--records", type=int, default=1000, help="records per source")
    parser.add_argument("--out", type=Path, default=BENCH_DIR / "out")
    parser.add_argument("--http", action="store_true", help="serve the feeds over local HTTP")
    parser.add_argument("--profile", action="store_true", help="cProfile the first run")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workers", type=int, default=16, help="max_workers of read_sources")
    args = parser.parse_args(argv)

    out = args.out.resolve()
    catalogue_dir = out / "catalogue"
    shutil.rmtree(catalogue_dir, ignore_errors=True)  # a cold first run: no cache, no catalogue
    out.mkdir(parents=True, exist_ok=True)
    pool_warnings = _CountHandler()
    urllib3_log = logging.getLogger("urllib3")
    urllib3_log.addHandler(pool_warnings)
    urllib3_log.propagate = False

    server = FeedServer(out) if args.http else None
    try:
        if server:
            server.__enter__()
        started = time.perf_counter()
        registry_path = generate(
            out, args.sources, args.records, args.seed, base_url=server.base_url if server else None
        )
        generation = time.perf_counter() - started
        manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        generated = manifest["records_generated"]
        feed_bytes = sum(p.stat().st_size for p in (out / "feeds").iterdir())
        print(
            f"generated {generated} records ({args.sources} sources x {args.records}, "
            f"{manifest['records_invalid']} invalid: {manifest['invalid_by_defect']}), "
            f"{feed_bytes / 2**20:.1f} MiB of feeds in {generation:.2f} s"
        )
        print(f"registry: {registry_path}")
        print(f"feeds via: {'HTTP ' + server.base_url if server else 'local files'}")

        threads = ThreadProfiles() if args.profile else None
        profile = cProfile.Profile() if args.profile else None
        if profile:
            profile.enable()
        first = run_once(registry_path, catalogue_dir, "bench1", args.workers, threads)
        if profile:
            profile.disable()
        peak_first = peak_mib()
        if server:
            print(f"HTTP responses (run 1): {server.take_statuses()}")
        ok_first = report_run(
            "run 1 (cold: no cache, no previous catalogue)"
            + (" [profiled: times inflated]" if profile else ""),
            first,
            generated,
            manifest,
        )
        print(check_duckdb(first.database))
        print(f"peak memory (ru_maxrss) after run 1: {peak_first:,.0f} MiB")
        first.reads, first.tables = [], None  # run 2 should not carry run 1's frames
        gc.collect()

        second = run_once(registry_path, catalogue_dir, "bench2", args.workers)
        if server:
            print(f"HTTP responses (run 2): {server.take_statuses()}")
        ok_second = report_run(
            "run 2 (feeds unchanged: conditional GET, cached records)",
            second,
            generated,
            manifest,
        )
        print(check_duckdb(second.database))
        print(
            f"run 2 total: {second.total:.3f} s (run 1: {first.total:.3f} s); "
            f"peak memory (ru_maxrss) at end: {peak_mib():,.0f} MiB"
        )
        if pool_warnings.counts:
            print(f"urllib3 warnings: {dict(pool_warnings.counts)}")
        if profile:
            _print_stats("run 1, main thread (wall time)", pstats.Stats(profile))
            if threads is not None:
                _print_stats(
                    "run 1, read_sources worker threads (CPU time, summed over threads)",
                    threads.stats("workers"),
                )
                _print_stats(
                    "run 1, HTTP server request threads (CPU time, summed over threads)",
                    threads.stats("http-server"),
                    10,
                )
    finally:
        if server:
            server.__exit__(None, None, None)
    return 0 if ok_first and ok_second else 1


if __name__ == "__main__":
    sys.exit(main())
