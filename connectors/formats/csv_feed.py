"""CSV feeds, read by pyarrow's multithreaded reader with every column as text."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.csv as pv

from connectors.formats.documents import FeedFormatError, check_record_count
from schemas.reads import ParsedFeed, RowProblem


def _header(body: bytes, encoding: str, delimiter: str) -> list[str]:
    head = body[: 64 * 1024].decode(encoding, errors="replace").lstrip("\ufeff")
    try:  # newline="": a lone CR ends a line (as it does for pyarrow), not an error
        return next(csv.reader(io.StringIO(head, newline=""), delimiter=delimiter))
    except StopIteration:
        return []
    except csv.Error as exc:
        raise FeedFormatError(f"unreadable header row: {exc}") from None


def _encoding_hint(names: list[str], encoding: str) -> str:
    """A header holding U+FFFD (bytes invalid in `encoding`) or NUL (UTF-16 read as an 8-bit
    encoding) says the declared encoding is wrong; say so rather than only naming columns."""
    if any("\ufffd" in name or "\x00" in name for name in names):
        return f"; the header is not {encoding} text: is options.encoding right?"
    return ""


def _undecodable(body: bytes, encoding: str) -> str | None:
    """Why `body` is not `encoding` text, if it is not. pyarrow reports bytes invalid in UTF-8
    within a row of the wrong length as a field-count error: name the real cause instead."""
    try:
        body.decode(encoding)
    except UnicodeError as exc:
        return str(exc)
    return None


def _wanted_columns(names: list[str], fields: list[str] | None, encoding: str) -> list[str]:
    """The columns to read; the header must name each once. Errors say what is wrong without
    quoting the header: it is the server's content (the registry's names are quoted)."""
    if not names:
        raise FeedFormatError("no header row")
    repeated = len(names) - len(set(names))
    if repeated:
        raise FeedFormatError(f"{repeated} column name(s) repeated in the header")
    wanted = list(dict.fromkeys(fields)) if fields is not None else names
    absent = [f for f in wanted if f not in names]
    if absent:
        raise FeedFormatError(
            f"column(s) {absent} not in the header (it has {len(names)} columns)"
            + _encoding_hint(names, encoding)
        )
    return wanted


def parse_csv_feed(
    body: bytes,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    fields: list[str] | None = None,
    max_records: int | None = None,
) -> ParsedFeed:
    """Parse a CSV document; `fields` are the columns wanted (all when None).

    Rows with the wrong number of fields become `problems`, not a failed feed. A document of
    more than `max_records` rows is refused before its rows become Python values.
    """
    if not body.strip():
        return ParsedFeed({name: [] for name in fields or []}, 0)
    names = _header(body, encoding, delimiter)
    wanted = _wanted_columns(names, fields, encoding)

    bad_rows: list[str] = []

    def on_invalid_row(row: pv.InvalidRow) -> str:
        bad_rows.append(
            f"row has {row.actual_columns} fields, the header has {row.expected_columns}"
            f"\x1f{(row.text or '')[:200]}"
        )
        return "skip"

    try:
        table = pv.read_csv(
            io.BytesIO(body),
            read_options=pv.ReadOptions(encoding=encoding, block_size=8 << 20),
            parse_options=pv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid_row
            ),
            convert_options=pv.ConvertOptions(
                column_types={name: pa.string() for name in names},
                include_columns=wanted,
                strings_can_be_null=True,
                null_values=[""],
                quoted_strings_can_be_null=True,
            ),
        )
    # UnicodeError: e.g. "UTF-16 stream does not start with BOM"; ArrowKeyError: a header
    # pyarrow reads otherwise than _header (bytes invalid in `encoding`)
    except (pa.ArrowInvalid, pa.ArrowKeyError, UnicodeError) as exc:
        reason = _undecodable(body, encoding) or exc
        raise FeedFormatError(f"not a readable {encoding} CSV document: {reason}") from None
    n = table.num_rows
    check_record_count(n + len(bad_rows), max_records)
    problems = [RowProblem(n + k, *text.split("\x1f", 1)) for k, text in enumerate(bad_rows)]
    columns = {name: table.column(name).to_pylist() for name in wanted}
    return ParsedFeed(columns, n, problems)
