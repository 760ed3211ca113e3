"""Every table a run publishes: columns, types, comments and partitioning, declared once for
Parquet and DuckDB."""

from __future__ import annotations

from dataclasses import dataclass

import pyarrow as pa

from schemas.canonical import COLUMNS, STRING_LIST, TIMESTAMP, Column
from schemas.matching import COMPARISONS

#: The folder name of a partition's null value (an explicit unknown, not Hive's default).
UNKNOWN_PARTITION = "unknown"


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: tuple[Column, ...]
    #: Column whose values split the table into folders (`provider_country=XX/`), or None.
    #: Rows where it is null go to the folder `<column>=unknown/`.
    partition_by: str | None = None

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def arrow_schema(self) -> pa.Schema:
        return pa.schema([pa.field(c.name, c.type) for c in self.columns])


def _c(name: str, type_: pa.DataType, description: str) -> Column:
    return Column(name, type_, description, mappable=False)


_SOURCE = _c("source_id", pa.string(), "Registry id of the source")
_RECORD_ID = _c(
    "source_record_id",
    pa.string(),
    "Id of the record in its feed (derived from its content when the feed gives none)",
)
_RECORD_INDEX = _c(
    "record_index", pa.int64(), "Position of the record in the feed as read in the run (0-based)"
)

MICROCREDENTIALS = Table(
    "microcredentials",
    "One row per micro-credential: the constitutive elements of the European framework",
    COLUMNS,
    partition_by="provider_country",
)
LINEAGE = Table(
    "lineage",
    "Every accepted source record and the catalogue row it went into (also for withdrawn rows)",
    (
        _c("credential_id", pa.string(), "Catalogue row the record went into"),
        _SOURCE,
        _RECORD_ID,
        _RECORD_INDEX,
        _c(
            "merge_reason",
            pa.string(),
            "Why the record went into this row: 'own record', 'survivor' (the record the row's "
            "values come from first) or the match that merged it, with its weight and evidence",
        ),
        _c(
            "active",
            pa.bool_(),
            "The record was published in this run (false: it belongs to a withdrawn row)",
        ),
    ),
)
_SIDE = {"left": "First", "right": "Second"}
MATCHES = Table(
    "matches",
    "Pairs of records compared as possible duplicates in the latest run, with the evidence per "
    "field (weights are log2 Bayes factors; registry key 'matching')",
    (
        _c("credential_id", pa.string(), "Row of the first record (null when not merged)"),
        *(
            _c(f"{side}_{key}", type_, f"{label} record: {what}")
            for side, label in _SIDE.items()
            for key, type_, what in (
                ("source_id", pa.string(), "source"),
                ("source_record_id", pa.string(), "id in its feed"),
            )
        ),
        _c("weight", pa.float64(), "Sum of the evidence weights"),
        _c("matched", pa.bool_(), "The weight reached the match threshold"),
        _c(
            "merged",
            pa.bool_(),
            "Both records are in one catalogue row (a match, or linked through others)",
        ),
        _c("title", pa.string(), "Titles compared after normalisation: equal, very similar, …"),
        _c("title_similarity", pa.float64(), "rapidfuzz ratio of the normalised titles, 0-100"),
        *(_c(c.name, pa.string(), c.description) for c in COMPARISONS),
    ),
)
CHANGES = Table(
    "changes",
    "What each run added, changed, withdrew, reactivated or merged",
    (
        _c("run_at", TIMESTAMP, "Time of the run (UTC)"),
        _c("credential_id", pa.string(), "Catalogue row"),
        _c("change", pa.string(), "added, changed, withdrawn, reactivated or merged"),
        _c("fields", STRING_LIST, "For 'changed': the fields whose value changed"),
        _c("merged_into", pa.string(), "For 'merged': the row that now holds its records"),
        _c("title", pa.string(), "Title of the row (for reading the list)"),
    ),
)
REJECTS = Table(
    "rejects",
    "Every problem found in a record, naming source, record, field, reason and value: severity "
    "'error' rejected the record, 'warning' dropped the value and kept the record",
    (
        _SOURCE,
        _RECORD_ID,
        _RECORD_INDEX,
        _c(
            "field",
            pa.string(),
            "Canonical field at fault ('record' when the record as a whole could not be read)",
        ),
        _c("reason", pa.string(), "What is wrong"),
        _c("value", pa.string(), "The value as the feed gave it"),
        _c(
            "severity",
            pa.string(),
            "error: the record was rejected; warning: the value was set to null and the record "
            "kept (schemas/problems.py says which problems cost what)",
        ),
        _c(
            "record_id_from",
            pa.string(),
            "For a feed that gives no record ids: the fields the record's id was derived from",
        ),
    ),
)
FEED_STATUS = Table(
    "feed_status",
    "One row per source per run: how reading it went",
    (
        _SOURCE,
        _c("run_at", TIMESTAMP, "Time of the run (UTC)"),
        _c(
            "status",
            pa.string(),
            "ok (read and parsed), unchanged (not modified since the last run: cached records "
            "used), held (far fewer records than before: the last good ones kept until an "
            "operator confirms) or failed",
        ),
        _c("records_read", pa.int64(), "Records read from the feed in this run (0 when it failed)"),
        _c(
            "records_accepted", pa.int64(), "Records of this source in the catalogue after this run"
        ),
        _c(
            "records_rejected",
            pa.int64(),
            "Records of this source rejected in this run (an error in rejects)",
        ),
        _c(
            "values_dropped",
            pa.int64(),
            "Values of this source's accepted records set to null (a warning in rejects)",
        ),
        _c("error", pa.string(), "Why the source failed"),
        _c("stale", pa.bool_(), "The source failed and its last good records were kept"),
        _c(
            "warnings",
            pa.string(),
            "Things an operator should look at (e.g. a mapping that found nothing)",
        ),
        _c("pages", pa.int64(), "Documents requested"),
        _c("bytes_read", pa.int64(), "Bytes downloaded"),
        _c("seconds", pa.float64(), "Time spent reading the source"),
    ),
)
PROVIDERS = Table(
    "providers",
    "Providers in the registry, and providers the catalogue names that the registry does not list",
    (
        _c("provider_id", pa.string(), "Registry id, or 'unregistered-<country>-<name>'"),
        _c("registered", pa.bool_(), "Listed in the registry"),
        _c("name", pa.string(), "Name"),
        _c("country", pa.string(), "ISO 3166-1 alpha-2"),
        _c("trusted", pa.bool_(), "Listed in a register of trustworthy providers (e.g. DEQAR)"),
        _c("aliases", STRING_LIST, "Other names"),
        _c("schac", pa.string(), "SCHAC home organisation"),
        _c("erasmus", pa.string(), "Erasmus code"),
        _c("deqar", pa.string(), "DEQAR institution id"),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (MICROCREDENTIALS, LINEAGE, REJECTS, FEED_STATUS, PROVIDERS, MATCHES, CHANGES)
}
