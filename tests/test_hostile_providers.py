"""Hostile providers, against servers on 127.0.0.1: where a source's secret goes, which
addresses it may reach, the budgets it reads within, and the folder a local feed stays in.

The registry is trusted; everything a server returns (bodies, redirects, next links) is not.
Internal addresses other than the tests' own servers are refused before a connection is made:
literal addresses are refused by the address policy, names are resolved by a stub (so nothing
here sends a packet beyond loopback, nor asks a DNS server).
"""

from __future__ import annotations

import gzip
import json
import socket
import time
import tracemalloc
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer
from support.servers import RawServer, raw_server
from werkzeug import Request, Response

from connectors.cache import FeedCache
from connectors.http import (
    Access,
    AddressPolicy,
    FeedClient,
    FeedError,
    FetchLimits,
    RetryPolicy,
    internal_address,
    origin_of,
)
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import read_sources
from schemas.registry import Registry

FAST = FetchLimits(connect_timeout=1, read_timeout=2, total_seconds=10, max_bytes=50_000_000)
NO_RETRY = RetryPolicy(max_attempts=1)
PROVIDERS = [{"id": "nl-delft", "name": "Delft Example University", "country": "NL"}]
SECRET = "k3y-Very-S3cret-value"


def page(prefix: str, n: int, next_link: str | None = None, **extra) -> bytes:
    """A page of a paginated catalogue API: items and a `links.next` (as MOOChub, OOAPI)."""
    items = [{"ref": f"{prefix}{k}", "name": f"Course {prefix}{k}", "ects": 5} for k in range(n)]
    return json.dumps({"items": items, "links": {"next": next_link}, **extra}).encode()


def source(source_id: str, url: str, **extra) -> dict:
    return {
        "id": source_id,
        "provider": "nl-delft",
        "url": url,
        "format": "json",
        "options": {"records": "items", "next": "links.next"},
        "mapping": {"source_record_id": "ref", "title": "name", "ects": "ects"},
        **extra,
    }


def registry_of(tmp_path: Path, *sources: dict, **settings) -> Registry:
    return parse_registry({"providers": PROVIDERS, "sources": list(sources), **settings}, tmp_path)


@pytest.fixture
def make_client():
    clients: list[FeedClient] = []

    def make(**kwargs) -> FeedClient:
        kwargs.setdefault("retry", NO_RETRY)
        kwargs.setdefault("limits", FAST)
        client = FeedClient(sleep=lambda _: None, **kwargs)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


@pytest.fixture
def other():
    """A second server (another origin: 127.0.0.1 on another port) that records requests."""
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    yield server
    server.clear()
    server.stop()


def keyed_registry(tmp_path: Path, url: str, auth: dict, other: HTTPServer) -> Registry:
    """A source at `url` with a secret; the other server's origin is in its internal_origins
    (the connection is allowed there, the secret is not sent there)."""
    also = [f"http://127.0.0.1:{other.port}"]
    return registry_of(tmp_path, source("keyed", url, auth=auth, internal_origins=also))


def read_one(registry: Registry, client: FeedClient, tmp_path: Path):
    [result] = read_sources(registry, client, FeedCache(tmp_path / "cache"))
    return result


def query_of(request: Request) -> dict[str, list[str]]:
    return parse_qs(request.query_string.decode())


# --- 1. credentials go only to the registered origin -----------------------------------------


def test_secret_header_goes_to_pages_of_its_origin_only_never_where_a_next_link_points(
    httpserver, other, tmp_path, make_client, monkeypatch
):
    monkeypatch.setenv("FEED_KEY", SECRET)
    elsewhere = other.url_for("/harvest.json")
    httpserver.expect_request("/p1.json").respond_with_data(page("A", 2, "/p2.json"))
    httpserver.expect_request("/p2.json").respond_with_data(page("B", 2, elsewhere))
    other.expect_request("/harvest.json").respond_with_data(page("C", 1))
    registry = keyed_registry(
        tmp_path, httpserver.url_for("/p1.json"), {"header": "X-Api-Key", "env": "FEED_KEY"}, other
    )
    result = read_one(registry, make_client(), tmp_path)
    assert result.status == "ok", result.error
    assert result.records_read == 5
    assert [r.headers.get("X-Api-Key") for r, _ in httpserver.log] == [SECRET, SECRET]
    assert [r.headers.get("X-Api-Key") for r, _ in other.log] == [None]


def test_secret_not_sent_to_a_redirect_target_remembered_in_the_cache(
    httpserver, other, tmp_path, make_client, monkeypatch
):
    """Run 1 is redirected to another origin; run 2 asks that cached location conditionally:
    without the key, while the registered origin still gets it."""
    monkeypatch.setenv("FEED_KEY", SECRET)
    moved = other.url_for("/moved.json")
    httpserver.expect_request("/feed.json").respond_with_data(
        "", status=302, headers={"Location": moved}
    )

    def moved_feed(request: Request) -> Response:
        if request.headers.get("If-None-Match") == '"v1"':
            return Response(status=304, headers={"ETag": '"v1"'})
        return Response(page("M", 2), headers={"ETag": '"v1"'}, content_type="application/json")

    other.expect_request("/moved.json").respond_with_handler(moved_feed)
    registry = keyed_registry(
        tmp_path,
        httpserver.url_for("/feed.json"),
        {"header": "Authorization", "env": "FEED_KEY", "prefix": "Bearer"},
        other,
    )
    client, cache = make_client(), FeedCache(tmp_path / "cache")
    [first] = read_sources(registry, client, cache)
    [second] = read_sources(registry, client, cache)
    assert (first.status, second.status) == ("ok", "unchanged"), (first.error, second.error)
    assert [r.headers.get("Authorization") for r, _ in httpserver.log] == [f"Bearer {SECRET}"]
    assert [r.headers.get("Authorization") for r, _ in other.log] == [None, None]
    assert [r.headers.get("If-None-Match") for r, _ in other.log] == [None, '"v1"']
    assert SECRET not in (tmp_path / "cache" / "keyed.json").read_text()


def test_query_parameter_key_goes_to_its_origin_only_and_is_never_stored(
    httpserver, other, tmp_path, make_client, monkeypatch
):
    monkeypatch.setenv("FEED_KEY", SECRET)
    elsewhere = other.url_for("/p3.json")
    # the API echoes the key in its own next link, as many do
    httpserver.expect_request("/p1.json").respond_with_data(
        page("A", 1, f"/p2.json?page=2&api_key={SECRET}")
    )
    httpserver.expect_request("/p2.json").respond_with_data(page("B", 1, elsewhere))
    other.expect_request("/p3.json").respond_with_data(page("C", 1))
    registry = keyed_registry(
        tmp_path, httpserver.url_for("/p1.json"), {"query": "api_key", "env": "FEED_KEY"}, other
    )
    result = read_one(registry, make_client(), tmp_path)
    assert result.status == "ok", result.error
    assert [query_of(r) for r, _ in httpserver.log] == [
        {"api_key": [SECRET]},
        {"page": ["2"], "api_key": [SECRET]},
    ]
    assert [query_of(r) for r, _ in other.log] == [{}]
    assert SECRET not in (tmp_path / "cache" / "keyed.json").read_text()


def test_secrets_are_redacted_from_every_message(httpserver, tmp_path, make_client, monkeypatch):
    """A key in the registry URL (user:password, a query parameter) and a key from the
    environment: none reaches an error, whatever the failure."""
    monkeypatch.setenv("FEED_KEY", SECRET)
    httpserver.expect_request("/denied.json").respond_with_data("no", status=403)
    host = f"localhost:{httpserver.port}"
    registry = registry_of(
        tmp_path,
        source("in-url", f"http://agency:Pa55word@{host}/denied.json?token=T0kenInUrl&page=1"),
        source("from-env", f"http://{host}/gone.json", auth={"query": "key", "env": "FEED_KEY"}),
    )
    reads = read_sources(registry, make_client(), FeedCache(tmp_path / "cache"))
    in_url, from_env = reads
    assert "HTTP 403 Forbidden" in in_url.error
    assert "token=REDACTED" in in_url.error and "page=1" in in_url.error
    assert "REDACTED@" in in_url.error
    assert "HTTP 500" in from_env.error or "HTTP 404" in from_env.error
    for text in (in_url.error, from_env.error):
        assert "Pa55word" not in text and "T0kenInUrl" not in text and SECRET not in text


def test_secret_never_in_a_connection_error(tmp_path, make_client, monkeypatch):
    """A server that resets the connection: the library's own message names the URL it
    requested, key included; the error shown has it redacted."""
    monkeypatch.setenv("FEED_KEY", SECRET)
    with raw_server() as server:
        url = server.route("/reset.json", lambda conn, _: conn.close())
        registry = registry_of(
            tmp_path, source("keyed", url, auth={"query": "key", "env": "FEED_KEY"})
        )
        result = read_one(registry, make_client(), tmp_path)
    assert result.status == "failed"
    assert SECRET not in result.error


# --- 2. no requests to internal addresses -----------------------------------------------------


@pytest.mark.parametrize(
    ("target", "kind"),
    [
        ("http://127.0.0.1:{port}/graphql?query=mutation{{startSchedule}}", "loopback"),
        ("http://localhost:{port}/", "loopback"),
        ("http://0.0.0.0:{port}/", "unspecified"),
        ("http://2130706433:{port}/", "loopback"),  # 127.0.0.1 written as one number
        ("http://[::1]:{port}/", "loopback"),
        ("http://[::ffff:127.0.0.1]:{port}/", "loopback"),
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://10.0.0.8:8080/admin", "private"),
        ("http://192.168.1.1/", "private"),
    ],
)
@pytest.mark.parametrize("how", ["redirect", "next link"])
def test_internal_addresses_are_refused_when_a_server_points_there(
    httpserver, other, tmp_path, make_client, target, kind, how
):
    """The feed's own server is registered (and may be internal); another local port, such
    as the Dagster UI's, may not be reached through it, nor any other internal address."""
    target = target.format(port=other.port)
    if how == "redirect":
        httpserver.expect_request("/feed.json").respond_with_data(
            "", status=302, headers={"Location": target}
        )
    else:
        httpserver.expect_request("/feed.json").respond_with_data(page("A", 2, target))
    other.expect_request("/graphql").respond_with_data("PUBLISHED-ANSWER")
    other.expect_request("/").respond_with_data("col_a,col_b,secret_column")
    result = read_one(
        registry_of(tmp_path, source("s", httpserver.url_for("/feed.json"))),
        make_client(),
        tmp_path,
    )
    assert result.status == "failed"
    assert f"a {kind} address" in result.error
    assert "refused to connect" in result.error
    assert other.log == []  # not a byte reached the other server
    assert "PUBLISHED-ANSWER" not in result.error and "secret_column" not in result.error


class StubResolver:
    """Names to addresses, as a DNS server would answer; an unknown name does not resolve."""

    def __init__(self, names: dict[str, list[str]]) -> None:
        self.names = names
        self.asked: list[str] = []

    def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        if host not in self.names:
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return self.names[host]


@pytest.mark.parametrize(
    ("addresses", "kind"),
    [
        (["127.0.0.1"], "loopback"),
        (["10.1.2.3"], "private"),
        (["172.16.5.4"], "private"),
        (["192.168.0.10"], "private"),
        (["169.254.169.254"], "link-local"),
        (["0.0.0.0"], "unspecified"),
        (["224.0.0.251"], "multicast"),
        (["240.0.0.1"], "reserved"),
        (["100.64.0.1"], "not globally reachable"),
        (["::1"], "loopback"),
        (["fe80::1"], "link-local"),
        (["fd00::1"], "private"),
        (["::ffff:10.0.0.1"], "private"),
        (["2002:7f00:1::"], "loopback"),  # 6to4 of 127.0.0.1
        (["93.184.215.14", "10.0.0.1"], "private"),  # one internal address is enough
    ],
)
def test_a_name_resolving_to_an_internal_address_is_refused(
    httpserver, tmp_path, make_client, addresses, kind
):
    """After resolution: a public-looking name cannot point inside (DNS rebinding)."""
    resolver = StubResolver({"cdn.provider.example": addresses})
    httpserver.expect_request("/feed.json").respond_with_data(
        "", status=302, headers={"Location": "http://cdn.provider.example/feed.json"}
    )
    client = make_client(policy=AddressPolicy(resolve=resolver))
    result = read_one(
        registry_of(tmp_path, source("s", httpserver.url_for("/feed.json"))), client, tmp_path
    )
    assert result.status == "failed"
    assert f"cdn.provider.example ({addresses[-1]}): a {kind} address" in result.error
    assert resolver.asked == ["cdn.provider.example"]


def test_the_connection_goes_to_the_address_that_was_checked(other, make_client):
    """Resolved once, checked, and connected to: the server sees the name in Host while the
    connection went to the address the policy saw (a second answer is never asked for)."""
    resolver = StubResolver({"feeds.provider.example": ["127.0.0.1"]})
    only_loopback_allowed = AddressPolicy(
        resolve=resolver, refuse=lambda ip: None if str(ip) == "127.0.0.1" else "other"
    )
    client = make_client(policy=only_loopback_allowed)
    other.expect_request("/feed.json").respond_with_data(page("A", 1))
    document = client.fetch(
        f"http://feeds.provider.example:{other.port}/feed.json",
        access=Access(origin_of("https://agency.example/registered")),
    )
    assert document.body == page("A", 1)
    assert resolver.asked == ["feeds.provider.example"]
    assert other.log[0][0].headers["Host"] == f"feeds.provider.example:{other.port}"


def test_the_registry_allow_list_opens_one_internal_origin_not_another(
    httpserver, other, tmp_path, make_client
):
    refused = f"http://127.0.0.1:{other.port + 1 if other.port < 65535 else 1}/x.json"
    httpserver.expect_request("/feed.json").respond_with_data(
        page("A", 1, other.url_for("/p2.json"))
    )
    other.expect_request("/p2.json").respond_with_data(page("B", 1, refused))
    registry = registry_of(
        tmp_path,
        source(
            "s",
            httpserver.url_for("/feed.json"),
            internal_origins=[f"http://127.0.0.1:{other.port}"],
        ),
    )
    result = read_one(registry, make_client(), tmp_path)
    assert result.status == "failed"
    assert [r.path for r, _ in other.log] == ["/p2.json"]  # the listed origin was read
    assert "refused to connect to 127.0.0.1: a loopback address" in result.error


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("8.8.8.8", None),
        ("2606:4700::1111", None),
        ("127.0.0.53", "loopback"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("2001:0:4136:e378:8000:63bf:f5ff:fffe", "private"),  # Teredo
        ("192.0.2.1", "private"),  # documentation range
    ],
)
def test_internal_address_kinds(address, kind):
    import ipaddress

    assert internal_address(ipaddress.ip_address(address)) == kind


def test_errors_never_quote_a_body(httpserver, tmp_path, make_client):
    """A CSV of an internal service read where a feed was expected: its header is not
    published in the error (nor an HTML page's title)."""
    httpserver.expect_request("/export.csv").respond_with_data(
        "user_email;password_hash;api_token\na@example.org;x;y\n", content_type="text/csv"
    )
    httpserver.expect_request("/login.json").respond_with_data(
        "<html><head><title>Internal admin: token 1234</title></head></html>",
        content_type="text/html",
    )
    registry = registry_of(
        tmp_path,
        {
            **source("csv", httpserver.url_for("/export.csv")),
            "format": "csv",
            "options": {"delimiter": ";"},
        },
        source("html", httpserver.url_for("/login.json")),
    )
    csv_read, html_read = read_sources(registry, make_client(), FeedCache(tmp_path / "cache"))
    assert "not in the header (it has 3 columns)" in csv_read.error
    assert "got an HTML page, not a JSON feed" in html_read.error
    for word in ("user_email", "password_hash", "api_token", "Internal admin", "1234"):
        assert word not in csv_read.error + html_read.error


def test_make_ui_binds_to_loopback_and_a_read_only_ui_exists():
    makefile = (Path(__file__).parent.parent / "Makefile").read_text()
    recipes = {
        target: body
        for target, body in (
            (chunk.split(":", 1)[0], chunk) for chunk in makefile.split("\n\n") if ":" in chunk
        )
    }
    assert "-h 127.0.0.1" in recipes["ui"]
    assert "-h 127.0.0.1" in recipes["ui-readonly"] and "--read-only" in recipes["ui-readonly"]


# --- 3. every source within a budget ----------------------------------------------------------


def trickle_headers(conn: socket.socket, server: RawServer) -> None:
    """A status line, then one header byte every 0.1 s for ever (each read is quick)."""
    conn.sendall(b"HTTP/1.1 200 OK\r\n")
    for _ in range(10_000):
        if server.stop.wait(0.1):
            return
        try:
            conn.sendall(b"X")
        except OSError:
            return  # cut by the client


def test_slow_response_headers_are_cut_at_the_source_deadline(tmp_path, make_client):
    with raw_server() as server:
        url = server.route("/feed.json", trickle_headers)
        registry = registry_of(tmp_path, source("slow", url, limits={"source_seconds": 0.6}))
        started = time.monotonic()
        result = read_one(registry, make_client(), tmp_path)
        took = time.monotonic() - started
    assert result.status == "failed"
    assert "took longer than 0.6 s, the source's limits.source_seconds" in result.error
    assert took < 2.0


def slow_pages(endless: dict[str, bool]):
    """Each page after 0.25 s; three pages, or (`endless`) every page links to one more."""

    def serve(conn: socket.socket, server: RawServer) -> None:
        if server.stop.wait(0.25):
            return
        with server.lock:
            number = sum(server.hits.values())
        more = endless["on"] or number % 3
        body = page(f"P{number}-", 1, f"/p{number + 1}.json" if more else None)
        conn.sendall(
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: "
            + str(len(body)).encode()
            + b"\r\n\r\n"
            + body
        )

    return serve


def test_the_time_budget_is_for_all_pages_together_and_keeps_the_last_good_records(
    tmp_path, make_client
):
    endless = {"on": False}
    with raw_server() as server:
        for n in range(1, 60):
            server.route(f"/p{n}.json", slow_pages(endless))
        url = f"http://127.0.0.1:{server.server_address[1]}/p1.json"
        cache = FeedCache(tmp_path / "cache")
        [good] = read_sources(registry_of(tmp_path, source("paged", url)), make_client(), cache)
        endless["on"] = True
        tight = registry_of(tmp_path, source("paged", url, limits={"source_seconds": 1}))
        started = time.monotonic()
        [cut] = read_sources(tight, make_client(), cache)
        took = time.monotonic() - started
    assert good.status == "ok" and good.records_read == 3
    assert cut.status == "failed" and cut.stale
    assert "took longer than 1 s" in cut.error
    assert 2 <= cut.pages <= 5 and took < 2.0  # 1000 pages (max_pages) would take 250 s
    assert list(cut.records["source_record_id"]) == list(good.records["source_record_id"])


def test_the_run_budget_cuts_the_source_still_reading_and_skips_those_not_started(
    httpserver, tmp_path, make_client
):
    httpserver.expect_request("/quick.json").respond_with_data(page("Q", 2))
    with raw_server() as server:
        slow = server.route("/slow.json", trickle_headers)
        sources = [
            source("quick", httpserver.url_for("/quick.json")),
            source("slow", slow),
            source("later", httpserver.url_for("/quick.json")),
        ]
        registry = registry_of(tmp_path, *sources, limits={"run_seconds": 0.8})
        started = time.monotonic()
        quick, cut, later = read_sources(
            registry, make_client(), FeedCache(tmp_path / "cache"), max_workers=1
        )
        took = time.monotonic() - started
    assert quick.status == "ok" and quick.records_read == 2
    assert cut.status == "failed"
    assert "stopped at the end of the run's 0.8 s (limits.run_seconds)" in cut.error
    assert later.status == "failed" and "run's time budget" in later.error
    assert took < 2.0


def test_a_slow_source_does_not_delay_the_others(httpserver, tmp_path, make_client):
    httpserver.expect_request("/quick.json").respond_with_data(page("Q", 2))
    with raw_server() as server:
        slow = server.route("/slow.json", trickle_headers)
        registry = registry_of(
            tmp_path,
            source("slow", slow, limits={"source_seconds": 1}),
            *[source(f"quick-{n}", httpserver.url_for("/quick.json")) for n in range(4)],
        )
        reads = read_sources(registry, make_client(), FeedCache(tmp_path / "cache"), 2)
    assert reads[0].status == "failed"
    assert all(r.status == "ok" and r.seconds < 0.5 for r in reads[1:]), reads


def test_the_decompressed_bytes_budget_spans_every_page(httpserver, tmp_path, make_client):
    padding = "0" * 400_000  # 400 kB a page once decompressed, a few hundred bytes sent
    for n in (1, 2, 3):
        body = page(f"P{n}-", 1, f"/p{n + 1}.json" if n < 3 else None, padding=padding)
        httpserver.expect_request(f"/p{n}.json").respond_with_data(
            gzip.compress(body), headers={"Content-Encoding": "gzip"}
        )
    registry = registry_of(
        tmp_path, source("big", httpserver.url_for("/p1.json"), limits={"source_bytes": 1_000_000})
    )
    result = read_one(registry, make_client(), tmp_path)
    assert result.status == "failed"
    assert "/p3.json: over the source's budget of 1000000 decompressed bytes" in result.error
    assert result.pages == 2  # two pages read whole; the third stopped while it was read


@pytest.mark.parametrize("shape", ["json", "csv", "xml", "pages"])
def test_max_records_refuses_a_flood_of_tiny_records(httpserver, tmp_path, make_client, shape):
    refs = [f"R{k}" for k in range(1_000)]
    kinds = {
        "json": ({}, json.dumps({"items": [{"ref": r, "name": "x"} for r in refs]})),
        "csv": (
            {"format": "csv", "options": {}},
            "ref,name,ects\n" + "".join(f"{r},x,5\n" for r in refs),
        ),
        "xml": (
            {"format": "xml", "options": {"record": "course"}, "mapping": {"title": "@name"}},
            "<courses>" + "".join(f'<course name="{r}"/>' for r in refs) + "</courses>",
        ),
        "pages": ({}, page("P", 60, "/feed?next=1")),
    }
    extra, body = kinds[shape]
    httpserver.expect_request("/feed", query_string="next=1").respond_with_data(page("Q", 60))
    httpserver.expect_request("/feed").respond_with_data(body)
    registry = registry_of(
        tmp_path,
        {**source("flood", httpserver.url_for("/feed"), limits={"max_records": 100}), **extra},
    )
    result = read_one(registry, make_client(), tmp_path)
    assert result.status == "failed"
    assert "the source sent more than limits.max_records=100 records" in result.error


def test_max_records_has_a_sane_default(tmp_path):
    registry = registry_of(tmp_path, source("s", "feed.json"))
    assert registry.source_limits(registry.sources[0]).max_records == 200_000


def test_page_bodies_are_let_go_once_parsed(tmp_path, make_client):
    """Twelve pages of 1 MB, each holding one record: reading them never holds more than
    about one page's body (with every body kept it would be 12 MB)."""
    folder = tmp_path / "feeds"
    folder.mkdir()
    for n in range(1, 13):
        body = page(f"P{n}-", 1, f"p{n + 1}.json" if n < 12 else None, padding="x" * 1_000_000)
        (folder / f"p{n}.json").write_bytes(body)
    registry = registry_of(tmp_path, source("big", "feeds/p1.json"))
    client = make_client()
    tracemalloc.start()
    try:
        result = read_one(registry, client, tmp_path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert result.status == "ok" and result.records_read == 12 and result.pages == 12
    assert peak < 5_000_000, peak


def test_nested_gzip_is_bounded_while_decoding(httpserver, make_client):
    """A body gzipped three times (Content-Encoding: gzip, gzip, gzip): about 50 kB on the
    wire, 64 MB decoded. urllib3 >= 2.6 decodes it a piece at a time, so the size limit
    stops it early, in little time and memory."""
    inner = gzip.compress(b"\0" * 64_000_000, compresslevel=1)
    bomb = gzip.compress(gzip.compress(inner))
    httpserver.expect_request("/bomb").respond_with_data(
        bomb, headers={"Content-Encoding": "gzip, gzip, gzip"}
    )
    client = make_client(limits=FetchLimits(max_bytes=1_000_000, total_seconds=10))
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(FeedError, match="over the limit of 1000000 bytes"):
            client.fetch(httpserver.url_for("/bomb"))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 20_000_000, peak


# --- 6. local feeds stay in their folder ------------------------------------------------------


@pytest.mark.parametrize(
    "next_link", ["../private/secrets.json", "/proc/self/environ", "link-out/secrets.json"]
)
def test_a_local_feeds_next_link_stays_in_its_folder(tmp_path, make_client, next_link):
    feeds, private = tmp_path / "feeds", tmp_path / "private"
    feeds.mkdir()
    private.mkdir()
    (private / "secrets.json").write_bytes(page("S", 1, extra_secret="PRIVATE-VALUE"))
    (feeds / "link-out").symlink_to(private, target_is_directory=True)
    (feeds / "p1.json").write_bytes(page("A", 2, next_link))
    result = read_one(
        registry_of(tmp_path, source("local", "feeds/p1.json")), make_client(), tmp_path
    )
    assert result.status == "failed"
    assert "outside the folder of the registered feed" in result.error
    assert str(feeds) in result.error
    assert "PRIVATE-VALUE" not in result.error and result.pages == 1


def test_a_local_feeds_next_link_inside_its_folder_is_read(tmp_path, make_client):
    feeds = tmp_path / "feeds"
    (feeds / "more").mkdir(parents=True)
    (feeds / "p1.json").write_bytes(page("A", 2, "more/p2.json"))
    (feeds / "more" / "p2.json").write_bytes(page("B", 1, "../p3.json"))
    (feeds / "p3.json").write_bytes(page("C", 1))
    result = read_one(
        registry_of(tmp_path, source("local", "feeds/p1.json")), make_client(), tmp_path
    )
    assert result.status == "ok" and result.records_read == 4 and result.pages == 3


def test_a_feed_registered_at_a_url_reads_no_local_file(make_client, httpserver):
    with pytest.raises(FeedError, match="outside the folder"):
        make_client().fetch("/etc/hostname", access=Access.for_location(httpserver.url_for("/")))


def test_a_local_feed_without_access_is_confined_to_its_own_folder(tmp_path, make_client):
    (tmp_path / "feed.json").write_bytes(page("A", 1))
    client = make_client()
    assert client.fetch(str(tmp_path / "feed.json")).body == page("A", 1)
    other = Access.for_location(str(tmp_path / "feed.json"))
    with pytest.raises(FeedError, match="outside the folder"):
        client.fetch("/etc/hostname", access=other)


# --- the registry keys ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        ({"auth": {"env": "KEY"}}, "key 'auth': give one of `header`"),
        ({"auth": {"header": "X-Key", "query": "key", "env": "KEY"}}, "key 'auth': give one of"),
        ({"auth": {"query": "key", "env": "KEY", "prefix": "Bearer"}}, "`prefix` goes with"),
        ({"internal_origins": ["http://10.0.0.5:8080/feeds"]}, "key 'internal_origins'"),
        ({"internal_origins": ["ftp://10.0.0.5"]}, "are not origins"),
        ({"limits": {"max_records": 0}}, "key 'limits.max_records'"),
        ({"limits": {"run_seconds": 5}}, "key 'limits.run_seconds': unknown key"),
    ],
)
def test_the_registry_refuses_unusable_security_keys(tmp_path, extra, problem):
    from schemas.registry import RegistryError

    with pytest.raises(RegistryError) as raised:
        registry_of(tmp_path, source("s", "feed.json", **extra))
    assert "source 's': " in str(raised.value) and problem in str(raised.value)


def test_dependencies_require_what_the_safety_features_need():
    import tomllib
    from importlib.metadata import version

    project = Path(__file__).parent.parent
    pyproject = tomllib.loads((project / "pyproject.toml").read_text())
    assert "urllib3>=2.6,<3" in pyproject["project"]["dependencies"]
    assert tuple(int(p) for p in version("urllib3").split(".")[:2]) >= (2, 6)
    assert pyproject["build-system"]["requires"] == ["setuptools>=78.1.1"]
    lock = (project / "uv.lock").read_text()
    locked = lock.split('name = "urllib3"\nversion = "', 1)[1].split('"', 1)[0]
    assert tuple(int(p) for p in locked.split(".")[:2]) >= (2, 6)
    makefile = (project / "Makefile").read_text()
    assert "setuptools==$(SETUPTOOLS_VERSION)" in makefile and "SETUPTOOLS_VERSION := 8" in makefile
