"""The catalogue's tables as a Parquet release, published atomically, and read back."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from schemas.tables import TABLES, UNKNOWN_PARTITION, Table

KEEP_RELEASES = 3


@dataclass(frozen=True)
class StagedRelease:
    """A release written under releases/ but not published yet: checks read it first."""

    path: Path
    run_at: datetime

    @property
    def name(self) -> str:
        return self.path.name


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    spec = TABLES[table]
    dates = [c.name for c in spec.columns if pa.types.is_date32(c.type)]
    if dates:  # the pipeline holds dates as pandas timestamps; the table declares dates
        frame = frame.assign(**{name: frame[name].dt.date for name in dates})
    return pa.Table.from_pandas(
        frame[spec.column_names], schema=spec.arrow_schema(), preserve_index=False
    )


def empty_file(table: Table) -> str:
    """The file a partitioned table is written to when it has no rows (and so no partition)."""
    return f"empty-{table.name}.parquet"


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


def _partitioning(table: Table) -> ds.HivePartitioning:
    schema = pa.schema([(table.partition_by, pa.string())])
    return ds.HivePartitioning(schema, null_fallback=UNKNOWN_PARTITION)


def _write_table(table: Table, arrow: pa.Table, folder: Path) -> None:
    if table.partition_by is None:
        pq.write_table(arrow, folder / f"{table.name}.parquet")
    elif arrow.num_rows == 0:
        pq.write_table(arrow, folder / empty_file(table))
    else:
        ds.write_dataset(
            arrow,
            folder / table.name,
            format="parquet",
            partitioning=_partitioning(table),
            existing_data_behavior="error",
            basename_template="part-{i}.parquet",
        )


def write_release(tables: dict[str, pd.DataFrame], catalogue_dir: Path, run_id: str) -> Path:
    """Write every table under releases/<run_id> (not yet visible to readers)."""
    remove_leftovers(catalogue_dir)
    release = catalogue_dir / "releases" / run_id
    staging = release.with_name(f".{run_id}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name, table in TABLES.items():
        _write_table(table, to_arrow(name, tables[name]), staging)
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


def _read_table(table: Table, root: Path) -> pd.DataFrame | None:
    if table.partition_by is None:
        path = root / f"{table.name}.parquet"
        return pq.read_table(path).to_pandas() if path.exists() else None
    partitions, empty = root / table.name, root / empty_file(table)
    if partitions.exists():
        dataset = ds.dataset(partitions, format="parquet", partitioning=_partitioning(table))
        return dataset.to_table().to_pandas()[table.column_names]
    return pq.read_table(empty).to_pandas() if empty.exists() else None


def read_published(
    catalogue_dir: Path, names: Iterable[str] = tuple(TABLES)
) -> dict[str, pd.DataFrame]:
    """The currently published tables among `names` (empty when there is no catalogue yet)."""
    return read_release(catalogue_dir / "parquet", names)


def published_release(catalogue_dir: Path) -> str | None:
    """The name of the published release (None when nothing is published yet)."""
    link = catalogue_dir / "parquet"
    return link.resolve().name if link.exists() else None


def read_release(root: Path, names: Iterable[str] = tuple(TABLES)) -> dict[str, pd.DataFrame]:
    """The tables among `names` of the release at `root`, published or only staged."""
    if not root.exists():
        return {}
    tables = {}
    for name in names:
        table = TABLES[name]
        frame = _read_table(table, root)
        if frame is None:
            continue
        for column in table.columns:  # dates as the pipeline holds them (Parquet has date32)
            if pa.types.is_date32(column.type):
                frame[column.name] = pd.to_datetime(frame[column.name])
        tables[name] = frame
    return tables
