"""What validate-feed finds: per record its errors and warnings, and per feed the counts and the
share of records having each constitutive element."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Finding:
    severity: Severity
    field: str
    value: str | None
    reason: str
    fix: str
    read_as: str | None = None  # the value as the pipeline read it, when that is not obvious
    #: A warning that costs the value: the pipeline would keep the record without it.
    value_dropped: bool = False


@dataclass
class RecordReport:
    record_index: int  # 0-based, as in the catalogue's `rejects` and `lineage`
    record_id: str | None
    title: str | None
    accepted: bool
    findings: list[Finding] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "warning"]

    @property
    def dropped(self) -> list[Finding]:
        """Warnings about a value the pipeline would drop (the record is kept without it)."""
        return [f for f in self.findings if f.value_dropped]


@dataclass
class ElementShare:
    element: str
    present: int
    of: int

    @property
    def share(self) -> float:
        return self.present / self.of if self.of else 0.0


@dataclass
class FeedReport:
    location: str
    format: str
    source_id: str
    error: str | None = None  # the feed could not be read or parsed
    feed_warnings: list[str] = field(default_factory=list)
    pages: int = 0
    bytes_read: int = 0
    records: list[RecordReport] = field(default_factory=list)
    elements: list[ElementShare] = field(default_factory=list)

    @property
    def records_read(self) -> int:
        return len(self.records)

    @property
    def records_accepted(self) -> int:
        return sum(r.accepted for r in self.records)

    @property
    def records_rejected(self) -> int:
        return self.records_read - self.records_accepted

    @property
    def values_dropped(self) -> int:
        return sum(len(r.dropped) for r in self.records if r.accepted)

    @property
    def ok(self) -> bool:
        """Readable, not empty, no record the pipeline would reject and no value it would drop.
        An empty feed fails: it is nearly always a wrong records path, not a catalogue with
        nothing in it."""
        return (
            self.error is None
            and self.records_read > 0
            and self.records_rejected == 0
            and self.values_dropped == 0
        )

    @property
    def exit_status(self) -> int:
        return 0 if self.ok else 1

    def as_dict(self) -> dict[str, Any]:
        return {
            "location": self.location,
            "format": self.format,
            "source_id": self.source_id,
            "ok": self.ok,
            "error": self.error,
            "feed_warnings": self.feed_warnings,
            "pages": self.pages,
            "bytes_read": self.bytes_read,
            "records_read": self.records_read,
            "records_accepted": self.records_accepted,
            "records_rejected": self.records_rejected,
            "values_dropped": self.values_dropped,
            "constitutive_elements": {
                e.element: {"present": e.present, "of": e.of, "share": round(e.share, 4)}
                for e in self.elements
            },
            "records": [
                {
                    "record_index": r.record_index,
                    "position": r.record_index + 1,
                    "record_id": r.record_id,
                    "title": r.title,
                    "accepted": r.accepted,
                    "errors": [_finding_dict(f) for f in r.errors],
                    "warnings": [_finding_dict(f) for f in r.warnings],
                }
                for r in self.records
            ],
        }


def _finding_dict(finding: Finding) -> dict[str, Any]:
    found = asdict(finding)
    found.pop("severity")
    return found
