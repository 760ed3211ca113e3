"""ISO 8601 durations (`P3Y`, `PT60H`, `P2W`), parsed column-wise, in one place for every use:
an expiry period, a workload, a course's length."""

from __future__ import annotations

import pandas as pd

_NUMBER = r"\d+(?:[.,]\d+)?"
ISO_DURATION = (
    rf"^P(?!$)(?:(?P<Y>{_NUMBER})Y)?(?:(?P<M>{_NUMBER})M)?(?:(?P<W>{_NUMBER})W)?"
    rf"(?:(?P<D>{_NUMBER})D)?(?:T(?=\d)(?:(?P<h>{_NUMBER})H)?"
    rf"(?:(?P<m>{_NUMBER})M)?(?:(?P<s>{_NUMBER})S)?)?$"
)
#: Hours per unit of a duration of *workload*: a day of study is 8 hours, a week 40, a month
#: 160 and a year 1,600 (40 weeks; 60 ECTS at 25 to 30 hours is 1,500 to 1,800 hours).
WORKLOAD_HOURS = {
    "Y": 1600.0,
    "M": 160.0,
    "W": 40.0,
    "D": 8.0,
    "h": 1.0,
    "m": 1 / 60,
    "s": 1 / 3600,
}
#: Calendar days per unit of a duration of *time* (a course running for P6W).
CALENDAR_DAYS = {"Y": 365.25, "M": 30.44, "W": 7.0, "D": 1.0, "h": 1 / 24, "m": 1 / 1440, "s": 0.0}


def duration_parts(values: pd.Series) -> pd.DataFrame:
    """The number of each unit of ISO 8601 durations (NaN where absent or not a duration);
    letters in either case, surrounding spaces ignored."""
    text = values.astype("object").where(values.map(lambda v: isinstance(v, str)), None)
    extracted = text.str.strip().str.upper().str.extract(ISO_DURATION)
    extracted.columns = list("YMWDhms")
    return extracted.apply(lambda c: pd.to_numeric(c.str.replace(",", "."), errors="coerce"))


def is_duration(values: pd.Series) -> pd.Series:
    """True where a value is an ISO 8601 duration."""
    return duration_parts(values).notna().any(axis=1)


def _total(values: pd.Series, per_unit: dict[str, float]) -> pd.Series:
    parts = duration_parts(values)
    total = sum(parts[unit].fillna(0) * factor for unit, factor in per_unit.items())
    return total.where(parts.notna().any(axis=1))


def duration_hours(values: pd.Series) -> pd.Series:
    """Hours of workload of ISO 8601 durations (`PT60H` -> 60.0, `P2D` -> 16.0); NaN elsewhere."""
    return _total(values, WORKLOAD_HOURS)


def duration_days(values: pd.Series) -> pd.Series:
    """Calendar days of ISO 8601 durations (`P2W` -> 14.0); NaN where not a duration."""
    return _total(values, CALENDAR_DAYS)
