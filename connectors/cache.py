"""Per-source state kept between runs: HTTP validators of each page and the mapped records.

It lets an unchanged feed skip parsing (conditional GET) and lets a failing feed keep its last
good records in the catalogue.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from connectors.http import Validators

_SAFE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


@dataclass(frozen=True)
class PageState:
    location: str
    etag: str | None = None
    last_modified: str | None = None

    @property
    def validators(self) -> Validators:
        return Validators(self.etag, self.last_modified)


@dataclass
class CachedFeed:
    fingerprint: str
    pages: list[PageState]
    records: pd.DataFrame

    def reusable_for(self, fingerprint: str) -> bool:
        """Conditional GET may reuse these records: same configuration, every page has validators."""
        return (
            self.fingerprint == fingerprint
            and bool(self.pages)
            and all(not p.validators.empty for p in self.pages)
        )


def read_records(path: Path) -> pd.DataFrame:
    """A frame written with `to_parquet`, as the pipeline made it: pandas dtypes restored from
    the file's metadata, lists as Python lists (pyarrow would give numpy arrays)."""
    table = pq.read_table(path)
    frame = table.to_pandas()
    for name, column in zip(table.column_names, table.columns, strict=True):
        if pa.types.is_list(column.type) or pa.types.is_large_list(column.type):
            frame[name] = pd.Series(column.to_pylist(), index=frame.index, dtype="object")
    return frame


class FeedCache:
    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def _paths(self, source_id: str) -> tuple[Path, Path]:
        if not _SAFE_ID.match(source_id):
            raise ValueError(f"source id {source_id!r} cannot name a cache file")
        return self.directory / f"{source_id}.json", self.directory / f"{source_id}.parquet"

    def load(self, source_id: str) -> CachedFeed | None:
        meta_path, records_path = self._paths(source_id)
        try:
            meta = json.loads(meta_path.read_text(encoding="utf-8"))
            records = read_records(records_path)
            pages = [PageState(**page) for page in meta.get("pages", [])]
            return CachedFeed(str(meta.get("fingerprint", "")), pages, records)
        except (OSError, ValueError, TypeError, AttributeError):
            return None  # no usable cache: the feed is read in full

    def store(
        self, source_id: str, fingerprint: str, pages: list[PageState], records: pd.DataFrame
    ) -> None:
        meta_path, records_path = self._paths(source_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        tmp_records = records_path.with_suffix(".parquet.tmp")
        records.to_parquet(tmp_records, index=False)
        tmp_meta = meta_path.with_suffix(".json.tmp")
        meta = {"fingerprint": fingerprint, "pages": [asdict(p) for p in pages]}
        tmp_meta.write_text(json.dumps(meta, indent=1), encoding="utf-8")
        os.replace(tmp_records, records_path)
        os.replace(tmp_meta, meta_path)


class DropConfirmations:
    """Sources whose next read may drop more records than the registry's `max_drop_share`
    (an operator confirmed the drop is real: `python -m pipelines confirm-drop SOURCE`)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)

    def load(self) -> frozenset[str]:
        try:
            return frozenset(json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return frozenset()

    def _write(self, sources: frozenset[str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(sorted(sources)), encoding="utf-8")
        os.replace(tmp, self.path)

    def confirm(self, source_id: str) -> None:
        self._write(self.load() | {source_id})

    def consume(self, source_ids: set[str]) -> None:
        """Forget confirmations that have been applied."""
        if source_ids:
            self._write(self.load() - source_ids)
