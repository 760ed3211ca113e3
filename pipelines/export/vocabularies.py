"""The EU vocabulary URI of each catalogue code, as ELM writes it: the reverse of what the `elm`
profile reads (`connectors/profiles/elm.py`, `connectors/profiles/vocabularies/`)."""

from __future__ import annotations

import csv
from functools import cache

from connectors.profiles.vocabularies import (
    ECTS_FRAMEWORK,
    VOCABULARIES,
    participation_modes,
    vocabulary,
)

EQF_URI = "http://data.europa.eu/snb/eqf/{level}"
ISCED_F_URI = "http://data.europa.eu/snb/isced-f/{code}"
AUTHORITY_URI = "http://publications.europa.eu/resource/authority/{kind}/{code}"
#: The credit framework of `creditPoint`: the catalogue states ECTS only.
CREDIT_FRAMEWORK_URI = ECTS_FRAMEWORK


@cache
def authority_codes(kind: str) -> dict[str, str]:
    """Catalogue code -> EU authority URI, for `country`, `language` or `currency`: the codes
    the ELM schema enumerates (`eu-authority-codes.csv`, made from its code lists). A code
    missing here has no URI the schema accepts."""
    with (VOCABULARIES / "eu-authority-codes.csv").open(encoding="utf-8") as handle:
        return {
            row["code"]: AUTHORITY_URI.format(kind=kind, code=row["authority"])
            for row in csv.DictReader(handle)
            if row["kind"] == kind
        }


@cache
def mode_uris() -> dict[str, str]:
    """online / onsite / blended -> the EU learning-assessment mode that reads as it."""
    written = {uri.casefold(): uri for uri in vocabulary("learning-assessment-modes.csv")}
    forms: dict[str, str] = {}
    for key, form in sorted(participation_modes().items()):
        uri = written[key]
        if forms.setdefault(form, uri) != uri:
            raise ValueError(f"two EU modes read as {form!r}: {forms[form]}, {uri}")
    return forms
