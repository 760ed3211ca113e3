"""Every way an operator launches the aggregation, through the real Dagster UI (`dagster dev`
on 127.0.0.1, driven by its GraphQL API as the browser drives it), on one instance: the asset
graph's "Materialize all", the job page, one asset check, a re-execution from failure, the
schedule, and `make run` (`python -m pipelines run`), whose runs belong to the code location."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from pipelines.definitions import defs
from pipelines.defs.catalogue.assets import TABLES_VERSION
from pipelines.publish.release import published_release
from tests.support.dagster_ui import LOCATION, PROJECT, REPOSITORY, DagsterUI
from tests.support.feeds import served_fixture_feeds

FIXTURES = Path(__file__).parent / "fixtures"
JOB = "aggregate_catalogue"
SELECTOR = {"repositoryLocationName": LOCATION, "repositoryName": REPOSITORY}

LAUNCH = """mutation($params: ExecutionParams!) { launchPipelineExecution(executionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message }
  ... on InvalidSubsetError { message } ... on RunConfigValidationInvalid { errors { message } } } }"""
REEXECUTE = """mutation($params: ReexecutionParams!) { launchPipelineReexecution(reexecutionParams: $params) {
  __typename ... on LaunchRunSuccess { run { runId } } ... on PythonError { message } } }"""
CHECKS = """query($runId: ID!) { runOrError(runId: $runId) { ... on Run {
  assetCheckSelection { name } } } }"""


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The fixture feeds on 127.0.0.1 for the whole module."""
    with served_fixture_feeds(tmp_path_factory.mktemp("served")) as served:
        yield served


@pytest.fixture(scope="module")
def ui(tmp_path_factory, served):
    """dagster dev on a registry of the served feeds; stopped with every process it started."""
    _, base_url = served
    root = tmp_path_factory.mktemp("ui")
    raw = yaml.safe_load((FIXTURES / "registry.yaml").read_text(encoding="utf-8"))
    for source in raw["sources"]:
        source["url"] = f"{base_url}/{Path(source['url']).name}"
    registry = root / "providers.yaml"
    registry.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    env = {"CATALOGUE_REGISTRY": str(registry), "CATALOGUE_DIR": str(root / "catalogue")}
    dagster = DagsterUI(root / "dagster_home", env)
    try:
        dagster.wait_until_loaded()
        yield dagster
    finally:
        dagster.stop()


def launch(ui: DagsterUI, job: str, assets=None, checks=None, tags=None) -> dict:
    selector = {**SELECTOR, "pipelineName": job}
    if assets is not None:
        selector["assetSelection"] = [{"path": path} for path in assets]
    if checks is not None:
        selector["assetCheckSelection"] = [
            {"assetKey": {"path": path}, "name": name} for path, name in checks
        ]
    params = {
        "selector": selector,
        "mode": "default",
        "runConfigData": {},
        "executionMetadata": {"tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]},
    }
    launched = ui.graphql(LAUNCH, {"params": params})["launchPipelineExecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    return ui.wait_for_run(launched["run"]["runId"])


def asset_graph(ui: DagsterUI) -> tuple[list[list[str]], list[tuple[list[str], str]]]:
    """Every asset and every asset check, as the asset graph lists them."""
    nodes = ui.graphql(
        "{ assetNodes { assetKey { path } assetChecksOrError { ... on AssetChecks { checks "
        "{ name blocking } } } } }"
    )["assetNodes"]
    assets = [n["assetKey"]["path"] for n in nodes]
    checks = [
        (n["assetKey"]["path"], c["name"]) for n in nodes for c in n["assetChecksOrError"]["checks"]
    ]
    return assets, checks


def failures(run: dict) -> list[str]:
    return [
        f"{e['stepKey']}: "
        + " / ".join([e["error"]["message"], *(c["message"] for c in e["error"]["causes"])])
        for e in run["eventConnection"]["events"]
        if e["__typename"] == "ExecutionStepFailureEvent"
    ]


def test_materialize_all_from_the_asset_graph_runs_in_one_process(ui):
    assets, checks = asset_graph(ui)
    defined = defs.resolve_asset_graph()
    assert sorted(assets) == sorted(key.path for key in defined.get_all_asset_keys())
    assert len(checks) == len(defined.asset_check_keys) == 7
    started = time.monotonic()
    run = launch(ui, "__ASSET_JOB", assets=assets, checks=checks)
    assert run["status"] == "SUCCESS", failures(run)
    assert time.monotonic() - started < 60
    messages = [e.get("message", "") for e in run["eventConnection"]["events"]]
    assert not any("being written by" in m for m in messages)
    assert run["tags"]["catalogue/trigger"] == "UI"
    assert run["tags"]["catalogue/sources_failed"] == "0"
    assert run["tags"]["catalogue/registry"].endswith("providers.yaml")
    assert len(run["tags"]["catalogue/registry_fingerprint"]) == 16


def test_launching_the_job_from_its_page(ui):
    run = launch(ui, JOB)
    assert run["status"] == "SUCCESS", failures(run)
    assert run["repositoryOrigin"]["repositoryLocationName"] == LOCATION


def test_executing_a_single_asset_check(ui):
    check = (["catalogue", "staged_release"], "schema_valid")
    run = launch(ui, "__ASSET_JOB", assets=[], checks=[check])
    assert run["status"] == "SUCCESS", failures(run)
    evaluated = ui.graphql(
        """query($runId: ID!) { runOrError(runId: $runId) { ... on Run { eventConnection(afterCursor: null) {
        events { __typename ... on AssetCheckEvaluationEvent { evaluation { checkName success } } } } } } }""",
        {"runId": run["runId"]},
    )["runOrError"]["eventConnection"]["events"]
    results = [e["evaluation"] for e in evaluated if e["__typename"] == "AssetCheckEvaluationEvent"]
    assert results == [{"checkName": "schema_valid", "success": True}]


def test_reexecuting_a_failed_run_from_failure(ui):
    out = Path(ui.env["CATALOGUE_DIR"])
    if published_release(out) is None:
        assert launch(ui, JOB)["status"] == "SUCCESS"
    before = published_release(out)
    link = out / "parquet"
    target = os.readlink(link)
    link.unlink()
    link.mkdir()  # publishing now fails: "exists and is not a symlink; move it away"
    try:
        failed = launch(ui, JOB)
    finally:
        link.rmdir()
        link.symlink_to(target, target_is_directory=True)
    assert failed["status"] == "FAILURE"
    assert any(
        f.startswith("catalogue__parquet_release") and "not a symlink" in f
        for f in failures(failed)
    ), failures(failed)
    assert published_release(out) == before
    params = {"parentRunId": failed["runId"], "strategy": "FROM_FAILURE"}
    launched = ui.graphql(REEXECUTE, {"params": params})["launchPipelineReexecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    again = ui.wait_for_run(launched["run"]["runId"])
    assert again["status"] == "SUCCESS", failures(again)
    assert again["tags"]["dagster/parent_run_id"] == failed["runId"]
    # the release the failed run staged, checked in that run, is the one published now
    assert published_release(out).endswith(failed["runId"][:8])


def test_the_schedule_launches_as_the_ui_tests_it(ui):
    tick = ui.graphql(
        """mutation($selector: ScheduleSelector!, $timestamp: Float!) {
        scheduleDryRun(selectorData: $selector, timestamp: $timestamp) { __typename
        ... on DryRunInstigationTick { evaluationResult { runRequests { tags { key value } }
        error { message } } } } }""",
        {
            "selector": {**SELECTOR, "scheduleName": "daily_aggregation"},
            "timestamp": time.time(),
        },
    )["scheduleDryRun"]
    (request,) = tick["evaluationResult"]["runRequests"]
    tags = {t["key"]: t["value"] for t in request["tags"]}
    assert tags["dagster/schedule_name"] == "daily_aggregation"
    run = launch(ui, JOB, tags=tags)
    assert run["status"] == "SUCCESS", failures(run)
    assert run["tags"]["catalogue/trigger"] == "schedule"


def cli_run(ui: DagsterUI) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "run"],
        cwd=PROJECT,
        env=ui.env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_make_run_runs_belong_to_the_code_location_and_can_be_reexecuted(ui):
    done = cli_run(ui)
    assert done.returncode == 0, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("HEALTHY: every source read")
    history = ui.graphql(
        """query($selector: PipelineSelector!) { pipelineOrError(params: $selector) {
        ... on Pipeline { pipelineSnapshotId runs(limit: 1) { runId tags { key value } } } } }""",
        {"selector": {**SELECTOR, "pipelineName": JOB}},
    )["pipelineOrError"]
    (latest,) = history["runs"]
    assert latest["runId"] in last
    tags = {t["key"]: t["value"] for t in latest["tags"]}
    assert tags["catalogue/trigger"] == "command line"
    run = ui.wait_for_run(latest["runId"])
    assert run["repositoryOrigin"] == {
        "repositoryLocationName": LOCATION,
        "repositoryName": REPOSITORY,
    }
    assert run["pipelineSnapshotId"] == history["pipelineSnapshotId"]  # no "different version"
    params = {"parentRunId": latest["runId"], "strategy": "ALL_STEPS"}
    launched = ui.graphql(REEXECUTE, {"params": params})["launchPipelineReexecution"]
    assert launched["__typename"] == "LaunchRunSuccess", launched
    assert ui.wait_for_run(launched["run"]["runId"])["status"] == "SUCCESS"


def test_a_degraded_run_says_so_in_checks_tags_and_exit_status(ui, served):
    feeds, _ = served
    broken = feeds / "courses.xml"
    kept = broken.read_bytes()
    broken.unlink()
    try:
        done = cli_run(ui)
    finally:
        broken.write_bytes(kept)
    assert done.returncode == 3, done.stdout + done.stderr
    last = done.stdout.strip().splitlines()[-1]
    assert last.startswith("DEGRADED: published") and "1 failed: exemple-xml" in last
    assert last.endswith("exit status 3")
    (latest,) = ui.graphql(
        """{ runsOrError(filter: {tags: [{key: "catalogue/sources_failed", value: "1"}]}, limit: 1) {
        ... on Runs { results { runId tags { key value } } } } }"""
    )["runsOrError"]["results"]
    tags = {t["key"]: t["value"] for t in latest["tags"]}
    assert tags["catalogue/health"] == "warn" and tags["catalogue/trigger"] == "command line"
    check = ui.graphql(
        """{ assetNodeOrError(assetKey: {path: ["feeds", "raw_feeds"]}) { ... on AssetNode {
        assetChecksOrError { ... on AssetChecks { checks { name executionForLatestMaterialization {
        status evaluation { severity description } } } } } } } }"""
    )["assetNodeOrError"]["assetChecksOrError"]["checks"]
    read = next(c for c in check if c["name"] == "sources_read_check")
    execution = read["executionForLatestMaterialization"]
    assert execution["status"] == "FAILED" and execution["evaluation"]["severity"] == "WARN"
    assert execution["evaluation"]["description"].startswith(
        "1 source failed: exemple-xml (HTTP 404"
    )


def test_the_automation_page_lists_the_schedule_sensors_and_freshness(ui):
    repository = ui.graphql(
        """query($selector: RepositorySelector!) { repositoryOrError(repositorySelector: $selector) {
        ... on Repository { schedules { name scheduleState { status } }
        sensors { name sensorState { status } } } } }""",
        {"selector": SELECTOR},
    )["repositoryOrError"]
    assert {s["name"]: s["scheduleState"]["status"] for s in repository["schedules"]} == {
        "daily_aggregation": "STOPPED"
    }
    assert {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]} == {
        "alert_on_run_failure": "RUNNING",
        "alert_on_check_failure": "RUNNING",
    }
    node = ui.graphql(
        """{ assetNodeOrError(assetKey: {path: ["catalogue", "parquet_release"]}) {
        ... on AssetNode { kinds owners { ... on TeamAssetOwner { team } } opVersion
        internalFreshnessPolicy { ... on TimeWindowFreshnessPolicy { failWindowSeconds } } } } }"""
    )["assetNodeOrError"]
    assert node["internalFreshnessPolicy"] == {"failWindowSeconds": 26 * 3600}
    assert set(node["kinds"]) == {"parquet", "pandas"}
    assert node["owners"] == [{"team": "catalogue-operators"}]
    assert node["opVersion"] == TABLES_VERSION
