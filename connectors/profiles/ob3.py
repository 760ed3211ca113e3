"""Open Badges 3.0: achievements, from OpenBadgeCredentials or published on their own.

A document is a credential, an Achievement, a list of either, or the OB 3.0 API's
`{"credential": [...]}`. From a credential only `credentialSubject.achievement` (the offering)
and the issuer (who awards it) are read, never the subject (the learner), their identifiers or
results. Each credential is a record: credentials of several learners for one achievement
repeat it word for word and are folded into one offering by the pipeline (records sharing an
id with other content are kept apart, never dropped). The Edubadges
micro-credential extension (`ECTS`, `participationType`, `assessmentType`, and alignments of
type `ext:EQF`, `ext:QualityAssurance`, `ext:ISCED`) fills the constitutive elements; without
its `ECTS`, OB 3.0's own `creditsAvailable` (credit hours) is read in that unit.
"""

from __future__ import annotations

from typing import Any

from connectors.formats.documents import (
    FeedFormatError,
    load_json,
    repeated_key,
    repeated_key_reason,
)
from connectors.profiles.rules import Records, Rule, get, iter_dicts, json_ld_types
from connectors.profiles.text import choose_language, language_entries
from connectors.profiles.transforms import join_texts, participation_forms
from pipelines.codes.lookups import isced_f_code

#: Edubadges participation types -> form of participation. `onsite or blended` does not say
#: which of the two, `volunteering`, `work experience` and `personalized learning activities`
#: are no form of participation: none is stated for them.
PARTICIPATION = {"online": "online", "onsite": "onsite", "blended": "blended"}
#: Alignment target types naming the competencies (learning outcomes) an achievement certifies.
OUTCOME_TYPES = {"ceasn:competency", "ext:learningoutcome", "ceterms:competency"}


def _aligned(kinds: set[str], part: str = "targetCode") -> Any:
    def read(view: dict[str, Any], preferred: str | None) -> list[str] | None:
        found = []
        for alignment in iter_dicts(get(view, "achievement.alignment")):
            if str(alignment.get("targetType", "")).casefold() in kinds:
                value = alignment.get(part) or alignment.get("targetName")
                if isinstance(value, str | int | float) and str(value).strip():
                    found.append(str(value).strip())
        return found or None

    return read


def _first_aligned(kinds: set[str], part: str = "targetCode") -> Any:
    read = _aligned(kinds, part)

    def first(view: dict[str, Any], preferred: str | None) -> str | None:
        found = read(view, preferred)
        return found[0] if found else None

    return first


def _isced(view: dict[str, Any], preferred: str | None) -> str | None:
    """An `ext:ISCED` alignment; else `fieldOfStudy` where it is an ISCED-F code or label (it is
    free text in OB 3.0: other text is no code and is not read as one)."""
    aligned = _first_aligned({"ext:isced", "ext:isced-f"})(view, preferred)
    if aligned:
        return aligned
    field = get(view, "achievement.fieldOfStudy")
    return field if isinstance(field, str) and isced_f_code(field) else None


def _title_language(view: dict[str, Any], preferred: str | None) -> str | None:
    language = choose_language(language_entries(get(view, "achievement.name")), preferred)[0]
    stated = get(view, "achievement.inLanguage")
    return language or (stated if isinstance(stated, str) else None)


def _url(view: dict[str, Any], preferred: str | None) -> str | None:
    """The achievement's id where it is a web address (it usually is its public page)."""
    for path in ("achievement.id", "achievement.criteria.id"):
        value = get(view, path)
        if isinstance(value, str) and value.lower().startswith(("http://", "https://")):
            return value
    return None


#: OB 3.0 `creditsAvailable`: "credit hours associated with this entity" (1EdTech, a US
#: standard): US semester credit hours (data/reference/credit-systems.csv).
CREDIT_HOURS = "US semester credit hours"


def _credit_unit(view: dict[str, Any], preferred: str | None) -> str | None:
    """The unit of the number `ects` reads: ECTS for the Edubadges extension; credit hours when
    only `creditsAvailable` states credits."""
    ects = [get(view, f"achievement.{key}") for key in ("ECTS", "ects")]
    if any(v not in (None, "") for v in ects):
        return None
    credits = get(view, "achievement.creditsAvailable")
    return CREDIT_HOURS if credits not in (None, "") else None


RULES = (
    Rule("source_record_id", ("achievement.id",)),
    Rule("title", ("achievement.name",), "lang"),
    Rule("title_language", (), "custom", function=_title_language),
    Rule("description", ("achievement.description",), "lang"),
    Rule("url", (), "custom", function=_url),
    Rule("provider_name", ("achievement.creator.name", "issuer.name"), "lang"),
    Rule(
        "provider_country",
        (
            "achievement.creator.address.addressCountryCode",
            "issuer.address.addressCountryCode",
            "achievement.creator.address.addressCountry",
            "issuer.address.addressCountry",
        ),
    ),
    Rule("learning_outcomes", (), "custom", function=_aligned(OUTCOME_TYPES, "targetName")),
    Rule("ects", ("achievement.ECTS", "achievement.ects", "achievement.creditsAvailable")),
    Rule("credit_unit", (), "custom", function=_credit_unit),
    Rule("assessment_type", ("achievement.assessmentType",), "text", join_texts),
    Rule(
        "quality_assurance",
        (),
        "custom",
        join_texts,
        function=_aligned({"ext:qualityassurance"}, "targetName"),
    ),
    Rule("eqf_level", (), "custom", function=_first_aligned({"ext:eqf"})),
    Rule("isced_f_code", (), "custom", function=_isced),
    Rule(
        "participation_form",
        ("achievement.participationType",),
        "list",
        participation_forms(PARTICIPATION),
    ),
    Rule("languages", ("achievement.inLanguage",), "list"),
)


def read(body: bytes, location: str | None = None) -> Records:
    document = load_json(body)
    if isinstance(document, dict) and isinstance(document.get("credential"), list):
        document = document["credential"]
    items = document if isinstance(document, list) else [document]
    if not isinstance(document, list | dict):
        raise FeedFormatError("not an Open Badges document: neither an object nor a list")
    views, problems = [], []
    for item in items:
        if isinstance(item, str) and item.count(".") == 2:
            problems.append(("a signed credential (compact JWS): publish its JSON form", item[:80]))
            continue
        if not isinstance(item, dict):
            problems.append(("record is not a JSON object", str(item)))
            continue
        if key := repeated_key(item):
            problems.append((repeated_key_reason(key), str(item)))
            continue
        subject = item.get("credentialSubject")
        if isinstance(subject, dict) and isinstance(subject.get("achievement"), dict):
            view = {"achievement": subject["achievement"], "issuer": item.get("issuer")}
        elif "Achievement" in json_ld_types(item):
            view = {"achievement": item}
        else:
            problems.append(
                (
                    "neither an OpenBadgeCredential with an achievement nor an Achievement",
                    str(item.get("id")),
                )
            )
            continue
        views.append(view)
    return Records(views, problems, None, RULES)
