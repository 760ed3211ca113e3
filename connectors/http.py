"""One client for every feed: HTTP(S) through requests, local paths read the same way.

Limits are enforced while reading (time, size, redirects), one retry policy covers transient
failures (connection errors, 429 and 5xx, honouring a capped Retry-After), and conditional GET
(ETag / Last-Modified) lets an unchanged feed be skipped before it is parsed.

Everything a provider's server returns is hostile. What one source may reach, send and spend is
its `Access`: its credentials go only to the origin (scheme, host, port) of its registry URL, on
every page, redirect and cached location; an internal address (loopback, private, link-local,
...) is refused when the connection is made, after DNS resolution, except at its own origin and
the origins its registry entry allows; all its fetches share one deadline and one budget of
decompressed bytes; and a local feed's pages stay inside the folder of the registered file.
"""

from __future__ import annotations

import contextlib
import email.utils
import http
import http.client
import io
import ipaddress
import math
import os
import random
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import KW_ONLY, dataclass, field
from pathlib import Path
from urllib.parse import unquote_plus, urlencode, urljoin, urlsplit, urlunsplit

import requests
import urllib3.exceptions as _u3
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.util.connection import create_connection

from pipelines.lib.safe_text import redact_text
from schemas.canonical import is_http_url
from schemas.registry import Auth

USER_AGENT = "microcredential-catalogue/0.1 (+https://github.com/; batch aggregation)"


class FeedError(Exception):
    """A feed could not be read; the message says why and is safe to show (no secrets)."""


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter; a server's Retry-After is honoured up to a cap."""

    max_attempts: int = 4
    backoff_seconds: float = 0.5
    max_backoff_seconds: float = 20.0
    max_retry_after_seconds: float = 60.0
    retry_statuses: frozenset[int] = frozenset({408, 425, 429, 500, 502, 503, 504})

    def delay(self, attempt: int, retry_after: str | None = None) -> float:
        """Seconds to wait before attempt number `attempt + 1` (attempts count from 1)."""
        if retry_after:
            seconds = _retry_after_seconds(retry_after)
            if seconds is not None:
                return min(max(seconds, 0.0), self.max_retry_after_seconds)
        base = min(self.backoff_seconds * 2 ** (attempt - 1), self.max_backoff_seconds)
        return base * (0.5 + random.random() / 2)


def _retry_after_seconds(value: str) -> float | None:
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return when.timestamp() - time.time()


@dataclass(frozen=True)
class FetchLimits:
    """Limits of one fetch. `read_timeout` bounds each wait for data; `total_seconds` bounds
    all attempts together, connecting and waiting for headers included (a watchdog cuts the
    connection of a server that trickles bytes). A source's `Access` may set tighter ones."""

    connect_timeout: float = 10.0
    read_timeout: float = 60.0
    total_seconds: float = 300.0
    max_bytes: int = 256 * 1024 * 1024
    max_redirects: int = 5
    chunk_bytes: int = 64 * 1024


@dataclass(frozen=True)
class Validators:
    """What a server (or a file's metadata) said about a version of a document."""

    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        headers = {}
        if self.etag:
            headers["If-None-Match"] = self.etag
        if self.last_modified:
            headers["If-Modified-Since"] = self.last_modified
        return headers

    @property
    def empty(self) -> bool:
        return not (self.etag or self.last_modified)


@dataclass
class Document:
    """One fetched document; `body` is None when the server said it has not changed."""

    location: str
    body: bytes | None
    validators: Validators = field(default_factory=Validators)
    content_type: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.body is None


def join_location(base: str, reference: str) -> str:
    """Resolve a next-page link against the page it came from (URL or path)."""
    if is_http_url(reference) or (not is_http_url(base) and os.path.isabs(reference)):
        return reference
    if is_http_url(base):
        return urljoin(base, reference)
    return str((Path(base).parent / reference).resolve())


# --- what a source may reach, send and spend ------------------------------------------------

#: (scheme, host, port) of a URL: where a browser's same-origin rule draws its line.
Origin = tuple[str, str, int]
_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> Origin | None:
    """The origin of an http(s) URL (host lowercased, default port filled in); None otherwise."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS or not parts.hostname:
        return None
    try:
        port = parts.port
    except ValueError:
        return None
    return scheme, parts.hostname.lower().rstrip("."), port or _DEFAULT_PORTS[scheme]


@dataclass(frozen=True)
class Credentials:
    """A source's secret: headers, or a query parameter (name, value)."""

    headers: dict[str, str] = field(default_factory=dict)
    query: tuple[str, str] | None = None

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every value that must never be shown (a header's value without its prefix too)."""
        values = [*self.headers.values(), *([self.query[1]] if self.query else [])]
        return tuple(values + [v.split(" ", 1)[1] for v in values if " " in v.strip()])

    def add_to(self, url: str) -> str:
        """`url` with the secret parameter added (its other parameters left as written)."""
        if self.query is None:
            return url
        parts = urlsplit(url)
        query = "&".join(filter(None, [parts.query, urlencode([self.query])]))
        return urlunsplit(parts._replace(query=query))

    def strip_from(self, url: str) -> str:
        """`url` without the secret parameter (a server may echo it in its links)."""
        if self.query is None or not is_http_url(url):
            return url
        parts = urlsplit(url)
        pairs = parts.query.split("&") if parts.query else []
        kept = [p for p in pairs if unquote_plus(p.split("=", 1)[0]) != self.query[0]]
        return url if len(kept) == len(pairs) else urlunsplit(parts._replace(query="&".join(kept)))


def credentials_from_env(auth: Auth) -> Credentials:
    """The source's secret, from the environment; the value is never logged."""
    secret = os.environ.get(auth.env)
    where = f"header {auth.header}" if auth.header else f"query parameter {auth.query}"
    if not secret:
        raise FeedError(f"environment variable {auth.env} (for {where}) is not set")
    if auth.query is not None:
        return Credentials(query=(auth.query, secret))
    value = f"{auth.prefix} {secret}".strip() if auth.prefix else secret
    return Credentials(headers={str(auth.header): value})


@dataclass
class Access:
    """What the fetches of one source may reach, send and spend (one object per source read).

    `origin`: the origin of the registered URL, the only one that gets `credentials` and may be
    internal besides `internal_origins`. `local_root`: the folder a local feed's pages must stay
    in. `deadline` (a `time.monotonic()` value) and `bytes_left` are shared by all fetches;
    `deadline_reason` ("took longer than 60 s, ...") and `bytes_reason` ("1000 decompressed
    bytes, ...") say which budget in errors.
    """

    origin: Origin | None = None
    _: KW_ONLY
    internal_origins: frozenset[Origin] = frozenset()
    credentials: Credentials | None = None
    local_root: Path | None = None
    registered_path: Path | None = None
    deadline: float = math.inf
    deadline_reason: str = ""
    bytes_left: float = math.inf
    bytes_reason: str = ""

    @classmethod
    def for_location(cls, location: str, **kwargs) -> Access:
        """The access of a source registered at `location` (URL or path)."""
        if is_http_url(location):
            return cls(origin_of(location), **kwargs)
        path = Path(location).resolve()
        return cls(None, local_root=path.parent, registered_path=path, **kwargs)

    @property
    def secrets(self) -> tuple[str, ...]:
        return self.credentials.secrets if self.credentials else ()

    def sends_secret_to(self, origin: Origin | None) -> bool:
        return self.credentials is not None and origin is not None and origin == self.origin

    def may_be_internal(self, origin: Origin | None) -> bool:
        return origin is not None and (origin == self.origin or origin in self.internal_origins)

    def clean(self, url: str) -> str:
        return self.credentials.strip_from(url) if self.credentials else url

    def may_read(self, path: Path) -> bool:
        if path == self.registered_path:
            return True
        return self.local_root is not None and path.is_relative_to(self.local_root)


# --- the address policy, applied when a connection is made ----------------------------------


class AddressRefused(Exception):
    """A connection to an internal address was refused (not an OSError: never retried)."""


_NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


def _embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address carries (mapped, 6to4, Teredo, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in _NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def internal_address(ip: IPAddress) -> str | None:
    """What kind of internal address `ip` is (loopback, private, ...); None for a public one."""
    embedded = _embedded_ipv4(ip)
    if embedded is not None and (kind := internal_address(embedded)) is not None:
        return kind
    for kind, attribute in (
        ("loopback", "is_loopback"),
        ("unspecified", "is_unspecified"),
        ("link-local", "is_link_local"),
        ("multicast", "is_multicast"),
        ("reserved", "is_reserved"),
        ("private", "is_private"),
    ):
        if getattr(ip, attribute):
            return kind
    return None if ip.is_global else "not globally reachable"


def resolve_host(host: str, port: int) -> list[str]:
    """Every address `host` resolves to, in the resolver's order."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


@dataclass(frozen=True)
class AddressPolicy:
    """Resolves a host once and refuses it when any of its addresses is internal; the
    connection is then made to a checked address (a name cannot point elsewhere meanwhile)."""

    resolve: Callable[[str, int], list[str]] = resolve_host
    refuse: Callable[[IPAddress], str | None] = internal_address

    def addresses(self, host: str, port: int) -> list[str]:
        found = self.resolve(host, port)
        if not found:
            raise socket.gaierror(socket.EAI_NONAME, "no address")
        for address in found:
            kind = self.refuse(ipaddress.ip_address(address))
            if kind is not None:
                shown = host if host == address else f"{host} ({address})"
                raise AddressRefused(
                    f"refused to connect to {shown}: a {kind} address, reached only at the "
                    "source's own origin or an origin its registry entry lists in internal_origins"
                )
        return found


_current = threading.local()  # the deadline of the fetch this thread is making


def _watch(sock: socket.socket) -> None:
    deadline = getattr(_current, "deadline", None)
    if deadline is not None:
        deadline.watch(sock)


class _FeedConnection:
    """A connection that lets the current fetch's deadline watch its socket, and that, with a
    policy, connects only to addresses the policy has checked."""

    policy: AddressPolicy | None = None

    def _new_conn(self) -> socket.socket:
        sock = super()._new_conn() if self.policy is None else self._checked_conn()  # type: ignore[misc]
        _watch(sock)
        return sock

    def _checked_conn(self) -> socket.socket:
        conn: HTTPConnection = self  # type: ignore[assignment]
        try:
            addresses = self.policy.addresses(conn._dns_host, conn.port)  # type: ignore[union-attr]
        except socket.gaierror as exc:
            raise _u3.NameResolutionError(conn.host, conn, exc) from exc
        failure: tuple[Exception, OSError] | None = None
        for address in addresses:
            try:
                return create_connection(
                    (address, conn.port),
                    conn.timeout,
                    source_address=conn.source_address,
                    socket_options=conn.socket_options,
                )
            except TimeoutError as exc:
                message = f"Connection to {conn.host} timed out. (connect timeout={conn.timeout})"
                failure = (_u3.ConnectTimeoutError(conn, message), exc)
            except OSError as exc:
                message = f"Failed to establish a new connection: {exc}"
                failure = (_u3.NewConnectionError(conn, message), exc)
        assert failure is not None
        raise failure[0] from failure[1]

    def request(self, *args, **kwargs):
        if self.sock is not None:  # type: ignore[attr-defined]  # a kept-alive connection
            _watch(self.sock)  # type: ignore[attr-defined]
        return super().request(*args, **kwargs)  # type: ignore[misc]


class _FeedAdapter(HTTPAdapter):
    """requests' adapter with `_FeedConnection`s (checked by `policy` when it is given)."""

    def __init__(self, policy: AddressPolicy | None, pool_size: int) -> None:
        self._policy = policy
        super().__init__(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)

    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        attributes = {"policy": self._policy}
        plain = type("Connection", (_FeedConnection, HTTPConnection), attributes)
        tls = type("TLSConnection", (_FeedConnection, HTTPSConnection), attributes)
        self.poolmanager.pool_classes_by_scheme = {
            "http": type("Pool", (HTTPConnectionPool,), {"ConnectionCls": plain}),
            "https": type("TLSPool", (HTTPSConnectionPool,), {"ConnectionCls": tls}),
        }


def _session(adapter: HTTPAdapter, verify: bool | str) -> requests.Session:
    session = requests.Session()
    session.mount("http://", adapter)
    session.mount("https://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    session.trust_env = False  # no proxy, .netrc or CA bundle from the environment
    session.verify = verify
    return session


# --- the client -----------------------------------------------------------------------------


class FeedClient:
    """Fetches feeds with limits and retries. Safe to share between threads for reading.

    Two connection pools: one for the origins a source's access lets be internal (its own,
    and those its registry entry lists), one whose every new connection is checked by the
    address policy. A kept-alive connection is thus never reused across that line.
    """

    def __init__(
        self,
        retry: RetryPolicy | None = None,
        limits: FetchLimits | None = None,
        sleep=time.sleep,
        pool_size: int = 16,
        policy: AddressPolicy | None = None,
        verify: bool | str = True,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.limits = limits or FetchLimits()
        self._direct = _session(_FeedAdapter(None, pool_size), verify)
        self._guarded = _session(_FeedAdapter(policy or AddressPolicy(), pool_size), verify)
        self._sleep = sleep

    def close(self) -> None:
        self._direct.close()
        self._guarded.close()

    def fetch(
        self,
        location: str,
        validators: Validators | None = None,
        access: Access | None = None,
    ) -> Document:
        """One document. Without `access`, the location is taken as the registered one."""
        access = access or Access.for_location(location)
        try:
            if is_http_url(location):
                return self._fetch_url(access.clean(location), validators or Validators(), access)
            if "://" in location:
                raise FeedError(f"unsupported URL scheme in {location!r}")
            return self._read_path(location, validators or Validators(), access)
        except FeedError as exc:
            raise FeedError(redact_text(str(exc), access.secrets)) from None

    def _read_path(self, location: str, validators: Validators, access: Access) -> Document:
        path = Path(location)
        if not access.may_read(path.resolve()):
            raise FeedError(
                f"{location}: outside the folder of the registered feed"
                + (f" ({access.local_root})" if access.local_root else "")
                + ": a local feed's pages stay in it"
            )
        try:
            stat = path.stat()
        except OSError as exc:
            raise FeedError(f"cannot read {path}: {exc.strerror}") from None
        if not path.is_file():
            raise FeedError(f"cannot read {path}: not a regular file")
        current = Validators(last_modified=f"{stat.st_mtime_ns}-{stat.st_size}")
        if validators.last_modified == current.last_modified:
            return Document(str(path), None, current)
        if stat.st_size > self.limits.max_bytes:
            raise FeedError(
                f"{path} is {stat.st_size} bytes, over the limit of {self.limits.max_bytes}"
            )
        self._within_budget(str(path), stat.st_size, access)
        body = path.read_bytes()
        self._within_budget(str(path), len(body), access)  # it may have grown meanwhile
        access.bytes_left -= len(body)
        return Document(str(path), body, current)

    @staticmethod
    def _within_budget(where: str, size: int, access: Access) -> None:
        if size > access.bytes_left:
            raise FeedError(f"{where}: over the source's budget of {access.bytes_reason}")

    def _fetch_url(self, url: str, validators: Validators, access: Access) -> Document:
        own = time.monotonic() + self.limits.total_seconds
        deadline, reason = (
            (access.deadline, access.deadline_reason)
            if access.deadline < own
            else (own, f"took longer than {self.limits.total_seconds:g} s")
        )
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._fetch_once(url, validators, access, deadline, reason)
            except _Retryable as exc:
                if attempt >= self.retry.max_attempts:
                    raise FeedError(f"{exc.message} (gave up after {attempt} attempts)") from None
                wait = self.retry.delay(attempt, exc.retry_after)
                if time.monotonic() + wait > deadline:
                    raise FeedError(f"{exc.message} (no time left to retry)") from None
                self._sleep(wait)

    def _fetch_once(
        self, url: str, validators: Validators, access: Access, deadline: float, reason: str
    ) -> Document:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise _too_slow(url, reason)
        watchdog = _Deadline(remaining)
        _current.deadline = watchdog
        try:
            document = self._follow(url, validators, access, deadline, reason)
        except Exception:
            if watchdog.fired:
                raise _too_slow(url, reason) from None
            raise
        finally:
            _current.deadline = None
            watchdog.cancel()
        if watchdog.fired:  # a body read until the connection closes ends cleanly when cut
            raise _too_slow(url, reason)
        return document

    def _follow(
        self, url: str, validators: Validators, access: Access, deadline: float, reason: str
    ) -> Document:
        """Request `url`, following redirects; every hop decides anew where the secret goes
        and whether the address policy applies."""
        for _ in range(self.limits.max_redirects + 1):
            target = origin_of(url)
            secret = access.sends_secret_to(target)
            session = self._direct if access.may_be_internal(target) else self._guarded
            credentials = access.credentials if secret else None
            headers = {**validators.headers(), **(credentials.headers if credentials else {})}
            connect = min(self.limits.connect_timeout, max(deadline - time.monotonic(), 0.001))
            try:
                response = session.get(
                    credentials.add_to(url) if credentials else url,
                    headers=headers,
                    stream=True,
                    allow_redirects=False,
                    timeout=(connect, self.limits.read_timeout),
                )
            except AddressRefused as exc:
                raise FeedError(f"{url}: {exc}") from None
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise _Retryable(f"{url}: {self._describe(exc, url)}") from None
            except requests.RequestException as exc:
                raise FeedError(f"{url}: {_short(exc)}") from None
            with response:
                if response.is_redirect:
                    url = access.clean(self._redirect_target(url, response))
                    continue
                return self._read_response(url, response, deadline, reason, access)
        raise FeedError(f"{url}: more than {self.limits.max_redirects} redirects")

    @staticmethod
    def _redirect_target(url: str, response: requests.Response) -> str:
        target = urljoin(url, response.headers.get("Location", ""))
        if not is_http_url(target):
            raise FeedError(f"{url}: redirect to a non-http(s) location {target!r} refused")
        return target

    def _read_response(
        self,
        url: str,
        response: requests.Response,
        deadline: float,
        reason: str,
        access: Access,
    ) -> Document:
        status = response.status_code
        if status == 304:
            return Document(url, None, _validators_of(response))
        if status in self.retry.retry_statuses:
            raise _Retryable(f"{url}: HTTP {status}", response.headers.get("Retry-After"))
        if status >= 400:  # the standard phrase: the server's own words are not shown
            raise FeedError(f"{url}: HTTP {status} {_phrase(status)}".rstrip())
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise FeedError(
                f"{url}: response of {declared} bytes is over the limit of {self.limits.max_bytes}"
            )
        body = self._read_body(url, response, deadline, reason, access)
        access.bytes_left -= len(body)
        return Document(url, body, _validators_of(response), response.headers.get("Content-Type"))

    def _read_body(
        self,
        url: str,
        response: requests.Response,
        deadline: float,
        reason: str,
        access: Access,
    ) -> bytes:
        # BytesIO grows in place and getvalue() hands its buffer over without a copy: a body
        # near the size limit costs its size in memory once, not twice (bytearray, then bytes).
        # urllib3 (>= 2.6) decompresses at most a chunk's worth at a time, so a small gzip bomb
        # is stopped by the byte limits below, not after it has filled the memory.
        body = io.BytesIO()
        try:
            for chunk in response.iter_content(self.limits.chunk_bytes):
                body.write(chunk)
                if body.tell() > self.limits.max_bytes:
                    raise FeedError(
                        f"{url}: response is over the limit of {self.limits.max_bytes} bytes"
                    )
                self._within_budget(url, body.tell(), access)
                if time.monotonic() > deadline:
                    raise _too_slow(url, reason)
        except requests.exceptions.ContentDecodingError as exc:
            # the decompressor's own words, not the wrappers' (zlib: "invalid block type")
            cause = next(
                (c for c in _causes(exc) if type(c).__module__.split(".")[0] not in _WRAPPERS), exc
            )
            encoding = response.headers.get("Content-Encoding", "")
            raise FeedError(
                f"{url}: body cannot be decompressed as {encoding!r} ({_short(cause)})"
            ) from None
        except (
            requests.ConnectionError,
            requests.Timeout,
            requests.exceptions.ChunkedEncodingError,
        ) as exc:
            raise _Retryable(
                f"{url}: connection broken while reading the body ({self._describe(exc, url)})"
            ) from None
        return body.getvalue()

    def _describe(self, exc: BaseException, url: str) -> str:
        """What went wrong on the connection, in words (the library's text when not known)."""
        causes = _causes(exc)

        def first(*kinds: type) -> BaseException | None:
            return next((c for c in causes if isinstance(c, kinds)), None)

        if (unresolved := first(socket.gaierror)) is not None:
            reason = getattr(unresolved, "strerror", None) or unresolved
            return f"cannot resolve host {urlsplit(url).hostname!r} ({reason})"
        if first(ConnectionRefusedError):
            return "connection refused"
        # urllib3's NewConnectionError (any failure to connect) derives from ConnectTimeoutError
        slow_connect = first(requests.ConnectTimeout, _u3.ConnectTimeoutError)
        if slow_connect is not None and not isinstance(slow_connect, _u3.NewConnectionError):
            return f"connect timed out (no answer in {self.limits.connect_timeout:g} s)"
        if first(ConnectionResetError):
            return "connection reset by the server"
        if (short := first(_u3.IncompleteRead, http.client.IncompleteRead)) is not None:
            return f"body shorter than its Content-Length ({short})"
        if first(_u3.ReadTimeoutError, TimeoutError):
            return f"read timed out (no data for {self.limits.read_timeout:g} s)"
        return _short(exc)


def _too_slow(url: str, reason: str) -> FeedError:
    return FeedError(f"{url}: {reason}")


def _phrase(status: int) -> str:
    try:
        return http.HTTPStatus(status).phrase
    except ValueError:
        return ""


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class _Deadline:
    """Cuts the connection of one fetch when its time is up: while connecting, while waiting
    for the response's headers (a server may send one byte a minute) and while reading its body.

    Closing a response from another thread does not wake a read blocked in the socket. Shutting
    the socket down through a duplicate of its descriptor, taken when the connection is made or
    reused, always reaches the right socket and wakes the read, which then sees the end of the
    stream. Each new connection of the fetch (a redirect) replaces the one watched.
    """

    def __init__(self, seconds: float) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(max(seconds, 0.0), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def watch(self, sock: socket.socket) -> None:
        try:
            duplicate = socket.socket(fileno=os.dup(sock.fileno()))
        except (AttributeError, OSError, ValueError):
            return
        with self._lock:
            if self._sock is not None:
                self._sock.close()
            self._sock = duplicate
            if self.fired:
                self._shutdown()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._sock is not None:
            with contextlib.suppress(OSError):  # already closed: the read has ended anyway
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        self._timer.cancel()
        with self._lock:
            if self._sock is not None:
                self._sock.close()  # the duplicate only; the connection closes its own
                self._sock = None


_WRAPPERS = frozenset({"requests", "urllib3"})  # packages whose exceptions wrap the real cause


def _causes(exc: BaseException) -> list[BaseException]:
    """The exception and those it wraps (args, reason, cause, context), outermost first."""
    found: list[BaseException] = []
    todo = [exc]
    while todo and len(found) < 20:
        current = todo.pop(0)
        if any(current is seen for seen in found):
            continue
        found.append(current)
        inner = [a for a in current.args if isinstance(a, BaseException)]
        reason = getattr(current, "reason", None)
        if isinstance(reason, BaseException):
            inner.append(reason)
        inner += [e for e in (current.__cause__, current.__context__) if e is not None]
        todo += inner
    return found


def _validators_of(response: requests.Response) -> Validators:
    return Validators(response.headers.get("ETag"), response.headers.get("Last-Modified"))


def _short(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    return text if len(text) <= 300 else text[:297] + "..."
