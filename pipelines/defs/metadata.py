"""Metadata as the Dagster UI shows it: every text and table the UI renders is built here, so
that what a provider sent is made safe in one place."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pandas as pd
from dagster import MetadataValue, TableColumn, TableRecord, TableSchema

from schemas.tables import TABLES, Table

#: The longest text of one cell of a table shown in the UI.
MAX_CELL = 200


def _cell(value: object) -> object:
    """A cell as the UI shows it: empty for a missing value, text without what breaks a
    markdown table."""
    if value is None or (not isinstance(value, list | tuple) and pd.isna(value)):
        return ""
    if isinstance(value, float):
        return round(value, 3)
    if isinstance(value, bool | int):
        return value
    text = " ".join(str(value).split()).replace("|", "\\|")
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def md_table(frame: pd.DataFrame, percent: tuple[str, ...] = ()) -> MetadataValue:
    """A markdown table; `percent` columns (shares from 0 to 1) as percentages."""
    shown = frame.copy()
    for column in percent:
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    shown = shown.astype(object).map(_cell) if len(shown) else shown
    if shown.empty:
        return MetadataValue.md("(none)")
    return MetadataValue.md(shown.to_markdown(index=False))


def text(value: str) -> MetadataValue:
    """A line of text (a headline): one line, cut to a readable length."""
    line = " ".join(value.split())
    return MetadataValue.text(line if len(line) <= 500 else line[:499] + "…")


def percent(share: float | None) -> float:
    """A share (0 to 1) as a percentage number with one decimal (NaN when unknown)."""
    return float("nan") if share is None or pd.isna(share) else round(float(share) * 100, 1)


def table_column_schema(table: Table) -> TableSchema:
    """The `dagster/column_schema` of a published table, from its one declaration."""
    return TableSchema(
        columns=[
            TableColumn(name=c.name, type=str(c.type), description=c.description)
            for c in table.columns
        ]
    )


def tables_code_version() -> str:
    """Changes when any published table's declaration (names, types, descriptions) changes."""
    declared = [
        (t.name, [(c.name, str(c.type), c.description) for c in t.columns]) for t in TABLES.values()
    ]
    return hashlib.sha256(repr(declared).encode()).hexdigest()[:12]


def row_counts_table(counts: Mapping[str, int]) -> MetadataValue:
    """The tables of a database and their row counts."""
    schema = TableSchema(columns=[TableColumn("table", "string"), TableColumn("rows", "int")])
    records = [TableRecord({"table": name, "rows": int(n)}) for name, n in counts.items()]
    return MetadataValue.table(records, schema=schema)
