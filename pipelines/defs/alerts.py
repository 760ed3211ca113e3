"""Alerts an agency switches on without code: a failed run, or a run whose checks failed, is
sent to a webhook (CATALOGUE_ALERT_WEBHOOK, a JSON POST) and/or a command
(CATALOGUE_ALERT_COMMAND, the message on its standard input). Neither set: no alert is sent
(the sensors say so on the Automation page)."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from collections.abc import Mapping

import requests
from dagster import (
    DagsterEventType,
    DagsterRunStatus,
    DefaultSensorStatus,
    RunFailureSensorContext,
    RunStatusSensorContext,
    SkipReason,
    run_failure_sensor,
    run_status_sensor,
)

WEBHOOK = "CATALOGUE_ALERT_WEBHOOK"
COMMAND = "CATALOGUE_ALERT_COMMAND"
TIMEOUT_SECONDS = 10
NOT_CONFIGURED = f"no alert configured (set {WEBHOOK} or {COMMAND} to receive one)"


def alert_targets(environ: Mapping[str, str] = os.environ) -> list[str]:
    """Where alerts go, as configured in the environment (empty: alerts are off)."""
    return [name for name in (WEBHOOK, COMMAND) if environ.get(name, "").strip()]


def send_alert(alert: dict, environ: Mapping[str, str] = os.environ) -> list[str]:
    """Send `alert` ({"title", "text", "run_id", ...}) to every configured target; returns what
    was done, one line each. A target that fails raises: the sensor tick shows the error."""
    done = []
    url = environ.get(WEBHOOK, "").strip()
    if url:
        response = requests.post(url, json=alert, timeout=TIMEOUT_SECONDS, allow_redirects=False)
        response.raise_for_status()
        done.append(f"webhook answered HTTP {response.status_code}")
    command = environ.get(COMMAND, "").strip()
    if command:
        subprocess.run(
            shlex.split(command),
            input=json.dumps(alert, ensure_ascii=False),
            text=True,
            check=True,
            timeout=TIMEOUT_SECONDS,
        )
        done.append(f"command {shlex.split(command)[0]} ran")
    return done


def _run_link(run_id: str) -> str:
    base = os.environ.get("CATALOGUE_UI_URL", "").rstrip("/")
    return f"{base}/runs/{run_id}" if base else run_id


def failed_checks(context: RunStatusSensorContext) -> list[dict]:
    """The asset checks that did not pass in the run, worst first."""
    records = context.instance.get_records_for_run(
        context.dagster_run.run_id, of_type=DagsterEventType.ASSET_CHECK_EVALUATION
    ).records
    failed = []
    for record in records:
        evaluation = record.event_log_entry.dagster_event.asset_check_evaluation_data
        if not evaluation.passed:
            failed.append(
                {
                    "check": f"{evaluation.asset_key.to_user_string()}:{evaluation.check_name}",
                    "severity": evaluation.severity.value,
                    "description": evaluation.description or "",
                }
            )
    return sorted(failed, key=lambda c: c["severity"] != "ERROR")


@run_failure_sensor(
    name="alert_on_run_failure",
    default_status=DefaultSensorStatus.RUNNING,
    description=f"A failed run is sent to {WEBHOOK} (JSON POST) and/or {COMMAND} (standard "
    "input); off while neither is set.",
)
def alert_on_run_failure(context: RunFailureSensorContext):
    if not alert_targets():
        return SkipReason(NOT_CONFIGURED)
    run = context.dagster_run
    steps = [
        f"{event.step_key}: {event.event_specific_data.error.message.strip()[:300]}"
        for event in context.get_step_failure_events()
        if event.event_specific_data and event.event_specific_data.error
    ]
    alert = {
        "title": f"catalogue run failed: {run.job_name}",
        "text": "\n".join(steps) or context.failure_event.message or "the run failed",
        "run_id": run.run_id,
        "run": _run_link(run.run_id),
        "tags": dict(run.tags),
    }
    context.log.info("; ".join(send_alert(alert)))
    return None


@run_status_sensor(
    name="alert_on_check_failure",
    run_status=DagsterRunStatus.SUCCESS,
    default_status=DefaultSensorStatus.RUNNING,
    description=f"A run whose asset checks failed (failed or held sources, records rejected, "
    f"completeness) is sent to {WEBHOOK} and/or {COMMAND}; off while neither is set.",
)
def alert_on_check_failure(context: RunStatusSensorContext):
    if not alert_targets():
        return SkipReason(NOT_CONFIGURED)
    checks = failed_checks(context)
    if not checks:
        return SkipReason(f"run {context.dagster_run.run_id}: every check passed")
    run = context.dagster_run
    alert = {
        "title": f"catalogue run degraded: {len(checks)} checks failed",
        "text": "\n".join(f"{c['severity']} {c['check']}: {c['description']}" for c in checks),
        "run_id": run.run_id,
        "run": _run_link(run.run_id),
        "checks": checks,
        "tags": dict(run.tags),
    }
    context.log.info("; ".join(send_alert(alert)))
    return None
