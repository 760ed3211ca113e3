"""Records checked against the canonical schema (`schemas.records`), lazily over all records.

Every failure case becomes a reject naming the source, the record, the field, the reason and
the value; records with no failure are accepted. The same rules check the published catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from schemas.canonical import COLUMN_NAMES, ID_FROM, LIST_FIELDS, RECORD_KEYS, REPEAT_OF
from schemas.problems import as_text, severity_of
from schemas.records import END_BEFORE_START, record_schema


@dataclass
class ValidationResult:
    accepted: pd.DataFrame
    rejects: pd.DataFrame


def schema_failures(frame: pd.DataFrame, schema: pa.DataFrameSchema) -> pd.DataFrame:
    """Failure cases as (row, field, reason, value); empty when the frame is valid."""
    try:
        schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        cases = exc.failure_cases
        column_cases = pd.DataFrame(
            {
                "row": cases["index"],
                "field": cases["column"],
                "reason": cases["check"].astype(str),
                "value": cases["failure_case"].map(as_text),
            }
        )
        # A frame-wide check reports every column of a failing row; report the row once.
        wide = (cases["schema_context"] == "DataFrameSchema") & (cases["check"] == END_BEFORE_START)
        rows = cases.loc[wide, "index"].dropna().unique()
        dates = frame.loc[rows, ["start_date", "end_date"]]
        date_cases = pd.DataFrame(
            {
                "row": rows,
                "field": "end_date",
                "reason": END_BEFORE_START,
                "value": dates["start_date"].dt.strftime("%Y-%m-%d").to_numpy()
                + " > "
                + dates["end_date"].dt.strftime("%Y-%m-%d").to_numpy(),
            }
        )
        return pd.concat([column_cases[~wide], date_cases], ignore_index=True)
    return pd.DataFrame(columns=["row", "field", "reason", "value"])


def validate_records(normalised: pd.DataFrame, problems: pd.DataFrame) -> ValidationResult:
    """Split normalised records into accepted ones and rejects (one row per problem found).

    A record with a problem of severity `error` is rejected; a record with warnings only is
    accepted with the values at fault set to null (normalisation has already set those it could
    not read). Every problem, of either severity, is a row of `rejects`."""
    failures = schema_failures(normalised, record_schema())
    failures = failures[failures["row"].notna()]
    failures = failures.assign(
        row=failures["row"].astype("int64"),
        reason=failures["reason"].replace({"not_nullable": "required field is missing"}),
    )
    failures["severity"] = failures["field"].map(
        {f: severity_of(f, "breaks_rule") for f in failures["field"].unique()}
    )
    # A value normalisation could not read is null by now: report the first reason only, and
    # nothing more for a record that could not be read at all.
    known = pd.MultiIndex.from_frame(problems[["row", "field"]].astype({"row": "int64"}))
    unreadable = problems.loc[problems["field"] == "record", "row"]
    repeated = pd.MultiIndex.from_frame(failures[["row", "field"]]).isin(known)
    failures = failures[~repeated & ~failures["row"].isin(unreadable)]
    found = pd.concat([problems, failures], ignore_index=True)
    found["row"] = found["row"].astype("int64")
    rejected = found.loc[found["severity"] == "error", "row"].unique()
    accepted = normalised.drop(index=rejected)
    kept_warnings = found[(found["severity"] == "warning") & ~found["row"].isin(rejected)]
    _drop_values(accepted, kept_warnings)
    keys = normalised.loc[found["row"], [*RECORD_KEYS, ID_FROM]].reset_index(drop=True)
    columns = ["field", "reason", "value", "severity"]
    rejects = pd.concat([keys, found[columns].reset_index(drop=True)], axis=1)
    rejects = rejects.drop_duplicates(["source_id", "record_index", "field", "reason"])
    rejects = rejects.sort_values(["source_id", "record_index", "field"], kind="stable")
    columns = [
        *RECORD_KEYS,
        *(c for c in COLUMN_NAMES if c in accepted),
        "provider_trusted",
        *([REPEAT_OF] if REPEAT_OF in accepted else []),
    ]
    return ValidationResult(accepted[list(dict.fromkeys(columns))], rejects.reset_index(drop=True))


#: Problems about these say something of the record, not of a value to drop; a list field
#: has lost its bad items in normalisation and keeps the others.
_NOT_VALUES = frozenset({"record", "source_record_id", *LIST_FIELDS})


def _drop_values(accepted: pd.DataFrame, warnings: pd.DataFrame) -> None:
    """Set the values that warnings are about to null (in place), with their provenance."""
    for field, rows in warnings.groupby("field")["row"]:
        if field in _NOT_VALUES or field not in accepted:
            continue
        for column in (field, f"{field}_origin"):
            if column in accepted:
                accepted.loc[rows.to_numpy(), column] = None


def rejected_records(rejects: pd.DataFrame) -> pd.DataFrame:
    """The records rejects reject (source_id, record_index), once each: those with an error."""
    errors = rejects[rejects["severity"] == "error"]
    return errors[["source_id", "record_index"]].drop_duplicates()


def problem_counts(rejects: pd.DataFrame) -> pd.DataFrame:
    """Per source: records rejected (with an error) and values dropped (warnings of records
    that were kept)."""
    rejected = rejected_records(rejects)
    counts = pd.DataFrame({"records_rejected": rejected.groupby("source_id").size()}, dtype="int64")
    is_rejected = pd.MultiIndex.from_frame(rejects[["source_id", "record_index"]]).isin(
        pd.MultiIndex.from_frame(rejected)
    )
    dropped = rejects[(rejects["severity"] == "warning") & ~is_rejected]
    counts = counts.join(dropped.groupby("source_id").size().rename("values_dropped"), how="outer")
    return counts.fillna(0).astype("int64")
