"""Metadata as the Dagster UI shows it: every text and table the UI renders is built here, so
that what a provider sent is made safe in one place (`pipelines.lib.safe_text`)."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping

import pandas as pd
from dagster import MetadataValue, TableColumn, TableRecord, TableSchema

from pipelines.lib.safe_text import markdown_table, printable
from schemas.tables import TABLES, Table


def md_table(frame: pd.DataFrame, percent: tuple[str, ...] = ()) -> MetadataValue:
    """A markdown table, every cell escaped and missing values empty; `percent` columns
    (shares from 0 to 1) as percentages, numbers rounded."""
    if frame.empty:
        return MetadataValue.md("(none)")
    shown = frame.copy()
    for column in percent:
        shown[column] = shown[column].map(lambda v: "" if pd.isna(v) else f"{v:.0%}")
    for column in shown.columns[shown.dtypes == "float64"]:
        shown[column] = shown[column].round(3)
    return MetadataValue.md(markdown_table(shown))


def text(value: str) -> MetadataValue:
    """A line of text (a headline): controls shown as escapes, one line, at most 500
    characters."""
    return MetadataValue.text(printable(" ".join(value.split()), 500))


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
