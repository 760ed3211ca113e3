"""What every standard profile shares: safe loading, rules described as data, multilingual text,
EU vocabularies, and vectorised value transformations.

A profile turns one document into records ("views": plain dicts naming the parts of an offering,
e.g. `{"spec": ..., "opportunity": ...}`), reads each canonical field from a view with a `Rule`,
and then transforms whole columns at once (ISO 8601 durations to hours, EU URIs to codes).
Its columns are named `<format>::<field>` in the source's mapping, so that a registry `mapping`
entry (a dotted path inside the view) replaces exactly one of them.
"""

from __future__ import annotations

import csv
import html
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from connectors.formats.base import FeedFormatError, ParsedFeed, RowProblem
from connectors.formats.json_feed import _as_text, _objects, _repeated_within, _walk
from connectors.formats.xml_feed import HARDENED_PARSER, _declared_entities
from schemas.canonical import LIST_FIELDS
from schemas.codes import participation_form

VOCABULARIES = Path(__file__).resolve().parent / "vocabularies"
#: Separates a profile's own column (`elm::title`) from a registry path (`spec.title`).
PROFILE_KEY = "::"
ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"


# --- loading -------------------------------------------------------------------------------


def load_json(body: bytes) -> Any:
    """A JSON document, with the JSON feed parser's protections: depth, repeated keys are marked
    (see `repeated_key`), bytes that are not JSON are refused."""
    repeated: list = []
    try:
        return json.loads(body, object_pairs_hook=lambda pairs: _objects(pairs, repeated))
    except RecursionError:
        raise FeedFormatError("JSON nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedFormatError(f"not a JSON document: {exc}") from None


def repeated_key(item: Any) -> str | None:
    """The first key given twice in one object inside `item` (which value is meant?), or None."""
    within = _repeated_within(item)
    return within[0].repeated[0] if within else None


def json_objects(items: list[Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The records of a JSON page that are objects without repeated keys, and a problem (reason,
    value) for each other item."""
    views, problems = [], []
    for item in items:
        if not isinstance(item, dict):
            problems.append(("record is not a JSON object", str(item)))
        elif key := repeated_key(item):
            problems.append(
                (f"key {key!r} given twice in one JSON object: which value?", str(item))
            )
        else:
            views.append(item)
    return views, problems


def jsonapi_next(document: dict[str, Any]) -> str | None:
    """JSON:API `links.next`, as a string or a link object with `href`."""
    links = document.get("links")
    next_page = links.get("next") if isinstance(links, dict) else None
    if isinstance(next_page, dict):
        next_page = next_page.get("href")
    return next_page if isinstance(next_page, str) and next_page else None


def load_xml(body: bytes) -> etree._Element:
    """The document's root, parsed like the XML feed parser parses: no DTD loading, no entity
    resolution, no network, no huge trees. A document whose DTD declares entities is refused
    outright (reading an attribute would expand them)."""
    parser = etree.XMLParser(**HARDENED_PARSER)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedFormatError(f"not well-formed XML: {exc}") from None
    if root is None:
        raise FeedFormatError("not well-formed XML: no root element")
    entities = _declared_entities(root)
    if entities:
        names = ", ".join(e.decode() for e in entities[:3])
        raise FeedFormatError(f"the document declares entities ({names}): never expanded, refused")
    return root


# --- multilingual text ---------------------------------------------------------------------

_TEXT_KEYS = ("value", "string", "multiline", "name", "uri", "#text", "@value", "noteLiteral")
_LANGUAGE_KEYS = ("language", "lang", "inLanguage", "@language")


def language_entries(value: Any) -> list[tuple[str | None, str]]:
    """(language, text) pairs of a multilingual value in the forms the standards use: a plain
    string; a JSON-LD language map `{"en": "..."}`; OOAPI `[{language, value}]`; OCCAPI
    `[{lang, string|multiline|uri}]`; MOOChub `[{inLanguage, name}]`; an XML element read as
    `{"@language", "#text"}`. Document order is kept."""
    if value is None:
        return []
    if isinstance(value, str):
        return [(None, value)] if value.strip() else []
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [(None, _as_text(value))]
    if isinstance(value, list):
        return [pair for item in value for pair in language_entries(item)]
    if not isinstance(value, dict):
        return []
    text_key = next((k for k in _TEXT_KEYS if isinstance(value.get(k), str | list)), None)
    if text_key is not None and (
        any(k in value for k in _LANGUAGE_KEYS) or set(value) <= {text_key, "id", "type"}
    ):
        language = next((value[k] for k in _LANGUAGE_KEYS if isinstance(value.get(k), str)), None)
        texts = value[text_key] if isinstance(value[text_key], list) else [value[text_key]]
        return [(language, t) for t in texts if isinstance(t, str) and t.strip()]
    pairs = []
    for key, text in value.items():  # a JSON-LD language map
        if not re.fullmatch(r"[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*", key):
            continue
        for t in text if isinstance(text, list) else [text]:
            if isinstance(t, str) and t.strip():
                pairs.append((key, t))
    return pairs


def _primary(language: str | None) -> str | None:
    return language.replace("_", "-").split("-")[0].casefold() if language else None


def choose_language(
    entries: list[tuple[str | None, str]], preferred: str | None
) -> tuple[str | None, str | None]:
    """(language, text) by the documented rule: the source's `options.language`, else English,
    else the first language the document gives. Tags match on their primary subtag (en-GB: en)."""
    if not entries:
        return None, None
    for wanted in (preferred, "en"):
        if wanted:
            for language, text in entries:
                if _primary(language) == _primary(wanted):
                    return language, text
    return entries[0]


# --- rules ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """Where one canonical field is in a record view, and how to read it.

    `paths` are dotted paths in the view, tried in order (the first that gives a value wins);
    `read` says what the value is:
      - `text`: a scalar (a number becomes text);
      - `lang`: multilingual text, one language chosen; `lang_code`: the language chosen;
      - `lang_list`: a list of things, one text each: the multilingual text at `item` inside
        each (or the thing itself), one language chosen;
      - `concept`: an EU concept (`{"id": uri}`, XML `{"@uri": uri}`, or a plain string);
      - `concepts`: every concept of a list; `list`: every scalar of a list;
      - `custom`: `function(view, preferred_language)` gives the value.
    `transform` then turns the whole column at once (vectorised).
    """

    field: str
    paths: tuple[str, ...] = ()
    read: str = "text"
    transform: Callable[[pd.Series], pd.Series] | None = None
    function: Callable[[dict[str, Any], str | None], Any] | None = None
    item: str = ""


def get(view: Any, path: str) -> Any:
    """The value at a dotted path; a list met on the way collects every element's value."""
    return _walk(view, tuple(p for p in path.split(".") if p))


def concept_id(value: Any) -> str | None:
    if isinstance(value, str):
        return value.strip() or None
    if isinstance(value, dict):
        for key in ("id", "@id", "@uri", "uri", "@idref"):
            if isinstance(value.get(key), str) and value[key].strip():
                return value[key].strip()
    return None


def _flatten(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return [x for item in value for x in _flatten(item)]
    return [value]


def read_path(view: dict[str, Any], path: str, preferred: str | None) -> Any:
    """A registry path's value in a view, as the JSON parser reads it, except that
    multilingual text gives one language by the profile's rule."""
    value = get(view, path)
    if isinstance(value, list) and not _one_text_in_languages(value):
        items = [_one_text(v, preferred) for v in value]
        return [v for v in items if v is not None] or None
    return _one_text(value, preferred)


def _one_text_in_languages(value: list[Any]) -> bool:
    """True for a list that is one text in several languages (`[{language, value}, ...]`)."""
    return bool(value) and all(
        isinstance(v, dict) and any(isinstance(v.get(k), str) for k in _LANGUAGE_KEYS)
        for v in value
    )


def _one_text(value: Any, preferred: str | None) -> Any:
    if isinstance(value, dict | list):
        text = choose_language(language_entries(value), preferred)[1]
        return text if text is not None else _as_text(value)
    return _as_text(value)


def _first_path(view: dict[str, Any], paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = get(view, path)
        if value not in (None, [], {}, ""):
            return value
    return None


def read_rule(rule: Rule, view: dict[str, Any], preferred: str | None) -> Any:
    """One record's raw value for `rule` (text, list of text or None)."""
    if rule.read == "custom":
        assert rule.function is not None
        return rule.function(view, preferred)
    value = _first_path(view, rule.paths)
    if value is None:
        return None
    if rule.read == "text":
        items = [_as_text(v) for v in _flatten(value) if not isinstance(v, dict)]
        items = [v for v in items if isinstance(v, str) and v.strip()]
        return items[0] if len(items) == 1 else (items or None)
    if rule.read in ("lang", "lang_code"):
        language, text = choose_language(language_entries(value), preferred)
        return text if rule.read == "lang" else language
    if rule.read == "lang_list":
        chosen = []
        for item in value if isinstance(value, list) else [value]:
            text = choose_language(
                language_entries(get(item, rule.item) if rule.item else item), preferred
            )[1]
            chosen.append(text)
        return [t for t in chosen if t] or None
    if rule.read == "concept":
        ids = [concept_id(v) for v in _flatten(value)]
        ids = [i for i in ids if i]
        return ids[0] if ids else None
    if rule.read == "concepts":
        ids = [concept_id(v) for v in _flatten(value)]
        return [i for i in ids if i] or None
    if rule.read == "list":
        items = [_as_text(v) for v in _flatten(value) if not isinstance(v, dict)]
        return [v for v in items if isinstance(v, str) and v.strip()] or None
    raise ValueError(f"unknown rule reader {rule.read!r}")


@dataclass(frozen=True)
class Records:
    """What a profile's reader found in one document."""

    views: list[dict[str, Any]]
    problems: list[tuple[str, str]] = field(default_factory=list)  # (reason, value)
    next_page: str | None = None
    rules: tuple[Rule, ...] = ()


def build_feed(records: Records, fields: list[str], preferred: str | None) -> ParsedFeed:
    """The parsed feed of a profile: its own columns (`<format>::field`, read by its rules and
    transformed column-wise) and any registry paths (read from the views as the JSON parser
    reads a record)."""
    views = records.views
    columns: dict[str, list[Any]] = {}
    by_field = {rule.field: rule for rule in records.rules}
    try:
        for key in dict.fromkeys(fields):
            if PROFILE_KEY in key:
                rule = by_field.get(key.split(PROFILE_KEY, 1)[1])
                if rule is None:
                    columns[key] = [None] * len(views)
                    continue
                raw = pd.Series([read_rule(rule, v, preferred) for v in views], dtype="object")
                if rule.transform is not None and len(raw):
                    raw = rule.transform(raw)
                columns[key] = [_clean(v, rule.field) for v in raw.tolist()]
            else:
                columns[key] = [read_path(v, key, preferred) for v in views]
    except RecursionError:
        raise FeedFormatError("document nested too deeply") from None
    problems = [
        RowProblem(len(views) + k, reason, value[:200])
        for k, (reason, value) in enumerate(records.problems)
    ]
    return ParsedFeed(columns, len(views), problems, records.next_page)


def _clean(value: Any, field_name: str) -> Any:
    """Text, list of text or None, as every parser returns (NaN from a transform is None)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    if isinstance(value, list | tuple | np.ndarray):
        items = [str(v) for v in value if v is not None and str(v).strip()]
        if not items:
            return None
        return items if field_name in LIST_FIELDS or len(items) > 1 else items[0]
    return str(value)


# --- vocabularies --------------------------------------------------------------------------


@cache
def vocabulary(filename: str) -> dict[str, dict[str, str]]:
    """An EU vocabulary (see vocabularies/SOURCES.md) by concept URI."""
    with (VOCABULARIES / filename).open(encoding="utf-8") as handle:
        return {row["uri"]: row for row in csv.DictReader(handle)}


@cache
def nqf_level_labels() -> dict[str, str]:
    """NQF level URI -> its label (`SCQF Level 7`), which `schemas.levels` resolves to the EQF."""
    return {
        uri: row["label"] for uri, row in vocabulary("nqf.csv").items() if row["kind"] == "level"
    }


@cache
def assessment_labels() -> dict[str, str]:
    """Assessment-type URI -> its EU label (`written examination`)."""
    return {uri: row["label"] for uri, row in vocabulary("assessment-types.csv").items()}


@cache
def participation_modes() -> dict[str, str]:
    """Learning-assessment mode URI -> online/onsite/blended, by the mode's EU label read as the
    catalogue reads any form of participation (Presential: onsite). Work-based, project-based
    and research-lab modes say where one learns, not how one takes part: they give nothing."""
    return {
        uri.casefold(): form
        for uri, row in vocabulary("learning-assessment-modes.csv").items()
        if (form := participation_form(row["label"]))
    }


# --- vectorised transformations ------------------------------------------------------------

_DURATION = re.compile(
    r"^P(?!$)(?:(?P<Y>\d+(?:[.,]\d+)?)Y)?(?:(?P<M>\d+(?:[.,]\d+)?)M)?(?:(?P<W>\d+(?:[.,]\d+)?)W)?"
    r"(?:(?P<D>\d+(?:[.,]\d+)?)D)?(?:T(?=\d)(?:(?P<h>\d+(?:[.,]\d+)?)H)?"
    r"(?:(?P<m>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+(?:[.,]\d+)?)S)?)?$"
)
#: Hours per unit of an ISO 8601 duration of *workload*: a day of study is 8 hours, a week 40,
#: a month 160 and a year 1,600 (40 weeks; 60 ECTS at 25 to 30 hours is 1,500 to 1,800 hours).
_WORKLOAD_HOURS = {
    "Y": 1600.0,
    "M": 160.0,
    "W": 40.0,
    "D": 8.0,
    "h": 1.0,
    "m": 1 / 60,
    "s": 1 / 3600,
}
#: Calendar days per unit of an ISO 8601 duration of *time* (a course running for P6W).
_CALENDAR_DAYS = {"Y": 365.25, "M": 30.44, "W": 7.0, "D": 1.0, "h": 1 / 24, "m": 1 / 1440, "s": 0.0}


def _duration_parts(values: pd.Series) -> pd.DataFrame:
    """The numbers of each unit of ISO 8601 durations (NaN where absent or not a duration)."""
    text = values.astype("object").where(values.map(lambda v: isinstance(v, str)), None)
    extracted = text.str.strip().str.upper().str.extract(_DURATION)
    return extracted.apply(lambda c: pd.to_numeric(c.str.replace(",", "."), errors="coerce"))


def iso_duration_hours(values: pd.Series) -> pd.Series:
    """ISO 8601 durations of workload (`PT60H`, `P2D`) -> hours as text; other values pass
    through unchanged, so that a number of hours stays one and an invalid value is reported."""
    parts = _duration_parts(values)
    hours = sum(parts[unit].fillna(0) * factor for unit, factor in _WORKLOAD_HOURS.items())
    matched = parts.notna().any(axis=1)
    return values.where(~matched, hours.map(_number))


def iso_duration_days(values: pd.Series) -> pd.Series:
    """Calendar days of ISO 8601 durations (`P2W` -> 14.0); NaN where not a duration."""
    parts = _duration_parts(values)
    days = sum(parts[unit].fillna(0) * factor for unit, factor in _CALENDAR_DAYS.items())
    return days.where(parts.notna().any(axis=1))


def _number(value: float) -> str | None:
    if value is None or pd.isna(value):
        return None
    return f"{round(float(value), 4):g}"


def _map_items(values: pd.Series, function: Callable[[str], str | None]) -> pd.Series:
    """Apply `function` once per distinct text, to scalars and list items alike (as
    `schemas.codes.map_distinct` does); a miss becomes None and is dropped from lists."""
    distinct: dict[str, str | None] = {}
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item not in distinct:
                distinct[item] = function(item)

    def one(value: Any) -> Any:
        if isinstance(value, list):
            found = [distinct.get(i) for i in value if isinstance(i, str)]
            return [f for f in found if f is not None] or None
        return distinct.get(value) if isinstance(value, str) else None

    return values.map(one).astype("object")


def uri_tail(values: pd.Series) -> pd.Series:
    """`http://publications.europa.eu/resource/authority/country/IRL` -> `IRL` (also in lists):
    the EU authority codes are ISO codes; codes that are not URIs pass through."""
    return _map_items(values, lambda v: v.rstrip("/").rsplit("/", 1)[-1] if "://" in v else v)


def on_text(
    transform: Callable[[pd.Series], pd.Series],
) -> Callable[[pd.Series], pd.Series]:
    """`transform` (text in, text or None out) applied to the text values only: a list where a
    format allows one value passes unchanged, so that the pipeline reports it."""

    def run(values: pd.Series) -> pd.Series:
        values = values.astype("object")
        is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
        out = values.copy()
        if is_text.any():
            out[is_text] = transform(values[is_text]).astype("object")
        return out.where(out.notna(), None)

    return run


def first_item(values: pd.Series) -> pd.Series:
    """The first element of lists (a single-valued column where a format allows several)."""
    return values.map(lambda v: (v[0] if v else None) if isinstance(v, list) else v)


def nqf_label(values: pd.Series) -> pd.Series:
    """NQF level URIs -> `SCQF Level 7`; a framework URI gives nothing (the level names it);
    text that is not a URI passes through. The first level where several are given."""
    labels = nqf_level_labels()
    frameworks = {u for u, row in vocabulary("nqf.csv").items() if row["kind"] == "framework"}
    return first_item(_map_items(values, lambda v: None if v in frameworks else labels.get(v, v)))


def iso_date(values: pd.Series) -> pd.Series:
    """Date-times (`2027-02-08T09:00:00Z`) -> their date as written (`2027-02-08`): the
    canonical columns are dates, and the day is the provider's local one. Other text passes."""
    values = first_item(values)
    text = values.astype("object").where(values.map(lambda v: isinstance(v, str)), None)
    day = text.str.strip().str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", expand=False)
    return values.where(day.isna(), day).astype("object")


def join_texts(values: pd.Series) -> pd.Series:
    """Several texts for a single-valued field (two assessment methods) -> one, `; `-joined."""
    return values.map(lambda v: "; ".join(dict.fromkeys(v)) if isinstance(v, list) else v)


def participation_forms(synonyms: dict[str, str]) -> Callable[[pd.Series], pd.Series]:
    """Values of a format's own vocabulary -> online/onsite/blended; values outside it (a
    `work experience`, `synchronous`) are not a form of participation and are left out; two
    different forms given together make `blended`."""

    def transform(values: pd.Series) -> pd.Series:
        forms = _map_items(values, lambda v: synonyms.get(v.strip().casefold()))

        def combine(value: Any) -> str | None:
            found = sorted({v for v in value if v}) if isinstance(value, list) else [value]
            found = [f for f in found if f]
            if not found:
                return None
            return found[0] if len(found) == 1 else "blended"

        return forms.map(combine)

    return transform


def html_to_text(values: pd.Series) -> pd.Series:
    """Descriptions published as HTML (MOOChub): tags removed, entities decoded, spaces folded."""
    text = values.astype("object").where(values.map(lambda v: isinstance(v, str)), None)
    inline = r"</?(?:a|b|i|u|em|strong|span|small|sub|sup|code|abbr)\b[^>]*>"
    stripped = text.str.replace(inline, "", regex=True).str.replace(r"<[^>]+>", " ", regex=True)
    stripped = stripped.str.replace(r"\s+", " ", regex=True)
    return stripped.str.strip().map(lambda v: html.unescape(v) if isinstance(v, str) else v)


def positive_number(values: pd.Series) -> pd.Series:
    """A credit number where 0 means 'no credits awarded' (MOOChub): 0 and below become null."""
    numbers = pd.to_numeric(values, errors="coerce")
    return values.where(~(numbers <= 0), None)


def compose(*steps: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    def run(values: pd.Series) -> pd.Series:
        for step in steps:
            values = step(values)
        return values

    return run


def iter_dicts(value: Any) -> Iterable[dict[str, Any]]:
    for item in _flatten(value):
        if isinstance(item, dict):
            yield item
