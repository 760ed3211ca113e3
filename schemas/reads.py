"""What a parser makes of one document, and what reading one source gives the pipeline."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

import pandas as pd


@dataclass(frozen=True)
class RowProblem:
    """A record the parser could not read (kept so that it reaches `rejects`)."""

    record_index: int
    reason: str
    value: str


@dataclass
class ParsedFeed:
    """Source fields of one document, column-wise: `columns[field][i]` belongs to record i.

    Values are text (str), lists of text, or None. `problems` are records that could not be
    read at all; they count as records read.
    """

    columns: dict[str, list[Any]]
    n_records: int
    problems: list[RowProblem] = field(default_factory=list)
    next_page: str | None = None


FeedStatus = Literal["ok", "unchanged", "held", "failed"]


@dataclass
class SourceRead:
    """The outcome of reading one source in one run: its mapped records (canonical field names,
    text values) or why it failed, and what reading it cost."""

    source_id: str
    status: FeedStatus
    records: pd.DataFrame | None = None
    error: str | None = None
    pages: int = 0
    bytes_read: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)
    #: Records the feed returned when they were held back (status `held`).
    records_held: int = 0

    @property
    def stale(self) -> bool:
        """The records are the last good ones of a source that failed or was held this run."""
        return self.status in ("failed", "held") and self.records is not None

    @property
    def records_read(self) -> int:
        if self.status == "held":
            return self.records_held
        return 0 if self.records is None or self.status == "failed" else len(self.records)
