"""Normalisation of mapped records, for all sources at once (column-wise, no per-record loops).

Each step turns text into the canonical representation (codes, numbers, dates). A value that
cannot be turned becomes null and a `problem` naming the field, the reason and the value as
written, so that the record is rejected with an explanation rather than silently changed.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from pipelines.codes import lookups as codes
from pipelines.lib.durations import is_duration
from pipelines.lib.lists import collect_lists, explode_items
from pipelines.mapping.fields import ID_FROM, PROBLEM, PROBLEM_VALUE, SEVERAL
from pipelines.normalise.european_codes import ORIGIN_FIELDS, map_codes
from pipelines.normalise.providers import ProviderIndex, unregistered_ids
from pipelines.normalise.repeats import repeated_ids
from pipelines.normalise.text_limits import refuse_long_texts
from pipelines.normalise.voices import refuse_other_voices
from schemas.canonical import (
    COLUMN_NAMES,
    COLUMNS_BY_NAME,
    QUALIFIER_FIELDS,
    RECORD_KEYS,
    REPEAT_OF,
)
from schemas.problems import Problems
from schemas.registry import Registry

_LEVEL = re.compile(
    r"^(?:http://data\.europa\.eu/snb/(?:eqf|isced)/)?(?:(?:eqf|isced)\s*)?(?:level\s*)?(\d{1,2})(?:\.0+)?$",
    flags=re.IGNORECASE,
)
_DATE_FORMATS = ("%d.%m.%Y", "%d/%m/%Y", "%d-%m-%Y", "%Y/%m/%d")


def _lookup(frame: pd.DataFrame, field: str, lookup, problems: Problems, reason: str) -> None:
    raw = frame[field]
    mapped = codes.map_distinct(raw, lookup)
    problems.add(raw.index[raw.notna() & mapped.isna()], field, reason, raw)
    frame[field] = mapped


def _numbers(frame: pd.DataFrame, field: str, problems: Problems) -> None:
    raw = frame[field]
    parsed = pd.to_numeric(raw, errors="coerce").astype("float64")
    problems.add(raw.index[raw.notna() & parsed.isna()], field, "not a number", raw)
    infinite = np.isinf(parsed.to_numpy())
    problems.add(raw.index[infinite], field, "not a finite number", raw)
    frame[field] = parsed.where(~infinite)


def _levels(frame: pd.DataFrame, field: str, problems: Problems) -> None:
    raw = frame[field]
    digits = raw.astype("object").str.extract(_LEVEL, expand=False)
    problems.add(raw.index[raw.notna() & digits.isna()], field, "not a level number", raw)
    frame[field] = pd.to_numeric(digits, errors="coerce").astype("Int64")


def _dates(frame: pd.DataFrame, field: str, problems: Problems) -> None:
    """Dates as written: an ISO date-time keeps its date (`2026-10-01T23:30:00-02:00` is
    1 October), so plain dates and date-times with different offsets parse together."""
    raw = frame[field]
    text = raw.astype("object").where(raw.notna(), None)
    with_time = text.str.match(r"^\s*\d{4}-\d{2}-\d{2}[T ]", na=False).astype(bool)
    text = text.where(~with_time, text.str.strip().str[:10])
    parsed = pd.to_datetime(text, format="ISO8601", errors="coerce")
    for date_format in _DATE_FORMATS:
        todo = raw.notna() & parsed.isna()
        if not todo.any():
            break
        parsed[todo] = pd.to_datetime(text[todo], format=date_format, errors="coerce")
    problems.add(raw.index[raw.notna() & parsed.isna()], field, "not a date (use YYYY-MM-DD)", raw)
    frame[field] = parsed.dt.tz_localize(None) if parsed.dt.tz is not None else parsed
    frame[field] = frame[field].dt.normalize()


def _languages(frame: pd.DataFrame, problems: Problems) -> None:
    items = explode_items(frame["languages"]).astype("str")
    mapped = codes.map_distinct(items, codes.language_code)
    bad = items[mapped.isna()]
    if len(bad):
        bad_rows = bad.groupby(level=0).agg(" | ".join)
        problems.add(bad_rows.index, "languages", "unknown language", bad_rows)
    known = mapped.dropna()
    pairs = pd.DataFrame({"row": known.index, "code": known.to_numpy()}).drop_duplicates()
    frame["languages"] = collect_lists(pairs.set_index("row")["code"], frame.index)


def _expiry(frame: pd.DataFrame, problems: Problems) -> None:
    raw = frame["expiry"]
    text = raw.astype("object").str.upper()
    duration = is_duration(raw)
    as_date = pd.to_datetime(raw.where(~duration), format="ISO8601", errors="coerce")
    ok = duration | as_date.notna()
    problems.add(raw.index[raw.notna() & ~ok], "expiry", "not an ISO 8601 date or duration", raw)
    frame["expiry"] = text.where(duration, as_date.dt.strftime("%Y-%m-%d")).where(ok, None)


def _providers(
    frame: pd.DataFrame, registry: Registry, index: ProviderIndex, problems: Problems
) -> None:
    """Resolve each record's provider to the registry (by id, name, alias, identifier or a
    similar name); records that name none belong to their source's provider, and a provider the
    registry does not know gets an `unregistered-` id of its own."""
    providers = registry.providers_by_id
    source_provider = pd.Series({s.id: s.provider for s in registry.sources}, dtype="object")
    default_id = frame["source_id"].map(source_provider)
    country_of = {p.id: p.country for p in providers.values()}

    given_id, given_name = frame["provider_id"], frame["provider_name"]
    by_id = codes.map_distinct(given_id, lambda v: index.exact.get(codes.fold(v)))
    # An identifier the registry does not list (a UKPRN, a platform's partner code) is no
    # problem when the record names its provider: the name decides.
    problems.add(
        given_id.index[given_id.notna() & by_id.isna() & given_name.isna()],
        "provider_id",
        "not a registered provider id",
        given_id,
    )
    given_country = codes.map_distinct(frame["provider_country"], codes.country_code)
    by_name, how = index.resolve(given_name, given_country)
    named = given_id.notna() | given_name.notna()
    resolved = by_id.fillna(by_name)
    unregistered = named & resolved.isna() & given_name.notna()
    # A provider the registry does not know has the country its record states, or none: never
    # the country of the platform or aggregator that published the record.
    own_id = unregistered_ids(given_name.where(unregistered), given_country)
    provider_id = resolved.where(named, default_id).fillna(own_id)
    frame["provider_id"] = provider_id.where(provider_id.notna(), None)
    frame["provider_id_origin"] = np.select(
        [given_id.notna() & by_id.notna(), resolved.notna(), unregistered],
        ["given", "resolved by " + how.fillna("").astype("str"), "unregistered provider"],
        "default of the source",
    )

    registered = resolved.where(named, default_id)
    name_of = {p.id: p.name for p in providers.values()}
    trusted_of = {p.id: p.trusted for p in providers.values()}
    name = registered.map(name_of).fillna(given_name)
    frame["provider_name"] = name.where(name.notna(), None)
    stated = frame["provider_country"]
    problems.add(
        stated.index[stated.notna() & given_country.isna()],
        "provider_country",
        "unknown country",
        stated,
    )
    country = given_country.where(given_country.notna(), registered.map(country_of))
    frame["provider_country"] = country.where(country.notna(), None)
    frame["provider_trusted"] = registered.map(trusted_of).fillna(False).astype(bool)


def _awarding_bodies(frame: pd.DataFrame, registry: Registry, index: ProviderIndex) -> None:
    """The awarding body is the provider unless the record names another (a platform's partner
    university); another body has the country its record states, else the registry's when it
    is a registered provider, else none."""
    country_of = {p.id: p.country for p in registry.providers}
    body, body_country = frame["awarding_body_name"], frame["awarding_body_country"]
    other = body.notna() & (body.astype("object") != frame["provider_name"].astype("object"))
    stated = codes.map_distinct(body_country, codes.country_code)
    registered, _ = index.resolve(body.where(other), stated)
    frame["awarding_body_name"] = body.where(body.notna(), frame["provider_name"])
    known = body_country.where(
        body_country.notna(),
        registered.map(country_of).where(other, frame["provider_country"]),
    )
    frame["awarding_body_country"] = known.where(known.notna(), None)


def _formula_values(frame: pd.DataFrame, problems: Problems) -> None:
    """Refuse text that a spreadsheet would run as a formula: it starts with `=`, `+` or `@`,
    or with `-` and a calculation (`-2+3`, `-SUM(`, `-cmd|`). Harmless here, dangerous once the
    catalogue is exported to a spreadsheet (CSV injection). A bullet (`- understands X`,
    `- self-paced`) is text. The value reported is the item that looks like a formula; a list
    loses that item only."""
    formula_like = r"^\s*(?:[=+@]|-\s*(?:[\d.]+\s*[-+*/^&(]|[A-Za-z_][\w.]*\(|\w+\|))"
    lists = ("learning_outcomes", "stackable_into")
    free_text = (
        *("title", "description", "provider_name", "awarding_body_name", "assessment_type"),
        *("quality_assurance", "access_requirements", "nqf_level", "sqf", "url", *lists),
    )
    for field in free_text:
        values = explode_items(frame[field]) if field in lists else frame[field].dropna()
        text = values.astype("str")
        is_formula = text.str.match(formula_like).fillna(False).astype(bool)
        formula = text[is_formula]
        first = formula[~formula.index.duplicated()]
        problems.add(first.index, field, "looks like a spreadsheet formula", first, "breaks_rule")
        if not is_formula.any():
            continue
        if field in lists:
            kept = values[~is_formula.to_numpy()]
            frame[field] = collect_lists(kept.astype("str"), frame.index)
        elif field != "title":  # a title is required: the record is rejected instead
            frame.loc[formula.index, field] = None


#: The columns of a normalised record: its keys, every field a feed can state, and provenance.
NORMALISED_COLUMNS = (
    *RECORD_KEYS,
    REPEAT_OF,
    ID_FROM,
    *(c for c in COLUMN_NAMES if COLUMNS_BY_NAME[c].mappable),
    "provider_trusted",
    "provider_id_origin",
    *(f"{f}_origin" for f in ORIGIN_FIELDS),
    "code_flags",
)


def _several_values(frame: pd.DataFrame, registry: Registry, problems: Problems) -> None:
    """A record that gave several values where its field holds one: the value is empty and the
    problem says where they came from and how the agency chooses one."""
    sources = {s.id: s for s in registry.sources}
    for column in [c for c in frame.columns if c.startswith(SEVERAL)]:
        field = column.removeprefix(SEVERAL)
        rows = frame.index[frame[column].notna()]
        if not len(rows):
            continue
        reason = frame.loc[rows, "source_id"].map(
            {s: _several_values_reason(sources.get(s), field) for s in frame["source_id"].unique()}
        )
        problems.add(rows, field, reason, frame[column])


def _several_values_reason(source, field: str) -> str:
    """Several values where one is expected, naming the registry source and key, and how to
    choose one."""
    if source is None:
        return f"several values where one is expected for {field}"
    path = source.mapping.get(field)
    where = (
        f"mapping {field} -> {path!r} of source {source.id!r}"
        if path is not None
        else f"the {source.format} profile's {field} in source {source.id!r}"
    )
    choose = f"options.several_values: {{{field}: first}} (or join)"
    if source.format == "xml" and isinstance(path, str):
        choose = (
            "a predicate in the path, e.g. mlo:credit[credit:scheme='SCQF']/credit:value, or "
            + choose
        )
    return f"several values where one is expected: {where} found them; choose with {choose}"


def _record_problems(frame: pd.DataFrame, problems: Problems) -> None:
    """What is wrong with a record as a whole: unreadable, a repeated id, a formula."""
    unreadable = frame.index[frame[PROBLEM].notna()]
    problems.add(unreadable, "record", frame[PROBLEM], frame[PROBLEM_VALUE])
    repeated_ids(frame, problems)
    _formula_values(frame, problems)


def normalise_records(
    records: pd.DataFrame, registry: Registry
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Canonical representation of every record, and the problems found on the way.

    `records` holds mapped records of all sources (canonical field names, text values) with
    `source_id`; the result has every canonical column that describes a record, plus the record
    keys. Problems are rows of (row, field, reason, value), `row` being the index in `records`.
    """
    frame = records.copy()
    for name in (*COLUMN_NAMES, *QUALIFIER_FIELDS, PROBLEM, PROBLEM_VALUE, ID_FROM):
        if name not in frame:
            frame[name] = pd.Series(None, index=frame.index, dtype="object")
    problems = Problems()
    refuse_long_texts(frame, problems)
    _record_problems(frame, problems)
    _several_values(frame, registry, problems)
    index = ProviderIndex(registry, registry.matching.provider_similarity)
    _providers(frame, registry, index, problems)
    _lookup(frame, "awarding_body_country", codes.country_code, problems, "unknown country")
    _awarding_bodies(frame, registry, index)
    refuse_other_voices(frame, registry, index, problems)
    _lookup(frame, "title_language", codes.language_code, problems, "unknown language")
    _languages(frame, problems)
    _lookup(frame, "price_currency", codes.currency_code, problems, "unknown currency")
    _lookup(
        frame,
        "participation_form",
        codes.participation_form,
        problems,
        "unknown form of participation (online, onsite or blended)",
    )
    for field in ("workload_hours", "price_amount"):
        _numbers(frame, field, problems)
    for field in ("eqf_level", "isced_level"):
        _levels(frame, field, problems)
    map_codes(frame, problems)
    for field in ("start_date", "end_date"):
        _dates(frame, field, problems)
    _expiry(frame, problems)
    for name in ("learning_outcomes", "stackable_into"):
        frame[name] = frame[name].astype("object")
    return frame[list(NORMALISED_COLUMNS)], problems.frame()
