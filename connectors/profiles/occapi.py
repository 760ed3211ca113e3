"""OCCAPI (Open Course Catalogue API, European University Foundation): JSON:API courses.

A response holds one course (`data` an object) or a list (`data[]`); the next page is
`links.next` (a link, or an object with `href`). Texts are lists of `{string|multiline, lang}`.
"""

from __future__ import annotations

import pandas as pd

from connectors.formats.documents import FeedFormatError, load_json
from connectors.profiles.rules import Records, Rule, json_objects, jsonapi_next


def _one_outcome_text(values: pd.Series) -> pd.Series:
    """OCCAPI gives the learning outcomes as one text per language: one outcome statement, not
    split (where a provider breaks lines is no boundary between outcomes)."""
    return values.map(lambda v: [v] if isinstance(v, str) else None).astype("object")


def _languages(values: pd.Series) -> pd.Series:
    """`languageOfInstruction` may list several languages in one text (`en, fr`)."""
    return values.map(
        lambda v: (
            [p.strip() for p in v.replace(";", ",").split(",") if p.strip()]
            if isinstance(v, str)
            else v
        )
    ).astype("object")


RULES = (
    Rule("source_record_id", ("id",)),
    Rule("title", ("attributes.title",), "lang"),
    Rule("title_language", ("attributes.title",), "lang_code"),
    Rule("description", ("attributes.description",), "lang"),
    Rule("url", ("attributes.url",), "lang"),
    Rule("learning_outcomes", ("attributes.learningOutcomes",), "lang", _one_outcome_text),
    Rule("ects", ("attributes.ects",)),
    Rule("assessment_type", ("attributes.assessmentMethod",), "lang"),
    Rule("eqf_level", ("attributes.eqfLevel", "meta.global.eqfLevel")),
    Rule("isced_f_code", ("attributes.iscedCode",)),
    Rule("access_requirements", ("attributes.prerequisites",), "lang"),
    Rule("languages", ("attributes.languageOfInstruction",), "text", _languages),
)


def read(body: bytes, location: str | None = None) -> Records:
    document = load_json(body)
    if not isinstance(document, dict) or "data" not in document:
        raise FeedFormatError("not an OCCAPI response: no JSON:API `data`")
    data = document["data"]
    items = data if isinstance(data, list) else [] if data is None else [data]
    views, problems = json_objects(items)
    return Records(views, problems, jsonapi_next(document), RULES)
