"""Write the catalogue as Parquet and DuckDB, each published atomically.

Layout of the catalogue folder:
  parquet -> releases/<run_id>     symlink, swapped in one rename once a release is complete
  releases/<run_id>/               microcredentials/provider_country=XX/*.parquet, <table>.parquet
  catalogue.duckdb                 built beside, then renamed over the previous one
  state/                           per-source cache (validators and last good records)
A crash at any point leaves the previous release and database readable and whole.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from pipelines.catalogue.coverage import COVERAGE_VIEW_SQL
from schemas.canonical import COLUMN_NAMES
from schemas.tables import TABLES, Table

KEEP_RELEASES = 3


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    spec = TABLES[table]
    if table == "microcredentials":
        frame = frame.assign(
            start_date=frame["start_date"].dt.date, end_date=frame["end_date"].dt.date
        )
    return pa.Table.from_pandas(
        frame[spec.column_names], schema=spec.arrow_schema(), preserve_index=False
    )


def remove_leftovers(catalogue_dir: Path) -> list[Path]:
    """Remove what a run that crashed left half-written (staging folders, temporary files).
    Called with the catalogue lock held, so nothing else is writing them."""
    leftovers = [
        *(catalogue_dir / "releases").glob(".*.partial"),
        *catalogue_dir.glob(".catalogue.duckdb.*.tmp"),
        *catalogue_dir.glob(".parquet.*.tmp"),
    ]
    for path in leftovers:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    return leftovers


def write_release(tables: dict[str, pd.DataFrame], catalogue_dir: Path, run_id: str) -> Path:
    """Write every table under releases/<run_id> (not yet visible to readers)."""
    remove_leftovers(catalogue_dir)
    release = catalogue_dir / "releases" / run_id
    staging = release.with_name(f".{run_id}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in TABLES:
        arrow = to_arrow(name, tables[name])
        if name == "microcredentials" and arrow.num_rows == 0:
            pq.write_table(arrow, staging / "empty-microcredentials.parquet")
        elif name == "microcredentials":
            ds.write_dataset(
                arrow,
                staging / name,
                format="parquet",
                partitioning=ds.partitioning(
                    pa.schema([("provider_country", pa.string())]), flavor="hive"
                ),
                existing_data_behavior="error",
                basename_template="part-{i}.parquet",
            )
        else:
            pq.write_table(arrow, staging / f"{name}.parquet")
    os.replace(staging, release)
    return release


def publish_release(catalogue_dir: Path, release: Path) -> None:
    """Point `parquet` at the release in one atomic rename; prune old releases."""
    link = catalogue_dir / "parquet"
    tmp = catalogue_dir / f".parquet.{os.getpid()}.tmp"
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    tmp.symlink_to(Path("releases") / release.name, target_is_directory=True)
    if link.exists() and not link.is_symlink():
        raise RuntimeError(f"{link} exists and is not a symlink; move it away")
    os.replace(tmp, link)
    releases = sorted(
        p for p in (catalogue_dir / "releases").iterdir() if not p.name.startswith(".")
    )
    for old in releases[:-KEEP_RELEASES]:
        if old.resolve() != release.resolve():
            shutil.rmtree(old, ignore_errors=True)


def read_published(
    catalogue_dir: Path, names: Iterable[str] = tuple(TABLES)
) -> dict[str, pd.DataFrame]:
    """The currently published tables among `names` (empty when there is no catalogue yet)."""
    root = catalogue_dir / "parquet"
    if not root.exists():
        return {}
    wanted = set(names)
    tables = {
        name: pq.read_table(root / f"{name}.parquet").to_pandas()
        for name in TABLES
        if name in wanted and name != "microcredentials" and (root / f"{name}.parquet").exists()
    }
    partitions, empty = root / "microcredentials", root / "empty-microcredentials.parquet"
    if "microcredentials" in wanted and partitions.exists():
        dataset = ds.dataset(partitions, format="parquet", partitioning="hive")
        tables["microcredentials"] = dataset.to_table().to_pandas()[list(COLUMN_NAMES)]
    elif "microcredentials" in wanted and empty.exists():
        tables["microcredentials"] = pq.read_table(empty).to_pandas()
    if "microcredentials" in tables:  # dates as the pipeline holds them (Parquet has date32)
        mc = tables["microcredentials"]
        for column in ("start_date", "end_date"):
            mc[column] = pd.to_datetime(mc[column])
    return tables


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _select_release(table: Table, release: Path) -> str:
    columns = ", ".join(f'"{c}"' for c in table.column_names)
    if table.name != "microcredentials":
        return f"SELECT {columns} FROM read_parquet({_quote(str(release / (table.name + '.parquet')))})"
    if not any((release / table.name).rglob("*.parquet")):  # an empty catalogue has no partition
        return f"SELECT {columns} FROM read_parquet({_quote(str(release / 'empty-microcredentials.parquet'))})"
    files = _quote(str(release / table.name / "**" / "*.parquet"))
    return f"SELECT {columns} FROM read_parquet({files}, hive_partitioning = true) ORDER BY credential_id"


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
        con.execute(
            "CREATE VIEW latest_feed_status AS SELECT * FROM feed_status "
            "WHERE run_at = (SELECT max(run_at) FROM feed_status)"
        )
        con.execute("COMMENT ON VIEW latest_feed_status IS 'feed_status of the latest run only'")
        con.execute(
            "CREATE VIEW latest_changes AS SELECT * FROM changes "
            "WHERE run_at = (SELECT max(run_at) FROM changes)"
        )
        con.execute("COMMENT ON VIEW latest_changes IS 'changes of the latest run only'")
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
