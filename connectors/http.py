"""One client for every feed: HTTP(S) through a requests Session, local paths read the same way.

Limits are enforced while reading (time, size, redirects), one retry policy covers transient
failures (connection errors, 429 and 5xx, honouring a capped Retry-After), and conditional GET
(ETag / Last-Modified) lets an unchanged feed be skipped before it is parsed.
"""

from __future__ import annotations

import contextlib
import email.utils
import http.client
import io
import os
import random
import socket
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import requests
import urllib3.exceptions as _u3
from requests.adapters import HTTPAdapter

from schemas.canonical import is_http_url

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
    all attempts together, and a body trickled in slowly (a watchdog cuts the connection)."""

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


class FeedClient:
    """Fetches feeds with limits and retries. Safe to share between threads for reading."""

    def __init__(
        self,
        retry: RetryPolicy | None = None,
        limits: FetchLimits | None = None,
        session: requests.Session | None = None,
        sleep=time.sleep,
        pool_size: int = 16,
    ) -> None:
        self.retry = retry or RetryPolicy()
        self.limits = limits or FetchLimits()
        if session is None:
            session = requests.Session()
            adapter = HTTPAdapter(pool_connections=pool_size, pool_maxsize=pool_size, max_retries=0)
            session.mount("http://", adapter)
            session.mount("https://", adapter)
        self.session = session
        self.session.headers["User-Agent"] = USER_AGENT
        self.session.trust_env = False
        self._sleep = sleep

    def close(self) -> None:
        self.session.close()

    def fetch(
        self,
        location: str,
        validators: Validators | None = None,
        headers: dict[str, str] | None = None,
    ) -> Document:
        if is_http_url(location):
            return self._fetch_url(location, validators or Validators(), headers or {})
        if "://" in location:
            raise FeedError(f"unsupported URL scheme in {location!r}")
        return self._read_path(Path(location), validators or Validators())

    def _read_path(self, path: Path, validators: Validators) -> Document:
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
        return Document(str(path), path.read_bytes(), current)

    def _fetch_url(self, url: str, validators: Validators, headers: dict[str, str]) -> Document:
        deadline = time.monotonic() + self.limits.total_seconds
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._fetch_once(url, validators, headers, deadline)
            except _Retryable as exc:
                if attempt >= self.retry.max_attempts:
                    raise FeedError(f"{exc.message} (gave up after {attempt} attempts)") from None
                wait = self.retry.delay(attempt, exc.retry_after)
                if time.monotonic() + wait > deadline:
                    raise FeedError(f"{exc.message} (no time left to retry)") from None
                self._sleep(wait)

    def _fetch_once(
        self, url: str, validators: Validators, headers: dict[str, str], deadline: float
    ) -> Document:
        request_headers = {**validators.headers(), **headers}
        origin = urlsplit(url)
        for _ in range(self.limits.max_redirects + 1):
            try:
                response = self.session.get(
                    url,
                    headers=request_headers,
                    stream=True,
                    allow_redirects=False,
                    timeout=(self.limits.connect_timeout, self.limits.read_timeout),
                )
            except (requests.ConnectionError, requests.Timeout) as exc:
                raise _Retryable(f"{url}: {self._describe(exc, url)}") from None
            except requests.RequestException as exc:
                raise FeedError(f"{url}: {_short(exc)}") from None
            with response:
                if response.is_redirect:
                    url = self._redirect_target(url, response)
                    target = urlsplit(url)
                    if target.netloc != origin.netloc or (
                        origin.scheme == "https" and target.scheme != "https"
                    ):  # never send credentials elsewhere, nor in clear after an https origin
                        request_headers = validators.headers()
                    continue
                return self._read_response(url, response, deadline)
        raise FeedError(f"{url}: more than {self.limits.max_redirects} redirects")

    @staticmethod
    def _redirect_target(url: str, response: requests.Response) -> str:
        target = urljoin(url, response.headers.get("Location", ""))
        if not is_http_url(target):
            raise FeedError(f"{url}: redirect to a non-http(s) location {target!r} refused")
        return target

    def _read_response(self, url: str, response: requests.Response, deadline: float) -> Document:
        status = response.status_code
        if status == 304:
            return Document(url, None, _validators_of(response))
        if status in self.retry.retry_statuses:
            raise _Retryable(f"{url}: HTTP {status}", response.headers.get("Retry-After"))
        if status >= 400:
            raise FeedError(f"{url}: HTTP {status} {response.reason or ''}".rstrip())
        declared = response.headers.get("Content-Length")
        if declared and declared.isdigit() and int(declared) > self.limits.max_bytes:
            raise FeedError(
                f"{url}: response of {declared} bytes is over the limit of {self.limits.max_bytes}"
            )
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise self._too_slow(url)
        # Each socket read is bounded by read_timeout, not by the deadline: a server trickling
        # bytes could hold the fetch for ever. The watchdog cuts the connection at the deadline.
        watchdog = _Watchdog(remaining, response)
        try:
            body = self._read_body(url, response, deadline)
        except Exception:
            if watchdog.fired:
                raise self._too_slow(url) from None
            raise
        finally:
            watchdog.cancel()
        if watchdog.fired:  # a body read until the connection closes ends cleanly when cut
            raise self._too_slow(url)
        return Document(url, body, _validators_of(response), response.headers.get("Content-Type"))

    def _too_slow(self, url: str) -> FeedError:
        return FeedError(f"{url}: took longer than {self.limits.total_seconds:g} s")

    def _read_body(self, url: str, response: requests.Response, deadline: float) -> bytes:
        # BytesIO grows in place and getvalue() hands its buffer over without a copy: a body
        # near the size limit costs its size in memory once, not twice (bytearray, then bytes).
        body = io.BytesIO()
        try:
            for chunk in response.iter_content(self.limits.chunk_bytes):
                body.write(chunk)
                if body.tell() > self.limits.max_bytes:
                    raise FeedError(
                        f"{url}: response is over the limit of {self.limits.max_bytes} bytes"
                    )
                if time.monotonic() > deadline:
                    raise self._too_slow(url)
        except requests.exceptions.ContentDecodingError as exc:
            # the decompressor's own words, not the wrappers' (zlib: "invalid block type")
            reason = next(
                (c for c in _causes(exc) if type(c).__module__.split(".")[0] not in _WRAPPERS), exc
            )
            encoding = response.headers.get("Content-Encoding", "")
            raise FeedError(
                f"{url}: body cannot be decompressed as {encoding!r} ({_short(reason)})"
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


class _Retryable(Exception):
    def __init__(self, message: str, retry_after: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after = retry_after


class _Watchdog:
    """Cuts a response's connection after `seconds` unless cancelled first.

    Closing the response from another thread does not wake a read blocked in the socket, and
    the connection object no longer holds the socket once the server said "Connection: close".
    Shutting the socket down through a duplicate of its descriptor, taken while the response is
    open, always reaches the right socket and wakes the read, which then sees the end of the
    stream. Without a socket (a test double) the per-chunk deadline check still applies.
    """

    def __init__(self, seconds: float, response: requests.Response) -> None:
        self.fired = False
        self._lock = threading.Lock()
        self._sock: socket.socket | None = None
        self._timer: threading.Timer | None = None
        try:
            duplicate = os.dup(response.raw.fileno())
        except (AttributeError, OSError, ValueError):
            return
        try:
            self._sock = socket.socket(fileno=duplicate)
        except OSError:
            os.close(duplicate)
            return
        self._timer = threading.Timer(seconds, self._fire)
        self._timer.daemon = True
        self._timer.start()

    def _fire(self) -> None:
        with self._lock:
            if self._sock is None:
                return
            self.fired = True
            with contextlib.suppress(OSError):  # already closed: the read has ended anyway
                self._sock.shutdown(socket.SHUT_RDWR)

    def cancel(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
        with self._lock:
            if self._sock is not None:
                self._sock.close()  # the duplicate only; the response closes its own
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


def auth_headers(header: str, env: str, prefix: str = "") -> dict[str, str]:
    """The secret header for a source, from the environment; the value is never logged."""
    secret = os.environ.get(env)
    if not secret:
        raise FeedError(f"environment variable {env} (for header {header}) is not set")
    return {header: f"{prefix} {secret}".strip() if prefix else secret}
