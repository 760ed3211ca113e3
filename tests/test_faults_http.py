"""Fault injection: servers on 127.0.0.1 that misbehave on purpose, read through read_sources.

Each fault is served beside good sources in one read_sources call: the faulty source ends with
its own status and a message naming the problem, the good ones are read as if nothing happened,
and nothing raises. pytest-httpserver serves what HTTP can say (statuses, redirects, headers,
streamed bodies); a raw socket server sends what HTTP libraries will not (a reset mid-body, a
body shorter than its Content-Length, silence, a trickle). Waits between retries are recorded,
never slept; every server is shut down and joined when its test ends.
"""

from __future__ import annotations

import json
import re
import socket
import struct
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from pytest_httpserver import HTTPServer
from support.servers import RawServer, http_head
from werkzeug import Request, Response

from connectors.cache import FeedCache
from connectors.http import FeedClient, FetchLimits, RetryPolicy
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import html_instead_of_feed, read_sources
from schemas.reads import SourceRead

LIMITS = FetchLimits(connect_timeout=1, read_timeout=0.3, total_seconds=2, max_bytes=100_000)
RETRY = RetryPolicy(max_attempts=4, backoff_seconds=0.01, max_retry_after_seconds=1.0)
PROVIDERS = [{"id": "nl-delft", "name": "Delft Example University", "country": "NL"}]
CHUNK = b"x" * 65536
HUGE_CHUNKS = 16384  # 1 GiB in 64 KiB chunks, generated on the fly


def json_source(source_id: str, url: str) -> dict:
    return {
        "id": source_id,
        "provider": "nl-delft",
        "url": url,
        "format": "json",
        "options": {"records": "items", "next": "next"},
        "mapping": {"source_record_id": "ref", "title": "name", "ects": "ects"},
    }


def csv_source(source_id: str, url: str) -> dict:
    return {
        "id": source_id,
        "provider": "nl-delft",
        "url": url,
        "format": "csv",
        "mapping": {"source_record_id": "ref", "title": "name", "ects": "ects"},
    }


def xml_source(source_id: str, url: str) -> dict:
    return {
        "id": source_id,
        "provider": "nl-delft",
        "url": url,
        "format": "xml",
        "options": {"record": "course"},
        "mapping": {"source_record_id": "@ref", "title": "name"},
    }


def feed_json(prefix: str, n: int, next_link: str | None = None) -> bytes:
    items = [{"ref": f"{prefix}{k}", "name": f"Course {prefix}{k}", "ects": 5} for k in range(n)]
    return json.dumps({"items": items, "next": next_link}).encode()


LOGIN_PAGE = b"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in | Campus Portal</title></head>
<body><form method="post"><input name="user"><input name="password" type="password"></form>
</body></html>"""
ERROR_PAGE = b"\n\n  <html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>"
XHTML_PAGE = b"""<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Strict//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-strict.dtd">
<html xmlns="http://www.w3.org/1999/xhtml"><head><title>Down for maintenance</title></head>
<body><p>Back soon.</p></body></html>"""


# ------------------------------------------------------------------------------ the raw server


def reset_mid_body(conn: socket.socket, server: RawServer) -> None:
    conn.sendall(http_head(10_000) + b'{"items": [' + b" " * 2_000)
    server.stop.wait(0.1)  # the client has the headers and waits for the rest of the body
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    conn.close()  # with SO_LINGER 0: a RST, not a FIN


def stall_mid_body(conn: socket.socket, server: RawServer) -> None:
    conn.sendall(http_head(10_000) + b'{"items": [' + b" " * 2_000)
    server.client_gone(conn, 10)


def short_body(conn: socket.socket, server: RawServer) -> None:
    body = feed_json("S", 50)
    conn.sendall(http_head(len(body) + 5_000) + body)  # then a clean close (FIN)


def silent(conn: socket.socket, server: RawServer) -> None:
    server.client_gone(conn, 10)  # connected, request read, not a byte back


def trickler(framing: str) -> Callable[[socket.socket, RawServer], None]:
    """A valid feed of 5000 bytes, one byte every 0.1 s (each read well within read_timeout),
    framed by a Content-Length, as chunks of one byte, or by closing the connection."""

    def trickle(conn: socket.socket, server: RawServer) -> None:
        body = feed_json("T", 60)[:5000].ljust(5000)
        if framing == "chunked":
            conn.sendall(
                http_head(None).replace(b"\r\n\r\n", b"\r\nTransfer-Encoding: chunked\r\n\r\n")
            )
        else:
            conn.sendall(http_head(len(body) if framing == "content-length" else None))
        for byte in body:
            if server.stop.wait(0.1):
                return
            piece = bytes([byte])
            try:
                conn.sendall(b"1\r\n" + piece + b"\r\n" if framing == "chunked" else piece)
            except OSError:
                return  # the client cut the connection
            with server.lock:
                server.sent["/trickle"] += 1

    return trickle


# ---------------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def _web():
    server = HTTPServer(host="127.0.0.1", port=0, threaded=True)
    server.start()
    yield server
    server.clear()
    server.stop()


@dataclass
class Env:
    web: HTTPServer
    raw: RawServer
    tmp_path: Path
    waits: list[float] = field(default_factory=list)
    streams: dict[str, Stream] = field(default_factory=dict)

    def web_hits(self, path: str) -> int:
        return sum(1 for request, _ in self.web.log if request.path == path)


@pytest.fixture
def env(_web, tmp_path) -> Iterator[Env]:
    _web.clear()
    raw = RawServer()
    thread = threading.Thread(target=raw.serve_forever, kwargs={"poll_interval": 0.05})
    thread.start()
    try:
        yield Env(_web, raw, tmp_path)
    finally:
        raw.stop.set()
        raw.shutdown()
        raw.server_close()  # joins the handler threads
        thread.join(5)
        assert not thread.is_alive()
        _web.clear()


def read(env: Env, sources: list[dict], limits: FetchLimits = LIMITS) -> list[SourceRead]:
    registry = parse_registry({"providers": PROVIDERS, "sources": sources}, env.tmp_path)
    client = FeedClient(retry=RETRY, limits=limits, sleep=env.waits.append)
    try:
        return read_sources(registry, client, FeedCache(env.tmp_path / "cache"), max_workers=32)
    finally:
        client.close()


class Sequence:
    """Answers one path with these responses in turn, the last one repeated."""

    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)
        self.lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self.lock:
            return self.responses.pop(0) if len(self.responses) > 1 else self.responses[0]


class Stream:
    """A 1 GiB body produced chunk by chunk; counts what the server had to produce."""

    def __init__(self, declare_length: bool) -> None:
        self.declare_length = declare_length
        self.produced = 0
        self.finished = threading.Event()

    def chunks(self) -> Iterator[bytes]:
        try:
            for _ in range(HUGE_CHUNKS):
                self.produced += 1
                yield CHUNK
        finally:
            self.finished.set()

    def __call__(self, request: Request) -> Response:
        headers = {"Content-Length": str(HUGE_CHUNKS * len(CHUNK))} if self.declare_length else {}
        return Response(self.chunks(), headers=headers, content_type="application/json")


# ------------------------------------------------------------------------------------- faults

GOOD = {"good-json": ["Course G0", "Course G1", "Course G2"], "good-csv": ["CSV one", "CSV two"]}


def serve_good(env: Env) -> tuple[dict, dict]:
    env.web.expect_request("/good/feed.json").respond_with_data(
        feed_json("G", 3), content_type="application/json", headers={"ETag": '"g1"'}
    )
    env.web.expect_request("/good/feed.csv").respond_with_data(
        "ref,name,ects\nC1,CSV one,4\nC2,CSV two,6\n", content_type="text/csv"
    )
    return (
        json_source("good-json", env.web.url_for("/good/feed.json")),
        csv_source("good-csv", env.web.url_for("/good/feed.csv")),
    )


def check_good(results: dict[str, SourceRead]) -> None:
    for source_id, titles in GOOD.items():
        result = results[source_id]
        assert result.status == "ok", result.error
        assert result.error is None and result.warnings == []
        assert list(result.records["title"]) == titles


@dataclass
class Fault:
    id: str
    serve: Callable[[Env, str], dict]  # sets the fault up, returns the source
    error: str | None = None  # a regex the error must match; None: the source is read
    records: int = 0  # records read, when it is read
    warnings: list[str] = field(default_factory=list)  # regexes, one per warning
    check: Callable[[Env, SourceRead], None] | None = None  # more, when read alone


def web_json(path: str, *responses: Response) -> Callable[[Env, str], dict]:
    def serve(env: Env, source_id: str) -> dict:
        env.web.expect_request(path).respond_with_handler(Sequence(*responses))
        return json_source(source_id, env.web.url_for(path))

    return serve


def raw_json(
    path: str, behaviour: Callable[[socket.socket, RawServer], None]
) -> Callable[[Env, str], dict]:
    def serve(env: Env, source_id: str) -> dict:
        return json_source(source_id, env.raw.route(path, behaviour))

    return serve


def redirect(location: str) -> Response:
    return Response("", status=302, headers={"Location": location})


def ok_json(prefix: str, n: int, content_type: str | None = "application/json") -> Response:
    response = Response(feed_json(prefix, n), content_type=content_type)
    if content_type is None:
        del response.headers["Content-Type"]
    return response


def serve_huge(declare_length: bool) -> Callable[[Env, str], dict]:
    def serve(env: Env, source_id: str) -> dict:
        stream = env.streams[source_id] = Stream(declare_length)
        path = f"/huge/{source_id}.json"
        env.web.expect_request(path).respond_with_handler(stream)
        return json_source(source_id, env.web.url_for(path))

    return serve


def serve_xhtml(env: Env, source_id: str) -> dict:
    env.web.expect_request("/xhtml/feed.xml").respond_with_data(
        XHTML_PAGE, content_type="application/xml"
    )
    return xml_source(source_id, env.web.url_for("/xhtml/feed.xml"))


def serve_xml_as_html(env: Env, source_id: str) -> dict:
    body = b'<?xml version="1.0"?><catalogue><course ref="X1"><name>XML one</name></course>'
    env.web.expect_request("/xml-as-html/feed.xml").respond_with_data(
        body + b"</catalogue>", content_type="text/html"
    )
    return xml_source(source_id, env.web.url_for("/xml-as-html/feed.xml"))


def serve_html_on_page_2(env: Env, source_id: str) -> dict:
    env.web.expect_request("/paged/p1.json").respond_with_data(
        feed_json("P", 2, next_link="p2.json"), content_type="application/json"
    )
    env.web.expect_request("/paged/p2.json").respond_with_data(LOGIN_PAGE, content_type="text/html")
    return json_source(source_id, env.web.url_for("/paged/p1.json"))


def serve_redirect_loop(env: Env, source_id: str) -> dict:
    env.web.expect_request("/loop/a").respond_with_response(redirect("/loop/b"))
    env.web.expect_request("/loop/b").respond_with_response(redirect("/loop/a"))
    return json_source(source_id, env.web.url_for("/loop/a"))


def check_redirect_loop(env: Env, result: SourceRead) -> None:
    assert env.web_hits("/loop/a") + env.web_hits("/loop/b") == 6  # max_redirects + 1
    assert env.waits == []  # not retried


def serve_dns_failure(env: Env, source_id: str) -> dict:
    return json_source(source_id, "http://nonexistent.invalid/feed.json")


def check_dns(env: Env, result: SourceRead) -> None:
    assert len(env.waits) == 3, env.waits  # retried, as any connection error: resolvers recover


def hits_and_waits(
    path: str, hits: int, waits: int, raw: bool = False
) -> Callable[[Env, SourceRead], None]:
    def check(env: Env, result: SourceRead) -> None:
        assert (env.raw.hits[path] if raw else env.web_hits(path)) == hits
        assert len(env.waits) == waits, env.waits

    return check


def check_retry_after(env: Env, result: SourceRead) -> None:
    assert env.web_hits("/429/feed.json") == 2
    assert env.waits == [1.0]  # Retry-After: 3600, capped at max_retry_after_seconds


def check_streamed(env: Env, result: SourceRead) -> None:
    stream = env.streams[result.source_id]
    assert stream.finished.wait(5), "the server is still sending"
    sent = stream.produced * len(CHUNK)
    assert sent < 32 * 1024 * 1024, f"{sent} bytes produced of {HUGE_CHUNKS * len(CHUNK)}"
    assert env.waits == []


def check_stall(env: Env, result: SourceRead) -> None:
    assert env.raw.hits["/stall"] == 4
    assert 4 * LIMITS.read_timeout <= result.seconds < LIMITS.total_seconds


def check_trickle(env: Env, result: SourceRead) -> None:
    assert env.raw.hits["/trickle"] == 1  # the time budget is spent: no retry
    assert LIMITS.total_seconds <= result.seconds < LIMITS.total_seconds + 0.5
    assert env.raw.sent["/trickle"] <= LIMITS.total_seconds / 0.1 + 2  # of 5000 bytes


def check_untyped(env: Env, result: SourceRead) -> None:
    probe = requests.get(env.web.url_for("/untyped/feed.json"), timeout=5)
    assert "Content-Type" not in probe.headers  # really sent without one


def check_empty(env: Env, result: SourceRead) -> None:
    assert list(result.records.columns)  # a frame with the catalogue's columns and no rows
    assert len(result.records) == 0


FAULTS = [
    Fault(
        "http-5xx-then-ok",
        web_json(
            "/5xx/feed.json",
            Response("oops", status=500),
            Response("bad gateway", status=502),
            Response("busy", status=503),
            ok_json("R", 3),
        ),
        records=3,
        check=hits_and_waits("/5xx/feed.json", hits=4, waits=3),
    ),
    Fault(
        "http-429-retry-after",
        web_json(
            "/429/feed.json",
            Response("slow down", status=429, headers={"Retry-After": "3600"}),
            ok_json("Q", 2),
        ),
        records=2,
        check=check_retry_after,
    ),
    Fault(
        "reset-mid-body",
        raw_json("/reset", reset_mid_body),
        error=r"/reset: connection broken while reading the body \(connection reset by the "
        r"server\) \(gave up after 4 attempts\)",
        check=hits_and_waits("/reset", hits=4, waits=3, raw=True),
    ),
    Fault(
        "stall-mid-body",
        raw_json("/stall", stall_mid_body),
        error=r"/stall: connection broken while reading the body \(read timed out \(no data for "
        r"0.3 s\)\) \(gave up after 4 attempts\)",
        check=check_stall,
    ),
    Fault(
        "short-body",
        raw_json("/short", short_body),
        error=r"/short: connection broken while reading the body \(body shorter than its "
        r"Content-Length \(IncompleteRead\(\d+ bytes read, 5000 more expected\)\)\)",
        check=hits_and_waits("/short", hits=4, waits=3, raw=True),
    ),
    Fault(
        "never-answers",
        raw_json("/silent", silent),
        error=r"/silent: read timed out \(no data for 0.3 s\) \(gave up after 4 attempts\)",
        check=hits_and_waits("/silent", hits=4, waits=3, raw=True),
    ),
    Fault(
        "trickle",
        raw_json("/trickle", trickler("content-length")),
        error=r"/trickle: took longer than 2 s$",
        check=check_trickle,
    ),
    Fault(
        "redirect-loop",
        serve_redirect_loop,
        error=r"/loop/[ab]: more than 5 redirects$",
        check=check_redirect_loop,
    ),
    Fault(
        "redirect-to-file",
        web_json("/to-file/feed.json", redirect("file:///etc/passwd")),
        error=r"redirect to a non-http\(s\) location 'file:///etc/passwd' refused",
        check=hits_and_waits("/to-file/feed.json", hits=1, waits=0),
    ),
    Fault(
        "redirect-to-ftp",
        web_json("/to-ftp/feed.json", redirect("ftp://ftp.example.org/feed.json")),
        error=r"redirect to a non-http\(s\) location 'ftp://ftp.example.org/feed.json' refused",
    ),
    Fault(
        "redirect-to-gopher",
        web_json("/to-gopher/feed.json", redirect("gopher://example.org/1/feed")),
        error=r"redirect to a non-http\(s\) location 'gopher://example.org/1/feed' refused",
    ),
    Fault(
        "not-found",
        web_json("/404/feed.json", Response("no such feed", status=404)),
        error=r"/404/feed.json: HTTP 404 Not Found$",
        check=hits_and_waits("/404/feed.json", hits=1, waits=0),
    ),
    Fault(
        "gone",
        web_json("/410/feed.json", Response("withdrawn", status=410)),
        error=r"/410/feed.json: HTTP 410 Gone$",
        check=hits_and_waits("/410/feed.json", hits=1, waits=0),
    ),
    Fault(
        "huge-declared",
        serve_huge(declare_length=True),
        error=r"response of 1073741824 bytes is over the limit of 100000$",
        check=check_streamed,
    ),
    Fault(
        "huge-chunked",
        serve_huge(declare_length=False),
        error=r"response is over the limit of 100000 bytes$",
        check=check_streamed,
    ),
    Fault(
        "json-as-text-plain",
        web_json("/plain/feed.json", ok_json("TP", 2, "text/plain")),
        records=2,
    ),
    Fault(
        "json-without-content-type",
        web_json("/untyped/feed.json", ok_json("NT", 2, None)),
        records=2,
    ),
    Fault(
        "json-as-text-html",
        web_json("/typed-html/feed.json", ok_json("TH", 2, "text/html")),
        records=2,
    ),
    Fault("xml-as-text-html", serve_xml_as_html, records=1),
    Fault(
        "html-login-page",
        web_json("/login/feed.json", Response(LOGIN_PAGE, content_type="text/html")),
        error=r"/login/feed.json: got an HTML page, "
        r"not a JSON feed$",
        check=hits_and_waits("/login/feed.json", hits=1, waits=0),
    ),
    Fault(
        "html-error-page-as-json",
        web_json("/error-page/feed.json", Response(ERROR_PAGE, content_type="application/json")),
        error=r"/error-page/feed.json: got an HTML page, not a JSON feed$",
    ),
    Fault(
        "xhtml-instead-of-xml",
        serve_xhtml,
        error=r"/xhtml/feed.xml: got an HTML page, not an XML feed$",
    ),
    Fault(
        "html-on-page-2",
        serve_html_on_page_2,
        error=r"/paged/p2.json: got an HTML page, "
        r"not a JSON feed$",
    ),
    Fault(
        "bad-gzip",
        web_json(
            "/gzip/feed.json",
            Response(
                b"\x1f\x8b\x08\x00 then garbage, not deflate",
                headers={"Content-Encoding": "gzip"},
                content_type="application/json",
            ),
        ),
        error=r"/gzip/feed.json: body cannot be decompressed as 'gzip' \(Error -3 while "
        r"decompressing data: invalid block type\)$",
        check=hits_and_waits("/gzip/feed.json", hits=1, waits=0),
    ),
    Fault(
        "empty-feed",
        web_json("/empty/feed.json", Response(b"", content_type="application/json")),
        records=0,
        warnings=[r"^feed is empty: http://127\.0\.0\.1:\d+/empty/feed.json sent no content$"],
        check=check_empty,
    ),
    Fault(
        "dns-failure",
        serve_dns_failure,
        error=r"^http://nonexistent.invalid/feed.json: cannot resolve host 'nonexistent.invalid' "
        r"\(.+\) \(gave up after 4 attempts\)$",
        check=check_dns,
    ),
]


def fault_ids(faults: list[Fault]) -> list[str]:
    return [fault.id for fault in faults]


def check_fault(fault: Fault, result: SourceRead) -> None:
    assert result.source_id == fault.id
    if fault.error is None:
        assert result.status == "ok", result.error
        assert result.error is None
        assert result.records_read == fault.records
    else:
        assert result.status == "failed", f"{fault.id} was read: {result.records_read} records"
        assert result.error is not None
        assert re.search(fault.error, result.error), result.error
        assert result.records is None and not result.stale  # no earlier run to fall back on
        assert result.records_read == 0
    assert len(result.warnings) == len(fault.warnings), result.warnings
    for pattern, warning in zip(fault.warnings, result.warnings, strict=True):
        assert re.search(pattern, warning), warning


# -------------------------------------------------------------------------------------- tests


@pytest.fixture(scope="module")
def _dns_fails_fast() -> bool:
    """The resolver must refuse .invalid at once; a resolver that hangs would only slow us."""
    outcome: list[BaseException | None] = []

    def resolve() -> None:
        try:
            socket.getaddrinfo("nonexistent.invalid", 80)
            outcome.append(None)
        except OSError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=resolve, daemon=True)
    thread.start()
    thread.join(2)
    return bool(outcome) and outcome[0] is not None


@pytest.mark.parametrize("fault", FAULTS, ids=fault_ids(FAULTS))
def test_fault_fails_only_its_source(env, fault, request):
    if fault.id == "dns-failure" and not request.getfixturevalue("_dns_fails_fast"):
        pytest.skip("the resolver here does not fail at once on .invalid")
    good_json, good_csv = serve_good(env)
    results = read(env, [good_json, fault.serve(env, fault.id), good_csv])
    assert [r.source_id for r in results] == ["good-json", fault.id, "good-csv"]
    by_id = {r.source_id: r for r in results}
    check_good(by_id)
    check_fault(fault, by_id[fault.id])
    if fault.check is not None:
        fault.check(env, by_id[fault.id])


@pytest.mark.parametrize("framing", ["content-length", "chunked", "until-close"])
def test_trickle_is_cut_at_the_time_budget(env, framing):
    """1 byte every 0.1 s, each read well within read_timeout: cut at total_seconds all the same,
    also when the body ends where the connection does (a cut must not pass for the end)."""
    good_json, good_csv = serve_good(env)
    trickling = json_source("trickle", env.raw.route("/trickle", trickler(framing)))
    limits = FetchLimits(connect_timeout=1, read_timeout=0.3, total_seconds=0.5, max_bytes=100_000)
    started = time.monotonic()
    results = read(env, [good_json, trickling, good_csv], limits)
    elapsed = time.monotonic() - started
    by_id = {r.source_id: r for r in results}
    check_good(by_id)
    result = by_id["trickle"]
    assert result.status == "failed"
    assert re.search(r"/trickle: took longer than 0.5 s$", result.error), result.error
    assert 0.5 <= result.seconds < 0.8, result.seconds
    assert elapsed < 1.0
    assert env.raw.hits["/trickle"] == 1 and env.waits == []  # no time left: not retried
    assert env.raw.sent["/trickle"] <= 6  # of 5000 bytes


def test_html_page_after_a_good_run_keeps_the_last_good_records(env):
    good_json, good_csv = serve_good(env)
    env.web.expect_request("/portal/feed.json").respond_with_handler(
        Sequence(ok_json("L", 2), Response(LOGIN_PAGE, content_type="text/html"))
    )
    sources = [good_json, json_source("portal", env.web.url_for("/portal/feed.json")), good_csv]
    first = {r.source_id: r for r in read(env, sources)}
    assert first["portal"].status == "ok" and first["portal"].records_read == 2

    second = {r.source_id: r for r in read(env, sources)}
    check_good(second)
    portal = second["portal"]
    assert portal.status == "failed"
    assert "got an HTML page, not a JSON feed" in portal.error
    assert "Campus Portal" not in portal.error  # nothing the server sent is quoted
    assert portal.stale and portal.records_read == 0
    assert list(portal.records["title"]) == ["Course L0", "Course L1"]  # the last good ones


@pytest.mark.parametrize(
    ("body", "content_type", "feed_format", "expected"),
    [
        (LOGIN_PAGE, "text/html", "json", "an HTML page"),
        (LOGIN_PAGE, None, "csv", "an HTML page"),
        (ERROR_PAGE, "application/json", "json", "an HTML page"),
        (XHTML_PAGE, "application/xml", "xml", "an HTML page"),
        (
            b'<?xml version="1.0"?><h:html xmlns:h="http://www.w3.org/1999/xhtml"/>',
            None,
            "xml",
            "an HTML page",
        ),
        (b"\xef\xbb\xbf<!-- portal --><!doctype HTML><p>hi", None, "json", "an HTML page"),
        (b"<p>Service unavailable</p>", "text/html; charset=utf-8", "csv", "an HTML page"),
        # the content decides: feeds under a wrong or missing Content-Type are read
        (b"<p>Service unavailable</p>", "text/plain", "csv", None),
        (b'{"items": []}', "text/html", "json", None),
        (b'<?xml version="1.0"?><catalogue/>', "text/html", "xml", None),
        (b"<htmlfeed><course/></htmlfeed>", None, "xml", None),
        (b"ref,name\nA1,<html> basics\n", "text/csv", "csv", None),
        (b"", None, "json", None),
    ],
)
def test_html_instead_of_feed(body, content_type, feed_format, expected):
    assert html_instead_of_feed(body, content_type, feed_format) == expected


def test_all_faults_in_one_read(env, request):
    """Every fault at once, beside the good sources: each faulty source fails with its own
    message, the good ones and the recovering ones are read, and the counts add up."""
    faults = [
        f for f in FAULTS if f.id != "dns-failure" or request.getfixturevalue("_dns_fails_fast")
    ]
    good_json, good_csv = serve_good(env)
    sources = [good_json, *(f.serve(env, f.id) for f in faults), good_csv]
    started = time.monotonic()
    results = read(env, sources)
    assert time.monotonic() - started < LIMITS.total_seconds + 2  # read side by side

    assert [r.source_id for r in results] == [s["id"] for s in sources]
    by_id = {r.source_id: r for r in results}
    check_good(by_id)
    for fault in faults:
        check_fault(fault, by_id[fault.id])

    failing = [f for f in faults if f.error is not None]
    failed = [r for r in results if r.status == "failed"]
    assert sorted(r.source_id for r in failed) == sorted(f.id for f in failing)
    for fault in failing:  # each message names its own problem, no other source's
        assert [r.source_id for r in failed if re.search(fault.error, r.error)] == [fault.id]
    assert not any("unexpected" in r.error for r in failed)

    ok = [r for r in results if r.status == "ok"]
    assert len(ok) + len(failed) == len(results) == len(faults) + 2
    assert sum(r.records_read for r in results) == sum(map(len, GOOD.values())) + sum(
        f.records for f in faults
    )
    assert 1.0 in env.waits  # the capped Retry-After
