"""CSV feeds, read by pyarrow's multithreaded reader with every column as text."""

from __future__ import annotations

import csv
import io

import pyarrow as pa
import pyarrow.csv as pv

from connectors.formats.base import FeedFormatError, ParsedFeed, RowProblem


def _header(body: bytes, encoding: str, delimiter: str) -> list[str]:
    head = body[: 64 * 1024].decode(encoding, errors="replace").lstrip("\ufeff")
    try:
        return next(csv.reader(io.StringIO(head), delimiter=delimiter))
    except StopIteration:
        return []


def parse_csv_feed(
    body: bytes,
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    fields: list[str] | None = None,
) -> ParsedFeed:
    """Parse a CSV document; `fields` are the columns wanted (all when None).

    Rows with the wrong number of fields become `problems`, not a failed feed.
    """
    if not body.strip():
        return ParsedFeed({name: [] for name in fields or []}, 0)
    names = _header(body, encoding, delimiter)
    if not names:
        raise FeedFormatError("no header row")
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise FeedFormatError(f"repeated column name(s) {duplicates} in the header")
    wanted = list(dict.fromkeys(fields)) if fields is not None else names
    absent = [f for f in wanted if f not in names]
    if absent:
        raise FeedFormatError(f"column(s) {absent} not in the header (columns: {names})")

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
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        raise FeedFormatError(f"not a readable {encoding} CSV document: {exc}") from None
    n = table.num_rows
    problems = [RowProblem(n + k, *text.split("\x1f", 1)) for k, text in enumerate(bad_rows)]
    columns = {name: table.column(name).to_pylist() for name in wanted}
    return ParsedFeed(columns, n, problems)
