"""From the sources read in a run to the catalogue's tables (plain functions, no Dagster)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

from connectors.feeds import SourceRead
from schemas.canonical import COLUMN_NAMES, CONSTITUTIVE_ELEMENTS, RECORD_KEYS
from schemas.identity import stable_ids
from schemas.normalise import normalise_records
from schemas.registry import Registry
from schemas.tables import FEED_STATUS
from schemas.validation import ValidationResult, validate_records


@dataclass
class CatalogueTables:
    microcredentials: pd.DataFrame
    lineage: pd.DataFrame
    rejects: pd.DataFrame
    feed_status: pd.DataFrame
    providers: pd.DataFrame

    def as_dict(self) -> dict[str, pd.DataFrame]:
        return dict(self.__dict__)


def assemble_records(reads: list[SourceRead]) -> pd.DataFrame:
    """All sources' mapped records in one frame (with `source_id`), in registry order."""
    frames = [
        read.records.assign(source_id=read.source_id)
        for read in reads
        if read.records is not None and len(read.records)
    ]
    if not frames:
        return pd.DataFrame({key: pd.Series(dtype="object") for key in RECORD_KEYS})
    return pd.concat(frames, ignore_index=True)


def validate_sources(reads: list[SourceRead], registry: Registry) -> ValidationResult:
    """Normalise and validate every record read, all sources together."""
    records = assemble_records(reads)
    normalised, problems = normalise_records(records, registry)
    return validate_records(normalised, problems)


def completeness(frame: pd.DataFrame) -> tuple[pd.Series, pd.Series]:
    """Share of constitutive elements present, and the names of those missing, per row.

    Rows are grouped by which elements they have, so the lists are built once per pattern.
    """
    names = list(CONSTITUTIVE_ELEMENTS)
    present = (
        np.column_stack(
            [
                frame[list(cols)].notna().any(axis=1).to_numpy()
                for cols in CONSTITUTIVE_ELEMENTS.values()
            ]
        )
        if len(frame)
        else np.zeros((0, len(names)), dtype=bool)
    )
    pattern = present.astype(np.int64) @ (1 << np.arange(len(names), dtype=np.int64))
    lists = {
        int(p): [n for i, n in enumerate(names) if not (int(p) >> i) & 1]
        for p in np.unique(pattern)
    }
    missing = pd.Series(pattern, index=frame.index).map(lists).astype("object")
    share = pd.Series(present.sum(axis=1) / len(names), index=frame.index, dtype="float64")
    return share, missing


def build_catalogue(
    result: ValidationResult,
    reads: list[SourceRead],
    registry: Registry,
    run_at: datetime,
    previous: dict[str, pd.DataFrame] | None = None,
) -> CatalogueTables:
    """The run's tables. `previous` holds the last published tables (for first_seen, history)."""
    previous = previous or {}
    accepted = result.accepted
    rows = accepted.copy()
    rows["credential_id"] = stable_ids([rows["source_id"], rows["source_record_id"]], prefix="mc-")
    rows["completeness"], rows["missing_elements"] = completeness(rows)
    rows["status"] = "active"
    run_ts = (
        pd.Timestamp(run_at).tz_convert("UTC")
        if pd.Timestamp(run_at).tzinfo
        else pd.Timestamp(run_at, tz="UTC")
    )
    rows["last_seen"] = run_ts
    rows["first_seen"] = run_ts
    before = previous.get("microcredentials")
    if before is not None and len(before):
        first = before.set_index("credential_id")["first_seen"]
        known = rows["credential_id"].map(first)
        rows["first_seen"] = known.where(known.notna(), run_ts)
    rows["source_count"] = np.int32(1)
    microcredentials = rows[list(COLUMN_NAMES)].sort_values("credential_id").reset_index(drop=True)

    lineage = rows[["credential_id", *RECORD_KEYS]].assign(merge_reason="own record")
    lineage = lineage.sort_values(["source_id", "record_index"]).reset_index(drop=True)
    feed_status = _feed_status(reads, lineage, result.rejects, run_ts, previous.get("feed_status"))
    return CatalogueTables(
        microcredentials, lineage, result.rejects, feed_status, providers_table(registry)
    )


def _feed_status(
    reads: list[SourceRead],
    lineage: pd.DataFrame,
    rejects: pd.DataFrame,
    run_at: pd.Timestamp,
    history: pd.DataFrame | None,
) -> pd.DataFrame:
    accepted = lineage.groupby("source_id").size()
    rejected = rejects.groupby("source_id")["record_index"].nunique()
    current = pd.DataFrame(
        {
            "source_id": [r.source_id for r in reads],
            "run_at": run_at,
            "status": [r.status for r in reads],
            "records_read": [r.records_read for r in reads],
            "error": [r.error for r in reads],
            "stale": [r.stale for r in reads],
            "warnings": ["; ".join(r.warnings) or None for r in reads],
            "pages": [r.pages for r in reads],
            "bytes_read": [r.bytes_read for r in reads],
            "seconds": [round(r.seconds, 3) for r in reads],
        }
    )
    current["records_accepted"] = current["source_id"].map(accepted).fillna(0).astype("int64")
    current["records_rejected"] = current["source_id"].map(rejected).fillna(0).astype("int64")
    current["records_read"] = current["records_read"].astype("int64")
    current = current[FEED_STATUS.column_names]
    if history is not None and len(history):
        current = pd.concat([history[FEED_STATUS.column_names], current], ignore_index=True)
    return current


def providers_table(registry: Registry) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "provider_id": [p.id for p in registry.providers],
            "name": [p.name for p in registry.providers],
            "country": [p.country for p in registry.providers],
            "trusted": [p.trusted for p in registry.providers],
            "aliases": [list(p.aliases) for p in registry.providers],
            "schac": [p.identifiers.schac for p in registry.providers],
            "erasmus": [p.identifiers.erasmus for p in registry.providers],
            "deqar": [p.identifiers.deqar for p in registry.providers],
        }
    )
