"""A provider checks its feed before publishing: every problem the pipeline would find, with a fix.

The feed goes through the pipeline's own code, one source in an in-memory registry: fetched and
parsed by `SourceReader` (pagination, HTML pages and empty feeds included), mapped, normalised,
validated and scored for completeness as a run does it. This module only explains the outcome:
errors are what would make the pipeline reject a record, warnings are the framework's
constitutive elements a record lacks and contradictions between stated and derived codes.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import assemble_records
from pipelines.lib.safe_text import redact_text
from pipelines.normalise.records import normalise_records
from pipelines.reading.sources import SourceReader, empty_feed_hint
from pipelines.validate_feed.fixes import element_fix, flag_fix, registry_fix, suggest_fix
from pipelines.validate_feed.report import ElementShare, FeedReport, Finding, RecordReport
from pipelines.validate_feed.source import UsageError, source_from_options, source_from_registry
from pipelines.validation.completeness import completeness
from pipelines.validation.validate import validate_records
from schemas.canonical import CONSTITUTIVE_ELEMENTS
from schemas.problems import as_text
from schemas.reads import SourceRead
from schemas.registry import Registry, RegistryError, Source


def validate_feed(
    location: str | None,
    *,
    feed_format: str | None = None,
    mapping: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    provider: str | None = None,
    country: str | None = None,
    registry_path: str | Path | None = None,
    source_id: str | None = None,
    client: FeedClient | None = None,
    values: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
) -> FeedReport:
    """Check a feed: described by format, mapping and options, or by a registry's source.
    Raises UsageError when the description is not usable; a feed that cannot be read is
    reported in `FeedReport.error`."""
    if registry_path is not None or source_id is not None:
        if registry_path is None or source_id is None:
            raise UsageError("--registry and --source go together")
        if feed_format or mapping or options or provider or country or values or defaults:
            raise UsageError(
                "--format, --mapping, --option, --values, --default, --provider and --country "
                "cannot be combined with --source: the source's configuration in the registry "
                "is used"
            )
        registry, source = source_from_registry(registry_path, source_id, location)
    else:
        if not location:
            raise UsageError("give the feed's file or URL (or --registry and --source)")
        if not feed_format:
            raise UsageError("--format is required (or --registry and --source)")
        registry, source = source_from_options(
            location, feed_format, mapping, options, provider, country, values, defaults
        )
    return check_source(registry, source, client, provider_flags=registry_path is None)


def check_source(
    registry: Registry,
    source: Source,
    client: FeedClient | None = None,
    provider_flags: bool = True,
) -> FeedReport:
    """Read one source of `registry` and explain what the pipeline would make of each record."""
    try:
        location = registry.resolve_location(source.url)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    location = redact_text(location)  # a registry URL may hold a key: never shown
    report = FeedReport(location, source.format, source.id)
    own_client = client is None
    client = client or FeedClient(pool_size=1)
    try:
        with tempfile.TemporaryDirectory(prefix="validate-feed-") as cache_dir:
            read = SourceReader(registry, client, FeedCache(Path(cache_dir))).read(source)
    finally:
        if own_client:
            client.close()
    report.pages, report.bytes_read = read.pages, read.bytes_read
    report.feed_warnings = list(read.warnings)
    if read.status == "failed":
        report.error = read.error or "the feed could not be read"
        return report
    if read.records is not None and len(read.records):
        _explain_records(report, read, registry, provider_flags)
    else:
        noted = [w for w in read.warnings if not w.startswith("no records found")]
        report.error = (
            f"{location}: no records found"
            + empty_feed_hint(source)
            + (f" ({'; '.join(noted)})" if noted else "")
        )
    return report


class _Written:
    """Values of the mapped records, as the feed (or a default) wrote them, by record index."""

    def __init__(self, records: pd.DataFrame) -> None:
        self._records = records
        self._row = {int(i): n for n, i in enumerate(records["record_index"].tolist())}
        self._columns: dict[str, list[Any]] = {}

    def __call__(self, index: int, column: str) -> str | None:
        if column not in self._records.columns:
            return None
        if column not in self._columns:
            self._columns[column] = self._records[column].tolist()
        return as_text(self._columns[column][self._row[index]])


def _explain_records(
    report: FeedReport, read: SourceRead, registry: Registry, provider_flags: bool
) -> None:
    read_source = next(s for s in registry.sources if s.id == read.source_id)
    records = assemble_records([read])
    normalised, problems = normalise_records(records, registry)
    result = validate_records(normalised, problems)
    written = _Written(records)
    accepted = set(result.accepted["record_index"].astype("int64").tolist())
    reports = {
        index: RecordReport(
            index, written(index, "source_record_id"), written(index, "title"), index in accepted
        )
        for index in (int(i) for i in records["record_index"].tolist())
    }
    error_fields = _add_errors(reports, result.rejects, written, provider_flags, read_source)
    _add_warnings(reports, normalised, written, error_fields)
    report.records = [reports[i] for i in sorted(reports)]
    kept = result.accepted
    _, kept_missing = completeness(kept)
    kept_missing = kept_missing.tolist()
    report.elements = [
        ElementShare(element, sum(element not in m for m in kept_missing), len(kept))
        for element in CONSTITUTIVE_ELEMENTS
    ]


def _add_errors(
    reports: dict[int, RecordReport],
    rejects: pd.DataFrame,
    written: _Written,
    provider_flags: bool,
    source: Source,
) -> dict[int, set[str]]:
    """A finding per problem the pipeline would record, with its severity (an error rejects
    the record, a warning drops the value) and a fix naming the registry key where the mapping
    may be what to change. Returns the fields at fault in each record."""
    error_fields: dict[int, set[str]] = {index: set() for index in reports}
    for reject in rejects.itertuples(index=False):
        index = int(reject.record_index)
        error_fields[index].add(reject.field)
        as_written = written(index, reject.field)
        checked = as_text(reject.value)
        shown = as_written if as_written is not None else checked
        dropped = reject.severity == "warning"
        fix = suggest_fix(reject.field, reject.reason, shown, provider_flags)
        mapping = registry_fix(reject.field, reject.reason, shown, source, provider_flags)
        if mapping is not None:
            fix = mapping if reject.field in source.expressions else f"{fix}; or, {mapping}"
        reports[index].findings.append(
            Finding(
                reject.severity,
                reject.field,
                shown,
                reject.reason,
                fix,
                checked if _differs(as_written, checked) else None,
                value_dropped=dropped,
            )
        )
    return error_fields


def _add_warnings(
    reports: dict[int, RecordReport],
    normalised: pd.DataFrame,
    written: _Written,
    error_fields: dict[int, set[str]],
) -> None:
    """Warnings: constitutive elements missing (unless a value was given but is wrong, or the
    record could not be read) and contradictions between stated and derived codes."""
    _, missing = completeness(normalised)
    indices = [int(i) for i in normalised["record_index"].tolist()]
    for index, elements, flags in zip(
        indices, missing.tolist(), normalised["code_flags"].tolist(), strict=True
    ):
        if "record" not in error_fields[index]:
            for element in elements:
                columns = CONSTITUTIVE_ELEMENTS[element]
                if error_fields[index].intersection(columns):
                    continue
                reports[index].findings.append(
                    Finding(
                        "warning",
                        " or ".join(columns),
                        None,
                        f"constitutive element '{element}' is missing",
                        element_fix(element),
                    )
                )
        for flag in flags if isinstance(flags, list) else []:
            flagged = _flag_field(flag)
            reports[index].findings.append(
                Finding("warning", flagged, written(index, flagged), flag, flag_fix(flag))
            )


def _differs(written: str | None, value: str | None) -> bool:
    """True when the pipeline read the value otherwise than it is written (`15.03.2027` as
    `2027-04-15 > 2027-03-15`), but not for a mere number format (`75` as `75.0`)."""
    if written is None or value is None or written == value:
        return False
    try:
        return float(written) != float(value)
    except ValueError:
        return True


def _flag_field(flag: str) -> str:
    """`eqf_level 6 (given) contradicts ...`, `ects not derived: ...` -> the field named."""
    match = re.match(r"[a-z_]+", flag)
    return match.group(0) if match else "code_flags"
