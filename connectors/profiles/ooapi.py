"""OOAPI v5 (Open Education API): courses and offerings of Dutch and other universities.

A response is a page (`items`, `pageNumber`, `hasNextPage`); the next page is the same URL
with `pageNumber` one higher (other query parameters kept). A single course or offering, or a
plain list, is read as one page. An offering may embed (`expand=course`) its course, whose
values fill what the offering does not say.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pandas as pd

from connectors.formats.documents import FeedFormatError, load_json
from connectors.profiles.rules import Records, Rule, get, iter_dicts, json_objects
from connectors.profiles.transforms import first_item, iso_date, on_text, participation_forms

MODES = {
    "online": "online",
    "distance-learning": "online",
    "on campus": "onsite",
    "situated": "onsite",
    "hybrid": "blended",
}
#: OOAPI `level` -> QF-EHEA cycle (the other levels, secondary vocational education and NT2,
#: are not higher-education cycles and are left to `levelOfQualification`).
CYCLES = {"associate degree": "short", "bachelor": "first", "master": "second", "doctoral": "third"}


def _both(name: str) -> tuple[str, ...]:
    """An offering's own value first, then its embedded course's."""
    return (name, f"course.{name}")


def _specified(name: str) -> tuple[str, ...]:
    """Also the education specification's (expanded): v5 keeps a course's qualification level
    there (`levelOfQualification` belongs to programs and education specifications)."""
    return (
        *_both(name),
        f"educationSpecification.{name}",
        f"course.educationSpecification.{name}",
    )


def _study_load(units: tuple[str, ...]) -> Any:
    """`studyLoad` (a StudyLoadDescriptor `{studyLoadUnit, value}`; a list of them is read too)
    in one of `units`. `contacttime` (hours in class) is not the workload and is not read."""

    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        for path in _specified("studyLoad"):
            for load in iter_dicts(get(view, path)):
                unit = str(load.get("studyLoadUnit") or "").casefold()
                if unit in units and load.get("value") is not None:
                    return str(load["value"])
        return None

    return read


@on_text
def _eqf(values: pd.Series) -> pd.Series:
    """`eqf_6` (v6) -> 6; an NLQF level (v5: `6`, `4+`) is not an EQF level and gives nothing here."""
    return values.str.extract(r"^\s*eqf_(\d)\s*$", expand=False)


@on_text
def _nqf_level(values: pd.Series) -> pd.Series:
    level = values.str.strip()
    return level.where(level.str.fullmatch(r"\d\+?").fillna(False).astype(bool), None)


@on_text
def _nqf_framework(values: pd.Series) -> pd.Series:
    level = values.str.strip().str.fullmatch(r"\d\+?").fillna(False).astype(bool)
    return pd.Series("NLQF", index=values.index, dtype="object").where(level, None)


@on_text
def _cycle(values: pd.Series) -> pd.Series:
    return values.str.strip().str.casefold().map(CYCLES)


def _price(part: str) -> Any:
    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        prices = list(iter_dicts(get(view, "priceInformation")))
        total = next((p for p in prices if "total" in str(p.get("costType", ""))), None)
        chosen = total or (prices[0] if prices else None)
        value = chosen.get(part) if chosen else None
        return None if value is None else str(value)

    return read


_LEVEL = _specified("levelOfQualification")

RULES = (
    Rule("source_record_id", ("offeringId", "courseId", "programId", "primaryCode.code")),
    Rule("title", _both("name"), "lang"),
    Rule("title_language", _both("name"), "lang_code"),
    Rule("description", _both("description"), "lang"),
    Rule("url", _both("link"), "text", first_item),
    Rule("provider_name", ("organization.name", "course.organization.name"), "lang"),
    Rule(
        "provider_country",
        ("organization.addresses.countryCode", "course.organization.addresses.countryCode"),
        "text",
        first_item,
    ),
    Rule("learning_outcomes", _both("learningOutcomes"), "lang_list"),
    Rule("ects", (), "custom", function=_study_load(("ects", "sp"))),
    Rule("workload_hours", (), "custom", function=_study_load(("hour", "sbu"))),
    Rule("assessment_type", _both("assessment"), "lang"),
    Rule("eqf_level", _LEVEL, "text", _eqf),
    Rule("nqf_framework", _LEVEL, "text", _nqf_framework),
    Rule("nqf_level", _LEVEL, "text", _nqf_level),
    Rule("qf_ehea_cycle", _both("level"), "text", _cycle),
    Rule("isced_f_code", _specified("fieldsOfStudy"), "text", first_item),
    Rule("participation_form", _both("modeOfDelivery"), "list", participation_forms(MODES)),
    Rule("access_requirements", _both("admissionRequirements"), "lang"),
    Rule("languages", _both("teachingLanguage"), "list"),
    Rule("start_date", ("startDate",), "text", iso_date),
    Rule("end_date", ("endDate",), "text", iso_date),
    Rule("price_amount", (), "custom", function=_price("amount")),
    Rule("price_currency", (), "custom", function=_price("currency")),
)


def _next_page(document: dict[str, Any], location: str | None) -> str | None:
    """The same URL with `pageNumber` + 1 when `hasNextPage`; None for a file (one page)."""
    if document.get("hasNextPage") is not True or not location:
        return None
    parts = urlsplit(location)
    if parts.scheme not in ("http", "https"):
        return None
    number = document.get("pageNumber")
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "pageNumber"]
    current = number if isinstance(number, int) and not isinstance(number, bool) else 1
    query.append(("pageNumber", str(current + 1)))
    return urlunsplit(parts._replace(query=urlencode(query)))


def read(body: bytes, location: str | None = None) -> Records:
    """The courses or offerings of one OOAPI response."""
    document = load_json(body)
    if isinstance(document, dict) and isinstance(document.get("items"), list):
        items, next_page = document["items"], _next_page(document, location)
    elif isinstance(document, list):
        items, next_page = document, None
    elif isinstance(document, dict):
        items, next_page = [document], None
    else:
        raise FeedFormatError("not an OOAPI response: neither a page, a list nor an object")
    views, problems = json_objects(items)
    return Records(views, problems, next_page, RULES)
