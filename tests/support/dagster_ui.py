"""The real Dagster UI for tests: `dagster dev` (webserver, daemon, code server) on a free port
of 127.0.0.1 in a temporary DAGSTER_HOME, driven through its GraphQL API as the UI drives it."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[2]
LOCATION = "microcredential_catalogue"
REPOSITORY = "__repository__"
FINISHED = {"SUCCESS", "FAILURE", "CANCELED"}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class DagsterUI:
    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home = home
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        home.mkdir(parents=True, exist_ok=True)
        (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
        self.env = {**os.environ, **env, "DAGSTER_HOME": str(home)}
        self.log = (home / "dagster-dev.log").open("w")
        self.process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "dagster"),
                "dev",
                "-w",
                str(PROJECT / "workspace.yaml"),
                "-h",
                "127.0.0.1",
                "-p",
                str(self.port),
            ],
            cwd=PROJECT,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: stopped as a whole
        )

    def wait_until_loaded(self, timeout: float = 120) -> None:
        deadline = time.monotonic() + timeout
        query = (
            "{ workspaceOrError { ... on Workspace { locationEntries { name "
            "locationOrLoadError { __typename } } } } }"
        )
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"dagster dev exited: {self.read_log()}")
            try:
                entries = self.graphql(query)["workspaceOrError"]["locationEntries"]
                kinds = {e["name"]: e["locationOrLoadError"] for e in entries}
                loaded = kinds.get(LOCATION)
                if loaded and loaded["__typename"] == "RepositoryLocation":
                    return
                if loaded and loaded["__typename"] == "PythonError":
                    raise RuntimeError(f"code location failed to load: {loaded}")
            except requests.RequestException:
                pass
            time.sleep(1)
        raise TimeoutError(f"the Dagster UI did not load in {timeout} s: {self.read_log()}")

    def read_log(self) -> str:
        self.log.flush()
        return (self.home / "dagster-dev.log").read_text(encoding="utf-8")[-3000:]

    def graphql(self, query: str, variables: dict | None = None) -> dict:
        response = requests.post(
            f"{self.url}/graphql", json={"query": query, "variables": variables or {}}, timeout=60
        )
        response.raise_for_status()
        body = response.json()
        if body.get("errors"):
            raise AssertionError(body["errors"])
        return body["data"]

    def wait_for_run(self, run_id: str, timeout: float = 180) -> dict:
        """The run once finished: status, tags and the step failures' messages."""
        query = """query($runId: ID!) { runOrError(runId: $runId) { ... on Run {
            runId status pipelineName tags { key value }
            repositoryOrigin { repositoryLocationName repositoryName }
            pipelineSnapshotId
            eventConnection(afterCursor: null, limit: 1000) { events {
              __typename ... on ExecutionStepFailureEvent { stepKey error { message causes { message } } }
              ... on MessageEvent { message }
            } } } } }"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            run = self.graphql(query, {"runId": run_id})["runOrError"]
            if run.get("status") in FINISHED:
                run["tags"] = {t["key"]: t["value"] for t in run["tags"]}
                return run
            time.sleep(1)
        raise TimeoutError(f"run {run_id} did not finish in {timeout} s: {self.read_log()}")

    def stop(self) -> None:
        """Stop dagster dev and every process it started (its process group)."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=10)
        with contextlib.suppress(ProcessLookupError):  # a child that outlived the parent
            os.killpg(self.process.pid, signal.SIGKILL)
        self.log.close()
