"""Column-wise value transformations a profile's rules apply (vectorised over a whole column)."""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import pandas as pd

from connectors.profiles.vocabularies import nqf_level_labels, vocabulary
from pipelines.lib.durations import duration_days, duration_hours


def iso_duration_hours(values: pd.Series) -> pd.Series:
    """ISO 8601 durations of workload (`PT60H`, `P2D`) -> hours as text; other values pass
    through unchanged, so that a number of hours stays one and an invalid value is reported."""
    hours = duration_hours(values)
    return values.where(hours.isna(), hours.map(_number))


def iso_duration_days(values: pd.Series) -> pd.Series:
    """Calendar days of ISO 8601 durations (`P2W` -> 14.0); NaN where not a duration."""
    return duration_days(values)


def _number(value: float) -> str | None:
    if value is None or pd.isna(value):
        return None
    return f"{round(float(value), 4):g}"


def _map_items(values: pd.Series, function: Callable[[str], str | None]) -> pd.Series:
    """Apply `function` once per distinct text, to scalars and list items alike (as
    `schemas.codes.map_distinct` does); a miss becomes None and is dropped from lists."""
    distinct: dict[str, str | None] = {}
    for value in values:
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str) and item not in distinct:
                distinct[item] = function(item)

    def one(value: Any) -> Any:
        if isinstance(value, list):
            found = [distinct.get(i) for i in value if isinstance(i, str)]
            return [f for f in found if f is not None] or None
        return distinct.get(value) if isinstance(value, str) else None

    return values.map(one).astype("object")


def uri_tail(values: pd.Series) -> pd.Series:
    """`http://publications.europa.eu/resource/authority/country/IRL` -> `IRL` (also in lists):
    the EU authority codes are ISO codes; codes that are not URIs pass through."""
    return _map_items(values, lambda v: v.rstrip("/").rsplit("/", 1)[-1] if "://" in v else v)


def on_text(
    transform: Callable[[pd.Series], pd.Series],
) -> Callable[[pd.Series], pd.Series]:
    """`transform` (text in, text or None out) applied to the text values only: a list where a
    format allows one value passes unchanged, so that the pipeline reports it."""

    def run(values: pd.Series) -> pd.Series:
        values = values.astype("object")
        is_text = values.map(lambda v: isinstance(v, str)).astype(bool)
        out = values.copy()
        if is_text.any():
            out[is_text] = transform(values[is_text]).astype("object")
        return out.where(out.notna(), None)

    return run


def first_item(values: pd.Series) -> pd.Series:
    """The first element of lists (a single-valued column where a format allows several)."""
    return values.map(lambda v: (v[0] if v else None) if isinstance(v, list) else v)


def nqf_label(values: pd.Series) -> pd.Series:
    """NQF level URIs -> `SCQF Level 7`; a framework URI gives nothing (the level names it);
    text that is not a URI passes through. The first level where several are given."""
    labels = nqf_level_labels()
    frameworks = {u for u, row in vocabulary("nqf.csv").items() if row["kind"] == "framework"}
    return first_item(_map_items(values, lambda v: None if v in frameworks else labels.get(v, v)))


def iso_date(values: pd.Series) -> pd.Series:
    """Date-times (`2027-02-08T09:00:00Z`) -> their date as written (`2027-02-08`): the
    canonical columns are dates, and the day is the provider's local one. Other text passes."""
    values = first_item(values)
    text = values.astype("object").where(values.map(lambda v: isinstance(v, str)), None)
    day = text.str.strip().str.extract(r"^(\d{4}-\d{2}-\d{2})(?:[T ].*)?$", expand=False)
    return values.where(day.isna(), day).astype("object")


def join_texts(values: pd.Series) -> pd.Series:
    """Several texts for a single-valued field (two assessment methods) -> one, `; `-joined."""
    return values.map(lambda v: "; ".join(dict.fromkeys(v)) if isinstance(v, list) else v)


def participation_forms(synonyms: dict[str, str]) -> Callable[[pd.Series], pd.Series]:
    """Values of a format's own vocabulary -> online/onsite/blended; values outside it (a
    `work experience`, `synchronous`) are not a form of participation and are left out; two
    different forms given together make `blended`."""

    def transform(values: pd.Series) -> pd.Series:
        forms = _map_items(values, lambda v: synonyms.get(v.strip().casefold()))

        def combine(value: Any) -> str | None:
            found = sorted({v for v in value if v}) if isinstance(value, list) else [value]
            found = [f for f in found if f]
            if not found:
                return None
            return found[0] if len(found) == 1 else "blended"

        return forms.map(combine)

    return transform


def html_to_text(values: pd.Series) -> pd.Series:
    """Descriptions published as HTML (MOOChub): tags removed, entities decoded, spaces folded."""
    text = values.astype("object").where(values.map(lambda v: isinstance(v, str)), None)
    inline = r"</?(?:a|b|i|u|em|strong|span|small|sub|sup|code|abbr)\b[^>]*>"
    stripped = text.str.replace(inline, "", regex=True).str.replace(r"<[^>]+>", " ", regex=True)
    stripped = stripped.str.replace(r"\s+", " ", regex=True)
    return stripped.str.strip().map(lambda v: html.unescape(v) if isinstance(v, str) else v)


def positive_number(values: pd.Series) -> pd.Series:
    """A credit number where 0 means 'no credits awarded' (MOOChub): 0 and below become null."""
    numbers = pd.to_numeric(values, errors="coerce")
    return values.where(~(numbers <= 0), None)


def compose(*steps: Callable[[pd.Series], pd.Series]) -> Callable[[pd.Series], pd.Series]:
    def run(values: pd.Series) -> pd.Series:
        for step in steps:
            values = step(values)
        return values

    return run
