"""FeedClient (connectors.http) and read_sources (connectors.feeds) against real local servers.

Every server listens on the loopback interface; nothing here needs the network. Waits between
retries are recorded, not slept.
"""

from __future__ import annotations

import email.utils
import gzip
import http.server
import json
import os
import shutil
import socket
import socketserver
import ssl
import subprocess
import threading
import time
from typing import ClassVar
from urllib.parse import urlsplit, urlunsplit

import numpy as np
import pandas as pd
import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from connectors.cache import FeedCache
from connectors.http import (
    Access,
    Credentials,
    FeedClient,
    FeedError,
    FetchLimits,
    RetryPolicy,
    Validators,
    credentials_from_env,
    join_location,
    origin_of,
)
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import read_sources
from schemas.registry import Auth

FAST = FetchLimits(connect_timeout=2, read_timeout=5, total_seconds=30)


@pytest.fixture
def waits() -> list[float]:
    return []


@pytest.fixture
def make_client(waits):
    clients: list[FeedClient] = []

    def make(retry: RetryPolicy | None = None, limits: FetchLimits = FAST, **kwargs) -> FeedClient:
        client = FeedClient(
            retry=retry or RetryPolicy(max_attempts=3), limits=limits, sleep=waits.append, **kwargs
        )
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def client(make_client) -> FeedClient:
    return make_client()


@pytest.fixture(scope="module")
def _threaded_server():
    """A server that handles each request in its own thread (HTTP/1.1, chunked bodies)."""
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@pytest.fixture
def threaded_server(_threaded_server):
    _threaded_server.clear()
    return _threaded_server


def other_host(url: str) -> str:
    """The same server under another host name (localhost <-> 127.0.0.1)."""
    parts = urlsplit(url)
    other = "127.0.0.1" if parts.hostname == "localhost" else "localhost"
    return urlunsplit(parts._replace(netloc=f"{other}:{parts.port}"))


def headers_seen(server: HTTPServer, name: str) -> list[str | None]:
    return [request.headers.get(name) for request, _ in server.log]


def keyed(url: str, headers: dict[str, str], also: tuple[str, ...] = ()) -> Access:
    """The access of a source registered at `url` with secret `headers`; `also` are the
    origins its registry entry lists in internal_origins (the tests' other local servers)."""
    return Access(
        origin_of(url),
        internal_origins=frozenset(origin_of(u) for u in also),
        credentials=Credentials(headers=headers),
    )


# ------------------------------------------------------------------------------------ plain fetch


def test_body_content_type_and_validators(httpserver, client):
    httpserver.expect_request("/feed.json").respond_with_data(
        b'{"items": []}',
        content_type="application/json; charset=utf-8",
        headers={"ETag": '"v1"', "Last-Modified": "Wed, 21 Oct 2026 07:28:00 GMT"},
    )
    document = client.fetch(httpserver.url_for("/feed.json"))
    assert document.body == b'{"items": []}'
    assert not document.not_modified
    assert document.content_type == "application/json; charset=utf-8"
    assert document.validators == Validators('"v1"', "Wed, 21 Oct 2026 07:28:00 GMT")
    assert document.location == httpserver.url_for("/feed.json")
    assert headers_seen(httpserver, "User-Agent")[0].startswith("microcredential-catalogue/")


def test_no_validators_when_server_gives_none(httpserver, client):
    httpserver.expect_request("/feed.csv").respond_with_data("a,b\n")
    document = client.fetch(httpserver.url_for("/feed.csv"))
    assert document.validators.empty
    assert document.body == b"a,b\n"


# ----------------------------------------------------------------------------------------- retries


def test_503_twice_then_200_succeeds_on_the_third_attempt(httpserver, make_client, waits):
    client = make_client(RetryPolicy(max_attempts=3, backoff_seconds=0.5))
    httpserver.expect_ordered_request("/feed").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/feed").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/feed").respond_with_data("finally")
    document = client.fetch(httpserver.url_for("/feed"))
    assert document.body == b"finally"
    assert len(httpserver.log) == 3
    httpserver.check_assertions()
    # exponential backoff with jitter: 0.5 * 2**(attempt - 1), times 0.5 to 1
    assert len(waits) == 2
    assert 0.25 <= waits[0] <= 0.5
    assert 0.5 <= waits[1] <= 1.0


def test_retry_after_is_honoured(httpserver, client, waits):
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "7"}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data("ok")
    assert client.fetch(httpserver.url_for("/feed")).body == b"ok"
    assert waits == [7.0]


def test_retry_after_is_capped(httpserver, make_client, waits):
    client = make_client(RetryPolicy(max_attempts=2, max_retry_after_seconds=20))
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "slow down", status=429, headers={"Retry-After": "10000"}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data("ok")
    assert client.fetch(httpserver.url_for("/feed")).body == b"ok"
    assert waits == [20.0]


def test_retry_after_as_http_date(httpserver, client, waits):
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    httpserver.expect_ordered_request("/feed").respond_with_data(
        "later", status=503, headers={"Retry-After": when}
    )
    httpserver.expect_ordered_request("/feed").respond_with_data("ok")
    assert client.fetch(httpserver.url_for("/feed")).body == b"ok"
    assert len(waits) == 1 and 27 <= waits[0] <= 30


def test_retry_after_beyond_the_time_budget_gives_up_at_once(httpserver, make_client, waits):
    client = make_client(limits=FetchLimits(total_seconds=5))
    httpserver.expect_request("/feed").respond_with_data(
        "later", status=503, headers={"Retry-After": "30"}
    )
    with pytest.raises(FeedError, match="no time left"):
        client.fetch(httpserver.url_for("/feed"))
    assert len(httpserver.log) == 1
    assert waits == []


def test_persistent_500_gives_up(httpserver, make_client, waits):
    client = make_client(RetryPolicy(max_attempts=4))
    httpserver.expect_request("/feed").respond_with_data("oops", status=500)
    with pytest.raises(FeedError, match=r"HTTP 500 \(gave up after 4 attempts\)"):
        client.fetch(httpserver.url_for("/feed"))
    assert len(httpserver.log) == 4
    assert len(waits) == 3


@pytest.mark.parametrize("status", [404, 410, 401, 403])
def test_client_errors_are_not_retried(httpserver, client, waits, status):
    httpserver.expect_request("/feed").respond_with_data("no", status=status)
    with pytest.raises(FeedError, match=f"HTTP {status}") as raised:
        client.fetch(httpserver.url_for("/feed"))
    assert "gave up" not in str(raised.value)
    assert len(httpserver.log) == 1
    assert waits == []


def test_connection_refused_is_retried_then_reported(make_client, waits):
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    client = make_client(RetryPolicy(max_attempts=2))
    with pytest.raises(FeedError, match="gave up after 2 attempts"):
        client.fetch(f"http://127.0.0.1:{port}/feed")
    assert len(waits) == 1


def test_read_timeout_is_retried_then_reported(threaded_server, make_client, waits):
    release = threading.Event()

    def stalls(request: Request) -> Response:
        release.wait(10)  # released when the test ends
        return Response("too late")

    threaded_server.expect_request("/slow").respond_with_handler(stalls)
    client = make_client(RetryPolicy(max_attempts=2), FetchLimits(read_timeout=0.5))
    started = time.monotonic()
    try:
        with pytest.raises(FeedError, match="gave up after 2 attempts") as raised:
            client.fetch(threaded_server.url_for("/slow"))
    finally:
        release.set()
    assert "timed out" in str(raised.value).lower()
    assert 0.9 < time.monotonic() - started < 5  # two read timeouts, no 10 s stall
    assert len(waits) == 1


# ---------------------------------------------------------------------------- conditional requests


def test_conditional_get_with_etag(httpserver, client):
    def handler(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v7"':
            return Response(status=304, headers={"ETag": '"v7"'})
        return Response("body", headers={"ETag": '"v7"'})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    first = client.fetch(httpserver.url_for("/feed"))
    assert first.body == b"body" and first.validators.etag == '"v7"'
    second = client.fetch(httpserver.url_for("/feed"), first.validators)
    assert second.not_modified
    assert second.body is None
    assert second.validators.etag == '"v7"'
    assert headers_seen(httpserver, "If-None-Match") == [None, '"v7"']


def test_conditional_get_with_last_modified(httpserver, client):
    stamp = "Wed, 21 Oct 2026 07:28:00 GMT"

    def handler(request: Request) -> Response:
        if request.headers.get("If-Modified-Since") == stamp:
            return Response(status=304)
        return Response("body", headers={"Last-Modified": stamp})

    httpserver.expect_request("/feed").respond_with_handler(handler)
    first = client.fetch(httpserver.url_for("/feed"))
    assert first.validators == Validators(None, stamp)
    assert client.fetch(httpserver.url_for("/feed"), first.validators).not_modified
    # a changed document is fetched in full
    assert not client.fetch(httpserver.url_for("/feed"), Validators(None, "yesterday")).not_modified


# ------------------------------------------------------------------------------------ compression


def test_gzip_body_is_decompressed(httpserver, client):
    payload = b'{"items": [' + b",".join(b'{"id": %d}' % i for i in range(500)) + b"]}"
    httpserver.expect_request("/feed").respond_with_data(
        gzip.compress(payload), headers={"Content-Encoding": "gzip"}
    )
    assert client.fetch(httpserver.url_for("/feed")).body == payload


def test_body_claiming_gzip_that_is_not(httpserver, client, waits):
    httpserver.expect_request("/feed").respond_with_data(
        b"plain text, not gzip at all", headers={"Content-Encoding": "gzip"}
    )
    with pytest.raises(FeedError, match="cannot be decompressed"):
        client.fetch(httpserver.url_for("/feed"))
    assert len(httpserver.log) == 1 and waits == []


def test_size_limit_applies_to_the_decompressed_body(httpserver, make_client):
    bomb = gzip.compress(b"\0" * 5_000_000)
    assert len(bomb) < 10_000
    client = make_client(limits=FetchLimits(max_bytes=1_000_000, chunk_bytes=64 * 1024))
    httpserver.expect_request("/feed").respond_with_data(bomb, headers={"Content-Encoding": "gzip"})
    with pytest.raises(FeedError, match="over the limit of 1000000 bytes"):
        client.fetch(httpserver.url_for("/feed"))


# --------------------------------------------------------------------------------------- size cap


def test_size_cap_with_content_length(httpserver, make_client, waits):
    client = make_client(limits=FetchLimits(max_bytes=1000))
    httpserver.expect_request("/big").respond_with_data(b"x" * 5000)
    with pytest.raises(FeedError, match="5000 bytes is over the limit of 1000"):
        client.fetch(httpserver.url_for("/big"))
    assert len(httpserver.log) == 1 and waits == []


def test_size_cap_without_content_length(threaded_server, make_client):
    def stream() -> object:
        for _ in range(50):
            yield b"y" * 100

    threaded_server.expect_request("/big").respond_with_handler(lambda request: Response(stream()))
    # the server really streams: no Content-Length, chunked transfer
    probe = requests.get(threaded_server.url_for("/big"), timeout=5)
    assert "Content-Length" not in probe.headers
    assert probe.headers.get("Transfer-Encoding") == "chunked"
    assert len(probe.content) == 5000

    client = make_client(limits=FetchLimits(max_bytes=1000, chunk_bytes=256))
    with pytest.raises(FeedError, match="response is over the limit of 1000 bytes"):
        client.fetch(threaded_server.url_for("/big"))


def test_body_at_the_size_cap_is_accepted(httpserver, make_client):
    client = make_client(limits=FetchLimits(max_bytes=1000))
    httpserver.expect_request("/ok").respond_with_data(b"z" * 1000)
    assert len(client.fetch(httpserver.url_for("/ok")).body) == 1000


# -------------------------------------------------------------------------------------- redirects


def test_relative_redirect_is_followed(httpserver, client):
    httpserver.expect_request("/old/feed.json").respond_with_data(
        "", status=301, headers={"Location": "../new/feed.json?v=2"}
    )
    httpserver.expect_request("/new/feed.json", query_string="v=2").respond_with_data("moved")
    document = client.fetch(httpserver.url_for("/old/feed.json"))
    assert document.body == b"moved"
    assert document.location == httpserver.url_for("/new/feed.json?v=2")


def test_redirect_to_file_url_is_refused(httpserver, client, waits):
    httpserver.expect_request("/feed").respond_with_data(
        "", status=302, headers={"Location": "file:///etc/passwd"}
    )
    with pytest.raises(FeedError, match="non-http") as raised:
        client.fetch(httpserver.url_for("/feed"))
    assert "root:" not in str(raised.value)
    assert len(httpserver.log) == 1 and waits == []


def test_redirect_loop_is_stopped(httpserver, make_client, waits):
    client = make_client(limits=FetchLimits(max_redirects=3))
    httpserver.expect_request("/a").respond_with_data("", status=302, headers={"Location": "/b"})
    httpserver.expect_request("/b").respond_with_data("", status=307, headers={"Location": "/a"})
    with pytest.raises(FeedError, match="more than 3 redirects"):
        client.fetch(httpserver.url_for("/a"))
    assert len(httpserver.log) == 4
    assert waits == []


def test_auth_header_kept_on_same_host_redirect(httpserver, client):
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": "/target"}
    )
    httpserver.expect_request("/target").respond_with_data("here")
    start = httpserver.url_for("/start")
    client.fetch(start, access=keyed(start, {"X-Api-Key": "s3cret"}))
    assert headers_seen(httpserver, "X-Api-Key") == ["s3cret", "s3cret"]


def test_auth_header_not_forwarded_to_another_host(httpserver, client):
    start = httpserver.url_for("/start")
    target = other_host(httpserver.url_for("/target"))
    assert urlsplit(start).hostname != urlsplit(target).hostname
    httpserver.expect_request("/start").respond_with_data(
        "", status=302, headers={"Location": target}
    )
    httpserver.expect_request("/target").respond_with_data("elsewhere")
    secrets = {"X-Api-Key": "s3cret", "Authorization": "t0ken"}
    document = client.fetch(start, Validators(etag='"e1"'), keyed(start, secrets, also=(target,)))
    assert document.body == b"elsewhere"
    assert document.location == target
    assert [request.path for request, _ in httpserver.log] == ["/start", "/target"]
    assert headers_seen(httpserver, "X-Api-Key") == ["s3cret", None]
    assert headers_seen(httpserver, "Authorization") == ["t0ken", None]
    # validators are not secrets: the conditional request still works at the new location
    assert headers_seen(httpserver, "If-None-Match") == ['"e1"', '"e1"']


class _OnePortBothSchemes(socketserver.ThreadingTCPServer):
    """Plain HTTP and HTTPS on the same host:port (TLS told apart by its first byte)."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, tls: ssl.SSLContext) -> None:
        self.tls = tls
        self.seen: list[tuple[str, str, str | None]] = []
        self.redirects: dict[tuple[str, str], str] = {}
        super().__init__(("127.0.0.1", 0), _BothSchemesHandler)


class _BothSchemesHandler(http.server.BaseHTTPRequestHandler):
    server: _OnePortBothSchemes

    def setup(self) -> None:
        self.request.settimeout(5)
        tls = self.request.recv(1, socket.MSG_PEEK) == b"\x16"
        self.scheme = "https" if tls else "http"
        if tls:
            self.request = self.server.tls.wrap_socket(self.request, server_side=True)
        super().setup()

    def finish(self) -> None:
        super().finish()
        if self.scheme == "https":
            self.request.close()

    def do_GET(self) -> None:
        self.server.seen.append((self.scheme, self.path, self.headers.get("X-Api-Key")))
        target = self.server.redirects.get((self.scheme, self.path))
        self.send_response(302 if target else 200)
        if target:
            self.send_header("Location", target)
        self.send_header("Content-Length", "4")
        self.end_headers()
        self.wfile.write(b"feed")

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def _tls_files(tmp_path_factory):
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is needed to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    command = [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"]
    command += ["-nodes", "-keyout", str(key), "-out", str(cert), "-days", "2"]
    command += ["-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost"]
    made = subprocess.run(
        command,
        capture_output=True,
        timeout=20,
        check=False,
    )
    if made.returncode != 0:
        pytest.skip(f"openssl could not make a test certificate: {made.stderr[-200:]!r}")
    return cert, key


@pytest.fixture
def both_schemes(_tls_files):
    cert, key = _tls_files
    tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    tls.load_cert_chain(cert, key)
    server = _OnePortBothSchemes(tls)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield server, f"localhost:{server.server_address[1]}", str(cert)
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_auth_header_not_sent_in_clear_after_https_to_http_redirect(both_schemes, make_client):
    server, hostport, cert = both_schemes
    server.redirects[("https", "/start")] = f"http://{hostport}/target"
    client = make_client(verify=cert)
    start, target = f"https://{hostport}/start", f"http://{hostport}/target"
    document = client.fetch(start, access=keyed(start, {"X-Api-Key": "s3cret"}, also=(target,)))
    assert document.body == b"feed"
    assert server.seen == [("https", "/start", "s3cret"), ("http", "/target", None)]


def test_auth_header_only_to_the_exact_origin_not_on_an_upgrade_either(both_schemes, make_client):
    """The registered origin is scheme, host and port: http://h:p is not https://h:p."""
    server, hostport, cert = both_schemes
    server.redirects[("http", "/start")] = f"https://{hostport}/target"
    client = make_client(verify=cert)
    start, target = f"http://{hostport}/start", f"https://{hostport}/target"
    client.fetch(start, access=keyed(start, {"X-Api-Key": "s3cret"}, also=(target,)))
    assert server.seen == [("http", "/start", "s3cret"), ("https", "/target", None)]


def test_unsupported_scheme_is_refused(client):
    with pytest.raises(FeedError, match="unsupported URL scheme"):
        client.fetch("ftp://example.org/feed.csv")


# ------------------------------------------------------------------------------------------ auth


def test_auth_headers_read_the_secret_from_the_environment(monkeypatch):
    monkeypatch.setenv("CATALOGUE_TEST_KEY", "s3cret-value")
    header = Auth(header="X-Api-Key", env="CATALOGUE_TEST_KEY")
    assert credentials_from_env(header).headers == {"X-Api-Key": "s3cret-value"}
    bearer = Auth(header="Authorization", env="CATALOGUE_TEST_KEY", prefix="Bearer")
    assert credentials_from_env(bearer).headers == {"Authorization": "Bearer s3cret-value"}
    assert "s3cret-value" in credentials_from_env(bearer).secrets
    query = Auth(query="api_key", env="CATALOGUE_TEST_KEY")
    assert credentials_from_env(query).query == ("api_key", "s3cret-value")


@pytest.mark.parametrize("value", [None, ""])
def test_auth_headers_missing_variable(monkeypatch, value):
    monkeypatch.setenv("CATALOGUE_OTHER_KEY", "another-s3cret")
    if value is None:
        monkeypatch.delenv("CATALOGUE_TEST_KEY", raising=False)
    else:
        monkeypatch.setenv("CATALOGUE_TEST_KEY", value)
    with pytest.raises(FeedError) as raised:
        credentials_from_env(Auth(header="X-Api-Key", env="CATALOGUE_TEST_KEY"))
    message = str(raised.value)
    assert "CATALOGUE_TEST_KEY" in message and "X-Api-Key" in message
    assert "s3cret" not in message


def test_secret_never_appears_in_http_errors(httpserver, client, monkeypatch):
    monkeypatch.setenv("CATALOGUE_TEST_KEY", "s3cret-value")
    httpserver.expect_request("/feed").respond_with_data("denied", status=401)
    url = httpserver.url_for("/feed")
    credentials = credentials_from_env(Auth(header="X-Api-Key", env="CATALOGUE_TEST_KEY"))
    with pytest.raises(FeedError) as raised:
        client.fetch(url, access=Access(origin_of(url), credentials=credentials))
    assert "HTTP 401" in str(raised.value)
    assert "s3cret" not in str(raised.value)
    assert headers_seen(httpserver, "X-Api-Key") == ["s3cret-value"]


# ------------------------------------------------------------------------------------ local paths


def test_local_path_is_read_with_validators(tmp_path, client):
    feed = tmp_path / "feed.csv"
    feed.write_bytes(b"id;title\n1;\xc4pfel\n")
    first = client.fetch(str(feed))
    assert first.body == b"id;title\n1;\xc4pfel\n"
    assert not first.validators.empty
    again = client.fetch(str(feed), first.validators)
    assert again.not_modified and again.body is None
    feed.write_bytes(b"id;title\n1;Birnen und mehr\n")
    os.utime(feed, ns=(time.time_ns(), time.time_ns() + 1_000_000_000))
    changed = client.fetch(str(feed), first.validators)
    assert changed.body == b"id;title\n1;Birnen und mehr\n"


def test_local_path_over_the_size_limit(tmp_path, make_client):
    feed = tmp_path / "big.csv"
    feed.write_bytes(b"x" * 5000)
    with pytest.raises(FeedError, match="over the limit of 1000"):
        make_client(limits=FetchLimits(max_bytes=1000)).fetch(str(feed))


def test_missing_local_path(tmp_path, client):
    with pytest.raises(FeedError, match="cannot read"):
        client.fetch(str(tmp_path / "nowhere.csv"))
    with pytest.raises(FeedError, match="not a regular file"):
        client.fetch(str(tmp_path))


# -------------------------------------------------------------------------------- join_location


@pytest.mark.parametrize(
    ("base", "reference", "expected"),
    [
        ("https://example.org/feeds/p1.json", "p2.json", "https://example.org/feeds/p2.json"),
        (
            "https://example.org/feeds/p1.json",
            "?page=2",
            "https://example.org/feeds/p1.json?page=2",
        ),
        ("https://example.org/feeds/p1.json", "/api/p2", "https://example.org/api/p2"),
        (
            "https://example.org/feeds/p1.json",
            "https://cdn.example.net/p2",
            "https://cdn.example.net/p2",
        ),
        ("http://example.org/a", "//mirror.example.org/b", "http://mirror.example.org/b"),
    ],
)
def test_join_location_urls(base, reference, expected):
    assert join_location(base, reference) == expected


def test_join_location_paths(tmp_path):
    base = str(tmp_path / "feeds" / "p1.json")
    assert join_location(base, "p2.json") == str(tmp_path / "feeds" / "p2.json")
    assert join_location(base, "../other/p2.json") == str(tmp_path / "other" / "p2.json")
    assert join_location(base, "/srv/p2.json") == "/srv/p2.json"
    assert join_location(base, "https://example.org/p2") == "https://example.org/p2"


def test_next_link_to_a_file_url_from_a_remote_feed_is_not_read(httpserver, client):
    location = join_location(httpserver.url_for("/p1.json"), "file:///etc/passwd")
    with pytest.raises(FeedError, match="unsupported URL scheme"):
        client.fetch(location)


# ------------------------------------------------------------------------- read_sources over HTTP

PROVIDERS = [
    {"id": "nl-delft", "name": "Delft Example University", "country": "NL"},
    {"id": "at-graz", "name": "Graz Example University", "country": "AT"},
]


def json_source(source_id: str, url: str, **extra) -> dict:
    return {
        "id": source_id,
        "provider": "nl-delft",
        "url": url,
        "format": "json",
        "options": {"records": "items", "next": "links.next"},
        "mapping": {"source_record_id": "ref", "title": "name", "ects": "ects"},
        **extra,
    }


class PagedFeed:
    """Three pages linked by relative `next` links, each with an ETag honoured on If-None-Match."""

    NEXT: ClassVar[dict[str, str | None]] = {
        "/api/p1.json": "p2.json",
        "/api/p2.json": "./p3.json?x=1",
        "/api/p3.json": None,
    }

    def __init__(self) -> None:
        self.status: int | None = None  # when set, every request gets this status
        self.version = "1"

    def page(self, path: str) -> bytes:
        number = path[len("/api/p") : -len(".json")]
        items = [
            {"ref": f"P{number}-{k}", "name": f"Course {number}.{k}", "ects": 3} for k in range(2)
        ]
        body: dict = {"items": items, "links": {}}
        if self.NEXT[path]:
            body["links"]["next"] = self.NEXT[path]
        return json.dumps(body).encode()

    def __call__(self, request: Request) -> Response:
        if self.status is not None:
            return Response("broken", status=self.status)
        etag = f'"{request.path}-{self.version}"'
        if request.headers.get("If-None-Match") == etag:
            return Response(status=304, headers={"ETag": etag})
        return Response(
            self.page(request.path), headers={"ETag": etag}, content_type="application/json"
        )


def same_records(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    """Same columns and values (a cache round trip may change dtypes and None to NaN)."""

    def plain(value: object) -> object:
        if isinstance(value, np.ndarray | list):
            return [plain(v) for v in value]
        return None if pd.isna(value) else value

    def rows(frame: pd.DataFrame) -> list[dict]:
        return [{k: plain(v) for k, v in row.items()} for row in frame.to_dict("records")]

    return list(left.columns) == list(right.columns) and rows(left) == rows(right)


@pytest.fixture
def paged(httpserver) -> PagedFeed:
    feed = PagedFeed()
    for path in PagedFeed.NEXT:
        httpserver.expect_request(path).respond_with_handler(feed)
    return feed


def test_read_sources_paginates_then_reuses_unchanged_pages(
    httpserver, paged, tmp_path, make_client
):
    registry = parse_registry(
        {
            "providers": PROVIDERS,
            "sources": [json_source("paged", httpserver.url_for("/api/p1.json"))],
        },
        tmp_path,
    )
    cache = FeedCache(tmp_path / "cache")
    client = make_client()

    [first] = read_sources(registry, client, cache)
    assert first.status == "ok", first.error
    assert first.pages == 3
    assert first.records_read == 6
    assert list(first.records["source_record_id"]) == [
        f"P{p}-{k}" for p in (1, 2, 3) for k in (0, 1)
    ]
    assert list(first.records["title"])[-1] == "Course 3.1"
    assert [request.path for request, _ in httpserver.log] == [
        "/api/p1.json",
        "/api/p2.json",
        "/api/p3.json",
    ]
    assert httpserver.log[2][0].query_string == b"x=1"

    httpserver.clear_log()
    [second] = read_sources(registry, client, cache)
    assert second.status == "unchanged", second.error
    assert second.pages == 3
    assert [r.status_code for _, r in httpserver.log] == [304, 304, 304]
    assert headers_seen(httpserver, "If-None-Match") == [
        '"/api/p1.json-1"',
        '"/api/p2.json-1"',
        '"/api/p3.json-1"',
    ]
    assert same_records(second.records, first.records)

    paged.version = "2"  # a page changed: everything is read again, page 1 only once
    httpserver.clear_log()
    [third] = read_sources(registry, client, cache)
    assert third.status == "ok", third.error
    assert third.records_read == 6
    assert third.pages == 3
    assert [request.path for request, _ in httpserver.log] == [
        "/api/p1.json",
        "/api/p2.json",
        "/api/p3.json",
    ]


def test_read_sources_keeps_last_good_records_when_a_source_fails(
    httpserver, paged, tmp_path, make_client, waits
):
    registry = parse_registry(
        {
            "providers": PROVIDERS,
            "sources": [json_source("paged", httpserver.url_for("/api/p1.json"))],
        },
        tmp_path,
    )
    cache = FeedCache(tmp_path / "cache")
    client = make_client(RetryPolicy(max_attempts=2))
    [good] = read_sources(registry, client, cache)
    assert good.status == "ok"

    paged.status = 500
    [failed] = read_sources(registry, client, cache)
    assert failed.status == "failed"
    assert "HTTP 500" in failed.error
    assert failed.stale
    assert failed.records_read == 0
    assert failed.records is not None and same_records(failed.records, good.records)
    assert len(waits) == 1  # the 500 was retried once (max_attempts=2), without sleeping


def test_read_sources_failure_without_cache_has_no_records(httpserver, tmp_path, make_client):
    httpserver.expect_request("/gone.json").respond_with_data("gone", status=410)
    registry = parse_registry(
        {
            "providers": PROVIDERS,
            "sources": [json_source("gone", httpserver.url_for("/gone.json"))],
        },
        tmp_path,
    )
    [result] = read_sources(registry, make_client(), FeedCache(tmp_path / "cache"))
    assert result.status == "failed"
    assert "HTTP 410" in result.error
    assert result.records is None and not result.stale


def test_one_failing_source_does_not_affect_the_others(
    httpserver, paged, tmp_path, make_client, monkeypatch
):
    monkeypatch.delenv("CATALOGUE_MISSING_KEY", raising=False)
    monkeypatch.setenv("CATALOGUE_GOOD_KEY", "k3y-value")
    httpserver.expect_request("/broken.json").respond_with_data("oops", status=500)
    httpserver.expect_request("/bad.json").respond_with_data(b'{"items": [')
    httpserver.expect_request("/keyed.json", headers={"X-Api-Key": "k3y-value"}).respond_with_data(
        json.dumps({"items": [{"ref": "K1", "name": "Keyed course"}]}),
        content_type="application/json",
    )
    sources = [
        json_source("broken", httpserver.url_for("/broken.json")),
        json_source("paged", httpserver.url_for("/api/p1.json")),
        json_source("bad-json", httpserver.url_for("/bad.json")),
        json_source(
            "no-key",
            httpserver.url_for("/keyed.json"),
            auth={"header": "X-Api-Key", "env": "CATALOGUE_MISSING_KEY"},
        ),
        json_source(
            "keyed",
            httpserver.url_for("/keyed.json"),
            auth={"header": "X-Api-Key", "env": "CATALOGUE_GOOD_KEY"},
        ),
    ]
    registry = parse_registry({"providers": PROVIDERS, "sources": sources}, tmp_path)
    results = read_sources(
        registry, make_client(RetryPolicy(max_attempts=2)), FeedCache(tmp_path / "cache")
    )
    assert [r.source_id for r in results] == ["broken", "paged", "bad-json", "no-key", "keyed"]
    assert [r.status for r in results] == ["failed", "ok", "failed", "failed", "ok"]
    broken, paged_read, bad, no_key, keyed = results
    assert "HTTP 500" in broken.error
    assert paged_read.records_read == 6 and paged_read.pages == 3
    assert "not a JSON document" in bad.error and "/bad.json" in bad.error
    assert "CATALOGUE_MISSING_KEY" in no_key.error
    assert keyed.records_read == 1
    assert list(keyed.records["title"]) == ["Keyed course"]
    # the request without a key never reached the server; the keyed one carried its key
    assert headers_seen(httpserver, "X-Api-Key").count("k3y-value") == 1
    assert all("k3y-value" not in (r.error or "") for r in results)
