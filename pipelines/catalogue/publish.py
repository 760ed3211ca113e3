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
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq

from schemas.canonical import COLUMN_NAMES, COLUMNS, arrow_schema

TABLES = ("microcredentials", "lineage", "rejects", "feed_status", "providers")
KEEP_RELEASES = 3

TABLE_COMMENTS = {
    "microcredentials": "One row per micro-credential (spec section 3); constitutive elements of the European framework",
    "lineage": "Every accepted source record and the catalogue row it went into",
    "rejects": "Records that could not be accepted: one row per problem, naming source, record, field, reason and value",
    "feed_status": "One row per source per run: how reading it went",
    "providers": "Providers registered in the registry",
}

COLUMN_COMMENTS = {
    "lineage": {
        "credential_id": "Catalogue row the record went into",
        "source_id": "Registry id of the source",
        "source_record_id": "Id of the record in its feed (derived from its content when the feed gives none)",
        "record_index": "Position of the record in the feed as read in the run (0-based)",
        "merge_reason": "Why the record went into this row",
    },
    "rejects": {
        "source_id": "Registry id of the source",
        "source_record_id": "Id of the record in its feed",
        "record_index": "Position of the record in the feed as read in the run (0-based)",
        "field": "Canonical field at fault ('record' when the record as a whole could not be read)",
        "reason": "What is wrong",
        "value": "The value as the feed gave it",
    },
    "feed_status": {
        "source_id": "Registry id of the source",
        "run_at": "Start of the run (UTC)",
        "status": "ok (read and parsed), unchanged (not modified since last run, cached records used) or failed",
        "records_read": "Records read from the feed in this run (0 when it failed)",
        "records_accepted": "Records of this source in the catalogue after this run",
        "records_rejected": "Records of this source in rejects after this run",
        "error": "Why the source failed",
        "stale": "The source failed and its last good records were kept",
        "warnings": "Things an operator should look at (e.g. a mapping that found nothing)",
        "pages": "Documents requested",
        "bytes_read": "Bytes downloaded",
        "seconds": "Time spent reading the source",
    },
    "providers": {
        "provider_id": "Registry id",
        "name": "Name",
        "country": "ISO 3166-1 alpha-2",
        "trusted": "Listed in a register of trustworthy providers (e.g. DEQAR)",
        "aliases": "Other names",
        "schac": "SCHAC home organisation",
        "erasmus": "Erasmus code",
        "deqar": "DEQAR institution id",
    },
    "microcredentials": {c.name: c.description for c in COLUMNS},
}


def to_arrow(table: str, frame: pd.DataFrame) -> pa.Table:
    if table == "microcredentials":
        frame = frame.assign(
            start_date=frame["start_date"].dt.date, end_date=frame["end_date"].dt.date
        )
        return pa.Table.from_pandas(
            frame[list(COLUMN_NAMES)], schema=arrow_schema(), preserve_index=False
        )
    return pa.Table.from_pandas(frame, preserve_index=False)


def write_release(tables: dict[str, pd.DataFrame], catalogue_dir: Path, run_id: str) -> Path:
    """Write every table under releases/<run_id> (not yet visible to readers)."""
    release = catalogue_dir / "releases" / run_id
    staging = release.with_name(f".{run_id}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    for name in TABLES:
        arrow = to_arrow(name, tables[name])
        if name == "microcredentials":
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


def read_published(catalogue_dir: Path) -> dict[str, pd.DataFrame]:
    """The currently published tables (empty dict when there is no catalogue yet)."""
    root = catalogue_dir / "parquet"
    if not root.exists():
        return {}
    tables = {}
    for name in TABLES:
        path = root / name if name == "microcredentials" else root / f"{name}.parquet"
        if path.exists():
            tables[name] = read_table(path, name)
    return tables


def read_table(path: Path, name: str) -> pd.DataFrame:
    if name == "microcredentials":
        dataset = ds.dataset(path, format="parquet", partitioning="hive")
        frame = dataset.to_table().to_pandas()
        return frame[list(COLUMN_NAMES)]
    return pq.read_table(path).to_pandas()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def build_duckdb(catalogue_dir: Path) -> Path:
    """Build catalogue.duckdb from the published Parquet release and swap it in atomically."""
    release = (catalogue_dir / "parquet").resolve()
    target = catalogue_dir / "catalogue.duckdb"
    tmp = catalogue_dir / f".catalogue.duckdb.{os.getpid()}.tmp"
    tmp.unlink(missing_ok=True)
    con = duckdb.connect(str(tmp))
    try:
        columns = ", ".join(f'"{c}"' for c in COLUMN_NAMES)
        mc_glob = str(release / "microcredentials" / "**" / "*.parquet")
        con.execute(
            f"CREATE TABLE microcredentials AS SELECT {columns} FROM read_parquet("
            f"{_quote(mc_glob)}, hive_partitioning = true, union_by_name = true) ORDER BY credential_id"
        )
        for name in TABLES[1:]:
            con.execute(
                f"CREATE TABLE {name} AS SELECT * FROM read_parquet({_quote(str(release / (name + '.parquet')))})"
            )
        for name in TABLES:
            con.execute(f"COMMENT ON TABLE {name} IS {_quote(TABLE_COMMENTS[name])}")
            for column, comment in COLUMN_COMMENTS[name].items():
                con.execute(f'COMMENT ON COLUMN {name}."{column}" IS {_quote(comment)}')
        con.execute(
            "CREATE VIEW latest_feed_status AS SELECT * FROM feed_status "
            "WHERE run_at = (SELECT max(run_at) FROM feed_status)"
        )
        con.execute("COMMENT ON VIEW latest_feed_status IS 'feed_status of the latest run only'")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, target)
    return target
