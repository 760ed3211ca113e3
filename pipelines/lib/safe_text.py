"""Text from feeds made safe for whoever reads an output: a terminal, a markdown renderer, a
spreadsheet, or a log that must not hold a secret.

Everything a provider's server returns is hostile: a title may carry terminal escape sequences or
bidi controls (which make a terminal show something else than what is there), markdown (an image
loaded from an outside host in the operator's browser, a forged table row), a spreadsheet formula,
or megabytes of text. These helpers are applied where an output is produced, not where data is
stored: the catalogue keeps values as the feed wrote them.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, quote_plus

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

#: Characters a terminal acts on instead of showing: C0 and C1 controls, DEL, and the Unicode
#: controls that reorder text (bidi embeddings, overrides, isolates and marks) or break lines.
_UNPRINTABLE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)
_NEWLINES = re.compile(r"\r\n|[\r\n]")
#: The same, less C0: json.dumps escapes those itself (and a newline between values is JSON).
_UNPRINTABLE_IN_JSON = re.compile(
    "[\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]"
)


def _escape_char(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def printable(value: object, limit: int | None = None, keep_newlines: bool = False) -> str:
    """`value` as text a terminal shows as it is: every control and bidi character written as
    an escape (`\\x1b`, `\\u202e`), at most `limit` characters of the value (then `…`).
    With `keep_newlines`, line breaks stay (a multi-line message), other controls do not."""
    text = "" if value is None else str(value)
    text = bounded(text, limit)
    if not keep_newlines:
        return _UNPRINTABLE.sub(_escape_char, text)
    return "\n".join(_UNPRINTABLE.sub(_escape_char, line) for line in _NEWLINES.split(text))


def json_printable(text: str) -> str:
    """JSON text (as `json.dumps(..., ensure_ascii=False)` writes it) with the C1 controls, DEL
    and bidi controls it leaves as they are written as `\\uXXXX` escapes: still the same JSON."""
    return _UNPRINTABLE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def bounded(text: str, limit: int | None) -> str:
    """At most `limit` characters: a longer text is cut and ends with `…`."""
    if limit is None or len(text) <= limit:
        return text
    return text[: max(limit - 1, 0)] + "…"


# --- markdown --------------------------------------------------------------------------------

#: The characters that make inline markdown (a cell is never at the start of a line, so block
#: syntax cannot form): links and images, emphasis, code, HTML and entities, table cells, and
#: the `:` and `@` of autolinks. Backslash-escaped, each renders as itself.
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>|!~&:@$^])")
_WWW = re.compile(r"(?i)\b(www)\.")
_WHITESPACE_RUN = re.compile(r"\s+")
#: Longest cell of a metadata table (characters of the value, before escaping).
MARKDOWN_CELL_LIMIT = 200


def escape_markdown(value: object, limit: int | None = MARKDOWN_CELL_LIMIT) -> str:
    """`value` as markdown that renders as the same plain text on one line: markup characters
    escaped, line breaks and tabs as spaces, controls written as escapes, at most `limit`
    characters of the value."""
    if _is_missing(value):
        return ""
    text = _WHITESPACE_RUN.sub(" ", _cell_text(value))
    escaped = _MARKDOWN_SPECIAL.sub(r"\\\1", printable(text, limit))
    return _WWW.sub(r"\1\\.", escaped)  # no `www.` autolink either


def markdown_table(frame: pd.DataFrame, limit: int | None = MARKDOWN_CELL_LIMIT) -> str:
    """A markdown table of `frame` (its index left out) in which every header and cell is
    escaped text (`escape_markdown`): nothing in a value can add a row, a column or markup.
    Missing values are empty cells."""
    header = [escape_markdown(name, limit) for name in frame.columns]
    if not header:
        return ""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row in frame.itertuples(index=False, name=None):
        lines.append("| " + " | ".join(escape_markdown(v, limit) for v in row) + " |")
    return "\n".join(lines)


def _is_missing(value: object) -> bool:
    if value is None or value is pd.NA or value is pd.NaT:
        return True
    return isinstance(value, float) and np.isnan(value)


def _cell_text(value: object) -> str:
    if isinstance(value, list | tuple | np.ndarray):
        return " | ".join(_cell_text(v) for v in value if not _is_missing(v))
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


# --- CSV -------------------------------------------------------------------------------------

#: A cell starting with one of these is run as a formula by spreadsheet programs (OWASP, "CSV
#: injection"), also after leading spaces.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise_formula(value: str) -> str:
    """Text a spreadsheet shows as text: a value that would start a formula gets a leading `'`."""
    if value.startswith(_FORMULA_START) or value.lstrip(" ").startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_text(frame: pd.DataFrame) -> str:
    """`frame` as CSV in which every text cell, ids and headers included, is formula-safe
    (`neutralise_formula`); lists are joined with ' | '; numbers are written as numbers."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([neutralise_formula(str(name)) for name in frame.columns])
    columns = [_csv_column(frame[name]) for name in frame.columns]
    writer.writerows(zip(*columns, strict=True) if columns else [])
    return out.getvalue()


def _csv_column(column: pd.Series) -> list[Any]:
    if pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column):
        return ["" if _is_missing(v) else v for v in column.tolist()]
    return ["" if _is_missing(v) else neutralise_formula(_cell_text(v)) for v in column.tolist()]


# --- secrets ---------------------------------------------------------------------------------

REDACTED = "REDACTED"
#: Query parameters whose values are secrets by their name (api_key, access_token, sig, ...).
_SECRET_PARAMETER = re.compile(
    r"key|token|secret|pass|pwd|auth|sig|session|credential|jwt|bearer|code", re.IGNORECASE
)
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/\s@?#'\"]+@")
#: name=value in a query string; the value ends at `&`, `#`, a space, a quote, or a `:` that ends
#: the URL in a message ("https://host/f?key=v: HTTP 403").
_QUERY_PAIR = re.compile(r"(?<=[?&;])([^=&#\s'\"<>?]+)=((?:[^&#\s'\"<>:]|:(?!\s|$))*)")


def redact_text(text: str, secrets: Iterable[str] = ()) -> str:
    """`text` (a message, a URL) with secrets replaced by REDACTED: user:password in URLs, the
    values of query parameters named like secrets (`api_key=`, `token=`, `sig=`), and each of
    `secrets` (the values a source's credentials hold) wherever it appears, URL-encoded too."""
    for secret in sorted({s for s in secrets if s and len(s) >= 3}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret)}:
            text = text.replace(form, REDACTED)
    text = _USERINFO.sub(rf"\1{REDACTED}@", text)
    return _QUERY_PAIR.sub(
        lambda m: (
            f"{m.group(1)}={REDACTED}"
            if _SECRET_PARAMETER.search(m.group(1)) and m.group(2)
            else m.group(0)
        ),
        text,
    )


def printable_table(table: pa.Table) -> pa.Table:
    """`table` with every text value (lists of text too) made `printable`, for a terminal.
    Only the values that need it are rewritten."""
    columns = [_printable_array(column) for column in table.columns]
    return pa.table(columns, names=table.column_names)


def _printable_array(column: pa.ChunkedArray | pa.Array) -> pa.ChunkedArray | pa.Array:
    if isinstance(column, pa.ChunkedArray):
        return pa.chunked_array([_printable_array(c) for c in column.chunks], type=column.type)
    kind = column.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        unsafe = pc.match_substring_regex(column, _UNPRINTABLE.pattern).fill_null(False)
        if not pc.any(unsafe).as_py():
            return column
        values = [printable(v) if v is not None else None for v in column.to_pylist()]
        return pa.array(values, type=kind)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        values = _printable_array(column.values)
        return type(column).from_arrays(column.offsets, values, mask=column.is_null())
    if pa.types.is_struct(kind):
        children = [_printable_array(child) for child in column.flatten()]
        return pa.StructArray.from_arrays(children, fields=list(kind), mask=column.is_null())
    return column
