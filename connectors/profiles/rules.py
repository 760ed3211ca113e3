"""A profile's rules, described as data: where each canonical field is in a record view and how
it is read; and the parsed feed a profile's records make.

A profile turns one document into records ("views": plain dicts naming the parts of an offering,
e.g. `{"spec": ..., "opportunity": ...}`), reads each canonical field from a view with a `Rule`,
and then transforms whole columns at once (ISO 8601 durations to hours, EU URIs to codes). Its
columns are named `<format>::<field>` in the source's mapping, so that a registry `mapping`
entry (a dotted path inside the view) replaces exactly one of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from connectors.formats.documents import FeedFormatError, repeated_key, repeated_key_reason
from connectors.formats.json_feed import as_text, walk
from connectors.profiles.text import LANGUAGE_KEYS, choose_language, language_entries
from schemas.canonical import LIST_FIELDS
from schemas.formats import PROFILE_KEY
from schemas.reads import ParsedFeed, RowProblem


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
    return walk(view, tuple(p for p in path.split(".") if p))


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
        isinstance(v, dict) and any(isinstance(v.get(k), str) for k in LANGUAGE_KEYS) for v in value
    )


def _one_text(value: Any, preferred: str | None) -> Any:
    if isinstance(value, dict | list):
        text = choose_language(language_entries(value), preferred)[1]
        return text if text is not None else as_text(value)
    return as_text(value)


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
        items = [as_text(v) for v in _flatten(value) if not isinstance(v, dict)]
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
        items = [as_text(v) for v in _flatten(value) if not isinstance(v, dict)]
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


def iter_dicts(value: Any) -> Iterable[dict[str, Any]]:
    for item in _flatten(value):
        if isinstance(item, dict):
            yield item


def json_ld_types(item: dict[str, Any]) -> set[str]:
    """The types a JSON-LD object declares (`type` or `@type`, one or a list)."""
    kinds = item.get("type", item.get("@type"))
    return {str(k) for k in (kinds if isinstance(kinds, list) else [kinds]) if k}


def json_objects(items: list[Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str]]]:
    """The records of a JSON page that are objects without repeated keys, and a problem (reason,
    value) for each other item."""
    views, problems = [], []
    for item in items:
        if not isinstance(item, dict):
            problems.append(("record is not a JSON object", str(item)))
        elif key := repeated_key(item):
            problems.append((repeated_key_reason(key), str(item)))
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
