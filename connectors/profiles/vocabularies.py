"""EU vocabularies the profiles read (concept URI -> label or code); see vocabularies/SOURCES.md."""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from pipelines.codes.lookups import participation_form

VOCABULARIES = Path(__file__).resolve().parent / "vocabularies"
#: The ECTS credit framework of the EU vocabulary (ELM `creditPoint.framework`).
ECTS_FRAMEWORK = "http://data.europa.eu/snb/education-credit/6fcec5c5af"


@cache
def vocabulary(filename: str) -> dict[str, dict[str, str]]:
    """An EU vocabulary (see vocabularies/SOURCES.md) by concept URI."""
    with (VOCABULARIES / filename).open(encoding="utf-8") as handle:
        return {row["uri"]: row for row in csv.DictReader(handle)}


@cache
def nqf_level_labels() -> dict[str, str]:
    """NQF level URI -> its label (`SCQF Level 7`), which `schemas.levels` resolves to the EQF."""
    return {
        uri: row["label"] for uri, row in vocabulary("nqf.csv").items() if row["kind"] == "level"
    }


@cache
def assessment_labels() -> dict[str, str]:
    """Assessment-type URI -> its EU label (`written examination`)."""
    return {uri: row["label"] for uri, row in vocabulary("assessment-types.csv").items()}


@cache
def participation_modes() -> dict[str, str]:
    """Learning-assessment mode URI -> online/onsite/blended, by the mode's EU label read as the
    catalogue reads any form of participation (Presential: onsite). Work-based, project-based
    and research-lab modes say where one learns, not how one takes part: they give nothing."""
    return {
        uri.casefold(): form
        for uri, row in vocabulary("learning-assessment-modes.csv").items()
        if (form := participation_form(row["label"]))
    }
