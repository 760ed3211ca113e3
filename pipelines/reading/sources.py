"""Read every registered source: fetch (with pagination and conditional GET), parse, map, and
keep its last good records.

All sources are read inside one process, concurrently and bounded, so that a thousand sources
cost no more orchestration than ten. A source that fails is reported, never raised.
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from connectors.cache import CachedFeed, FeedCache, PageState
from connectors.formats import (
    FeedFormatError,
    TooManyRecords,
    parse_csv_feed,
    parse_json_feed,
    parse_xml_feed,
)
from connectors.http import (
    Access,
    Document,
    FeedClient,
    FeedError,
    credentials_from_env,
    join_location,
    origin_of,
)
from connectors.profiles import PROFILES, parse_profile_document, source_mapping
from pipelines.lib.safe_text import redact_text
from pipelines.mapping.expressions import ExpressionError, expression_columns
from pipelines.mapping.fields import map_source_fields
from schemas.formats import is_profile_column
from schemas.reads import ParsedFeed, RowProblem, SourceRead
from schemas.registry import Registry, Source


@dataclass
class SourcesRead:
    """Every source of a registry, read in one run, with the registry as it was read: the
    later stages of the run use this registry, not the file, which may have changed since."""

    registry: Registry
    reads: list[SourceRead]


def source_fingerprint(source: Source) -> str:
    """Changes whenever anything that shapes the source's parsed records changes (the cache is
    reused only while it stays the same): its configuration, and for a standard profile the
    profile's version, since its rules shape the records too. The secret, the budget, where
    it may connect and whom it may speak for do not shape them and are not part of it."""
    payload = source.model_dump(
        mode="json", exclude={"auth", "limits", "internal_origins", "speaks_for"}
    )
    if source.format in PROFILES:
        payload["profile_version"] = PROFILES[source.format].version
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:16]


def parse_document(
    body: bytes, source: Source, location: str | None = None, max_records: int | None = None
) -> ParsedFeed:
    """Parse one document of `source` in its declared format. `location`, the document's URL,
    lets a standard profile compute its next page (OOAPI's `pageNumber`). A document of more
    than `max_records` records is refused before its records are built."""
    referenced = [c for sql in source.expressions.values() for c in expression_columns(sql)]
    fields = list(dict.fromkeys([*source_mapping(source).values(), *referenced]))
    options = source.options
    if source.format in PROFILES:
        return parse_profile_document(
            body, source.format, fields, options.language, location, max_records
        )
    if source.format == "csv":
        return parse_csv_feed(
            body,
            delimiter=options.delimiter,
            encoding=options.encoding,
            fields=fields,
            max_records=max_records,
        )
    if source.format == "json":
        return parse_json_feed(
            body,
            records=options.records,
            next_path=options.next,
            fields=fields,
            max_records=max_records,
        )
    return parse_xml_feed(
        body,
        record=options.record or "",
        namespaces=options.namespaces,
        fields=fields,
        max_records=max_records,
    )


def combine_pages(pages: list[ParsedFeed]) -> ParsedFeed:
    """Pages in order: readable records first, then unreadable ones, indices kept unique."""
    if len(pages) == 1:
        return pages[0]
    columns = {name: [v for page in pages for v in page.columns[name]] for name in pages[0].columns}
    total = sum(page.n_records for page in pages)
    problems = [
        RowProblem(total + k, problem.reason, problem.value)
        for k, problem in enumerate(p for page in pages for p in page.problems)
    ]
    return ParsedFeed(columns, total, problems)


class SourceReader:
    """Reads sources of one registry with one client and one cache, within the registry's
    budgets: the run's time (`limits.run_seconds`, counted from `run_started`) and each
    source's time, decompressed bytes and records."""

    def __init__(
        self,
        registry: Registry,
        client: FeedClient,
        cache: FeedCache,
        confirmed_drops: frozenset[str] = frozenset(),
        run_started: float | None = None,
    ) -> None:
        self.registry = registry
        self.client = client
        self.cache = cache
        self.confirmed_drops = confirmed_drops
        started = time.monotonic() if run_started is None else run_started
        self.run_deadline = started + registry.limits.run_seconds
        # Parsing and mapping hold the GIL: one source at a time, while other threads fetch.
        self._cpu = threading.Lock()

    def access(self, source: Source, started: float) -> Access:
        """What this read of `source` may reach, send and spend."""
        limits = self.registry.source_limits(source)
        own_deadline = started + float(limits.source_seconds or 0)
        if own_deadline <= self.run_deadline:
            deadline = own_deadline
            why = (
                f"took longer than {limits.source_seconds:g} s, the source's limits.source_seconds"
            )
        else:
            deadline = self.run_deadline
            why = (
                f"stopped at the end of the run's {self.registry.limits.run_seconds:g} s "
                "(limits.run_seconds)"
            )
        return Access.for_location(
            self.registry.resolve_location(source.url),
            internal_origins=frozenset(o for o in map(origin_of, source.internal_origins) if o),
            credentials=credentials_from_env(source.auth) if source.auth else None,
            deadline=deadline,
            deadline_reason=why,
            bytes_left=float(limits.source_bytes or 0),
            bytes_reason=f"{limits.source_bytes} decompressed bytes (limits.source_bytes)",
        )

    def read(self, source: Source) -> SourceRead:
        started = time.monotonic()
        cached = self.cache.load(source.id)
        result = SourceRead(source.id, "ok")
        secrets: tuple[str, ...] = ()
        try:
            if started >= self.run_deadline:
                raise FeedError(
                    "not read: the run's time budget "
                    f"(limits.run_seconds={self.registry.limits.run_seconds:g}) was spent first"
                )
            access = self.access(source, started)
            secrets = access.secrets
            fetched: list[Document] = []  # a first page already fetched, handed over
            if cached is not None and cached.reusable_for(source_fingerprint(source)):
                first_page = self._first_changed_page(cached, access, result)
                if first_page is None:
                    result.status = "unchanged"
                    result.records = cached.records
                    return result
                fetched.append(first_page)
                del first_page
            pages, parsed = self._fetch_all_pages(source, access, result, fetched)
            with self._cpu:
                result.records = map_source_fields(parsed, source)
            result.warnings += _empty_mappings(parsed, source)
            if not len(result.records) and not result.warnings:
                result.warnings.append("no records found" + empty_feed_hint(source))
            if self._hold(source, result, cached):
                return result
            self.cache.store(source.id, source_fingerprint(source), pages, result.records)
        except (FeedError, FeedFormatError) as exc:
            self._fail(result, str(exc), cached)
        except ExpressionError as exc:
            self._fail(result, f"a computed field failed on the feed's values: {exc}", cached)
        except Exception as exc:  # a parser bug must not take the other sources down
            self._fail(result, f"unexpected {type(exc).__name__}: {exc}", cached)
        finally:
            # the last guard: no message leaves with the source's secret in it
            result.error = redact_text(result.error, secrets) if result.error else result.error
            result.warnings = [redact_text(w, secrets) for w in result.warnings]
            result.seconds = time.monotonic() - started
        return result

    def _hold(self, source: Source, result: SourceRead, cached: CachedFeed | None) -> bool:
        """Keep the last good records of a source that suddenly lost more than the registry's
        `history.max_drop_share` of them, until an operator confirms the drop."""
        if cached is None or source.id in self.confirmed_drops or result.records is None:
            return False
        before, now = len(cached.records), len(result.records)
        share = self.registry.history.max_drop_share
        if not before or now >= before * (1 - share):
            return False
        result.status = "held"
        result.records_held = now
        result.records = cached.records
        result.error = (
            f"returned {now} records, {before} before (a drop of more than {share:.0%}): held, "
            f"the last {before} records kept until an operator confirms with "
            f"`python -m pipelines confirm-drop {source.id}`"
        )
        return True

    @staticmethod
    def _fail(result: SourceRead, message: str, cached: CachedFeed | None) -> None:
        result.status = "failed"
        result.error = message
        result.records = cached.records if cached else None

    def _first_changed_page(
        self, cached: CachedFeed, access: Access, result: SourceRead
    ) -> Document | None:
        """Ask for each cached page conditionally. None when all are unchanged; otherwise the
        first page's new version when it is the first page that changed (so it is not fetched
        twice), or an empty Document telling the caller to start again."""
        for number, page in enumerate(cached.pages):
            document = self.client.fetch(page.location, page.validators, access)
            result.pages += 1
            if not document.not_modified:
                return document if number == 0 else Document(page.location, None)
        return None

    def _fetch_all_pages(
        self, source: Source, access: Access, result: SourceRead, fetched: list[Document]
    ) -> tuple[list[PageState], ParsedFeed]:
        """Every page of the source, parsed; each page's body is let go once it is parsed.
        `fetched` may hold the first page, already fetched: it is taken out of the list."""
        location: str | None = self.registry.resolve_location(source.url)
        max_records = int(self.registry.source_limits(source).max_records or 0)
        pages: list[PageState] = []
        parsed_pages: list[ParsedFeed] = []
        seen: dict[str, int] = {}
        records = 0
        while location:
            stop = _stop_paging(location, seen, len(pages), source.options.max_pages)
            if stop:
                result.warnings.append(stop)
                break
            seen[location] = len(pages) + 1
            if fetched and fetched[0].body is not None and not pages:
                document = fetched.pop()
            else:
                document = self.client.fetch(location, None, access)
                result.pages += 1
            page = self._parse_page(document, source, len(pages), max_records - records, result)
            if parsed_pages and _repeats(page, parsed_pages[-1]):
                result.warnings.append(
                    f"paging stopped: page {len(pages) + 1} ({document.location}) repeats "
                    f"the records of page {len(pages)} (does the host ignore the page "
                    f"parameter?); the {len(pages)} pages read are kept"
                )
                break
            records += page.n_records + len(page.problems)
            if time.monotonic() > access.deadline:
                raise FeedError(f"{document.location}: {access.deadline_reason}")
            validators = document.validators
            pages.append(PageState(document.location, validators.etag, validators.last_modified))
            parsed_pages.append(page)
            location = join_location(document.location, page.next_page) if page.next_page else None
            del document  # the body goes: only the parsed records are kept
        return pages, combine_pages(parsed_pages)

    def _parse_page(
        self, document: Document, source: Source, number: int, max_records: int, result: SourceRead
    ) -> ParsedFeed:
        """One page's records; the source fails when it is not a feed or sends too many."""
        if document.body is None:
            raise FeedError(
                f"{document.location}: 304 Not Modified to a request that was not conditional"
            )
        result.bytes_read += len(document.body)
        if not document.body.strip():
            result.warnings.append(
                f"feed is empty: {document.location} sent no content"
                if not number
                else f"page {number + 1} is empty: {document.location} sent no content"
            )
        html = html_instead_of_feed(document.body, document.content_type, source.format)
        if html is not None:
            kind = source.format.upper()
            article = "an" if kind[:1] in "AEIOUX" else "a"  # an XML, a JSON, a CSV
            raise FeedFormatError(f"{document.location}: got {html}, not {article} {kind} feed")
        limit = self.registry.source_limits(source).max_records
        try:
            with self._cpu:
                return parse_document(document.body, source, document.location, max_records)
        except TooManyRecords:
            raise FeedError(
                f"{document.location}: the source sent more than limits.max_records={limit} records"
            ) from None
        except FeedFormatError as exc:
            raise FeedFormatError(f"{document.location}: {exc}") from None


def _stop_paging(location: str, seen: dict[str, int], read: int, max_pages: int) -> str | None:
    """Why paging ends before `location` is fetched (a link back to a page read, the page cap),
    as the warning that says so; None to go on. The pages read are kept either way."""
    if location in seen:
        return (
            f"paging stopped: page {read + 1} links back to {location}, read as page "
            f"{seen[location]}; the {read} pages read are kept"
        )
    if read >= max_pages:
        return (
            f"paging stopped at options.max_pages={max_pages}: {location} was not read; the "
            f"{read} pages read are kept"
        )
    return None


def _repeats(page: ParsedFeed, previous: ParsedFeed) -> bool:
    """True when a page holds exactly the records of the page before (a static host or a
    mirror that serves the same page whatever page number is asked for)."""
    return (
        page.n_records > 0
        and page.n_records == previous.n_records
        and page.columns == previous.columns
        and page.problems == previous.problems
    )


# Optional whitespace, XML declaration, comments, then an HTML doctype or root element (also an
# XHTML one, with or without a prefix). Matched on the first bytes only: cheap on any document.
_HTML_START = re.compile(
    rb"(?:\s|<\?xml[^>]*>|<!--.*?-->)*"
    rb"<(?:!doctype\s+html|(?:[a-z][\w.-]*:)?html|head|body)(?=[\s>/])",
    re.IGNORECASE | re.DOTALL,
)
_HTML_TYPES = ("text/html", "application/xhtml+xml")


def html_instead_of_feed(
    body: bytes, content_type: str | None = None, feed_format: str | None = None
) -> str | None:
    """'an HTML page' when `body` is one instead of a feed (a login page, an error page served
    with 200); None when it may be a feed. Nothing of the page is quoted: an error never
    repeats what a server sent.

    The content decides: a feed served as text/plain or without a Content-Type is read. A
    Content-Type of HTML only condemns a non-XML feed that starts with markup."""
    head = body[:2048].removeprefix(b"\xef\xbb\xbf")  # UTF-8 byte order mark
    media_type = (content_type or "").split(";")[0].strip().lower()
    if not (
        _HTML_START.match(head)
        or (
            media_type in _HTML_TYPES
            and feed_format not in ("xml", "elm")  # ELM may be XML
            and head.lstrip().startswith(b"<")
        )
    ):
        return None
    return "an HTML page"


def empty_feed_hint(source: Source) -> str:
    """Where to look when a feed that was read holds no records."""
    if source.format == "json":
        return f": is options.records ({source.options.records!r}) the path to the list?"
    if source.format == "xml":
        return f": is options.record ({source.options.record!r}) the record element?"
    return ""


def _empty_mappings(parsed: ParsedFeed, source: Source) -> list[str]:
    if parsed.n_records == 0:
        return []
    return [
        f"mapping {field} -> {path!r} found no value in any record"
        for field, path in source_mapping(source).items()
        if not is_profile_column(path)  # a profile reads every field its format may hold
        and all(v is None for v in parsed.columns[path])
    ]


def read_sources(
    registry: Registry,
    client: FeedClient,
    cache: FeedCache,
    max_workers: int = 16,
    confirmed_drops: frozenset[str] = frozenset(),
) -> list[SourceRead]:
    """Read every source of the registry concurrently; results in registry order. Each source
    keeps to its own budget, and the run's (`limits.run_seconds`) bounds them all: a source
    that runs out fails, keeping its last good records, and the others are read as usual."""
    reader = SourceReader(registry, client, cache, confirmed_drops)
    if not registry.sources:
        return []
    with ThreadPoolExecutor(max_workers=max(1, min(max_workers, len(registry.sources)))) as pool:
        return list(pool.map(reader.read, registry.sources))
