"""Quality and speed of deduplication on labelled feeds.

    python bench/dedup_quality.py --records 20000 [--generator duplicates|independent]
        [--out DIR] [--seed S] [--keep]

`--generator duplicates` (the default) uses bench/generate_duplicates.py, whose noise the matcher
was tuned on (seeds from 0); `--generator independent` uses bench/generate_independent.py, written
without looking at the matcher (seeds from 1000).

Generates the labelled feeds (unless OUT already holds them and --keep is given), reads them with
the pipeline's own functions (fetch, parse, map, normalise, validate), then times the
deduplication: resolving awarding providers, blocking, comparing, clustering (`deduplicate`), and
the whole catalogue build (survivorship, stable ids, history). Prints pairwise precision, recall
and F1 against the true clusters, the errors by kind of hard non-duplicate, the copies missed (by
kind of source and what was done to them, when the labels say), examples of both, and peak memory.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from dedup_errors import error_frame, print_missed_copies, print_wrong_merges  # noqa: E402
from pairwise_scores import pairwise_scores  # noqa: E402

from connectors.cache import FeedCache  # noqa: E402
from connectors.http import FeedClient  # noqa: E402
from pipelines.catalogue.build import build_catalogue, validate_sources  # noqa: E402
from pipelines.dedup.deduplicate import deduplicate  # noqa: E402
from pipelines.normalise.providers import ProviderIndex, awarding_provider_ids  # noqa: E402
from pipelines.reading.registry import load_registry  # noqa: E402
from pipelines.reading.sources import read_sources  # noqa: E402
from pipelines.validation.completeness import completeness  # noqa: E402


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


GENERATORS = {
    "duplicates": ("generate_duplicates.py", 0),
    "independent": ("generate_independent.py", 1000),
}


def _generate(generator: str, records: int, out: Path, seed: int) -> None:
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / GENERATORS[generator][0]),
            "--records",
            str(records),
            "--out",
            str(out),
            "--seed",
            str(seed),
        ],
        check=True,
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--generator", choices=sorted(GENERATORS), default="duplicates")
    parser.add_argument("--out", type=Path, help="default bench/out/dedup[-independent]")
    parser.add_argument("--seed", type=int, help="default 0 (duplicates), 1000 (independent)")
    parser.add_argument("--keep", action="store_true", help="reuse feeds already in OUT")
    args = parser.parse_args()
    suffix = "" if args.generator == "duplicates" else f"-{args.generator}"
    args.out = args.out or ROOT / "bench" / "out" / f"dedup{suffix}"
    args.seed = GENERATORS[args.generator][1] if args.seed is None else args.seed

    if not (args.keep and (args.out / "labels.parquet").exists()):
        started = time.perf_counter()
        _generate(args.generator, args.records, args.out, args.seed)
        print(f"generated feeds in {time.perf_counter() - started:.1f} s")

    registry = load_registry(args.out / "registry.yaml")
    started = time.perf_counter()
    client = FeedClient()
    try:
        reads = read_sources(registry, client, FeedCache(args.out / "state"))
    finally:
        client.close()
    read_s = time.perf_counter() - started
    started = time.perf_counter()
    result = validate_sources(reads, registry)
    validate_s = time.perf_counter() - started
    records = result.accepted.reset_index(drop=True)
    rejected = len(result.rejects[["source_id", "record_index"]].drop_duplicates())
    print(
        f"read {sum(r.records_read for r in reads):,} records from {len(reads)} sources "
        f"in {read_s:.1f} s; normalised and validated in {validate_s:.1f} s; "
        f"{len(records):,} accepted, {rejected:,} rejected"
    )
    failed = [r for r in reads if r.status == "failed"]
    if failed:
        print(f"{len(failed)} sources failed, e.g. {failed[0].source_id}: {failed[0].error}")

    before_mib = _peak_mib()
    started = time.perf_counter()
    records["completeness"], _ = completeness(records)
    index = ProviderIndex(registry, registry.matching.provider_similarity)
    records["match_provider"] = awarding_provider_ids(records, index)
    providers_s = time.perf_counter() - started
    started = time.perf_counter()
    dedup = deduplicate(records, registry.matching)
    dedup_s = time.perf_counter() - started
    started = time.perf_counter()
    tables = build_catalogue(result, reads, registry, datetime.now(UTC))
    build_s = time.perf_counter() - started

    labels = pd.read_parquet(args.out / "labels.parquet")
    key = ["source_id", "source_record_id"]
    truth = labels.set_index(key)["cluster"]
    predicted = pd.Series(dedup.cluster, index=pd.MultiIndex.from_frame(records[key]))
    truth = truth.reindex(predicted.index)
    scores = pairwise_scores(truth, predicted)
    lineage = tables.lineage.set_index(key)["credential_id"].reindex(predicted.index)
    catalogue_scores = pairwise_scores(truth, lineage)

    print(f"\nrecords deduplicated        {len(records):>12,}")
    print(f"true micro-credentials      {truth.nunique():>12,}")
    print(f"catalogue rows              {len(tables.microcredentials):>12,}")
    print(f"pairs compared (kept)       {len(dedup.matches):>12,}")
    print(
        f"pairwise precision {scores['precision']:.4f}  recall {scores['recall']:.4f}  "
        f"F1 {scores['f1']:.4f}  (TP {scores['true_positives']:,}, "
        f"FP {scores['false_positives']:,}, FN {scores['false_negatives']:,})"
    )
    print(f"F1 of the published catalogue's rows (lineage)  {catalogue_scores['f1']:.4f}")
    print(f"\nresolve awarding providers  {providers_s:8.1f} s")
    print(f"deduplicate (block, compare, cluster) {dedup_s:8.1f} s")
    print(f"build_catalogue (dedup + survivorship + ids + history) {build_s:8.1f} s")
    print(f"peak RSS {_peak_mib():,.0f} MiB (before deduplication {before_mib:,.0f} MiB)")

    clusters_path = args.out / "clusters.parquet"
    families = pd.read_parquet(clusters_path) if clusters_path.exists() else None
    errors = error_frame(records, truth, predicted, labels, families)
    print_wrong_merges(errors)
    print_missed_copies(errors)
    return 0


if __name__ == "__main__":
    sys.exit(main())
