"""JSON feeds: a records path, dotted field paths (through lists), next-page links."""

from __future__ import annotations

import json
from typing import Any

from connectors.formats.documents import (
    FeedFormatError,
    RepeatedKeys,
    check_record_count,
    load_json,
    repeated_key_reason,
    repeated_within,
)
from schemas.reads import ParsedFeed, RowProblem


def split_path(path: str) -> tuple[str, ...]:
    return tuple(part for part in path.split(".") if part)


def walk(value: Any, keys: tuple[str, ...]) -> Any:
    """The value at `keys`; a list met on the way collects every element's value."""
    for depth, key in enumerate(keys):
        if type(value) is dict:  # the common case first: this runs once per record and field
            value = value.get(key)
            if value is None:
                return None
            continue
        if isinstance(value, list):
            collected: list[Any] = []
            for item in value:
                found = walk(item, keys[depth:])
                if isinstance(found, list):
                    collected.extend(found)
                elif found is not None:
                    collected.append(found)
            return collected or None
        if not isinstance(value, dict):
            return None
        value = value.get(key)
        if value is None:
            return None
    return value


def as_text(value: Any) -> Any:
    """Scalars become text, lists lists of text; objects stay JSON text so they can be reported."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value) if isinstance(value, float) else str(value)
    if isinstance(value, list):
        items = [as_text(v) for v in value if v is not None]  # [] and [[]] give None
        return [v for v in items if v is not None and not isinstance(v, list)] or None
    return json.dumps(value, ensure_ascii=False, sort_keys=True)[:500]


def _column(records: list[dict[str, Any]], keys: tuple[str, ...]) -> list[Any]:
    """One field of every record, as text."""
    if len(keys) == 1:
        values = [record.get(keys[0]) for record in records]
    else:
        values = [walk(record, keys) for record in records]
    return [v if v is None or type(v) is str else as_text(v) for v in values]


def _ambiguous_records(
    items: list[Any], repeated: list[RepeatedKeys], paths: set[str]
) -> dict[int, tuple[str, Any]]:
    """Records holding an object with a repeated key, by id(): (reason, record). Outside the
    records, a repeated key of the records or next-page path (which value is meant?) fails the
    document; one elsewhere in the envelope is not read and does not matter."""
    if not repeated:
        return {}
    found: dict[int, tuple[str, Any]] = {}
    inside: set[int] = set()
    for item in items:
        within = repeated_within(item)
        inside.update(id(obj) for obj in within)
        if within and isinstance(item, dict):
            found[id(item)] = (repeated_key_reason(within[0].repeated[0]), item)
    for obj in repeated:
        on_path = [key for key in obj.repeated if key in paths]
        if id(obj) not in inside and on_path:
            raise FeedFormatError(f"key {on_path[0]!r} repeated in a JSON object")
    return found


def parse_json_feed(
    body: bytes,
    *,
    records: str = "",
    next_path: str | None = None,
    fields: list[str],
    max_records: int | None = None,
) -> ParsedFeed:
    """Parse a JSON document whose records are at the dotted path `records` ('' = the document);
    more than `max_records` of them and it is refused before they become columns."""
    if not body.strip():
        return ParsedFeed({f: [] for f in fields}, 0)
    repeated: list[RepeatedKeys] = []
    document = load_json(body, repeated)
    try:  # values nested just below json's own limit must not exhaust the stack either
        items = walk(document, split_path(records)) if records else document
        if items is None:
            items = []
        if not isinstance(items, list):
            raise FeedFormatError(f"records path {records or '(document)'!r} is not a list")
        check_record_count(len(items), max_records)
        next_page = (
            walk(document, split_path(next_path))
            if next_path and isinstance(document, dict)
            else None
        )
        if next_page is not None and not isinstance(next_page, str):
            raise FeedFormatError(f"next-page path {next_path!r} does not hold a link")

        paths = {*split_path(records), *split_path(next_path or "")}
        ambiguous = _ambiguous_records(items, repeated, paths)
        good = [item for item in items if isinstance(item, dict) and id(item) not in ambiguous]
        unreadable = [
            ("record is not a JSON object", item)
            if not isinstance(item, dict)
            else ambiguous[id(item)]
            for item in items
            if not isinstance(item, dict) or id(item) in ambiguous
        ]
        problems = [
            RowProblem(len(good) + k, reason, str(item)[:200])
            for k, (reason, item) in enumerate(unreadable)
        ]
        columns = {field: _column(good, split_path(field)) for field in dict.fromkeys(fields)}
    except RecursionError:
        raise FeedFormatError("JSON nested too deeply") from None
    return ParsedFeed(columns, len(good), problems, next_page or None)
