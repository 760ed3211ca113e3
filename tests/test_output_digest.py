"""The optimisation of the pipeline changes no output: on generated feeds, every table a run
publishes is the same, byte for byte, as the code gave before it was made fast. The digests
below were taken with bench/catalogue_digest.py before the work on speed began; a change that
means to change outputs must say so and record new digests here."""

import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent

#: bench/generate_feeds.py --sources 30 --records 300, run at 2026-01-01 03:00 UTC.
EXPECTED = {
    "changes": (8877, "50409d7b6f09b627"),
    "feed_status": (30, "3b6abbac78cf9afa"),
    "lineage": (8877, "9c0ef6271c6f3c9a"),
    "matches": (4094, "bc13391d10cc4526"),
    "microcredentials": (8877, "827b4f8ffd295274"),
    "providers": (30, "c8f13572706ea579"),
    "rejects": (194, "a199033dbcbfc653"),
}


@pytest.fixture(scope="module")
def feeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("generated")
    subprocess.run(
        [
            sys.executable,
            str(PROJECT / "bench" / "generate_feeds.py"),
            "--sources",
            "30",
            "--records",
            "300",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    return out / "registry.yaml"


def test_every_published_table_is_what_it_was_before_the_speed_work(feeds):
    done = subprocess.run(
        [sys.executable, str(PROJECT / "bench" / "catalogue_digest.py"), str(feeds)],
        check=True,
        capture_output=True,
        text=True,
        cwd=PROJECT,
    )
    found = {}
    for line in done.stdout.splitlines():
        name, rows, _, digest = line.split()
        found[name] = (int(rows), digest)
    assert found == EXPECTED
