"""Problems found in records, and what each costs: the record (severity `error`) or only the
value (severity `warning`: the field is set to null and the record kept).

A value either cannot be read as what its field holds (an unknown language, code or unit, text
where a number is expected, several values where one is expected), or is read but breaks the
field's rule (ECTS 75, EQF 9, a negative price). Only what makes a row not identifiable (no
title, no provider, an unreadable record or id) or not a micro-credential (ECTS outside 1 to 59,
EQF outside 1 to 8) rejects the record; every other bad value costs the value alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd

Severity = Literal["error", "warning"]
#: unreadable: the value cannot be read as what the field holds; breaks_rule: read, but outside
#: what the field allows (or required and missing).
ProblemKind = Literal["unreadable", "breaks_rule"]
PROBLEM_COLUMNS = ("row", "field", "reason", "value", "severity")


@dataclass(frozen=True)
class FieldRule:
    """What a problem with one field costs, and why."""

    field: str
    unreadable: Severity
    breaks_rule: Severity
    why: str


_VALUE_ONLY = "the value is dropped, the record kept"

#: One row per field that can have a problem. Fields not listed cost their value only.
FIELD_RULES: tuple[FieldRule, ...] = (
    FieldRule("record", "error", "error", "the record cannot be read at all"),
    FieldRule(
        "source_record_id",
        "error",
        "warning",
        "an id that cannot be read cannot name the record; an id repeated with other content "
        "is made distinct and the record kept",
    ),
    FieldRule("title", "error", "error", "without a title the record cannot be identified"),
    FieldRule(
        "provider_name", "error", "error", "without a provider the record cannot be identified"
    ),
    FieldRule(
        "ects",
        "warning",
        "error",
        "ECTS outside 1 to 59 is not a micro-credential; an unreadable ECTS value is dropped",
    ),
    FieldRule(
        "eqf_level",
        "warning",
        "error",
        "an EQF level outside 1 to 8 is no qualification level; an unreadable one is dropped",
    ),
    *(
        FieldRule(field, "warning", "warning", _VALUE_ONLY)
        for field in (
            "provider_id",
            "provider_country",
            "awarding_body_name",
            "awarding_body_country",
            "title_language",
            "description",
            "url",
            "learning_outcomes",
            "workload_hours",
            "assessment_type",
            "quality_assurance",
            "nqf_framework",
            "nqf_level",
            "qf_ehea_cycle",
            "isced_level",
            "isced_f_code",
            "isced_f_label",
            "sqf",
            "participation_form",
            "access_requirements",
            "languages",
            "start_date",
            "end_date",
            "expiry",
            "price_amount",
            "price_currency",
            "stackable_into",
        )
    ),
)
FIELD_RULES_BY_NAME: dict[str, FieldRule] = {rule.field: rule for rule in FIELD_RULES}


def severity_of(field: str, kind: ProblemKind) -> Severity:
    rule = FIELD_RULES_BY_NAME.get(field)
    if rule is None:
        return "warning"
    return rule.unreadable if kind == "unreadable" else rule.breaks_rule


class Problems:
    """Collects (row, field, reason, value, severity) for records that cannot be kept as they
    are; the severity comes from `FIELD_RULES`."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(
        self,
        rows: pd.Index,
        field: str,
        reason: str | pd.Series,
        values: pd.Series | None = None,
        kind: ProblemKind = "unreadable",
    ) -> None:
        """`reason` is one text for all rows, or a column holding each row's reason."""
        if len(rows) == 0:
            return
        shown = values.loc[rows].map(as_text).to_numpy() if values is not None else None
        reasons = reason.loc[rows].to_numpy() if isinstance(reason, pd.Series) else reason
        self._parts.append(
            pd.DataFrame(
                {
                    "row": rows,
                    "field": field,
                    "reason": reasons,
                    "value": shown,
                    "severity": severity_of(field, kind),
                }
            )
        )

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({c: pd.Series(dtype="object") for c in PROBLEM_COLUMNS})
        return pd.concat(self._parts, ignore_index=True)


def as_text(value: object) -> str | None:
    """A value as a reject shows it: lists joined with ' | ', nulls as None, at most 500 chars."""
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, list | tuple | np.ndarray):
        return " | ".join(map(str, value))
    if isinstance(value, float) and np.isnan(value):
        return None
    return str(value)[:500]
