"""catalogue.duckdb: the published Parquet release as tables with comments, and the views
analysts start from, swapped in atomically."""

from __future__ import annotations

import os
from pathlib import Path

import duckdb

from pipelines.catalogue.coverage import COVERAGE_VIEW_SQL
from pipelines.publish.release import empty_file
from schemas.tables import TABLES, UNKNOWN_PARTITION, Table


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select_release(table: Table, release: Path) -> str:
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    if table.partition_by is None:
        return f"SELECT {columns} FROM read_parquet({_quote(str(release / (table.name + '.parquet')))})"
    if not any((release / table.name).rglob("*.parquet")):  # no rows: no partition
        return f"SELECT {columns} FROM read_parquet({_quote(str(release / empty_file(table)))})"
    files = _quote(str(release / table.name / "**" / "*.parquet"))
    partition = f'"{table.partition_by}"'
    columns = columns.replace(
        partition, f"nullif({partition}, {_quote(UNKNOWN_PARTITION)}) AS {partition}"
    )
    key = table.column_names[0]  # a partitioned table is read back in the order of its key
    return (
        f"SELECT {columns} FROM read_parquet({files}, hive_partitioning = true, "
        f'hive_types = {{{partition}: VARCHAR}}) ORDER BY "{key}"'
    )


VIEWS = (
    (
        "latest_feed_status",
        "SELECT * FROM feed_status WHERE run_at = (SELECT max(run_at) FROM feed_status)",
        "feed_status of the latest run only",
    ),
    (
        "latest_changes",
        "SELECT * FROM changes WHERE run_at = (SELECT max(run_at) FROM feed_status)",
        "changes of the latest run only (none when it changed nothing)",
    ),
)


def build_duckdb(catalogue_dir: Path) -> Path:
    """Build catalogue.duckdb from the published Parquet release and swap it in atomically."""
    release = (catalogue_dir / "parquet").resolve()
    target = catalogue_dir / "catalogue.duckdb"
    tmp = catalogue_dir / f".catalogue.duckdb.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        for table in TABLES.values():
            con.execute(f"CREATE TABLE {table.name} AS {_select_release(table, release)}")
            con.execute(f"COMMENT ON TABLE {table.name} IS {_quote(table.description)}")
            for column in table.columns:
                con.execute(
                    f'COMMENT ON COLUMN {table.name}."{column.name}" IS {_quote(column.description)}'
                )
        for name, select, comment in VIEWS:
            con.execute(f"CREATE VIEW {name} AS {select}")
            con.execute(f"COMMENT ON VIEW {name} IS {_quote(comment)}")
        con.execute(COVERAGE_VIEW_SQL)
        con.execute(
            "COMMENT ON VIEW code_coverage IS 'Per source: share of records whose EQF level, "
            "ISCED-F code and ECTS were given, or derived by the pipeline'"
        )
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, target)
    return target


def table_row_counts(database: Path) -> dict[str, int]:
    """Rows of every table of a catalogue database, in the order the tables are declared."""
    con = duckdb.connect(str(database), read_only=True)
    try:
        return {name: con.execute(f"SELECT count(*) FROM {name}").fetchone()[0] for name in TABLES}
    finally:
        con.close()
