"""From a parsed feed to canonical fields: apply a source's mapping, defaults and value shapes.

The result keeps values as text (lists of text for list fields); typing and checking happen once,
for all sources together, in `pipelines.normalise` and `pipelines.validation`.
"""

from __future__ import annotations

import html
import re
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.lib.ids import stable_ids
from pipelines.lib.lists import collect_lists, explode_items
from pipelines.mapping.crosswalks import apply_crosswalk
from pipelines.mapping.expressions import ExpressionError, evaluate
from schemas.canonical import ID_FROM, LIST_FIELDS, SCALAR_FIELDS
from schemas.formats import PROFILE_KEY, is_profile_column
from schemas.reads import ParsedFeed
from schemas.registry import Source

#: Columns a mapped frame carries besides the canonical fields.
PROBLEM = "parse_problem"
PROBLEM_VALUE = "parse_problem_value"
#: `several_values::<field>`: the values (' | '-joined) of a record that gave several where
#: its field holds one; the field itself is then empty (normalisation reports it).
SEVERAL = "several_values::"
#: No-break spaces are spaces; zero-width characters and a stray byte order mark are nothing.
_WIDE_SPACES = "[\u00a0\u2007\u202f\u2000-\u200a\u3000]"
_INVISIBLE = "[\u200b-\u200d\u2060\ufeff]"
NUMERIC_FIELDS = ("ects", "workload_hours", "price_amount", "eqf_level", "isced_level")
_UNSAFE_TEXT = re.compile("[\x00\ud800-\udfff]")


def _has_lists(values: pd.Series) -> bool:
    return pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty")


def _tidy_text(text: pd.Series) -> pd.Series:
    """Text trimmed, HTML character references decoded (`&amp;`, `&#39;`, `&nbsp;`), no-break
    spaces as spaces, zero-width characters removed: a title written so is the same title.
    `text` has the `str` dtype; the work is Arrow's (what pandas' `.str` would call, without
    its wrapping: this runs per source and field), `html.unescape` once per distinct value."""
    array = pa.array(text, type=pa.large_string(), from_pandas=True)
    escaped = pc.fill_null(pc.match_substring(array, "&"), False)
    if pc.any(escaped).as_py():
        distinct = pc.unique(pc.filter(array, escaped))
        decoded = pa.array([html.unescape(t) for t in distinct.to_pylist()], type=array.type)
        array = pc.if_else(escaped, pc.take(decoded, pc.index_in(array, distinct)), array)
    array = pc.replace_substring_regex(array, _WIDE_SPACES, " ")
    array = pc.utf8_trim_whitespace(pc.replace_substring_regex(array, _INVISIBLE, ""))
    return pd.Series(pd.array(array, dtype="str"), index=text.index)


def _as_list_column(values: pd.Series, separator: str | None) -> pd.Series:
    """Text or lists of text -> lists of trimmed, non-empty text (None when nothing is left)."""
    items = explode_items(values).astype("str")
    if separator:
        items = items.str.split(separator, regex=False).explode()
    items = _tidy_text(items)
    return collect_lists(items[items != ""], values.index)


def _safe_text(text: str) -> str:
    """NUL and lone surrogates written out as escapes (`\\x00`, `\\ud800`)."""
    return text.replace("\x00", "\\x00").encode("utf-8", "backslashreplace").decode("utf-8")


def _unsafe_text(
    values: pd.Series, field: str
) -> tuple[pd.Series, pd.Series | None, pd.Series | None]:
    """Text holding a NUL character or a lone surrogate (JSON's `"\\ud800"`) is refused: a
    surrogate cannot be encoded as UTF-8 (pandas' arrow strings, Parquet and the record ids
    would fail) and a NUL truncates text in C-string consumers (PostgreSQL refuses it). The
    value is kept with those characters escaped, so that the record can be named and reported.
    Plain Python on purpose: any pandas string operation would encode the text first.
    Returns no problems (None, None) in the common case, checked by Arrow in C."""
    raw = values.tolist()
    if _clean_text(raw):
        return values, None, None
    problem = pd.Series(None, index=values.index, dtype="object")
    shown = pd.Series(None, index=values.index, dtype="object")
    safe = list(raw)
    for i, value in enumerate(raw):
        items = [str(t) for t in value] if isinstance(value, list) else [str(value)]
        if value is None or not any(_UNSAFE_TEXT.search(t) for t in items):
            continue
        nul = any("\x00" in t for t in items)
        reason = "contains a NUL character" if nul else "holds a lone surrogate, not Unicode"
        problem.iat[i] = f"field '{field}': text {reason}"
        safe[i] = (
            [_safe_text(t) for t in items] if isinstance(value, list) else _safe_text(items[0])
        )
        shown.iat[i] = " | ".join(safe[i]) if isinstance(value, list) else safe[i]
    return pd.Series(safe, index=values.index, dtype="object"), problem, shown


def _clean_text(raw: list) -> bool:
    """True when no value holds a NUL or a lone surrogate (Arrow refuses to encode those)."""
    try:
        array = pa.array(raw)
    except (pa.ArrowInvalid, pa.ArrowTypeError, UnicodeEncodeError):
        return False  # mixed shapes or text that cannot be encoded: look value by value
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        array = pc.list_flatten(array)
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return pa.types.is_null(array.type)
    return not pc.any(pc.match_substring(array, "\x00")).as_py()


def _single_values(values: pd.Series, choice: str | None) -> tuple[pd.Series, pd.Series | None]:
    """Unwrap one-element lists. Several values where the field holds one: the first or all
    joined when the registry chose so (`options.several_values`), else no value and the values
    returned (' | '-joined) for normalisation to report: which one is meant is not guessed."""
    is_list = values.map(lambda v: isinstance(v, list)).astype(bool)
    lengths = values[is_list].map(len)
    unwrapped = values.copy()
    single = lengths[lengths == 1].index
    unwrapped[single] = values[single].map(lambda v: v[0])
    several = lengths[lengths > 1].index
    if not len(several):
        return unwrapped, None
    if choice == "first":
        unwrapped[several] = values[several].map(lambda v: v[0])
        return unwrapped, None
    if choice == "join":
        unwrapped[several] = values[several].map(lambda v: "; ".join(dict.fromkeys(map(str, v))))
        return unwrapped, None
    unwrapped[several] = None
    joined = values[several].map(lambda v: " | ".join(map(str, v)))
    return unwrapped, joined.reindex(values.index)


def field_paths(parsed: ParsedFeed, source: Source) -> dict[str, str]:
    """Where each canonical field is among the parsed columns. A standard profile names its
    columns `<format>::<field>`: they hold those fields, unless the registry's `mapping` puts a
    field elsewhere (a path, or an expression); the other formats have the registry's `mapping`
    only. Computed fields are not among them (`computed_fields`)."""
    own = {
        column.split(PROFILE_KEY, 1)[1]: column
        for column in parsed.columns
        if is_profile_column(column) and column.split(PROFILE_KEY, 1)[0] == source.format
    }
    paths = {**own, **source.paths}
    return {field: path for field, path in paths.items() if field not in source.expressions}


def computed_fields(parsed: ParsedFeed, source: Source) -> dict[str, list[Any]]:
    """The value of each computed field (`mapping: {field: {sql: ...}}`) for every record read,
    evaluated over the parsed source fields in one query per field."""
    found = {}
    for field, sql in source.expressions.items():
        try:
            found[field] = evaluate(sql, parsed.columns, parsed.n_records)
        except ExpressionError as exc:
            raise ExpressionError(f"mapping.{field} {{sql: {sql}}}: {exc}") from None
    return found


def map_source_fields(parsed: ParsedFeed, source: Source) -> pd.DataFrame:
    """One row per record read (including unreadable ones), canonical field names as columns."""
    mapping = field_paths(parsed, source)
    computed = computed_fields(parsed, source)
    n = parsed.n_records
    frame = pd.DataFrame(index=pd.RangeIndex(n))
    problem = pd.Series(None, index=frame.index, dtype="object")
    problem_value = pd.Series(None, index=frame.index, dtype="object")

    def note(field_problem: pd.Series | None, field_value: pd.Series | None) -> None:
        """Keep each record's first problem."""
        if field_problem is None:
            return
        found = field_problem.notna()
        if not found.any():
            return
        first = problem.isna() & found
        problem[first] = field_problem[first]
        problem_value[first] = field_value[first]

    for field in (*mapping, *computed):
        column = computed[field] if field in computed else parsed.columns[mapping[field]]
        values = pd.Series(column, index=frame.index, dtype="object")
        values, *unsafe = _unsafe_text(values, field)
        note(*unsafe)
        if field in LIST_FIELDS:
            values = _as_list_column(values, source.options.list_separator)
        elif _has_lists(values):
            values, several = _single_values(values, source.options.several_values.get(field))
            if several is not None:
                frame[SEVERAL + field] = several
        frame[field] = values
    for field in SCALAR_FIELDS:
        if field in frame:
            text = _tidy_text(frame[field].astype("str"))  # arrow-backed: vectorised
            frame[field] = text.where(text.notna() & (text != ""))
    _apply_registry_readings(frame, source)
    frame["record_index"] = np.arange(n, dtype="int64")
    frame[PROBLEM] = problem
    frame[PROBLEM_VALUE] = problem_value
    if parsed.problems:
        unreadable = pd.DataFrame(
            {
                "record_index": [p.record_index for p in parsed.problems],
                PROBLEM: [p.reason for p in parsed.problems],
                PROBLEM_VALUE: [_safe_text(p.value) for p in parsed.problems],
            }
        )
        frame = pd.concat([frame, unreadable], ignore_index=True)
    frame["source_record_id"] = _record_ids(frame, {*mapping, *computed})
    return frame


def _apply_registry_readings(frame: pd.DataFrame, source: Source) -> None:
    """What the registry says the feed's values mean, in place: crosswalks (the feed's own
    values), decimal commas, then defaults for what the feed leaves empty."""
    for field, table in source.values.items():
        if field in frame:
            frame[field] = apply_crosswalk(frame[field], table, field in LIST_FIELDS)
    if source.options.decimal == ",":
        for field in NUMERIC_FIELDS:
            if field in frame:
                frame[field] = _decimal_comma_to_point(frame[field])
    for field, default in source.defaults.items():
        fill = default_value(field, default)
        if field in LIST_FIELDS:
            filler = pd.Series([fill] * len(frame), index=frame.index, dtype="object")
        else:
            filler = pd.Series(fill, index=frame.index, dtype="str")
        frame[field] = (
            frame[field].where(frame[field].notna(), filler) if field in frame else filler
        )


def _decimal_comma_to_point(values: pd.Series) -> pd.Series:
    """'1.234,5' -> '1234.5'; a value without a comma is left as written."""
    has_comma = values.str.contains(",", regex=False).fillna(False).astype(bool)
    converted = values.str.replace(".", "", regex=False).str.replace(",", ".", regex=False)
    return values.where(~has_comma, converted)


def default_value(field: str, value: Any) -> Any:
    """A registry default as a mapped value: text, or a list of text for a list field."""
    if field in LIST_FIELDS:
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]
    return None if value is None else str(value)


#: What identifies an offering in a feed without record ids: its id is derived from these, so
#: that a new description, price or outcome keeps the record (and its catalogue row's history).
IDENTIFYING_FIELDS = (
    "title",
    "provider_id",
    "provider_name",
    "awarding_body_name",
    "url",
    "ects",
    "workload_hours",
    "languages",
    "start_date",
    "end_date",
)


def _record_ids(frame: pd.DataFrame, mapping: set[str]) -> pd.Series:
    """The feed's own id where it gives one; otherwise a stable id from the fields that
    identify the offering (from all its content when it has none of them)."""
    given = frame.get("source_record_id")
    missing = frame.index if given is None else frame.index[given.isna()]
    ids = (
        given.astype("object")
        if given is not None
        else pd.Series(None, index=frame.index, dtype="object")
    )
    if len(missing):
        rows = frame.loc[missing]
        mapped = [c for c in sorted(rows.columns) if c in mapping or c == PROBLEM_VALUE]
        identifying = [c for c in mapped if c in IDENTIFYING_FIELDS or c == PROBLEM_VALUE]
        used = identifying or mapped
        derived = stable_ids([rows[c] for c in used] or [rows["record_index"]], "h")
        named = [c for c in used if c != PROBLEM_VALUE]  # an unreadable record: its text too
        origin = pd.Series(", ".join(named) or "record_index", index=rows.index, dtype="object")
        # Records alike in every identifying field differ in the rest: all their content decides.
        alike = derived.duplicated(keep=False)
        if alike.any() and identifying and mapped != identifying:
            derived[alike] = stable_ids([rows.loc[alike, c] for c in mapped], prefix="h")
            origin[alike] = ", ".join(mapped)
        ids[missing] = derived
        frame[ID_FROM] = origin.reindex(frame.index)
    return ids
