"""The rules of the canonical record as pandera schemas: one for each record read, one for the
published catalogue. Applied by `pipelines.validation`, which turns every failure case into a
reject naming the source, the record, the field, the reason and the value."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
import pycountry

from schemas.canonical import HTTP_URL


def _iso_countries() -> list[str]:
    return sorted(c.alpha_2 for c in pycountry.countries)


def _rules() -> dict[str, pa.Column]:
    """Column rules shared by record validation and the catalogue check."""
    countries = _iso_countries()
    text = {"nullable": True, "required": False}
    return {
        "title": pa.Column(
            str, [pa.Check.str_length(min_value=1, error="required, not empty")], nullable=False
        ),
        "provider_name": pa.Column(
            str, pa.Check.str_length(min_value=1, error="required"), nullable=False
        ),
        "provider_country": pa.Column(
            str, pa.Check.isin(countries, error="not an ISO 3166-1 country"), **text
        ),
        "awarding_body_country": pa.Column(
            str, pa.Check.isin(countries, error="not an ISO 3166-1 country"), **text
        ),
        "url": pa.Column(
            str,
            pa.Check.str_matches(HTTP_URL, error="not an http(s) URL"),
            **text,
        ),
        "ects": pa.Column(float, pa.Check.in_range(1, 59, error="ECTS must be 1 to 59"), **text),
        "workload_hours": pa.Column(float, pa.Check.gt(0, error="hours must be > 0"), **text),
        "price_amount": pa.Column(float, pa.Check.ge(0, error="price must be >= 0"), **text),
        "eqf_level": pa.Column(
            "Int64", pa.Check.in_range(1, 8, error="EQF level must be 1 to 8"), coerce=True, **text
        ),
        "isced_level": pa.Column(
            "Int64",
            pa.Check.in_range(0, 8, error="ISCED 2011 level must be 0 to 8"),
            coerce=True,
            **text,
        ),
        "qf_ehea_cycle": pa.Column(
            str,
            pa.Check.isin(["short", "first", "second", "third"], error="not a QF-EHEA cycle"),
            **text,
        ),
        "participation_form": pa.Column(
            str,
            pa.Check.isin(["online", "onsite", "blended"], error="not online, onsite or blended"),
            **text,
        ),
    }


END_BEFORE_START = "end date before start date"


def _end_not_before_start(frame: pd.DataFrame) -> pd.Series:
    return (
        frame["end_date"].isna()
        | frame["start_date"].isna()
        | (frame["end_date"] >= frame["start_date"])
    )


def record_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        _rules(),
        checks=[pa.Check(_end_not_before_start, error=END_BEFORE_START)],
        strict=False,
        name="canonical record",
    )


def catalogue_schema() -> pa.DataFrameSchema:
    """The published `microcredentials` table: record rules, every column, identity rules."""
    return record_schema().add_columns(
        {
            "credential_id": pa.Column(str, unique=True, nullable=False),
            "completeness": pa.Column(float, pa.Check.in_range(0, 1)),
            "status": pa.Column(str, pa.Check.isin(["active", "withdrawn"])),
            "source_count": pa.Column("int32", pa.Check.ge(1)),
        }
    )
