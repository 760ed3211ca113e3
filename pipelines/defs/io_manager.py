"""Records pass between the run's assets as Parquet, not pickles; a staged release as its path.

A pickle of Arrow-backed text keeps whole parent buffers (650 MB for 100,000 records here);
Parquet keeps what the frame holds, loads fast, and lets an operator re-materialise one asset
from the UI with its upstream values read back from disk.
"""

import json
import os
import shutil
from dataclasses import asdict
from datetime import datetime
from pathlib import Path

import pandas as pd
from dagster import ConfigurableIOManager, InputContext, OutputContext

from connectors.cache import read_records
from pipelines.publish.release import StagedRelease
from pipelines.reading.sources import SourcesRead
from pipelines.validation.validate import ValidationResult
from schemas.reads import SourceRead
from schemas.registry import Registry


def write_sources_read(read: SourcesRead, folder: Path) -> None:
    registry = read.registry.model_dump(mode="json")
    (folder / "registry.json").write_text(json.dumps(registry), encoding="utf-8")
    reads = read.reads
    frames = [r.records.assign(_source_id=r.source_id) for r in reads if r.records is not None]
    if frames:
        pd.concat(frames, ignore_index=True).to_parquet(folder / "records.parquet", index=False)
    meta = [{**asdict(r), "records": r.records is not None} for r in reads]
    (folder / "reads.json").write_text(json.dumps(meta), encoding="utf-8")


def read_sources_read(folder: Path) -> SourcesRead:
    registry = Registry.model_validate_json((folder / "registry.json").read_text(encoding="utf-8"))
    meta = json.loads((folder / "reads.json").read_text(encoding="utf-8"))
    path = folder / "records.parquet"
    records = read_records(path) if path.exists() else pd.DataFrame({"_source_id": []})
    by_source = dict(tuple(records.groupby("_source_id", sort=False)))
    reads = []
    for entry in meta:
        frame = None
        if entry.pop("records"):  # read (possibly empty) or kept from the last good run
            frame = by_source.get(entry["source_id"], pd.DataFrame())
            if "_source_id" in frame:
                frame = frame.drop(columns="_source_id").dropna(axis=1, how="all")
            frame = frame.reset_index(drop=True)
        reads.append(SourceRead(**{**entry, "records": frame}))
    return SourcesRead(registry, reads)


class CatalogueIOManager(ConfigurableIOManager):
    """Stores `SourcesRead` and `ValidationResult` outputs as Parquet under `base_dir`, and a
    `StagedRelease` as the path of its folder."""

    base_dir: str

    def _folder(self, key_path: list[str]) -> Path:
        return Path(self.base_dir).joinpath(*key_path)

    def handle_output(self, context: OutputContext, obj: object) -> None:
        folder = self._folder(context.asset_key.path)
        staging = folder.with_name(folder.name + ".partial")
        shutil.rmtree(staging, ignore_errors=True)
        staging.mkdir(parents=True)
        if isinstance(obj, ValidationResult):
            obj.accepted.to_parquet(staging / "accepted.parquet", index=False)
            obj.rejects.to_parquet(staging / "rejects.parquet", index=False)
        elif isinstance(obj, SourcesRead):
            write_sources_read(obj, staging)
        elif isinstance(obj, StagedRelease):
            staged = {"path": str(obj.path), "run_at": obj.run_at.isoformat()}
            (staging / "staged.json").write_text(json.dumps(staged), encoding="utf-8")
        else:
            raise TypeError(f"{type(obj).__name__} is not stored by {type(self).__name__}")
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(staging, folder)

    def load_input(self, context: InputContext) -> object:
        folder = self._folder(context.asset_key.path)
        if (folder / "reads.json").exists():
            return read_sources_read(folder)
        if (folder / "staged.json").exists():
            staged = json.loads((folder / "staged.json").read_text(encoding="utf-8"))
            return StagedRelease(Path(staged["path"]), datetime.fromisoformat(staged["run_at"]))
        return ValidationResult(
            read_records(folder / "accepted.parquet"), read_records(folder / "rejects.parquet")
        )
