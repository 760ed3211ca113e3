"""The real Dagster webserver on a test instance, asked through its GraphQL API as the UI asks."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import requests

PROJECT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def dagster_webserver(env: dict[str, str], timeout: float = 180) -> Iterator[str]:
    """Start `dagster-webserver` on the workspace with `env` (DAGSTER_HOME, CATALOGUE_*) and
    yield its GraphQL URL; the server and its code server are stopped after."""
    port = _free_port()
    command = [
        str(Path(sys.executable).parent / "dagster-webserver"),
        "-w", "workspace.yaml", "-h", "127.0.0.1", "-p", str(port),
    ]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=PROJECT,
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # its own process group: the code server goes with it
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"dagster-webserver exited with {process.returncode}")
            try:
                if requests.get(f"{url}/server_info", timeout=2).ok:
                    break
            except requests.ConnectionError:
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("dagster-webserver did not start")
            time.sleep(0.5)
        yield f"{url}/graphql"
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=10)


def graphql(url: str, query: str, variables: dict | None = None) -> dict:
    answer = requests.post(url, json={"query": query, "variables": variables or {}}, timeout=60)
    answer.raise_for_status()
    body = answer.json()
    assert "errors" not in body, body["errors"]
    return body["data"]
