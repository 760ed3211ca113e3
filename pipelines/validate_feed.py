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
import typing
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd
import yaml

from connectors.cache import FeedCache
from connectors.feeds import SourceRead, SourceReader
from connectors.http import FeedClient, is_url
from pipelines.catalogue.build import assemble_records, completeness
from schemas.canonical import CONSTITUTIVE_ELEMENTS
from schemas.normalise import normalise_records
from schemas.problems import as_text
from schemas.registry import Registry, RegistryError, Source, load_registry, parse_registry
from schemas.validation import END_BEFORE_START, validate_records

#: Ids of the source and provider of the in-memory registry built from command-line options.
FEED_SOURCE_ID = "feed"
FEED_PROVIDER_ID = "feed-provider"

Severity = Literal["error", "warning"]


class UsageError(ValueError):
    """The command line (or the registry it names) does not describe a usable source."""


def registry_formats() -> tuple[str, ...] | None:
    """The formats the registry accepts, read from its model (None when it does not list them),
    so that formats added to the registry work here without a change."""
    annotation = Source.model_fields["format"].annotation
    if typing.get_origin(annotation) is Literal:
        return tuple(str(value) for value in typing.get_args(annotation))
    return None


@dataclass(frozen=True)
class Finding:
    severity: Severity
    field: str
    value: str | None
    reason: str
    fix: str
    read_as: str | None = None  # the value as the pipeline read it, when that is not obvious


@dataclass
class RecordReport:
    record_index: int  # 0-based, as in the catalogue's `rejects` and `lineage`
    record_id: str | None
    title: str | None
    accepted: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]


@dataclass
class ElementShare:
    element: str
    present: int
    of: int

    @property
    def share(self) -> float:
        return self.present / self.of if self.of else 0.0


@dataclass
class FeedReport:
    location: str
    format: str
    source_id: str
    error: str | None = None  # the feed could not be read or parsed
    feed_warnings: list[str] = field(default_factory=list)
    pages: int = 0
    bytes_read: int = 0
    records: list[RecordReport] = field(default_factory=list)
    elements: list[ElementShare] = field(default_factory=list)

    @property
    def records_read(self) -> int:
        return len(self.records)

    @property
    def records_accepted(self) -> int:
        return sum(r.accepted for r in self.records)

    @property
    def records_rejected(self) -> int:
        return self.records_read - self.records_accepted

    @property
    def ok(self) -> bool:
        """Readable, not empty, and no record the pipeline would reject. An empty feed fails:
        it is nearly always a wrong records path, not a catalogue with nothing in it."""
        return self.error is None and self.records_read > 0 and self.records_rejected == 0

    @property
    def exit_status(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "format": self.format,
            "source_id": self.source_id,
            "ok": self.ok,
            "error": self.error,
            "feed_warnings": self.feed_warnings,
            "pages": self.pages,
            "bytes_read": self.bytes_read,
            "records_read": self.records_read,
            "records_accepted": self.records_accepted,
            "records_rejected": self.records_rejected,
            "constitutive_elements": {
                e.element: {"present": e.present, "of": e.of, "share": round(e.share, 4)}
                for e in self.elements
            },
            "records": [
                {
                    "record_index": r.record_index,
                    "position": r.record_index + 1,
                    "record_id": r.record_id,
                    "title": r.title,
                    "accepted": r.accepted,
                    "errors": [_finding_dict(f) for f in r.errors],
                    "warnings": [_finding_dict(f) for f in r.warnings],
                }
                for r in self.records
            ],
        }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    found = asdict(finding)
    found.pop("severity")
    return found


# --- the source to check: an in-memory, one-source registry ----------------------------------


def parse_assignments(items: list[str] | None, flag: str) -> dict[str, Any]:
    """`key=value` pairs of a repeatable option. A value starting with `{` or `[` is YAML flow
    (`namespaces={cat: "https://..."}`); otherwise it is text, where `\\t` and `\\n` stand for
    a tab and a newline (`delimiter=\\t`)."""
    result: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag} {item!r}: expected key=value")
        if value.lstrip().startswith(("{", "[")):
            try:
                result[key.strip()] = yaml.safe_load(value)
            except yaml.YAMLError as exc:
                raise UsageError(f"{flag} {item!r}: not valid YAML ({exc})") from None
        else:
            result[key.strip()] = value.replace("\\t", "\t").replace("\\n", "\n")
    return result


def _absolute(location: str) -> str:
    """A path given on the command line is relative to the working directory, not a registry."""
    return location if is_url(location) or "://" in location else str(Path(location).resolve())


def source_from_options(
    location: str,
    feed_format: str,
    mapping: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    provider: str | None = None,
    country: str | None = None,
) -> tuple[Registry, Source]:
    """A one-source registry for a feed described on the command line, checked like any
    registry. With `provider` and `country` the feed's default provider is registered as an
    agency would register it; with one of them, it is the source's default for that field."""
    provider_entry = {"id": FEED_PROVIDER_ID, "name": provider or "-", "country": country or "BE"}
    defaults: dict[str, Any] = {}
    if bool(provider) != bool(country):
        defaults = {"provider_name": provider} if provider else {"provider_country": country}
    raw = {
        "providers": [provider_entry],
        "sources": [
            {
                "id": FEED_SOURCE_ID,
                "provider": FEED_PROVIDER_ID,
                "url": _absolute(location),
                "format": feed_format,
                "options": options or {},
                "mapping": mapping or {},
                "defaults": defaults,
            }
        ],
    }
    try:
        registry = parse_registry(raw, Path.cwd())
    except RegistryError as exc:
        raise UsageError(
            f"{exc}\n(from --format, --mapping, --option, --provider and --country)"
        ) from None
    if not (provider and country):
        # A registry needs a provider for each source, but none was given: the placeholder
        # goes, so that records which do not name their provider are refused, not given one.
        registry = registry.model_copy(update={"providers": ()})
    return registry, registry.sources[0]


def source_from_registry(
    registry_path: str | Path, source_id: str, location: str | None = None
) -> tuple[Registry, Source]:
    """The registry's providers and one of its sources, read from `location` when given."""
    try:
        registry = load_registry(registry_path)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    sources = {s.id: s for s in registry.sources}
    if source_id not in sources:
        raise UsageError(
            f"registry {registry_path}: no source {source_id!r} (sources: {', '.join(sources)})"
        )
    source = sources[source_id].model_dump(mode="json")
    if location is not None:
        source["url"] = _absolute(location)
    # Everything but the other sources: providers and any registry-wide settings.
    raw = {**registry.model_dump(mode="json", exclude={"base_dir"}), "sources": [source]}
    try:
        one_source = parse_registry(raw, registry.base_dir)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    return one_source, one_source.sources[0]


# --- checking ---------------------------------------------------------------------------------


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
) -> FeedReport:
    """Check a feed: described by format, mapping and options, or by a registry's source.
    Raises UsageError when the description is not usable; a feed that cannot be read is
    reported in `FeedReport.error`."""
    if registry_path is not None or source_id is not None:
        if registry_path is None or source_id is None:
            raise UsageError("--registry and --source go together")
        if feed_format or mapping or options or provider or country:
            raise UsageError(
                "--format, --mapping, --option, --provider and --country cannot be combined "
                "with --source: the source's configuration in the registry is used"
            )
        registry, source = source_from_registry(registry_path, source_id, location)
    else:
        if not location:
            raise UsageError("give the feed's file or URL (or --registry and --source)")
        if not feed_format:
            raise UsageError("--format is required (or --registry and --source)")
        registry, source = source_from_options(
            location, feed_format, mapping, options, provider, country
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
        report.error = (
            f"{location}: no records found"
            + _empty_hint(source)
            + (f" ({'; '.join(read.warnings)})" if read.warnings else "")
        )
    return report


def _empty_hint(source: Source) -> str:
    if source.format == "json":
        return f": is options.records ({source.options.records!r}) the path to the list?"
    if source.format == "xml":
        return f": is options.record ({source.options.record!r}) the record element?"
    return ""


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
    records = assemble_records([read])
    normalised, problems = normalise_records(records, registry)
    result = validate_records(normalised, problems)
    written = _Written(records)
    indices = [int(i) for i in records["record_index"].tolist()]
    accepted = set(result.accepted["record_index"].astype("int64").tolist())
    reports = {
        index: RecordReport(
            index, written(index, "source_record_id"), written(index, "title"), index in accepted
        )
        for index in indices
    }

    error_fields: dict[int, set[str]] = {index: set() for index in indices}
    for reject in result.rejects.itertuples(index=False):
        index = int(reject.record_index)
        error_fields[index].add(reject.field)
        as_written = written(index, reject.field)
        checked = as_text(reject.value)
        shown = as_written if as_written is not None else checked
        reports[index].findings.append(
            Finding(
                "error",
                reject.field,
                shown,
                reject.reason,
                suggest_fix(reject.field, reject.reason, shown, provider_flags),
                checked if _differs(as_written, checked) else None,
            )
        )

    _, missing = completeness(normalised)
    normal_indices = [int(i) for i in normalised["record_index"].tolist()]
    for index, elements, flags in zip(
        normal_indices, missing.tolist(), normalised["code_flags"].tolist(), strict=True
    ):
        if "record" not in error_fields[index]:  # unreadable: the error says all there is
            for element in elements:
                columns = CONSTITUTIVE_ELEMENTS[element]
                if error_fields[index].intersection(columns):
                    continue  # a value was given, but is wrong: the error says so
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

    report.records = [reports[i] for i in sorted(reports)]
    kept = result.accepted
    _, kept_missing = completeness(kept)
    kept_missing = kept_missing.tolist()
    report.elements = [
        ElementShare(element, sum(element not in m for m in kept_missing), len(kept))
        for element in CONSTITUTIVE_ELEMENTS
    ]


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


# --- suggested fixes --------------------------------------------------------------------------

_LEVEL_FIX = (
    "give the EQF level as a number from 1 to 8 or its EU URI (http://data.europa.eu/snb/eqf/6)"
)
_DATE_FIX = "use YYYY-MM-DD, e.g. 2026-10-01"
_NUMBER_FIX = (
    "write a plain number such as 125 or 7.5 (a decimal comma needs the option decimal=',')"
)

#: (field or None for any field, pattern of the reason) -> fix; the first match wins.
_FIXES: tuple[tuple[str | None, str, str], ...] = (
    (
        "ects",
        r"^ECTS must be 1 to 59",
        "micro-credentials are 1 to 59 ECTS (framework footnote 5); {ects_advice}",
    ),
    (
        "ects",
        r"^not a number",
        "write ECTS as a number such as 5 or 7.5, or with its unit (e.g. '20 SCQF credits')",
    ),
    (
        "ects",
        r"^unknown credit unit",
        "state ECTS, or credits in a unit the catalogue converts (data/reference/credit-systems.csv)",
    ),
    (None, r"^EQF level must be 1 to 8", _LEVEL_FIX),
    ("eqf_level", r"^not a level number", _LEVEL_FIX),
    (
        None,
        r"^ISCED 2011 level must be 0 to 8|^not a level number",
        "give the ISCED 2011 level as a number from 0 to 8",
    ),
    (
        None,
        r"^unknown ISCED-F",
        "use a 4-digit ISCED-F 2013 code such as 0613 or its EU URI "
        "(http://data.europa.eu/snb/isced-f/0613)",
    ),
    (
        None,
        r"^unknown country|^not an ISO 3166-1 country",
        "use an ISO 3166-1 alpha-2 country code such as DE, NL or FR",
    ),
    (
        None,
        r"^unknown language",
        "use ISO 639-1 language codes such as en, de or fr (several: the list separator)",
    ),
    (None, r"^unknown currency", "use an ISO 4217 currency code such as EUR, GBP or PLN"),
    (
        None,
        r"^unknown form of participation|^not online, onsite or blended",
        "use online, onsite or blended",
    ),
    (None, r"^not a QF-EHEA cycle", "use short, first, second or third"),
    (None, r"^not a date", _DATE_FIX),
    (
        None,
        rf"^{re.escape(END_BEFORE_START)}",
        "the end date must not be before the start date: check both (YYYY-MM-DD)",
    ),
    (
        None,
        r"^not an ISO 8601 date or duration",
        "use a date (YYYY-MM-DD) or an ISO 8601 duration such as P3Y",
    ),
    (None, r"^not an http\(s\) URL", "give the web page as an http:// or https:// address"),
    (None, r"^hours must be > 0", "give the notional workload in hours, more than 0"),
    (None, r"^price must be >= 0", "give the price as 0 (free) or more"),
    (None, r"^not a (finite )?number", _NUMBER_FIX),
    (
        None,
        r"^unknown qualifications framework",
        "name a framework the catalogue knows in nqf_framework, e.g. SCQF, NFQ-IE, DQR "
        "(data/reference/nqf-frameworks.csv), or give eqf_level",
    ),
    (None, r"^level .* is not in", "use one of the framework's levels listed, or give eqf_level"),
    (
        None,
        r"^no framework given",
        "say which framework the level belongs to (nqf_framework), or give eqf_level",
    ),
    (None, r"is not referenced to the EQF", "give the EQF level (eqf_level) as well"),
    (
        None,
        r"^duplicate record id",
        "give every record its own id (only the first record with this id is kept)",
    ),
    (
        None,
        r"^looks like a spreadsheet formula",
        "do not start text with =, +, @ or a '-' calculation; reword its beginning",
    ),
    (
        None,
        r"^not a registered provider id",
        "use the provider's id in the agency's registry, or name the provider instead",
    ),
    (
        "record",
        r"several values where one is expected",
        "give a single value for that field in this record",
    ),
    (
        "record",
        r"NUL character|lone surrogate",
        "remove the control character or broken character; save the feed as valid UTF-8",
    ),
    (
        "record",
        r"fields, the header has",
        "every row needs as many cells as the header: quote cells holding the delimiter or a line break",
    ),
    ("record", r"not a JSON object", "each record in the list must be a JSON object {...}"),
    ("title", r"^required|^not empty", "give every record a title"),
)


def suggest_fix(field: str, reason: str, value: str | None, provider_flags: bool = True) -> str:
    """A fix for a reason the pipeline gives (falls back to the field's rule in the README)."""
    if field in ("provider_name", "provider_country") and reason.startswith("required"):
        if provider_flags:
            return (
                "the feed does not name the provider: map provider_name and provider_country, "
                "or pass --provider NAME --country XX"
            )
        return "name the provider (provider_name) and its country (provider_country) in the record"
    for fix_field, pattern, fix in _FIXES:
        if (fix_field is None or fix_field == field) and re.search(pattern, reason):
            return fix.format(ects_advice=_ects_advice(value))
    if field == "record":
        return f"correct the record so that it can be read ({reason})"
    if reason.startswith("required"):
        return f"give a value for {field}"
    return f"see the rule for {field} in README.md (the canonical record)"


def _ects_advice(value: str | None) -> str:
    try:
        ects = float(str(value).replace(",", "."))
    except ValueError:
        return "correct the value"
    if ects > 59:
        return "split it into smaller micro-credentials or correct the value"
    return "correct the value (is it hours?) or combine it with others into one of 1 ECTS or more"


_ELEMENT_FIXES = {
    "provider": "name the provider and its country (provider_name, provider_country)",
    "title": "give every record a title",
    "learning_outcomes": "list what a learner knows and can do at the end (learning_outcomes), "
    "one statement per item",
    "workload": "state the workload in ECTS (ects) or notional hours (workload_hours)",
    "assessment": "say how learning is assessed (assessment_type), e.g. written exam or project",
    "quality_assurance": "name the form of quality assurance (quality_assurance), e.g. the "
    "institution's internal QA or an accreditation",
    "qf_level": "give the EQF level (eqf_level, 1 to 8) or a national level (nqf_level, with "
    "nqf_framework)",
    "subject_area": "give the ISCED-F 2013 field (isced_f_code), e.g. 0613 or its EU URI",
    "participation_form": "say whether it is online, onsite or blended (participation_form)",
    "access_requirements": "state the access requirements (access_requirements), or 'none'",
}


def element_fix(element: str) -> str:
    """How to supply a constitutive element (framework's 'Constitutive elements')."""
    columns = CONSTITUTIVE_ELEMENTS.get(element, ())
    return _ELEMENT_FIXES.get(element, f"map {' or '.join(columns) or element}")


def flag_fix(flag: str) -> str:
    if flag.startswith("ects not derived"):
        return "the hours come to less than 1 ECTS: state ects, or check workload_hours"
    return "the stated value is kept, but contradicts the one derived: correct whichever is wrong"


# --- the report as text -----------------------------------------------------------------------


def _shown(value: str | None, limit: int = 80) -> str:
    if value is None:
        return "(empty)"
    text = value if len(value) <= limit else value[: limit - 1] + "…"
    return repr(text)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def render_report(report: FeedReport, all_records: bool = False) -> str:
    """The report a provider reads: problems record by record, then the summary."""
    lines = [f"Checking {report.location} (format {report.format}, source {report.source_id})"]
    if report.error and not report.records:
        lines.append(f"\nCANNOT CHECK: {report.error}")
        lines += [f"  warning: {w}" for w in report.feed_warnings]
        return "\n".join(lines) + "\n"
    lines += [f"  feed warning: {w}" for w in report.feed_warnings]
    lines.append("")
    quiet = 0
    for record in report.records:
        if not record.findings and not all_records:
            quiet += 1
            continue
        state = "rejected" if not record.accepted else "accepted"
        title = f"  {_shown(record.title, 60)}" if record.title else ""
        lines.append(f"record #{record.record_index + 1}  id {record.record_id}{title}  [{state}]")
        for finding in [*record.errors, *record.warnings]:
            value = "" if finding.value is None else f" = {_shown(finding.value)}"
            read_as = f" (read as {finding.read_as})" if finding.read_as else ""
            lines.append(
                f"  {finding.severity:<7}  {finding.field}{value}: {finding.reason}{read_as}"
            )
            lines.append(f"  {'':<7}  fix: {finding.fix}")
    if quiet:
        lines.append(f"({_count(quiet, 'record')} without errors or warnings not listed)")
    errors = sum(len(r.errors) for r in report.records)
    warnings = sum(len(r.warnings) for r in report.records)
    lines += [
        "",
        f"Records read {report.records_read}, accepted {report.records_accepted}, "
        f"rejected {report.records_rejected} ({_count(errors, 'error')}, "
        f"{_count(warnings, 'warning')}; {_count(report.pages, 'page')})",
    ]
    if report.elements:
        lines.append(
            f"Constitutive elements present in the {report.elements[0].of} accepted records:"
        )
        width = max(len(e.element) for e in report.elements)
        for element in report.elements:
            lines.append(
                f"  {element.element:<{width}}  {element.share:>5.0%}  "
                f"({element.present} of {element.of})"
            )
    if report.error:
        lines.append(f"\nFAILED: {report.error}")
    elif report.records_rejected:
        lines.append(
            f"\nFAILED: the pipeline would reject {report.records_rejected} of "
            f"{report.records_read} records (see the errors above)"
        )
    else:
        lines.append("\nOK: the pipeline would accept every record")
    return "\n".join(lines) + "\n"
