"""How long a text may be. A feed may send a title of megabytes: it would cost memory at every
stage and end in every output that shows it. A value over its field's limit is a problem, never
cut silently: it costs what a bad value of its field costs (`schemas.problems`): a title, a
provider or a record id the record, any other field the value."""

from __future__ import annotations

import pandas as pd

from pipelines.lib.lists import collect_lists, explode_items
from schemas.problems import Problems

#: Characters per value (per item of a list field), generous for real catalogues.
TEXT_LIMITS: dict[str, int] = {
    "source_record_id": 1_000,
    "title": 1_000,
    "provider_name": 500,
    "awarding_body_name": 500,
    "url": 4_000,
    "description": 50_000,
    "learning_outcomes": 10_000,
    "access_requirements": 20_000,
    "assessment_type": 5_000,
    "quality_assurance": 5_000,
    "nqf_framework": 200,
    "nqf_level": 200,
    "sqf": 500,
    "stackable_into": 1_000,
}
_LISTS = ("learning_outcomes", "stackable_into")


def refuse_long_texts(frame: pd.DataFrame, problems: Problems) -> None:
    """A problem for each value longer than its field's limit. A record id over its limit is
    also shortened in `frame`, so that the reject naming the record stays readable. A list
    field with a long item loses that item only, as other bad items do."""
    for field, limit in TEXT_LIMITS.items():
        if field not in frame:
            continue
        values = explode_items(frame[field]) if field in _LISTS else frame[field].dropna()
        text = values.astype("str")
        too_long = (text.str.len() > limit).to_numpy()
        if not too_long.any():
            continue
        long = text[too_long]
        first = long[~long.index.duplicated()]
        kind = "unreadable" if field == "source_record_id" else "breaks_rule"  # no id: rejected
        problems.add(first.index, field, f"longer than {limit} characters", first, kind)
        if field in _LISTS:
            frame[field] = collect_lists(text[~too_long], frame.index)
        elif field == "source_record_id":
            frame.loc[long.index, field] = long.str.slice(0, limit - 1) + "…"
