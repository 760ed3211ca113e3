"""The registry of providers and sources: the model an agency's YAML file is loaded into and
checked against, strictly.

Every problem is reported at once, each naming the source (or provider) and the key, so that an
agency can fix its registry in one pass.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from schemas.canonical import MAPPABLE_FIELDS, REQUIRED_SOURCE_FIELDS, SCALAR_FIELDS, is_http_url
from schemas.formats import PROFILE_FORMATS, PROFILE_KNOWS, FeedFormat
from schemas.matching import MatchSettings

ID_PATTERN = r"^[a-z0-9](?:[a-z0-9-]{0,62}[a-z0-9])?$"
#: Codes the EU uses that ISO 3166-1 spells otherwise.
COUNTRY_EXCEPTIONS = {"EL": "GR", "UK": "GB"}
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


#: A catalogue describes offerings, never learners. A mapping path that goes
#: through one of these and not on into the achievement would read a learner's personal data.
LEARNER_SEGMENTS = frozenset(
    {"credentialsubject", "recipient", "learner", "student", "holder", "person"}
)
ACHIEVEMENT_SEGMENTS = frozenset(
    {
        "achievement",
        "hasclaim",
        "claim",
        "learningachievement",
        "achievementspecification",
        "specifiedby",
        "learningopportunity",
        "learningspecification",
        "hascredential",
    }
)
PERSONAL_SEGMENTS = frozenset(
    {
        "email",
        "mbox",
        "birthdate",
        "dateofbirth",
        "givenname",
        "familyname",
        "fullname",
        "telephone",
        "phone",
        "nationalid",
    }
)


def reads_learner_data(path: str) -> bool:
    """True for a mapping path (JSON dotted or XML /-separated) into a learner's personal data."""
    segments = [
        part.rsplit(":", 1)[-1].lstrip("@").casefold() for part in re.split(r"[./]", path) if part
    ]
    if PERSONAL_SEGMENTS.intersection(segments):
        return True
    for position, segment in enumerate(segments):
        if segment in LEARNER_SEGMENTS:
            return not ACHIEVEMENT_SEGMENTS.intersection(segments[position + 1 :])
    return False


def iso_country(value: str) -> str | None:
    """An ISO 3166-1 alpha-2 code from an alpha-2 or alpha-3 code or an English name (EL and
    UK accepted for GR and GB); None when it names no country."""
    text = value.strip()
    if text.upper() in COUNTRY_EXCEPTIONS:
        return COUNTRY_EXCEPTIONS[text.upper()]
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return None


class RegistryError(ValueError):
    """The registry file cannot be used; the message lists every problem found."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Identifiers(_Strict):
    schac: str | None = None
    erasmus: str | None = None
    deqar: str | None = None
    pic: str | None = None
    #: UK Provider Reference Number (UK Register of Learning Providers), as XCRI-CAP feeds give it.
    ukprn: str | None = None


class Provider(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    name: str = Field(min_length=1)
    country: str
    aliases: tuple[str, ...] = ()
    identifiers: Identifiers = Identifiers()
    trusted: bool = False

    @field_validator("country")
    @classmethod
    def _iso_country(cls, value: str) -> str:
        code = iso_country(value)
        if code is None:
            raise ValueError(f"{value!r} is not an ISO 3166-1 country code or name")
        return code


class Auth(_Strict):
    """A secret read from the environment at fetch time (the registry never holds it), sent as
    a header or a query parameter, and only to the origin (scheme, host, port) of the source's
    `url`: never to another host a redirect, a next link or the cache names."""

    header: str | None = Field(default=None, min_length=1)
    query: str | None = Field(default=None, min_length=1, pattern=r"^[A-Za-z0-9_.\-\[\]]+$")
    env: str = Field(pattern=r"^[A-Za-z_][A-Za-z0-9_]*$")
    prefix: str = ""

    @model_validator(mode="after")
    def _header_or_query(self) -> Auth:
        if (self.header is None) == (self.query is None):
            raise ValueError("give one of `header` (a header name) or `query` (a parameter name)")
        if self.prefix and self.query is not None:
            raise ValueError("`prefix` goes with `header` only")
        return self


class SpeaksFor(_Strict):
    """Whose offerings a source may publish besides its own provider's: an aggregator (a
    national register, a MOOC platform) names the registered providers, the countries, or
    `any: true`. A record naming a provider its source may not speak for is rejected."""

    providers: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    any: bool = False

    @field_validator("countries")
    @classmethod
    def _iso_countries(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        codes = [iso_country(v) for v in value]
        unknown = [v for v, code in zip(value, codes, strict=True) if code is None]
        if unknown:
            raise ValueError(f"{unknown} are not ISO 3166-1 country codes or names")
        return tuple(c for c in codes if c is not None)


class SourceLimits(_Strict):
    """One source's budget; a key left out takes the registry's `limits`."""

    source_seconds: float | None = Field(default=None, gt=0)
    source_bytes: int | None = Field(default=None, ge=1)
    max_records: int | None = Field(default=None, ge=1)


class Limits(_Strict):
    """Budgets of a run (registry key `limits`): a source that exceeds one fails and keeps its
    last good records; the other sources are read and published as usual."""

    run_seconds: float = Field(
        default=3 * 3600.0,
        gt=0,
        description="reading all sources; a source still reading (or not started) then fails",
    )
    source_seconds: float = Field(
        default=900.0,
        gt=0,
        description="one source: every page, redirect, retry and wait, connecting included",
    )
    source_bytes: int = Field(
        default=256 * 1024 * 1024, ge=1, description="bytes one source may send, decompressed"
    )
    max_records: int = Field(default=200_000, ge=1, description="records one source may send")


_ORIGIN = re.compile(r"^https?://(?:\[[0-9A-Fa-f:.]+\]|[^/\s:@?#\[\]]+)(?::\d{1,5})?/?$")


class SourceOptions(_Strict):
    delimiter: str = ","
    encoding: str = "utf-8"
    decimal: Literal[".", ","] = "."
    list_separator: str | None = None
    records: str = ""
    next: str | None = None
    max_pages: int = Field(default=1000, ge=1)
    record: str | None = None
    namespaces: dict[str, str] = {}
    #: Standard profiles: the language whose text is taken where a field is multilingual
    #: (else English, else the first language the document gives).
    language: str | None = Field(default=None, pattern=r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")
    #: What to do where a record gives several values for a single-valued field: `first`
    #: takes the first, `join` joins them with '; '. Otherwise the value is dropped (a
    #: warning naming the values): the agency chooses, the pipeline does not guess.
    several_values: dict[str, Literal["first", "join"]] = {}

    @field_validator("several_values")
    @classmethod
    def _single_valued_fields(cls, value: dict[str, str]) -> dict[str, str]:
        wrong = sorted(f for f in value if f not in SCALAR_FIELDS)
        if wrong:
            raise ValueError(f"{wrong} are not single-valued canonical fields")
        return value

    @field_validator("delimiter")
    @classmethod
    def _one_char(cls, value: str) -> str:
        if len(value) != 1:
            raise ValueError("must be a single character")
        return value

    @field_validator("encoding")
    @classmethod
    def _known_encoding(cls, value: str) -> str:
        import codecs

        try:
            codecs.lookup(value)
        except LookupError as exc:
            raise ValueError(f"unknown encoding {value!r}") from exc
        return value


class Expression(_Strict):
    """A computed field: a DuckDB SQL expression over the record's source fields (named in
    double quotes as a mapping names them), evaluated for all records of a feed at once.
    Checked when the registry loads (`pipelines.mapping.expressions`)."""

    sql: str = Field(min_length=1)


def _text_key(value: Any) -> str:
    """A crosswalk's key or target as text: YAML reads `4` as a number and `yes` as a boolean."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


class Source(_Strict):
    id: str = Field(pattern=ID_PATTERN)
    provider: str = Field(pattern=ID_PATTERN)
    url: str = Field(min_length=1)
    format: FeedFormat
    options: SourceOptions = SourceOptions()
    #: canonical field -> where it is in a record (a path), or how it is computed (`{sql: ...}`)
    mapping: dict[str, str | Expression] = {}
    defaults: dict[str, Any] = {}
    #: Crosswalks: canonical field -> {the feed's own value: the canonical value}. Values not in
    #: the map go through the normal normalisation.
    values: dict[str, dict[str, str]] = {}
    auth: Auth | None = None
    #: Internal origins (`http://10.0.0.5:8080`) this source's redirects and next links may
    #: reach; its own url's origin always may. Every other internal address is refused.
    internal_origins: tuple[str, ...] = ()
    speaks_for: SpeaksFor = SpeaksFor()
    limits: SourceLimits = SourceLimits()

    @field_validator("internal_origins")
    @classmethod
    def _origins(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        bad = [v for v in value if not _ORIGIN.match(v)]
        if bad:
            raise ValueError(f"{bad} are not origins (http(s)://host[:port], without a path)")
        return value

    @property
    def paths(self) -> dict[str, str]:
        """The mapping entries that are paths in the feed's records."""
        return {k: v for k, v in self.mapping.items() if isinstance(v, str)}

    @property
    def expressions(self) -> dict[str, str]:
        """The mapping entries computed by an expression: field -> SQL."""
        return {k: v.sql for k, v in self.mapping.items() if isinstance(v, Expression)}

    @field_validator("mapping", mode="before")
    @classmethod
    def _paths_or_expressions(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        wrong = sorted(
            f"{field}: {entry!r}"
            for field, entry in value.items()
            if not isinstance(entry, str)
            and not (
                isinstance(entry, dict) and set(entry) == {"sql"} and isinstance(entry["sql"], str)
            )
        )
        if wrong:
            raise ValueError(f"a path (text) or {{sql: expression}} expected for {wrong}")
        return value

    @field_validator("mapping")
    @classmethod
    def _known_mapping_fields(
        cls, value: dict[str, str | Expression]
    ) -> dict[str, str | Expression]:
        unknown = sorted(set(value) - set(MAPPABLE_FIELDS))
        if unknown:
            raise ValueError(f"unknown canonical field(s) {unknown}")
        paths = {k: v for k, v in value.items() if isinstance(v, str)}
        empty = sorted(k for k, v in paths.items() if not v.strip())
        if empty:
            raise ValueError(f"empty path for {empty}")
        personal = sorted(f"{k}: {v!r}" for k, v in paths.items() if reads_learner_data(v))
        if personal:
            raise ValueError(f"{personal} reads learner data, which a catalogue never holds")
        return value

    @field_validator("values", mode="before")
    @classmethod
    def _crosswalks_as_text(cls, value: Any) -> Any:
        if not isinstance(value, dict):
            return value
        return {
            field: (
                {_text_key(k): v if v is None else _text_key(v) for k, v in table.items()}
                if isinstance(table, dict)
                else table
            )
            for field, table in value.items()
        }

    @field_validator("values")
    @classmethod
    def _known_crosswalk_fields(cls, value: dict[str, dict[str, str]]) -> dict[str, dict[str, str]]:
        unknown = sorted(set(value) - set(MAPPABLE_FIELDS) - {"source_record_id"})
        if unknown:
            raise ValueError(f"unknown canonical field(s) {unknown}")
        empty = sorted(
            f for f, table in value.items() if any(not v.strip() for v in table.values())
        )
        if empty:
            raise ValueError(f"empty target value for {empty}")
        return value

    @field_validator("defaults")
    @classmethod
    def _known_default_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(MAPPABLE_FIELDS) - {"source_record_id"})
        if unknown:
            raise ValueError(f"unknown canonical field(s) {unknown}")
        return value

    @model_validator(mode="after")
    def _required_fields_mapped(self) -> Source:
        missing = [
            f for f in REQUIRED_SOURCE_FIELDS if f not in self.mapping and f not in self.defaults
        ]
        if missing and self.format not in PROFILE_FORMATS:  # a profile knows where they are
            raise ValueError(f"mapping lacks required field(s) {missing}")
        if self.format == "xml" and not self.options.record:
            raise ValueError("options.record (the record element) is required for xml")
        if self.format in PROFILE_FORMATS:
            structure = self.options.model_dump(include=set(PROFILE_KNOWS), exclude_defaults=True)
            if structure:
                raise ValueError(
                    f"options {sorted(structure)} are not used with format {self.format}: its"
                    " profile knows where the records are and how pages follow"
                )
        return self


class HistorySettings(_Strict):
    """How the catalogue remembers (registry key `history`)."""

    max_drop_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="a source that loses more than this share of its records at once is held "
        "until an operator confirms (python -m pipelines confirm-drop SOURCE)",
    )


class HealthSettings(_Strict):
    """When a source that was read is not plainly healthy (registry key `health`)."""

    max_rejected_share: float = Field(
        default=0.5,
        gt=0,
        le=1,
        description="a source whose records are rejected at this share or more is reported "
        "with a warning in feed_status and by the sources check",
    )
    sources_lost_error_share: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="the checks on feeds/raw_feeds say ERROR (not WARN) when this share of the "
        "sources or more failed, was held or returned no records",
    )
    records_lost_error_share: float = Field(
        default=0.3,
        gt=0,
        le=1,
        description="the checks on catalogue/validated_records say ERROR (not WARN) when this "
        "share of all records read or more was rejected",
    )


class Registry(_Strict):
    providers: tuple[Provider, ...]
    sources: tuple[Source, ...]
    matching: MatchSettings = MatchSettings()
    history: HistorySettings = HistorySettings()
    health: HealthSettings = HealthSettings()
    limits: Limits = Limits()
    base_dir: Path = Path(".")

    @property
    def providers_by_id(self) -> dict[str, Provider]:
        return {p.id: p for p in self.providers}

    def source_limits(self, source: Source) -> SourceLimits:
        """The source's budget: its own `limits`, each key it leaves out from the registry's."""
        own, default = source.limits, self.limits
        return SourceLimits(
            source_seconds=own.source_seconds or default.source_seconds,
            source_bytes=own.source_bytes or default.source_bytes,
            max_records=own.max_records or default.max_records,
        )

    def resolve_location(self, url: str) -> str:
        """An http(s) URL as it is; a path relative to the registry file made absolute."""
        if is_http_url(url):
            return url
        if _SCHEME.match(url):
            raise RegistryError(f"unsupported URL scheme in {url!r} (http, https or a path)")
        path = Path(url)
        return str(path if path.is_absolute() else (self.base_dir / path).resolve())


def _describe(error: dict[str, Any], raw: dict[str, Any]) -> str:
    loc = list(error["loc"])
    where = "registry"
    if len(loc) >= 2 and loc[0] in ("providers", "sources") and isinstance(loc[1], int):
        kind = "provider" if loc[0] == "providers" else "source"
        entries = raw.get(loc[0]) or []
        entry = entries[loc[1]] if loc[1] < len(entries) else {}
        ident = entry.get("id") if isinstance(entry, dict) else None
        where = f"{kind} {ident!r}" if ident else f"{kind} #{loc[1] + 1}"
        loc = loc[2:]
    key = ".".join(str(p) for p in loc) or "(entry)"
    message = error["msg"].removeprefix("Value error, ")
    if error["type"] == "extra_forbidden":
        message = "unknown key"
    elif error["type"] == "string_pattern_mismatch" and key.endswith(("id", "provider")):
        message = f"{error.get('input')!r} must be lowercase letters, digits and '-'"
    return f"{where}: key {key!r}: {message}"


def _cross_reference_problems(raw: dict[str, Any]) -> list[str]:
    """Duplicate ids, unknown providers and unusable URLs, read from the raw document so that
    they are reported together with the field-level problems."""
    problems = []
    entries = {
        kind: [e for e in raw.get(key) or [] if isinstance(e, dict)]
        for kind, key in (("provider", "providers"), ("source", "sources"))
    }
    for kind, items in entries.items():
        seen: set[str] = set()
        for entry in items:
            ident = entry.get("id")
            if ident in seen:
                problems.append(f"{kind} {ident!r}: key 'id': duplicate id")
            seen.add(ident)
    provider_ids = {e.get("id") for e in entries["provider"]}
    for source in entries["source"]:
        provider = source.get("provider")
        if provider is not None and provider not in provider_ids:
            problems.append(
                f"source {source.get('id')!r}: key 'provider': {provider!r} is not a registered provider"
            )
        speaks_for = source.get("speaks_for")
        named = speaks_for.get("providers") if isinstance(speaks_for, dict) else None
        for other in named if isinstance(named, list) else []:
            if other not in provider_ids:
                problems.append(
                    f"source {source.get('id')!r}: key 'speaks_for.providers': {other!r} is not a registered provider"
                )
        url = source.get("url")
        if isinstance(url, str) and _SCHEME.match(url) and not is_http_url(url):
            problems.append(
                f"source {source.get('id')!r}: key 'url': unsupported URL scheme in {url!r} (http, https or a path)"
            )
    return problems


#: A check the model cannot make itself (it needs the pipeline's code lists or SQL engine):
#: problems of a registry, each naming its source and key.
RegistryCheck = Callable[[Registry], list[str]]


def registry_from_document(
    raw: Any, base_dir: Path, checks: tuple[RegistryCheck, ...] = ()
) -> Registry:
    """Check a registry document (already parsed from YAML); raise RegistryError listing every
    problem. Countries must be ISO 3166-1 codes or English names here: the loader
    (`pipelines.reading.registry`) resolves names in other languages first. `checks` run on a
    registry the model accepts (crosswalk targets, expressions, credit units)."""
    if not isinstance(raw, dict):
        raise RegistryError(
            "registry: the document must be a mapping with 'providers' and 'sources'"
        )
    problems = []
    registry = None
    try:
        registry = Registry.model_validate({**raw, "base_dir": base_dir})
    except ValidationError as exc:
        problems += [_describe(e, raw) for e in exc.errors()]
    problems += _cross_reference_problems(raw)
    if registry is not None and not problems:
        problems += [problem for check in checks for problem in check(registry)]
    if problems or registry is None:
        raise RegistryError("invalid registry:\n  " + "\n  ".join(problems))
    return registry
