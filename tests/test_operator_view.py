"""What an operator sees of a run: the headline, the severities, the numbers of the metadata,
and the alerts (to a webhook on 127.0.0.1 and to a command)."""

import json
import sys

import pandas as pd
import pytest
from dagster import DagsterEventType, build_run_status_sensor_context

from pipelines.catalogue.health import ERROR, OK, WARN, feeds_health, records_health
from pipelines.defs import alerts
from pipelines.defs.metadata import md_table
from schemas.reads import SourceRead
from schemas.registry import HealthSettings

SETTINGS = HealthSettings()


def read(source_id, status="ok", records=3, error=None, warnings=()):
    frame = None if records is None else pd.DataFrame({"title": ["t"] * records})
    result = SourceRead(source_id, status, frame, error, warnings=list(warnings))
    if status == "held":
        result.records_held = 1
    return result


def test_the_feeds_headline_names_the_worst_first_and_the_severity_follows_the_share():
    reads = [
        read("a-ok"),
        read(
            "fi-nordlight-json",
            "failed",
            None,
            "http://127.0.0.1:9/feed.json: connection refused (gave up after 4 attempts)",
        ),
        read("b-empty", records=0, warnings=["no records found"]),
        read("c-ok"),
        read("d-ok"),
    ]
    health = feeds_health(reads, SETTINGS)
    assert health.headline == (
        "1 source failed: fi-nordlight-json (connection refused (gave up after 4 attempts)); "
        "1 source empty: b-empty"
    )
    assert health.table["source"].tolist()[:2] == ["fi-nordlight-json", "b-empty"]
    assert health.severity == ERROR  # 2 of 5 lost: at least health.sources_lost_error_share
    one_lost = feeds_health([*reads[:2], *reads[3:]], SETTINGS)
    assert one_lost.severity == WARN  # 1 of 4
    assert feeds_health([read("a"), read("b")], SETTINGS).severity == OK
    lenient = HealthSettings(sources_lost_error_share=0.5)
    assert feeds_health(reads, lenient).severity == WARN


def test_records_health_counts_new_rejections_against_the_last_catalogue():
    reads = [read("nl-wur-csv", records=10), read("at-csv", records=10)]
    rejects = pd.DataFrame(
        {
            "source_id": ["nl-wur-csv"] * 3 + ["at-csv"],
            "source_record_id": ["1", "2", "3", "9"],
            "record_index": [0, 1, 2, 8],
            "severity": ["error", "error", "error", "warning"],
        }
    )
    previous = rejects.iloc[[0]]
    health = records_health(reads, rejects, previous, SETTINGS)
    assert health.headline == "3 records rejected: nl-wur-csv (3, 2 new)"
    assert health.severity == WARN  # newly rejected records
    row = health.table.iloc[0]
    assert (row["source"], row["records_rejected"], row["newly_rejected"]) == ("nl-wur-csv", 3, 2)
    assert row["share_rejected"] == pytest.approx(0.3)
    assert records_health(reads, rejects, rejects, SETTINGS).severity == OK
    strict = HealthSettings(records_lost_error_share=0.1)
    assert records_health(reads, rejects, rejects, strict).severity == ERROR  # 3 of 20
    first = records_health(reads, rejects, None, SETTINGS)  # no catalogue before
    assert first.table["newly_rejected"].sum() == 0


def test_tables_show_missing_values_empty_and_shares_as_percentages():
    frame = pd.DataFrame({"source": ["a|b", None], "share": [0.25, float("nan")], "n": [1, 2]})
    text = md_table(frame, percent=("share",)).value
    assert "nan" not in text.lower() and "None" not in text
    assert "25%" in text and "a\\|b" in text


def test_metadata_of_a_run_and_of_an_unchanged_rerun(catalogue):
    run, _out, _, _ = catalogue
    first = run()
    staged = first.asset_materializations_for_node("catalogue__staged_release")[0].metadata
    assert "added" in staged["changes_this_run"].value
    published = first.asset_materializations_for_node("catalogue__parquet_release")[0].metadata
    assert published["dagster/row_count"].value == 13
    columns = {c.name: c for c in published["dagster/column_schema"].value.columns}
    assert columns["ects"].type == "double" and columns["ects"].description
    database = first.asset_materializations_for_node("catalogue__duckdb_database")[0].metadata
    tables = {r.data["table"]: r.data["rows"] for r in database["tables"].value.records}
    assert tables["microcredentials"] == 13 and tables["lineage"] == 13
    feeds = first.asset_materializations_for_node("feeds__raw_feeds")[0].metadata
    assert next(iter(feeds)) == "headline"
    assert feeds["registry_fingerprint"].value and feeds["registry"].value.endswith(".yaml")
    records = first.asset_materializations_for_node("catalogue__validated_records")[0].metadata
    assert records["headline"].value == "3 records rejected: graz-csv (2), register-json (1)"
    assert "| source " in records["reject_reasons"].value
    again = run()
    staged = again.asset_materializations_for_node("catalogue__staged_release")[0].metadata
    assert staged["changes_this_run"].value == "no change"


@pytest.fixture
def degraded_run(catalogue):
    run, _out, feeds, _ = catalogue
    run()
    (feeds / "courses.xml").unlink()
    return run(), run.instance


def _sensor_context(degraded, status_event):
    result, instance = degraded  # the run and the instance it is recorded in
    run = instance.get_run_by_id(result.run_id)
    event = instance.get_records_for_run(result.run_id, of_type=status_event).records[0]
    return build_run_status_sensor_context(
        sensor_name="alert_on_check_failure",
        dagster_event=event.event_log_entry.dagster_event,
        dagster_instance=instance,
        dagster_run=run,
    )


def test_alerts_are_off_until_the_environment_says_where(degraded_run, monkeypatch):
    monkeypatch.delenv(alerts.WEBHOOK, raising=False)
    monkeypatch.delenv(alerts.COMMAND, raising=False)
    context = _sensor_context(degraded_run, DagsterEventType.RUN_SUCCESS)
    skipped = alerts.alert_on_check_failure(context)
    assert skipped.skip_message == alerts.NOT_CONFIGURED


def test_a_degraded_run_is_sent_to_the_webhook_and_the_command(
    degraded_run, httpserver, monkeypatch, tmp_path
):
    httpserver.expect_request("/hook", method="POST").respond_with_data("ok")
    received = tmp_path / "alert.json"
    monkeypatch.setenv(alerts.WEBHOOK, httpserver.url_for("/hook"))
    monkeypatch.setenv(
        alerts.COMMAND,
        f"{sys.executable} -c \"import sys; open({str(received)!r}, 'w').write(sys.stdin.read())\"",
    )
    alerts.alert_on_check_failure(_sensor_context(degraded_run, DagsterEventType.RUN_SUCCESS))
    ((request, _response),) = httpserver.log
    sent = json.loads(request.data)
    assert sent == json.loads(received.read_text(encoding="utf-8"))
    assert sent["run_id"] == degraded_run[0].run_id
    failed = {c["check"]: c for c in sent["checks"]}
    check = failed["feeds/raw_feeds:sources_read_check"]
    assert check["severity"] == "WARN"
    assert check["description"].startswith("1 source failed: exemple-xml (HTTP 404")
