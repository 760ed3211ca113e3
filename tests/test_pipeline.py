"""The whole asset graph, run as the scheduled job runs it, on a small registry served over HTTP."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd

from pipelines.defs.catalogue.checks import nothing_lost
from pipelines.publish.release import read_published

FIXTURES = Path(__file__).parent / "fixtures"
PROJECT = Path(__file__).parent.parent


def latest_status(out: Path) -> pd.DataFrame:
    status = read_published(out)["feed_status"]
    return status[status["run_at"] == status["run_at"].max()].set_index("source_id")


def test_first_run_publishes_every_table_and_loses_nothing(catalogue):
    run, out, _, _ = catalogue
    result = run()
    tables = read_published(out)
    mc = tables["microcredentials"]
    assert len(mc) == 13
    assert sorted(p.name for p in (out / "parquet" / "microcredentials").iterdir()) == [
        "provider_country=AT",
        "provider_country=FR",
        "provider_country=NL",
        "provider_country=unknown",  # "Unknown Academy": an unregistered provider, no country
    ]
    assert mc["credential_id"].is_unique
    assert set(mc["status"]) == {"active"} and set(mc["source_count"]) == {1}
    unknown = mc[mc["provider_country"].isna()]
    assert unknown["provider_name"].tolist() == ["Unknown Academy"]

    rejects = tables["rejects"]
    assert set(map(tuple, rejects[["source_record_id", "field", "reason", "severity"]].values)) == {
        ("K-3", "title", "required field is missing", "error"),
        ("K-4", "ects", "ECTS must be 1 to 59", "error"),
        ("K-5", "end_date", "end date before start date", "warning"),
        ("A2", "ects", "not a number", "warning"),
        ("A3", "eqf_level", "EQF level must be 1 to 8", "error"),
        ("A3", "languages", "unknown language", "warning"),
        ("X2", "url", "not an http(s) URL", "warning"),
    }
    assert rejects.loc[rejects["source_record_id"] == "A2", "value"].tolist() == ["five"]
    kept = mc.set_index("title")
    assert pd.isna(kept.loc["Urban Water", "ects"])  # the value went, the record stayed

    counts = nothing_lost(tables)
    assert counts["records_read"].sum() == 16
    assert (counts["lost"] == 0).all()
    status = latest_status(out)
    assert status.loc["paged-json", "pages"] == 3
    assert status.loc[
        "graz-csv", ["records_read", "records_accepted", "records_rejected", "values_dropped"]
    ].tolist() == [5, 3, 2, 1]

    lineage = tables["lineage"]
    assert len(lineage) == len(mc) and set(lineage["credential_id"]) == set(mc["credential_id"])

    coverage = result.asset_materializations_for_node("catalogue__code_coverage_report")[0]
    assert coverage.metadata["percent_eqf"].value == 7.7  # 1 of 13 accepted records
    assert "register-json" in coverage.metadata["per_source"].value

    evaluations = {e.check_name: e.passed for e in result.get_asset_check_evaluations()}
    assert evaluations["schema_valid"] and evaluations["nothing_lost_check"]
    assert "completeness_check" in evaluations


def test_duckdb_answers_with_comments(catalogue):
    run, out, _, _ = catalogue
    run()
    con = duckdb.connect(str(out / "catalogue.duckdb"), read_only=True)
    try:
        by_country = dict(
            con.execute(
                "SELECT provider_country, count(*) FROM microcredentials GROUP BY 1"
            ).fetchall()
        )
        assert by_country == {"AT": 3, "NL": 7, "FR": 2, None: 1}
        columns = [
            r[0]
            for r in con.execute(
                "SELECT column_name FROM duckdb_columns() WHERE table_name = 'microcredentials' "
                "ORDER BY column_index"
            ).fetchall()
        ]
        assert columns[:3] == ["credential_id", "title", "title_language"]
        assert columns[columns.index("source_count") + 1 :] == [
            "provider_id_origin",
            "eqf_level_origin",
            "qf_ehea_cycle_origin",
            "isced_level_origin",
            "isced_f_code_origin",
            "ects_origin",
            "code_flags",
        ]
        coverage = con.execute(
            "SELECT source_id, records, eqf_given, isced_f_given FROM code_coverage "
            "WHERE source_id = 'register-json'"
        ).fetchone()
        assert coverage == ("register-json", 2, 0.5, 0.5)  # A2 gives neither
        comment = con.execute(
            "SELECT comment FROM duckdb_columns() WHERE table_name = 'microcredentials' "
            "AND column_name = 'ects'"
        ).fetchone()[0]
        assert "ECTS" in comment
        assert con.execute("SELECT count(*) FROM rejects").fetchone()[0] == 7
        assert con.execute("SELECT count(*) FROM latest_feed_status").fetchone()[0] == 4
        graz = con.execute(
            "SELECT title, ects, languages, learning_outcomes, start_date::VARCHAR, price_amount "
            "FROM microcredentials WHERE source_count = 1 AND title LIKE 'Einf%'"
        ).fetchone()
        assert graz == (
            "Einführung in Qualitätssicherung",
            2.5,
            ["de"],
            ["Versteht QS", "Wendet Normen an"],
            "2026-09-01",
            450.0,
        )
    finally:
        con.close()


def test_rerun_is_unchanged_and_keeps_ids_and_first_seen(catalogue):
    run, out, _, _ = catalogue
    run()
    first = read_published(out)["microcredentials"].set_index("credential_id")
    run()
    second = read_published(out)["microcredentials"].set_index("credential_id")
    assert sorted(first.index) == sorted(second.index)
    assert (second["first_seen"] == first.loc[second.index, "first_seen"]).all()
    assert (second["last_seen"] > first.loc[second.index, "last_seen"]).all()
    status = latest_status(out)
    assert set(status["status"]) == {"unchanged"}
    assert status["records_read"].sum() == 16
    assert read_published(out)["feed_status"]["run_at"].nunique() == 2
    assert (nothing_lost(read_published(out))["lost"] == 0).all()
    changes = read_published(out)["changes"]
    assert set(changes["change"]) == {"added"}  # nothing changed, nothing withdrawn
    assert changes["run_at"].nunique() == 1


def test_a_failing_source_keeps_its_last_good_records_and_others_go_on(catalogue):
    run, out, feeds, _ = catalogue
    run()
    before = read_published(out)["microcredentials"]
    (feeds / "courses.xml").unlink()
    (feeds / "page1.json").write_text(
        '{"items": [{"ref": "P1-0", "name": "Paged course 1.0 (renamed)", "ects": 3}, '
        '{"ref": "P1-1", "name": "Paged course 1.1", "ects": 3}], "links": {"next": "page2.json"}}',
        encoding="utf-8",
    )
    result = run()
    tables = read_published(out)
    status = latest_status(out)
    assert status.loc["exemple-xml", "status"] == "failed"
    assert "HTTP 404" in status.loc["exemple-xml", "error"]
    assert bool(status.loc["exemple-xml", "stale"])
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["sources_read_check"].passed
    assert "exemple-xml" in evaluations["sources_read_check"].metadata["degraded_sources"].value
    assert status.loc["paged-json", "status"] == "ok"
    after = tables["microcredentials"]
    kept = after[after["provider_id"] == "fr-exemple"]
    assert (
        kept["title"].tolist()
        == before.loc[before["provider_id"] == "fr-exemple", "title"].tolist()
    )
    assert "Paged course 1.0 (renamed)" in set(after["title"])


def test_a_failed_run_leaves_the_previous_catalogue_whole(catalogue):
    run, out, _, registry = catalogue
    run()
    release = (out / "parquet").resolve()
    database = (out / "catalogue.duckdb").read_bytes()
    registry.write_text(
        registry.read_text(encoding="utf-8") + "\nunknown_key: 1\n", encoding="utf-8"
    )
    result = run(expect_success=False)
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "key 'unknown_key': unknown key" in str(failure.event_specific_data.error)
    assert (out / "parquet").resolve() == release
    assert (out / "catalogue.duckdb").read_bytes() == database
    assert len(read_published(out)["microcredentials"]) == 13


def test_definitions_load_and_validate(tmp_path):
    from pipelines.definitions import defs

    job = defs.resolve_job_def("aggregate_catalogue")
    keys = {key.to_user_string() for key in defs.resolve_asset_graph().get_all_asset_keys()}
    assert keys == {
        "feeds/raw_feeds",
        "catalogue/validated_records",
        "catalogue/staged_release",
        "catalogue/parquet_release",
        "catalogue/duckdb_database",
        "catalogue/code_coverage_report",
        "reports/provider_reports",
        "reports/catalogue_overview",
        "export/elm_export",
    }
    assert job.executor_def.name == "in_process"
    assert defs.resolve_implicit_global_asset_job_def().executor_def.name == "in_process"
    snapshot_ids = {
        subprocess.run(
            [
                sys.executable,
                "-c",
                "from pipelines.definitions import defs; "
                "print(defs.resolve_job_def('aggregate_catalogue').get_job_snapshot_id())",
            ],
            cwd=PROJECT,
            capture_output=True,
            text=True,
            timeout=120,
            env={**os.environ, "PYTHONHASHSEED": str(seed)},
        ).stdout.strip()
        for seed in (1, 2, 3)
    }
    # one version of the job in every process: the UI never warns that a run of `make run`
    # was of another version
    assert len(snapshot_ids) == 1 and len(next(iter(snapshot_ids))) == 40
    schedule = defs.resolve_schedule_def("daily_aggregation")
    assert schedule.default_status.value == "STOPPED"
    completed = subprocess.run(  # the dg command line on the code location of pyproject.toml
        [str(Path(sys.executable).parent / "dg"), "check", "defs", "--use-active-venv"],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=180,
        env={**os.environ, "DAGSTER_HOME": str(tmp_path)},
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "All definitions loaded successfully" in completed.stdout + completed.stderr


def test_every_source_failing_fails_the_run_and_keeps_the_catalogue(catalogue):
    run, out, feeds, _ = catalogue
    run()
    release = (out / "parquet").resolve()
    shutil.rmtree(feeds)
    result = run(expect_success=False)
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "every source failed (4)" in str(failure.event_specific_data.error)
    assert (out / "parquet").resolve() == release


def test_an_empty_catalogue_is_published_with_typed_tables(tmp_path):
    from datetime import UTC, datetime

    from pipelines.catalogue.build import build_catalogue, validate_sources
    from pipelines.publish.database import build_duckdb
    from pipelines.publish.release import publish_release, write_release
    from pipelines.reading.registry import load_registry

    registry = load_registry(FIXTURES / "registry.yaml")
    result = validate_sources([], registry)
    tables = build_catalogue(result, [], registry, datetime.now(UTC))
    release = write_release(tables.as_dict(), tmp_path, "empty")
    publish_release(tmp_path, release)
    database = build_duckdb(tmp_path)
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM microcredentials").fetchone() == (0,)
        types = dict(
            con.execute(
                "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'microcredentials'"
            ).fetchall()
        )
        assert types["ects"] == "DOUBLE" and types["languages"] == "VARCHAR[]"
        assert types["eqf_level"] == "TINYINT"
        assert con.execute("SELECT count(*) FROM providers").fetchone() == (4,)
    finally:
        con.close()
    assert len(read_published(tmp_path)["microcredentials"]) == 0


def test_one_asset_can_be_rematerialised_from_the_stored_upstream_values(catalogue, tmp_path):
    from dagster import AssetKey, DagsterInstance

    from pipelines.definitions import build_definitions
    from pipelines.defs.resources import CatalogueSettings

    run, out, _, registry = catalogue
    run()
    first = read_published(out)
    settings = CatalogueSettings(registry_path=str(registry), catalogue_dir=str(out))
    job = build_definitions(settings).resolve_job_def("aggregate_catalogue")
    instance = DagsterInstance.ephemeral()
    published = AssetKey(["catalogue", "parquet_release"])
    alone = job.execute_in_process(
        instance=instance, asset_selection=[published], raise_on_error=False
    )
    assert not alone.success  # no check has passed on a staged release in this instance
    failure = next(e for e in alone.all_events if e.event_type_value == "STEP_FAILURE")
    message = str(failure.event_specific_data.error)
    assert "schema_valid, nothing_lost_check did not pass" in message
    assert f"the published catalogue is still {(out / 'parquet').resolve().name}" in message
    result = job.execute_in_process(
        instance=instance,
        asset_selection=[AssetKey(["catalogue", "staged_release"]), published],
        raise_on_error=False,
    )
    assert result.success
    assert {e.check_name for e in result.get_asset_check_evaluations()} >= {
        "schema_valid",
        "nothing_lost_check",
    }
    again = read_published(out)
    assert (
        again["microcredentials"]["credential_id"].tolist()
        == first["microcredentials"]["credential_id"].tolist()
    )
    assert len(again["rejects"]) == len(first["rejects"])
