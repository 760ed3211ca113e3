"""Isolation, crashes, concurrent runs, idempotence, secrets and learner data."""

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import yaml
from dagster import DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.defs.resources import CatalogueSettings
from pipelines.publish.lock import CatalogueBusy, CatalogueLock
from pipelines.publish.release import read_published
from pipelines.reading.registry import parse_registry
from schemas.registry import RegistryError

PROJECT = Path(__file__).parent.parent
CRASH_RUN = PROJECT / "tests" / "support" / "crash_run.py"


def snapshot(out: Path) -> dict:
    """What an analyst sees: the published tables and the database's answers."""
    tables = read_published(out)
    con = duckdb.connect(str(out / "catalogue.duckdb"), read_only=True)
    try:
        counts = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("microcredentials", "lineage", "rejects", "feed_status", "providers")
        }
    finally:
        con.close()
    return {
        "release": (out / "parquet").resolve().name,
        "ids": sorted(tables["microcredentials"]["credential_id"]),
        "rows": {name: len(frame) for name, frame in tables.items()},
        "duckdb": counts,
    }


def test_a_second_run_at_the_same_time_is_refused_with_a_clear_message(catalogue):
    run, out, _, _ = catalogue
    run()
    before = snapshot(out)
    other = CatalogueLock(out)
    other.acquire("the nightly run")
    try:
        with pytest.raises(CatalogueBusy, match="being written by the nightly run"):
            CatalogueLock(out).acquire("a second run")
        result = run(expect_success=False)
        failure = next(e for e in result.all_events if e.is_failure)
        assert "being written by the nightly run" in str(failure.event_specific_data.error)
        assert snapshot(out) == before
    finally:
        other.release()
    run()
    assert snapshot(out)["release"] != before["release"]


@pytest.mark.parametrize("kill_at", ["write_release", "build_duckdb"])
def test_a_crash_mid_write_leaves_the_catalogue_whole_and_the_next_run_recovers(catalogue, kill_at):
    run, out, _, registry = catalogue
    run()
    before = snapshot(out)
    crashed = subprocess.run(
        [sys.executable, str(CRASH_RUN), str(registry), str(out), kill_at],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    assert crashed.returncode == -9, crashed.stderr  # killed by SIGKILL
    after_crash = snapshot(out)  # readable and whole
    assert after_crash["ids"] == before["ids"]
    assert after_crash["duckdb"] == before["duckdb"]
    leftovers = [*(out / "releases").glob(".*.partial"), *out.glob(".catalogue.duckdb.*.tmp")]
    assert leftovers, "the crash should have left something half-written"
    run()
    recovered = snapshot(out)
    assert recovered["ids"] == before["ids"]
    assert not [*(out / "releases").glob(".*.partial"), *out.glob(".catalogue.duckdb.*.tmp")]


def test_running_twice_on_the_same_feeds_gives_the_same_catalogue(catalogue):
    run, out, _, _ = catalogue
    run()
    first = read_published(out)
    run()
    second = read_published(out)
    varying = ["last_seen"]
    pd.testing.assert_frame_equal(
        first["microcredentials"]
        .drop(columns=varying)
        .sort_values("credential_id")
        .reset_index(drop=True),
        second["microcredentials"]
        .drop(columns=varying)
        .sort_values("credential_id")
        .reset_index(drop=True),
    )
    for table in ("lineage", "rejects"):
        pd.testing.assert_frame_equal(first[table], second[table])
    status = second["feed_status"]
    latest = status[status["run_at"] == status["run_at"].max()]
    assert set(latest["status"]) == {"unchanged"}
    assert latest["bytes_read"].sum() == 0  # conditional GET: nothing downloaded, nothing parsed


SECRET = "s3cr3t-4pi-k3y-do-not-log"


def test_api_keys_never_reach_logs_metadata_errors_or_outputs(tmp_path, httpserver, monkeypatch):
    monkeypatch.setenv("PROVIDER_API_KEY", SECRET)
    feed = b'[{"id": "1", "title": "Secure Coding"}]'
    httpserver.expect_request("/ok.json", headers={"X-Api-Key": SECRET}).respond_with_data(
        feed, content_type="application/json"
    )
    httpserver.expect_request("/denied.json").respond_with_data(
        f"forbidden for key {SECRET}", status=401
    )
    registry = {
        "providers": [{"id": "p", "name": "P", "country": "DE"}],
        "sources": [
            {
                "id": name,
                "provider": "p",
                "url": httpserver.url_for(f"/{name}.json"),
                "format": "json",
                "mapping": {"source_record_id": "id", "title": "title"},
                "auth": {"header": "X-Api-Key", "env": "PROVIDER_API_KEY"},
            }
            for name in ("ok", "denied")
        ],
    }
    path = tmp_path / "providers.yaml"
    path.write_text(yaml.safe_dump(registry), encoding="utf-8")
    out = tmp_path / "catalogue"
    settings = CatalogueSettings(registry_path=str(path), catalogue_dir=str(out))
    instance = DagsterInstance.ephemeral()
    result = (
        build_definitions(settings)
        .resolve_job_def("aggregate_catalogue")
        .execute_in_process(instance=instance, raise_on_error=False)
    )
    assert result.success
    status = read_published(out)["feed_status"].set_index("source_id")
    assert (
        status.loc["denied", "status"] == "failed" and "HTTP 401" in status.loc["denied", "error"]
    )
    seen = [str(record) for record in instance.all_logs(result.run_id)]
    seen += [path.read_bytes().decode("latin-1") for path in out.rglob("*") if path.is_file()]
    assert all(SECRET not in text for text in seen)
    assert any("denied" in text for text in seen)  # the logs were really searched


@pytest.mark.parametrize(
    "path",
    [
        "credentialSubject.name",
        "credentialSubject.email",
        "recipient.identity",
        "learner.birthDate",
        "data.student.givenName",
        "cred:credentialSubject/cred:familyName",
        "holder.id",
    ],
)
def test_mappings_into_learner_data_are_refused(path):
    raw = {
        "providers": [{"id": "p", "name": "P", "country": "DE"}],
        "sources": [
            {
                "id": "s",
                "provider": "p",
                "url": "x.json",
                "format": "json",
                "mapping": {"title": "credentialSubject.achievement.name", "description": path},
            }
        ],
    }
    with pytest.raises(RegistryError, match="reads learner data"):
        parse_registry(raw, PROJECT)


def test_issued_credentials_give_the_achievement_never_the_learner(tmp_path):
    from connectors.cache import FeedCache
    from connectors.http import FeedClient
    from pipelines.catalogue.build import build_catalogue, validate_sources
    from pipelines.publish.database import build_duckdb
    from pipelines.publish.release import publish_release, write_release
    from pipelines.reading.sources import read_sources

    credentials = [
        {
            "id": f"urn:uuid:{i}",
            "credentialSubject": {
                "id": f"did:example:learner{i}",
                "name": f"Jane Learner{i}",
                "email": f"jane{i}@example.org",
                "birthDate": "2001-02-03",
                "achievement": {
                    "id": "https://uni.example/ach/1",
                    "name": "Data Stewardship",
                    "description": "Manages research data.",
                    "credits": 4,
                },
            },
        }
        for i in range(3)
    ]
    (tmp_path / "issued.json").write_text(__import__("json").dumps(credentials), encoding="utf-8")
    registry = parse_registry(
        {
            "providers": [{"id": "p", "name": "P", "country": "NL"}],
            "sources": [
                {
                    "id": "issued",
                    "provider": "p",
                    "url": "issued.json",
                    "format": "json",
                    "mapping": {
                        "source_record_id": "credentialSubject.achievement.id",
                        "title": "credentialSubject.achievement.name",
                        "description": "credentialSubject.achievement.description",
                        "ects": "credentialSubject.achievement.credits",
                    },
                }
            ],
        },
        tmp_path,
    )
    reads = read_sources(registry, FeedClient(), FeedCache(tmp_path / "cache"))
    result = validate_sources(reads, registry)
    tables = build_catalogue(result, reads, registry, pd.Timestamp.now(tz="UTC").to_pydatetime())
    out = tmp_path / "out"
    publish_release(out, write_release(tables.as_dict(), out, "r1"))
    build_duckdb(out)
    assert tables.microcredentials["title"].tolist() == ["Data Stewardship"]
    everything = b"".join(
        p.read_bytes() for p in (out, tmp_path / "cache") for p in p.rglob("*") if p.is_file()
    )
    for personal in (b"Jane", b"jane0@example.org", b"2001-02-03", b"did:example:learner"):
        assert personal not in everything
