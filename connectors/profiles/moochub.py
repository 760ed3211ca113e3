"""MOOChub v3: JSON:API course lists of European MOOC platforms (`data[]`, `links.next`)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from connectors.formats.documents import FeedFormatError, load_json
from connectors.profiles.rules import Records, Rule, get, iter_dicts, json_objects, jsonapi_next
from connectors.profiles.text import choose_language, language_entries
from connectors.profiles.transforms import (
    first_item,
    html_to_text,
    iso_date,
    iso_duration_days,
    join_texts,
    participation_forms,
    positive_number,
)

#: MOOChub `workload.timeUnit` -> calendar days per unit of the course's `duration`.
_PER_DAYS = {"h/day": 1.0, "h/week": 7.0, "h/month": 30.44}


def _title_language(view: dict[str, Any], preferred: str | None) -> str | None:
    """The language of the chosen name; a plain-text name is in the course's only language."""
    language = choose_language(language_entries(get(view, "attributes.name")), preferred)[0]
    languages = [v for v in get(view, "attributes.inLanguage") or [] if isinstance(v, str)]
    if language is None and len(languages) == 1:
        return languages[0]
    return language


def _outcomes(view: dict[str, Any], preferred: str | None) -> list[str] | None:
    """`teaches`: each skill's description (the statement), else its name."""
    found = []
    for skill in iter_dicts(get(view, "attributes.teaches")):
        text = skill.get("description") if isinstance(skill.get("description"), str) else None
        found.append(text or choose_language(language_entries(skill.get("name")), preferred)[1])
    return [f for f in found if f] or None


def _workload(view: dict[str, Any], preferred: str | None) -> str | None:
    """`timeValue|timeUnit|duration`, turned into hours by `_workload_hours` (vectorised)."""
    workload = get(view, "attributes.workload")
    if not isinstance(workload, dict):
        return None
    value, unit = workload.get("timeValue"), workload.get("timeUnit")
    duration = get(view, "attributes.duration")
    if value is None or not isinstance(unit, str) or not isinstance(duration, str):
        return None
    return f"{value}|{unit.strip()}|{duration.strip()}"


def _workload_hours(values: pd.Series) -> pd.Series:
    """Hours per day/week/month times the course's duration in those units (3 h/week for P2W:
    6 hours). Without a duration there is no total and nothing is stated."""
    parts = values.astype("object").str.split("|", expand=True)
    if parts.shape[1] < 3:
        return pd.Series(None, index=values.index, dtype="object")
    rate = pd.to_numeric(parts[0], errors="coerce")
    per_days = parts[1].map(_PER_DAYS)
    days = iso_duration_days(parts[2])
    hours = (rate * days / per_days).round(1)
    return hours.map(lambda h: None if pd.isna(h) or h <= 0 else f"{h:g}").astype("object")


def _aligned(framework: str, key: str) -> Any:
    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        for item in iter_dicts(get(view, key)):
            if str(item.get("educationalFramework", "")).strip().casefold() == framework:
                code = item.get("shortCode") or item.get("targetUrl")
                if code not in (None, ""):
                    return str(code)
        return None

    return read


def _offer(part: str) -> Any:
    """The price of the credential: the `certificate` offer where there is one, else the first."""

    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        offers = list(iter_dicts(get(view, "attributes.offer")))
        chosen = next((o for o in offers if o.get("category") == "certificate"), None)
        chosen = chosen or (offers[0] if offers else None)
        value = chosen.get(part) if chosen else None
        return None if value is None else str(value)

    return read


def _programmes(view: dict[str, Any], preferred: str | None) -> list[str] | None:
    found = []
    for programme in iter_dicts(get(view, "attributes.isPartOf")):
        title = choose_language(language_entries(programme.get("title")), preferred)[1]
        found.append(title or programme.get("url") or programme.get("identifier"))
    return [str(f) for f in found if f] or None


RULES = (
    Rule("source_record_id", ("id", "attributes.courseCode")),
    Rule("title", ("attributes.name",), "lang"),
    Rule("title_language", (), "custom", function=_title_language),
    Rule("description", ("attributes.description",), "lang", html_to_text),
    Rule("url", ("attributes.url",), "text", first_item),
    Rule("provider_name", ("attributes.publisher.name",), "lang"),
    Rule("learning_outcomes", (), "custom", function=_outcomes),
    Rule("ects", ("attributes.numberOfCredits",), "text", positive_number),
    Rule("workload_hours", (), "custom", _workload_hours, function=_workload),
    Rule("eqf_level", (), "custom", function=_aligned("eqf", "attributes.educationalLevel")),
    Rule(
        "isced_f_code",
        (),
        "custom",
        function=_aligned("isced-f", "attributes.educationalAlignment"),
    ),
    Rule(
        "participation_form",
        ("attributes.courseMode",),
        "list",
        participation_forms({"online": "online", "onsite": "onsite", "blended": "blended"}),
    ),
    Rule(
        "access_requirements",
        ("attributes.competencyRequired",),
        "lang_list",
        join_texts,
        item="name",
    ),
    Rule("languages", ("attributes.inLanguage",), "list"),
    Rule("start_date", ("attributes.startDate",), "list", iso_date),
    Rule("end_date", ("attributes.endDate",), "list", iso_date),
    Rule("price_amount", (), "custom", function=_offer("price")),
    Rule("price_currency", (), "custom", function=_offer("priceCurrency")),
    Rule("stackable_into", (), "custom", function=_programmes),
)


#: A course's attributes as MOOChub v3 requires them: an object holding these (and no `data`
#: or `attributes`) is one course's attributes published on their own.
_REQUIRED_ATTRIBUTES = ("name", "url", "learningResourceType", "publisher")


def _courses(document: dict[str, Any]) -> list[Any]:
    """The courses of a document: JSON:API `data` (a list, or one course); one course object
    without the `data` wrapper; or one course's attributes alone, as the MOOChub metadata
    generator writes them (read as that course's `attributes`)."""
    if "data" in document:
        data = document["data"]
        return data if isinstance(data, list) else [] if data is None else [data]
    if isinstance(document.get("attributes"), dict):
        return [document]
    if all(key in document for key in _REQUIRED_ATTRIBUTES):
        return [{"attributes": document}]
    raise FeedFormatError(
        "not a MOOChub response: no JSON:API `data`, and neither a course nor a course's "
        f"attributes ({', '.join(_REQUIRED_ATTRIBUTES)})"
    )


def read(body: bytes, location: str | None = None) -> Records:
    """The courses of one MOOChub page (see `_courses`); the next page is `links.next`."""
    document = load_json(body)
    if not isinstance(document, dict):
        raise FeedFormatError("not a MOOChub response: the document is not a JSON object")
    views, problems = json_objects(_courses(document))
    return Records(views, problems, jsonapi_next(document), RULES)
