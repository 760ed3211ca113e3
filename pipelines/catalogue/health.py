"""How healthy a run is, said first in one line and then per source, worst first.

Two views, one per stage: the feeds (failed, held, stale, empty sources) and the records
(the share rejected per source, records rejected now that were not before). Each gives a
severity: `ok`, `warn` (something is degraded) or `error` (a share of the sources or of the
records at or above the registry's `health` settings is lost).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from pipelines.validation.validate import rejected_records
from schemas.reads import SourceRead
from schemas.registry import HealthSettings

OK, WARN, ERROR = "ok", "warn", "error"
_RANK = {OK: 0, WARN: 1, ERROR: 2}
#: How many names a headline lists before "and N more".
NAMES_IN_HEADLINE = 3
_URL_PREFIX = re.compile(r"^\S+://\S+?: ")


@dataclass(frozen=True)
class Health:
    severity: str
    #: One line, the worst first; empty when there is nothing to say.
    headline: str
    #: One row per source, worst first.
    table: pd.DataFrame

    @property
    def healthy(self) -> bool:
        return self.severity == OK


def worse(*severities: str) -> str:
    """The worst of `severities` (ok < warn < error)."""
    return max(severities, key=_RANK.__getitem__)


def short_reason(error: str | None, limit: int = 80) -> str:
    """The reason of an error without the URL it starts with, cut to `limit` characters."""
    text = _URL_PREFIX.sub("", (error or "").strip().splitlines()[0] if error else "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _names(items: list[str]) -> str:
    shown = ", ".join(items[:NAMES_IN_HEADLINE])
    more = len(items) - NAMES_IN_HEADLINE
    return f"{shown} and {more} more" if more > 0 else shown


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


#: Problems of a source's read, worst first (the order of the table and the headline).
FEED_PROBLEMS = ("failed", "held", "empty", "warning", "")


def _feed_problem(read: SourceRead) -> str:
    if read.status in ("failed", "held"):
        return read.status
    if read.records_read == 0:
        return "empty"
    return "warning" if read.warnings else ""


def feeds_health(reads: list[SourceRead], settings: HealthSettings) -> Health:
    """Sources that failed, were held (their last good records kept: stale) or sent nothing."""
    table = pd.DataFrame(
        {
            "source": [r.source_id for r in reads],
            "problem": [_feed_problem(r) for r in reads],
            "status": [r.status for r in reads],
            "stale": [r.stale for r in reads],
            "records_read": [r.records_read for r in reads],
            "detail": [r.error or "; ".join(r.warnings) or None for r in reads],
        }
    )
    rank = table["problem"].map({p: i for i, p in enumerate(FEED_PROBLEMS)})
    table = table.iloc[rank.argsort(kind="stable")].reset_index(drop=True)
    parts = []
    for problem in ("failed", "held", "empty"):
        rows = table[table["problem"] == problem]
        if len(rows):
            named = [
                f"{s} ({short_reason(d)})" if problem != "empty" else s
                for s, d in zip(rows["source"], rows["detail"], strict=True)
            ]
            parts.append(f"{_count(len(rows), 'source')} {problem}: {_names(named)}")
    lost = int(table["problem"].isin(["failed", "held", "empty"]).sum())
    if reads and lost / len(reads) >= settings.sources_lost_error_share:
        severity = ERROR
    elif lost or (table["problem"] == "warning").any():
        severity = WARN
    else:
        severity = OK
    if not parts and severity == WARN:
        warned = table.loc[table["problem"] == "warning", "source"].tolist()
        parts.append(f"{_count(len(warned), 'source')} with warnings: {_names(warned)}")
    return Health(severity, "; ".join(parts), table)


def records_health(
    reads: list[SourceRead],
    rejects: pd.DataFrame,
    previous_rejects: pd.DataFrame | None,
    settings: HealthSettings,
) -> Health:
    """Per source: records read, rejected and their share, and how many of them are newly
    rejected (not rejected in the previous catalogue, by source and record id)."""
    rejected = rejects[rejects["severity"] == "error"][["source_id", "source_record_id"]]
    rejected = rejected.drop_duplicates()
    if previous_rejects is not None and len(previous_rejects):
        before = previous_rejects[previous_rejects["severity"] == "error"]
        known = pd.MultiIndex.from_frame(before[["source_id", "source_record_id"]])
        new = ~pd.MultiIndex.from_frame(rejected).isin(known)
    else:  # no catalogue before: nothing to compare with
        new = pd.Series(previous_rejects is not None, index=rejected.index).to_numpy()
    by_source = rejected_records(rejects).groupby("source_id").size()
    table = pd.DataFrame(
        {
            "source": [r.source_id for r in reads],
            # what was validated: the records read, or a stale source's last good records
            "records_checked": [0 if r.records is None else len(r.records) for r in reads],
            "stale": [r.stale for r in reads],
        }
    )
    table["records_rejected"] = table["source"].map(by_source).fillna(0).astype("int64")
    table["newly_rejected"] = (
        table["source"].map(rejected[new].groupby("source_id").size()).fillna(0).astype("int64")
    )
    checked = table["records_checked"].where(table["records_checked"] > 0)
    table["share_rejected"] = table["records_rejected"] / checked
    table = table.sort_values(
        ["share_rejected", "records_rejected", "source"],
        ascending=[False, False, True],
        na_position="last",
    ).reset_index(drop=True)

    total_rejected = int(table["records_rejected"].sum())
    severity = rejected_share_severity(table, settings)
    if severity == OK and table.loc[~table["stale"], "newly_rejected"].sum():
        severity = WARN
    with_rejects = table[table["records_rejected"] > 0]
    named = [
        f"{s} ({n}{f', {k} new' if k else ''})"
        for s, n, k in zip(
            with_rejects["source"],
            with_rejects["records_rejected"],
            with_rejects["newly_rejected"],
            strict=True,
        )
    ]
    headline = f"{_count(total_rejected, 'record')} rejected: {_names(named)}" if named else ""
    return Health(severity, headline, table)


def rejected_share_severity(table: pd.DataFrame, settings: HealthSettings) -> str:
    """Of a `records_health` table: ERROR when `records_lost_error_share` of all records checked
    is rejected, WARN when a source read this run reaches `max_rejected_share`."""
    checked, rejected = table["records_checked"].sum(), table["records_rejected"].sum()
    if checked and rejected / checked >= settings.records_lost_error_share:
        return ERROR
    current = table[~table["stale"]]
    return WARN if (current["share_rejected"] >= settings.max_rejected_share).any() else OK
