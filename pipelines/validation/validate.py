"""Records checked against the canonical schema (`schemas.records`), lazily over all records.

Every failure case becomes a reject naming the source, the record, the field, the reason and
the value; records with no failure are accepted. The same rules check the published catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from schemas.canonical import COLUMN_NAMES, RECORD_KEYS
from schemas.problems import as_text
from schemas.records import END_BEFORE_START, record_schema

REJECT_COLUMNS = ("source_id", "source_record_id", "record_index", "field", "reason", "value")


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
    """Split normalised records into accepted ones and rejects (one row per problem found)."""
    failures = schema_failures(normalised, record_schema())
    failures = failures[failures["row"].notna()]
    failures = failures.assign(
        row=failures["row"].astype("int64"),
        reason=failures["reason"].replace({"not_nullable": "required field is missing"}),
    )
    # A value normalisation could not read is null by now: report the first reason only, and
    # nothing more for a record that could not be read at all.
    known = pd.MultiIndex.from_frame(problems[["row", "field"]].astype({"row": "int64"}))
    unreadable = problems.loc[problems["field"] == "record", "row"]
    repeated = pd.MultiIndex.from_frame(failures[["row", "field"]]).isin(known)
    failures = failures[~repeated & ~failures["row"].isin(unreadable)]
    found = pd.concat([problems, failures], ignore_index=True)
    found["row"] = found["row"].astype("int64")
    keys = normalised.loc[found["row"], list(RECORD_KEYS)].reset_index(drop=True)
    rejects = pd.concat([keys, found[["field", "reason", "value"]].reset_index(drop=True)], axis=1)
    rejects = rejects.drop_duplicates(["source_id", "record_index", "field", "reason"])
    rejects = rejects.sort_values(["source_id", "record_index", "field"], kind="stable")
    accepted = normalised.drop(index=found["row"].unique())
    columns = [*RECORD_KEYS, *(c for c in COLUMN_NAMES if c in accepted), "provider_trusted"]
    return ValidationResult(accepted[list(dict.fromkeys(columns))], rejects.reset_index(drop=True))
