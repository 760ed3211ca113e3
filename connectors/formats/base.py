"""What every parser returns."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


class FeedFormatError(ValueError):
    """The document as a whole cannot be read in its declared format."""


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
