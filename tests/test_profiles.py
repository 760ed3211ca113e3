"""Standard profiles: every element a document holds arrives in the right canonical
column, through the pipeline's own path (parse_document, map_source_fields, normalise_records,
validate_records); issued credentials give offerings, never learners.

Fixtures in tests/fixtures/profiles/ always run; the real documents in ../shared/samples/ run
where that folder exists.
"""

from __future__ import annotations

import http.server
import json
import re
import threading
from functools import partial
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from connectors.cache import FeedCache
from connectors.formats import FeedFormatError
from connectors.http import FeedClient
from connectors.profiles import PROFILES, source_mapping
from connectors.profiles.ooapi import _next_page
from connectors.profiles.text import choose_language, language_entries
from connectors.profiles.transforms import iso_duration_hours
from pipelines.mapping.fields import PROBLEM, map_source_fields
from pipelines.normalise.records import normalise_records
from pipelines.reading.registry import load_registry, parse_registry
from pipelines.reading.sources import parse_document, read_sources, source_fingerprint
from pipelines.validation.validate import validate_records
from schemas.registry import RegistryError, Source
from tests.support.cells import plain

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
needs_samples = pytest.mark.skipif(
    not SAMPLES.is_dir(), reason=f"the real standard documents are not in {SAMPLES}"
)

#: The canonical columns a profile fills (given or derived from what it gives). A field a row
#: of a table below does not name must be empty.
CHECKED = (
    "title",
    "title_language",
    "description",
    "url",
    "provider_id",
    "provider_name",
    "provider_country",
    "learning_outcomes",
    "ects",
    "workload_hours",
    "assessment_type",
    "quality_assurance",
    "nqf_framework",
    "nqf_level",
    "eqf_level",
    "qf_ehea_cycle",
    "isced_f_code",
    "participation_form",
    "access_requirements",
    "languages",
    "start_date",
    "end_date",
    "price_amount",
    "price_currency",
    "stackable_into",
)


# --- helpers -------------------------------------------------------------------------------


def _check_table(normalised: pd.DataFrame, expected: dict[str, dict], source_id: str) -> None:
    rows = normalised[normalised["source_id"] == source_id].set_index("source_record_id")
    assert sorted(rows.index) == sorted(expected), source_id
    for record_id, values in expected.items():
        unknown = set(values) - set(CHECKED)
        assert not unknown, unknown
        for field in CHECKED:
            actual = plain(rows.loc[record_id, field])
            assert actual == values.get(field), f"{source_id} {record_id} {field}: {actual!r}"


def _run(registry, cache: Path) -> tuple[list, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Read every source as the pipeline does, then normalise and validate the records."""
    reads = read_sources(registry, FeedClient(), FeedCache(cache))
    records = pd.concat(
        [r.records.assign(source_id=r.source_id) for r in reads if r.records is not None],
        ignore_index=True,
    )
    normalised, problems = normalise_records(records, registry)
    result = validate_records(normalised, problems)
    return reads, records, offerings(normalised), result.rejects


def offerings(normalised: pd.DataFrame) -> pd.DataFrame:
    """The records that are offerings of their own: a repeat of another record of its feed
    (another learner's credential for one achievement) is folded into it."""
    return normalised[normalised["repeat_of"].isna()]


def _document_rows(path: Path, fmt: str, provider: dict, **source) -> tuple:
    """One document through parse_document and the rest of the pipeline's path, no fetching
    (the real samples link to pages on the internet)."""
    registry = parse_registry(
        {
            "providers": [provider],
            "sources": [
                {"id": "doc", "provider": provider["id"], "url": str(path), "format": fmt, **source}
            ],
        },
        path.parent,
    )
    source_ = registry.sources[0]
    parsed = parse_document(path.read_bytes(), source_)
    records = map_source_fields(parsed, source_).assign(source_id="doc")
    normalised, problems = normalise_records(records, registry)
    return records, offerings(normalised), validate_records(normalised, problems).rejects


@pytest.fixture(scope="module")
def fixtures_read(tmp_path_factory):
    registry = load_registry(FIXTURES / "registry.yaml")
    return _run(registry, tmp_path_factory.mktemp("cache"))


# --- the fixtures: expected canonical values per record ------------------------------------

ELM_CREDENTIALS = {
    "urn:ucd:mc:ENG40210": {
        "title": "Sustainable Energy Systems",
        "title_language": "en",
        "description": "Design and assess renewable energy systems for buildings and districts.",
        "url": "https://www.ucd.ie/microcredentials/sustainable-energy-systems",
        "provider_id": "ie-ucd",
        "provider_name": "University College Dublin",
        "provider_country": "IE",
        "learning_outcomes": [
            "Size photovoltaic and heat-pump systems for a building",
            "Assess the life-cycle emissions of an energy system",
            "Model district heating networks",
        ],
        "ects": 5.0,  # the ECTS creditPoint; the ECVET one (9) is not ECTS
        "workload_hours": 125.0,  # PT125H
        "assessment_type": "project work",  # EU assessment vocabulary label of the URI
        "quality_assurance": "QQI institutional review",
        "nqf_framework": "NFQ-IE",  # NQF level URI -> 'IE NQF Level 9'
        "nqf_level": "9",
        "eqf_level": 7,
        "qf_ehea_cycle": "second",
        "isced_f_code": "0713",  # the first of two thematic areas
        "participation_form": "online",
        "access_requirements": "An honours degree (NFQ Level 8) in engineering or science.",
        "languages": ["en", "ga"],
        "stackable_into": ["MEngSc Energy Systems"],
    },
    "urn:tugraz:mc:ML-PROD": {
        "title": "Machine Learning in Production",  # English chosen over German
        "title_language": "en",
        "provider_id": "at-tugraz",  # named by the issuer, not the source's provider
        "provider_name": "Graz University of Technology",
        "provider_country": "AT",
        "learning_outcomes": ["Train models that predict product quality"],
        "ects": 3.0,
        "eqf_level": 6,
        "qf_ehea_cycle": "first",
        "isced_f_code": "0613",
        "participation_form": "blended",  # online and presential modes together
        "languages": ["de"],
    },
}

ELM_OPPORTUNITIES = {
    "urn:polimi:lop:2027-AM": {
        "title": "Metal Additive Manufacturing",
        "title_language": "en",
        "description": "Laser powder-bed fusion from design to qualification.",
        "url": "https://www.polimi.it/microcredentials/metal-am",
        "provider_id": "it-polimi",  # the opportunity's providedBy
        "provider_name": "Politecnico di Milano",
        "provider_country": "IT",
        "learning_outcomes": ["Qualify a laser powder-bed fusion process"],
        "ects": 6.0,
        "workload_hours": 150.0,
        "assessment_type": "practical assessment",
        "eqf_level": 7,
        "qf_ehea_cycle": "second",
        "isced_f_code": "0715",
        "participation_form": "onsite",  # Presential
        "languages": ["it"],
        "start_date": "2027-01-18",
        "end_date": "2027-03-26",
        "price_amount": 1200.0,
        "price_currency": "EUR",
    },
    "urn:polimi:q:BIM": {  # a specification published on its own
        "title": "BIM per le infrastrutture",
        "title_language": "it",
        "provider_id": "it-polimi",
        "provider_name": "Politecnico di Milano",
        "provider_country": "IT",
        "ects": 3.0,
        "workload_hours": 80.0,  # P10D
        "participation_form": "online",
        "languages": ["it"],
    },
}

ELM_LOQ = {
    "http://data.example.be/lop/KUL-MC-2027-01": {
        "title": "Circular Building Materials",
        "title_language": "en",
        "description": "Select, reuse and certify building materials for circular construction.",
        "url": "https://www.kuleuven.be/microcredentials/circular-building-materials",
        "provider_id": "be-kuleuven",
        "provider_name": "KU Leuven",
        "provider_country": "BE",  # organisation -> location idref -> BEL
        "learning_outcomes": [
            "Select reusable building materials",
            "Draft a material passport for a building",
        ],
        "ects": 4.0,
        "workload_hours": 100.0,
        "assessment_type": "portfolio",
        "quality_assurance": "NVAO institutional review",
        "eqf_level": 7,
        "qf_ehea_cycle": "second",
        "isced_f_code": "0732",
        "participation_form": "blended",  # the opportunity's mode wins over the specification's
        "access_requirements": "A bachelor's degree in architecture or civil engineering.",
        "languages": ["nl", "en"],
        "start_date": "2027-02-08",
        "end_date": "2027-05-14",
        "price_amount": 850.0,
        "price_currency": "EUR",
        "stackable_into": ["Postgraduate Certificate in Circular Construction"],
    },
    "http://data.example.be/lop/KUL-MC-2027-02": {
        "title": "Data Stewardship for Researchers",
        "title_language": "en",
        "url": "https://www.kuleuven.be/microcredentials/data-stewardship",
        "provider_id": "be-kuleuven",
        "provider_name": "KU Leuven",
        "provider_country": "BE",
        "learning_outcomes": ["Write a FAIR data management plan"],
        "workload_hours": 24.0,  # P3D at 8 hours a day; ECVET points are no ECTS
        "nqf_framework": "VKS",  # FQF Level 7 (Flemish) by its EU URI
        "nqf_level": "7",
        "eqf_level": 7,
        "qf_ehea_cycle": "second",
        "isced_f_code": "0688",
        "participation_form": "online",  # a work-based mode is no form of participation
        "languages": ["en"],
    },
}

MOOCHUB = {
    "4f1c2a9e-6d0b-4b7e-9a51-0c3e8d2f7a10": {
        "title": "Quantum Computing for Engineers",
        "title_language": "en",
        "description": "Qubits, gates and error correction & what engineers can build with them.",
        "url": "https://mooc.example.de/courses/quantum2027",
        "provider_id": "de-tum",
        "provider_name": "Technical University of Munich",
        "provider_country": "DE",
        "learning_outcomes": [
            "Design quantum circuits for search and factoring problems.",
            "Error correction",
        ],
        "ects": 2.0,
        "workload_hours": 40.0,  # 5 h/week for P8W
        "eqf_level": 6,
        "qf_ehea_cycle": "first",
        "isced_f_code": "0533",
        "participation_form": "online",
        "access_requirements": "Linear algebra",
        "languages": ["en"],
        "start_date": "2027-03-01",
        "end_date": "2027-04-26",
        "price_amount": 149.0,  # the certificate offer, not the free course
        "price_currency": "EUR",
        "stackable_into": ["Quantum Engineering Certificate"],
    },
    "a3d9e1f7-22c4-4e5b-8f60-91b7c4d0e2ab": {
        "title": "Nachhaltige Lieferketten",
        "title_language": "de",
        "description": "Lieferketten nach dem Lieferkettensorgfaltspflichtengesetz gestalten.",
        "url": "https://mooc.example.de/courses/lieferketten2027",
        "provider_id": "de-tum",
        "provider_name": "Technical University of Munich",
        "provider_country": "DE",
        "ects": 2.2,  # numberOfCredits 0: none given, derived from 60 hours (2 h/day, P30D)
        "workload_hours": 60.0,
        "isced_f_code": "0413",  # the ISCED-F alignment, not the OEFOS one
        "participation_form": "blended",
        "languages": ["de"],
        "start_date": "2027-05-03",
        "price_amount": 0.0,
        "price_currency": "EUR",
    },
}

OOAPI_PAGE_1 = {
    "5d7e0a3c-1f2b-4c8d-9e6f-a1b2c3d4e5f6": {
        "title": "Urban Climate Adaptation",
        "title_language": "en",
        "description": "Plan heat and flood resilience for neighbourhoods.",
        "url": "https://www.uu.nl/en/micro-credentials/urban-climate-adaptation",
        "provider_id": "nl-uu",
        "provider_name": "Utrecht University",
        "provider_country": "NL",
        "learning_outcomes": [
            "Map urban heat islands from open data",
            "Design nature-based flood measures",
        ],
        "ects": 5.0,  # the embedded course's studyLoad in ects
        "assessment_type": "Group project and written exam",
        "nqf_framework": "NLQF",  # levelOfQualification 7
        "nqf_level": "7",
        "eqf_level": 7,
        "qf_ehea_cycle": "second",  # level: master
        "isced_f_code": "0532",
        "participation_form": "blended",  # on campus and online
        "access_requirements": "A bachelor's degree in geosciences or urban planning",
        "languages": ["nl"],  # teachingLanguage nld
        "start_date": "2027-02-01",
        "end_date": "2027-04-16",
        "price_amount": 1250.0,  # the total costs, not the registration fee
        "price_currency": "EUR",
    },
    "6e8f1b4d-2a3c-4d9e-8f70-b2c3d4e5f607": {
        "title": "Responsible AI in Government",
        "title_language": "en",
        "provider_id": "nl-uu",
        "provider_name": "Utrecht University",
        "provider_country": "NL",
        "ects": 3.0,  # derived from 84 hours (contact time is not the workload)
        "workload_hours": 84.0,
        "eqf_level": 6,  # levelOfQualification eqf_6
        "qf_ehea_cycle": "first",
        "isced_f_code": "0413",
        "participation_form": "blended",  # hybrid
        "languages": ["en"],
        "start_date": "2027-03-15",
        "end_date": "2027-06-30",
    },
}
OOAPI_PAGE_2 = {
    "2b7e1d4c-5a6f-4c3d-8e9f-0a1b2c3d4e5f": {
        "title": "Sustainable Water Management",
        "title_language": "en",
        "description": "Catchment-scale water management under climate change.",
        "url": "https://www.uu.nl/en/micro-credentials/sustainable-water-management",
        "provider_id": "nl-uu",
        "provider_name": "Utrecht University",
        "provider_country": "NL",
        "learning_outcomes": ["Model a river catchment", "Evaluate water-saving measures"],
        "ects": 3.0,
        "nqf_framework": "NLQF",
        "nqf_level": "4+",
        "eqf_level": 4,
        "isced_f_code": "0712",
        "participation_form": "online",  # distance-learning
        "languages": ["en"],
    },
}

OB3 = {
    "https://edubadges.example.nl/achievements/hr-circulair-ontwerpen": {
        "title": "Circulair Ontwerpen",
        "title_language": "nl",  # achievement.inLanguage
        "description": "Ontwerp producten die na gebruik volledig herbruikbaar zijn.",
        "url": "https://edubadges.example.nl/achievements/hr-circulair-ontwerpen",
        "provider_id": "nl-hr",
        "provider_name": "Rotterdam University of Applied Sciences",
        "provider_country": "NL",
        "learning_outcomes": [
            "Een product ontwerpen voor demontage",
            "Materiaalkringlopen doorrekenen",
        ],
        "ects": 5.0,  # Edubadges ECTS
        "assessment_type": "application of a skill",
        "quality_assurance": "NVAO accreditatie Industrieel Product Ontwerpen",
        "eqf_level": 6,  # ext:EQF alignment
        "qf_ehea_cycle": "first",
        "participation_form": "online",
        "languages": ["nl"],
    },
    "https://edubadges.example.nl/achievements/hr-zorgtechnologie": {
        "title": "Care Technology in the Community",
        "title_language": "en",
        "description": "Technology that helps people live at home for longer.",
        "url": "https://edubadges.example.nl/achievements/hr-zorgtechnologie",
        "provider_id": "nl-hr",
        "provider_name": "Rotterdam University of Applied Sciences",
        "provider_country": "NL",
        "ects": 3.0,
        "assessment_type": "portfolio",
        "eqf_level": 5,
        "qf_ehea_cycle": "short",
        "isced_f_code": "0913",  # fieldOfStudy holding an ISCED-F code
    },
}

OCCAPI = {
    "c0ffee00-1111-4222-8333-444455556666": {
        "title": "Collaborative Robotics",
        "title_language": "en",
        "description": "Programación segura de robots colaborativos.",  # the only language given
        "url": "https://www.upv.es/microcredenciales/robotica-colaborativa",
        "provider_id": "es-upv",
        "provider_name": "Universitat Politècnica de València",
        "provider_country": "ES",
        "learning_outcomes": ["Programme a collaborative robot for an assembly task."],
        "ects": 4.5,
        "assessment_type": "Practical project",
        "eqf_level": 6,
        "qf_ehea_cycle": "first",
        "isced_f_code": "0714",
        "access_requirements": "Fundamentos de programación.",
        "languages": ["es", "en"],
    },
    "c0ffee00-7777-4888-9999-aaaabbbbcccc": {
        "title": "Gestión del agua en la agricultura",
        "title_language": "es",
        "provider_id": "es-upv",
        "provider_name": "Universitat Politècnica de València",
        "provider_country": "ES",
        "ects": 2.0,
        "isced_f_code": "0811",
        "languages": ["es"],
    },
}


@pytest.mark.parametrize(
    ("source_id", "expected"),
    [
        ("elm-credentials", ELM_CREDENTIALS),
        ("elm-opportunities", ELM_OPPORTUNITIES),
        ("elm-loq", ELM_LOQ),
        ("moochub", MOOCHUB),
        ("ooapi", OOAPI_PAGE_1),  # a file is one page: hasNextPage is followed over HTTP only
        ("ob3", OB3),
        ("occapi", OCCAPI),
    ],
)
def test_fixture_records_arrive_in_their_canonical_columns(fixtures_read, source_id, expected):
    reads, _, normalised, rejects = fixtures_read
    assert {r.source_id: r.status for r in reads}[source_id] == "ok"
    assert rejects[rejects["source_id"] == source_id].empty
    _check_table(normalised, expected, source_id)


def test_fixture_feeds_read_without_warnings_and_follow_moochub_pages(fixtures_read):
    reads, _, _, _ = fixtures_read
    by_id = {r.source_id: r for r in reads}
    assert by_id["moochub"].pages == 2  # links.next to a relative file
    assert all(not r.warnings for r in reads), [(r.source_id, r.warnings) for r in reads]


# --- issued credentials in, offerings out --------------------------------------------------

#: Everything about the learners in the fixture credentials.
FIXTURE_LEARNER_DATA = (
    "Aoife",
    "Brennan-Okafor",
    "1994-03-17",
    "PPSN-7654321Q",
    "aoife.brennan-okafor@example.ie",
    "learner-4711",
    "Distinction 87%",
    "Tomasz",
    "Wiśniewski-Lynch",
    "1988-11-05",
    "t.wisniewski-lynch@example.pl",
    "learner-4712",
    "Pass 61%",
    "Lena",
    "Hofstätter-Quast",
    "2001-07-23",
    "learner-88",
    "Sanne",
    "Vries-Oduya",
    "sanne.devries-oduya@student.example.nl",
    "Bram",
    "Çelik",
    "bram.celik@student.example.nl",
    "bram-celik-9931",
    "8.7",
    "2026-03-02",  # the learner's activity dates
    "2026-06-30",  # awarding and validity dates
)


def _all_text(frame: pd.DataFrame) -> list[str]:
    texts = []
    for value in frame.to_numpy().ravel():
        items = list(value) if isinstance(value, list | tuple | np.ndarray) else [value]
        texts += [
            str(v) for v in items if v is not None and not (isinstance(v, float) and np.isnan(v))
        ]
    return texts


def _assert_no_learner_data(frame: pd.DataFrame, learner_data: tuple[str, ...]) -> None:
    texts = [t.casefold() for t in _all_text(frame)]
    leaked = [d for d in learner_data if any(d.casefold() in t for t in texts)]
    assert not leaked, leaked


def test_credentials_give_offerings_and_no_learner_data(fixtures_read):
    _, records, normalised, _ = fixtures_read
    credentials = records[records["source_id"].isin(["elm-credentials", "ob3"])]
    # Three ELM credentials of two learners of one specification and one of another: three
    # records read, two offerings; two OB3 credentials of one achievement and an achievement:
    # three records read, two offerings. Nothing-lost counts what the document held.
    assert credentials.groupby("source_id").size().to_dict() == {"elm-credentials": 3, "ob3": 3}
    offered = normalised[normalised["source_id"].isin(["elm-credentials", "ob3"])]
    assert offered.groupby("source_id").size().to_dict() == {"elm-credentials": 2, "ob3": 2}
    _assert_no_learner_data(credentials, FIXTURE_LEARNER_DATA)
    _assert_no_learner_data(
        normalised[normalised["source_id"].isin(["elm-credentials", "ob3"])],
        FIXTURE_LEARNER_DATA,
    )


@pytest.mark.parametrize(
    ("fmt", "path"),
    [
        ("elm", "credentialSubject.fullName"),
        ("elm", "credentialSubject.dateOfBirth"),
        ("ob3", "credentialSubject.identifier.identityHash"),
        ("ob3", "achievement.creator.email"),
    ],
)
def test_a_mapping_into_learner_data_is_refused(fmt, path):
    raw = {
        "providers": [{"id": "p", "name": "P", "country": "NL"}],
        "sources": [
            {"id": "s", "provider": "p", "url": "x", "format": fmt, "mapping": {"title": path}}
        ],
    }
    with pytest.raises(RegistryError, match="learner data"):
        parse_registry(raw, FIXTURES)


def test_a_credential_view_holds_no_subject_even_through_an_override():
    """A registry path is read inside the record view, which has no `credentialSubject`."""
    records, _, _ = _document_rows(
        FIXTURES / "elm-credentials.jsonld",
        "elm",
        {"id": "ie-ucd", "name": "University College Dublin", "country": "IE"},
        mapping={"description": "claim.description"},
    )
    assert records["description"].iloc[0].startswith("A twelve-week online course")
    for path in ["subject", "credential", "claim.grade", "claim.id", "claim.provenBy"]:
        source = Source(id="s", provider="p", url="x", format="elm", mapping={"sqf": path})
        parsed = parse_document((FIXTURES / "elm-credentials.jsonld").read_bytes(), source)
        assert all(v is None for v in parsed.columns[path]), path


# --- the registry ----------------------------------------------------------------------------


def test_a_profile_source_needs_no_mapping_and_a_mapping_overrides_one_field():
    plain = Source(id="s", provider="p", url="x.json", format="ob3")
    assert source_mapping(plain)["title"] == "ob3::title"
    assert set(source_mapping(plain)) == {rule.field for rule in PROFILES["ob3"].rules}
    override = Source(
        id="s",
        provider="p",
        url="x.json",
        format="ob3",
        mapping={"access_requirements": "achievement.criteria.narrative"},
    )
    assert source_mapping(override)["access_requirements"] == "achievement.criteria.narrative"
    assert {k: v for k, v in source_mapping(override).items() if k != "access_requirements"} == {
        k: v for k, v in source_mapping(plain).items() if k != "access_requirements"
    }
    assert source_fingerprint(override) != source_fingerprint(plain)
    parsed = parse_document((FIXTURES / "ob3-credentials.json").read_bytes(), override)
    frame = map_source_fields(parsed, override)
    assert frame["access_requirements"].tolist()[0] == (
        "De student heeft een circulair productontwerp opgeleverd en verdedigd."
    )
    assert frame["title"].tolist() == [  # each credential is a record read
        "Circulair Ontwerpen",
        "Circulair Ontwerpen",
        "Care Technology in the Community",
    ]


def test_the_fingerprint_covers_the_profile():
    one = Source(id="s", provider="p", url="x.json", format="moochub")
    other = Source(id="s", provider="p", url="x.json", format="occapi")
    assert source_fingerprint(one) != source_fingerprint(other)
    assert source_fingerprint(one) == source_fingerprint(
        Source(id="s", provider="p", url="x.json", format="moochub")
    )


def test_unknown_formats_and_bad_languages_are_refused_naming_the_source():
    raw = {
        "providers": [{"id": "p", "name": "P", "country": "NL"}],
        "sources": [
            {"id": "lom-feed", "provider": "p", "url": "x", "format": "lom"},
            {
                "id": "ob3-feed",
                "provider": "p",
                "url": "x",
                "format": "ob3",
                "options": {"language": "Dutch!"},
            },
        ],
    }
    with pytest.raises(RegistryError) as error:
        parse_registry(raw, FIXTURES)
    assert "source 'lom-feed': key 'format'" in str(error.value)
    assert "source 'ob3-feed': key 'options.language'" in str(error.value)


def test_structure_options_are_refused_for_a_profile():
    with pytest.raises(ValueError, match=r"options \['next', 'records'\] are not used with format"):
        Source(
            id="s",
            provider="p",
            url="x",
            format="moochub",
            options={"records": "data", "next": "links.next", "max_pages": 5},
        )
    assert Source(id="s", provider="p", url="x", format="elm", options={"max_pages": 5})


def test_an_override_is_read_in_the_xml_view_and_an_empty_one_is_reported(tmp_path):
    raw = yaml.safe_load((FIXTURES / "registry.yaml").read_text(encoding="utf-8"))
    raw["sources"] = [
        {
            "id": "elm-loq",
            "provider": "be-kuleuven",
            "url": str(FIXTURES / "elm-loq.xml"),
            "format": "elm",
            "mapping": {
                "description": "spec.entryRequirement.noteLiteral",
                "sqf": "spec.nothingHere",
            },
            "options": {"language": "nl"},
        }
    ]
    reads, records, _, _ = _run(parse_registry(raw, tmp_path), tmp_path / "cache")
    assert [plain(v) for v in records["description"]] == [
        "Een bachelordiploma architectuur of bouwkunde.",
        None,
    ]
    assert records["title"].tolist()[0] == "Circulaire bouwmaterialen"  # options.language nl
    # a registry path that finds nothing is worth a warning; the profile's own fields are not
    assert reads[0].warnings == ["mapping sqf -> 'spec.nothingHere' found no value in any record"]


@pytest.mark.parametrize("fmt", sorted(PROFILES))
def test_each_format_page_documents_every_field_its_profile_fills(fmt):
    page = (Path(__file__).parent.parent / "docs" / "formats" / f"{fmt}.md").read_text(
        encoding="utf-8"
    )
    table = page.split("## Mapping", 1)[1].split("\n## ", 1)[0]
    documented = {
        column
        for line in table.splitlines()
        if line.startswith("|") and line.count("|") >= 4
        for column in re.findall(r"`([a-z_]+)`", line.split("|")[2])
    }
    assert {rule.field for rule in PROFILES[fmt].rules} <= documented


def test_options_language_chooses_the_text_of_multilingual_fields():
    _, normalised, _ = _document_rows(
        FIXTURES / "elm-credentials.jsonld",
        "elm",
        {"id": "at-tugraz", "name": "Graz University of Technology", "country": "AT"},
        options={"language": "de"},
    )
    row = normalised.set_index("source_record_id").loc["urn:tugraz:mc:ML-PROD"]
    assert row["title"] == "Maschinelles Lernen in der Produktion"
    assert row["title_language"] == "de"
    assert list(row["learning_outcomes"]) == ["Modelle zur Qualitätsprognose trainieren"]
    # a field without German keeps the rule's next choice, English
    ucd = normalised.set_index("source_record_id").loc["urn:ucd:mc:ENG40210"]
    assert ucd["title"] == "Sustainable Energy Systems"


@pytest.mark.parametrize(
    ("entries", "preferred", "chosen"),
    [
        ({"fr": "b", "en": "a"}, None, ("en", "a")),  # English before document order
        ({"fr": "b", "de": "a"}, None, ("fr", "b")),  # else the first the document gives
        (
            [{"language": "nl-NL", "value": "x"}, {"language": "en-GB", "value": "y"}],
            "nl",
            ("nl-NL", "x"),
        ),
        ([{"lang": "es", "string": "s"}], "de", ("es", "s")),
        ("plain", "de", (None, "plain")),
    ],
)
def test_the_language_rule(entries, preferred, chosen):
    assert choose_language(language_entries(entries), preferred) == chosen


@pytest.mark.parametrize(
    ("duration", "hours"),
    [
        ("PT60H", "60"),
        ("PT90M", "1.5"),
        ("P2D", "16"),
        ("P1W", "40"),
        ("P1M", "160"),
        ("P1Y", "1600"),
        ("P1DT4H", "12"),
        ("60", "60"),
        ("soon", "soon"),
    ],
)
def test_volume_of_learning_as_hours(duration, hours):
    assert iso_duration_hours(pd.Series([duration], dtype="object")).tolist() == [hours]


def test_ooapi_next_page_keeps_the_query():
    page = {"hasNextPage": True, "pageNumber": 3}
    url = "https://api.example.nl/ooapi/offerings?pageSize=50&expand=course&pageNumber=3"
    assert _next_page(page, url) == (
        "https://api.example.nl/ooapi/offerings?pageSize=50&expand=course&pageNumber=4"
    )
    assert _next_page({**page, "hasNextPage": False}, url) is None
    assert _next_page(page, "/srv/feeds/ooapi.json") is None  # a file is one page


# --- hostile and malformed documents ---------------------------------------------------------

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE Courses [
  <!ENTITY lol "lol">
  <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
  <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<Courses xmlns="http://data.europa.eu/snb/model/ap/loq-constraints/">
  <learningOpportunityReferences>
    <learningOpportunity id="&lol3;"><title language="en">&lol3;</title></learningOpportunity>
  </learningOpportunityReferences>
</Courses>"""

EXTERNAL_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE Courses [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<Courses xmlns="http://data.europa.eu/snb/model/ap/loq-constraints/">
  <learningOpportunityReferences>
    <learningOpportunity id="x"><title language="en">&secret;</title></learningOpportunity>
  </learningOpportunityReferences>
</Courses>"""


@pytest.mark.parametrize("body", [BILLION_LAUGHS, EXTERNAL_ENTITY])
def test_elm_xml_declaring_entities_is_refused_unexpanded(body):
    source = Source(id="s", provider="p", url="x.xml", format="elm")
    with pytest.raises(FeedFormatError, match="declares entities") as error:
        parse_document(body, source)
    assert "root:" not in str(error.value) and "lollol" not in str(error.value)


@pytest.mark.parametrize(
    ("fmt", "body", "message"),
    [
        ("elm", b"<catalogue><course/></catalogue>", "not in the ELM LOQ namespace"),
        ("elm", b"<Courses", "not well-formed XML"),
        ("moochub", b"[1, 2]", "not a MOOChub response"),
        ("occapi", b'{"items": []}', "not an OCCAPI response"),
        ("ob3", b'{"a": ' * 100_000 + b"1" + b"}" * 100_000, "nested too deeply"),
        ("ooapi", b"\xff\xfe not json", "not a JSON document"),
    ],
)
def test_unreadable_documents_fail_the_source_with_a_reason(fmt, body, message):
    with pytest.raises(FeedFormatError, match=message):
        parse_document(body, Source(id="s", provider="p", url="x", format=fmt))


def test_json_api_next_links_may_be_objects_and_signed_badges_are_named():
    source = Source(id="s", provider="p", url="x", format="occapi")
    body = b'{"data": [], "links": {"next": {"href": "/hei/upv.es/courses?page=2"}}}'
    assert parse_document(body, source).next_page == "/hei/upv.es/courses?page=2"
    badges = Source(id="s", provider="p", url="x", format="ob3")
    parsed = parse_document(b'{"credential": ["eyJhbGciOi.eyJzdWIiOi.c2lnbmF0dXJl"]}', badges)
    assert parsed.n_records == 0
    assert [p.reason for p in parsed.problems] == [
        "a signed credential (compact JWS): publish its JSON form"
    ]


def test_an_ambiguous_record_is_rejected_and_the_others_kept():
    body = (
        b'{"data": [{"id": "a", "attributes": {"name": "One", "name": "Two"}},'
        b' {"id": "b", "attributes": {"name": "Kept"}}, "not a course"]}'
    )
    source = Source(id="s", provider="p", url="x", format="moochub")
    frame = map_source_fields(parse_document(body, source), source)
    assert frame["title"].tolist()[:1] == ["Kept"]
    assert frame[PROBLEM].dropna().tolist() == [
        "key 'name' given twice in one JSON object: which value?",
        "record is not a JSON object",
    ]


# --- over HTTP, with pagination, through read_sources -------------------------------------


class _ProfileFeeds(http.server.SimpleHTTPRequestHandler):
    """The profile fixtures as static files, and an OOAPI endpoint paginated by pageNumber."""

    requests: list[str]

    def do_GET(self):
        parts = urlsplit(self.path)
        if parts.path == "/ooapi/offerings":
            type(self).requests.append(self.path)
            query = parse_qs(parts.query)
            number = int(query.get("pageNumber", ["1"])[0])
            page = FIXTURES / f"ooapi-page{number}.json"
            if query.get("pageSize") != ["2"] or not page.exists():
                self.send_error(400, "pageSize lost or no such page")
                return
            body = page.read_bytes()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
            return
        super().do_GET()

    def log_message(self, *args):
        pass


@pytest.fixture
def profile_server():
    handler = type("Handler", (_ProfileFeeds,), {"requests": []})
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), partial(handler, directory=str(FIXTURES))
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", handler.requests
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


def test_profiles_read_over_http_follow_their_pagination(profile_server, tmp_path):
    base_url, ooapi_requests = profile_server
    raw = yaml.safe_load((FIXTURES / "registry.yaml").read_text(encoding="utf-8"))
    raw["sources"] = [
        {
            "id": "ooapi",
            "provider": "nl-uu",
            "url": f"{base_url}/ooapi/offerings?pageSize=2",
            "format": "ooapi",
        },
        {
            "id": "moochub",
            "provider": "de-tum",
            "url": f"{base_url}/moochub-page1.json",
            "format": "moochub",
        },
    ]
    registry = parse_registry(raw, tmp_path)
    reads, _, normalised, rejects = _run(registry, tmp_path / "cache")
    by_id = {r.source_id: r for r in reads}
    assert by_id["ooapi"].status == "ok" and by_id["ooapi"].pages == 2
    assert ooapi_requests == [
        "/ooapi/offerings?pageSize=2",
        "/ooapi/offerings?pageSize=2&pageNumber=2",
    ]
    assert by_id["moochub"].status == "ok" and by_id["moochub"].pages == 2
    assert rejects.empty
    _check_table(normalised, {**OOAPI_PAGE_1, **OOAPI_PAGE_2}, "ooapi")
    _check_table(normalised, MOOCHUB, "moochub")


# --- the real documents (../shared/samples) --------------------------------------------------

SAMPLE_EXPECTED = {
    "elm-v3/Sample-MC-Annex1-unsigned.jsonld": {
        "format": "elm",
        "provider": {"id": "uni-zed", "name": "University of Zed", "country": "IE"},
        "rejects": set(),
        "records": {
            "urn:epass:qualification:1": {
                "title": "Digital micro-credential creation",
                "title_language": "en",
                "description": (
                    "This online course allows the learner to familiarise themselves with the"
                    " process of creating ELM standard compliant digital micro-credentials that"
                    " contain data on all mandatory elements specified in Annex 1 of the"
                    " Proposal for a Council Recommendation on a European approach to"
                    " micro-credentials for lifelong learning and employability."
                ),
                "provider_id": "uni-zed",
                "provider_name": "University of Zed",
                "provider_country": "IE",
                "learning_outcomes": [
                    "Communication, collaboration and creativity",
                    "Developing digital content",
                ],
                "ects": 2.0,
                "workload_hours": 60.0,
                "assessment_type": "artefact assessment",
                "nqf_framework": "RQF",
                "nqf_level": "6",
                "eqf_level": 6,
                "qf_ehea_cycle": "first",
                "isced_f_code": "003",
                "participation_form": "blended",
                "access_requirements": (
                    "The learner needs to have an EDC Online Credential Builder account, that"
                    " requires an EU Login ID."
                ),
                "languages": ["en"],
            }
        },
        "learner": (
            "Ana",
            "Andromeda",
            "ana.andromeda@email.com",
            "LA-234218",
            "1999-10-01",
            "urn:epass:person:1",
            "urn:epass:learningAchievement:1",  # the learner's achievement, not the offering
        ),
    },
    "elm-v3/credential-sample.jsonld": {
        "format": "elm",
        "provider": {"id": "org-fr", "name": "some legal name of the organistion", "country": "FR"},
        "rejects": set(),
        "records": {
            None: {
                "title": "some kind of learning achievement",
                "title_language": "en",
                "provider_id": "org-fr",
                "provider_name": "some legal name of the organistion",
                "provider_country": "FR",
            }
        },
        "learner": ("Max Power", "Maxi", "http://example.org/pid1"),
    },
    "elm-v3/loq.xml": {
        "format": "elm",
        "provider": {"id": "loq-org", "name": "HB-QzqZddn66D_SBl3gVv20WiJ", "country": "DE"},
        # machine-generated test values: these are the document's, rightly refused (its
        # language URIs SQO and SJB are real ISO 639-3 codes: Sorkhei, Sajau Basap)
        "rejects": {
            ("http://LOP-01", "ects", "not a number"),
            ("http://LOP-01", "end_date", "end date before start date"),
            ("http://LOP-02", "ects", "not a number"),
            ("http://LOP-02", "price_amount", "price must be >= 0"),
        },
        "records": {
            "http://LOP-01": {
                "title": "Yopx",
                "title_language": "en",
                "description": "Ko6k5TdKAzjLEWf.70z195nkS3b",
                "url": "http://www.example.com",
                "provider_id": "loq-org",
                "provider_name": "HB-QzqZddn66D_SBl3gVv20WiJ",
                "provider_country": "GS",  # SGS
                "learning_outcomes": ["xDJUMG", "LBU7"],
                "workload_hours": 12497.2,  # P7Y8M2DT1H10M0S
                "assessment_type": "peer assessment; level of attendance",
                "quality_assurance": "N-rNT8taWuWTNpYI; TeZpn4Y89Gv5W",
                "nqf_framework": "NFQ-IE",
                "nqf_level": "2",
                "eqf_level": 2,
                "isced_f_code": "1022",
                "participation_form": "blended",
                "access_requirements": "wmoORvUoHWmxTnO",
                "start_date": "2024-10-17",
                "end_date": "2023-11-01",
                "price_amount": 1378413989.154,
                "price_currency": "XXX",
                "languages": ["sqo", "sjb"],
            },
            "http://LOP-02": {
                "title": "gd0N0",
                "title_language": "en",
                "description": "_G0a_vDQn1",
                "url": "http://www.example.com",
                "provider_id": "loq-org",
                "provider_name": "HB-QzqZddn66D_SBl3gVv20WiJ",
                "provider_country": "GS",
                "learning_outcomes": ["xDJUMG", "LBU7"],
                "workload_hours": 12497.2,
                "assessment_type": "peer assessment; level of attendance",
                "quality_assurance": "N-rNT8taWuWTNpYI; TeZpn4Y89Gv5W",
                "nqf_framework": "NFQ-IE",
                "nqf_level": "2",
                "eqf_level": 2,
                "isced_f_code": "1022",
                "access_requirements": "wmoORvUoHWmxTnO",
                "start_date": "2022-12-07",
                "end_date": "2023-03-27",
                "price_amount": -782806104.573,
                "price_currency": "VND",
                "languages": ["sqo", "sjb"],
            },
        },
        "learner": (),
    },
    "moochub/moochub-v3-openHPI-example.extracted.json": {
        "format": "moochub",
        "provider": {"id": "openhpi", "name": "openHPI", "country": "DE"},
        "rejects": set(),
        "records": {
            "8978f51e-770c-4d0a-a2e3-23fae8f6aa79": {
                "title": "Course - the complete example",
                "title_language": "en",
                "description": (
                    "This is an example of an complete course. Here all fields will be filled"
                    " with data. Also the data is NOT REAL it will help to understand how this"
                    " metadata format works."
                ),
                "url": "https://open.hpi.de/courses/confidentialcommunication2021",
                "provider_id": "openhpi",
                "provider_name": "openHPI",
                "provider_country": "DE",
                "learning_outcomes": [
                    "To protect personal data and privacy in digital environments.To understand"
                    " how to use and share personally identifiable information while being able"
                    " to protect oneself and others from damages.To understand that digital"
                    ' services use a "Privacy policy" to inform how personal data is used.'
                ],
                "workload_hours": 6.0,  # 3 h/week for P2W; numberOfCredits 0 is no ECTS
                "isced_f_code": "0611",
                "access_requirements": (
                    "HPI Academy: Leading Digital Transformation and Innovation - Fall 2020;"
                    " PROTECTING PERSONAL DATA AND PRIVACY"
                ),
                "languages": ["en"],
                "start_date": "2021-01-13",
                "end_date": "2021-01-27",
                "price_amount": 50.0,
                "price_currency": "EUR",
                "stackable_into": ["Introduction to Deep Learning"],
            }
        },
        "learner": (),
    },
    "occapi/course-example.json": {
        "format": "occapi",
        "provider": {"id": "hei", "name": "Example HEI", "country": "BE"},
        "rejects": {("aabbccdd-eeff-1122-3344-556677889900", "url", "not an http(s) URL")},
        "records": {
            "aabbccdd-eeff-1122-3344-556677889900": {
                "title": "Example Course",
                "title_language": "en",
                "description": "This is the description of the Course.\n\nThis is a long text field.",
                "url": "www.domain.tld/example/course",
                "provider_id": "hei",
                "provider_name": "Example HEI",
                "provider_country": "BE",
                "learning_outcomes": [
                    "These are the learning outcomes of the Course.\n\nThis is a long text field."
                ],
                "ects": 6.0,
                "assessment_type": "This is the assessment method for the Course.\n\nThis is a long text field.",
                "eqf_level": 6,
                "qf_ehea_cycle": "first",
                "isced_f_code": "0000",
                "access_requirements": "These are the prerequisites of the Course.\n\nThis is a long text field.",
                "languages": ["en"],
            }
        },
        "learner": (),
    },
    "ob3/fullOpenBadge.extracted.json": {
        "format": "ob3",
        "provider": {"id": "edtech", "name": "1EdTech University", "country": "US"},
        # `creditsAvailable` 36 credit hours: 72 ECTS, a degree and no micro-credential
        "rejects": {
            (
                "https://1edtech.edu/achievements/degree",
                "ects",
                "ECTS must be 1 to 59: 72 ECTS derived from 36.0 US semester credit hours is not"
                " a micro-credential",
            )
        },
        "records": {
            "https://1edtech.edu/achievements/degree": {
                "title": "1EdTech University Degree",
                "description": "1EdTech University Degree Description",
                "url": "https://1edtech.edu/achievements/degree",
                "provider_id": "edtech",
                "provider_name": "1EdTech University",
                "provider_country": "US",
            }
        },
        "learner": (
            "did:example:ebfeb1f712ebc6f1c276e12ec21",
            "student@1edtech.edu",
            "somebody@gmail.com",
            "A-9320041",
            "Major Domo",
            "Example Student",
        ),
    },
}


@needs_samples
@pytest.mark.parametrize("name", sorted(SAMPLE_EXPECTED))
def test_real_documents_arrive_in_their_canonical_columns(name):
    case = SAMPLE_EXPECTED[name]
    records, normalised, rejects = _document_rows(SAMPLES / name, case["format"], case["provider"])
    expected = case["records"]
    if list(expected) == [None]:  # no id in the document: one derived from the content
        expected = {normalised["source_record_id"].iloc[0]: expected[None]}
        assert normalised["source_record_id"].iloc[0].startswith("h")
    _check_table(normalised, expected, "doc")
    found = {(r.source_record_id, r.field, r.reason) for r in rejects.itertuples()}
    assert found == case["rejects"]
    _assert_no_learner_data(records, case["learner"])


@needs_samples
def test_the_loq_variant_with_learning_achievement_specifications_reads_alike():
    _, normalised, _ = _document_rows(
        SAMPLES / "elm-v3/loq_withLearningAchievementSpecification.xml",
        "elm",
        {"id": "loq-org", "name": "HB-QzqZddn66D_SBl3gVv20WiJ", "country": "DE"},
    )
    rows = normalised.set_index("source_record_id")
    assert list(rows.index) == ["http://LOP-01", "http://LOP-02"]
    assert rows.loc["http://LOP-01", "title"] == "Yopx"
    assert list(rows.loc["http://LOP-01", "learning_outcomes"]) == ["xDJUMG", "LBU7"]
    assert rows.loc["http://LOP-01", "workload_hours"] == 12497.2


def test_json_fixtures_are_valid_json():
    for path in FIXTURES.glob("*.json*"):
        json.loads(path.read_text(encoding="utf-8"))


# --- the bundled sample (data/feeds/profiles, registered in data/providers.yaml) -----------

BUNDLED = {
    "be-kuleuven-elm": {
        "https://onderwijsaanbod.kuleuven.be/lop/KUL-MC-2027-301": (
            "Designing District Heating Networks",
            6.0,
            7,
            "0713",
            "blended",
        ),
        "https://onderwijsaanbod.kuleuven.be/lop/KUL-MC-2027-302": (
            "Juridische aspecten van open data",
            3.0,
            7,
            "0421",
            "online",
        ),
    },
    "de-tum-moochub": {
        "7b0e4c1d-2f3a-4b5c-8d6e-9f0a1b2c3d4e": ("Hydrogen Technologies", 2.0, 6, "0711", "online"),
        "8c1f5d2e-3a4b-4c6d-9e7f-0a1b2c3d4e5f": (
            "Digitale Zwillinge in der Fertigung",
            4.0,
            None,
            "0715",
            "blended",
        ),
        "9d2a6e3f-4b5c-4d7e-8f90-1a2b3c4d5e6f": (
            "Explainable AI for Medicine",
            None,
            None,
            "0688",
            "online",
        ),
    },
    "nl-uu-ooapi": {
        "3c9a1e5b-7d2f-4e8a-9b6c-0d1e2f3a4b5c": (
            "One Health and Zoonoses",
            5.0,
            7,
            "0841",
            "online",
        ),
        "5e1c3a7d-9f4b-4a0c-1d8e-2f3a4b5c6d7e": (
            "Toegankelijk onderwijs ontwerpen",
            3.0,
            6,
            "0111",
            "onsite",
        ),
    },
    "nl-hr-ob3": {
        "https://edubadges.example.nl/achievements/hr-slimme-havenlogistiek": (
            "Slimme Havenlogistiek",
            3.0,
            6,
            "1041",
            "online",
        ),
        "https://edubadges.example.nl/achievements/hr-duurzaam-bouwen": (
            "Sustainable Renovation",
            4.0,
            5,
            "0732",
            "online",
        ),
    },
    "es-upv-occapi": {
        "a1b2c3d4-0001-4000-8000-upv000000301": ("Integrated Photonics", 6.0, 7, "0714", None),
        "a1b2c3d4-0002-4000-8000-upv000000302": ("Riego de precisión", 3.0, 6, "0811", None),
    },
}


def test_the_bundled_profile_feeds_read_whole_and_valid(tmp_path):
    sample = load_registry(Path(__file__).parent.parent / "data" / "providers.yaml")
    raw = {
        "providers": [p.model_dump() for p in sample.providers],
        "sources": [s.model_dump(exclude={"mapping"}) for s in sample.sources if s.id in BUNDLED],
    }
    registry = parse_registry(raw, sample.base_dir)
    reads, records, normalised, rejects = _run(registry, tmp_path / "cache")
    assert [r.source_id for r in reads] == list(BUNDLED)
    assert all(r.status == "ok" and not r.warnings for r in reads)
    assert rejects.empty
    assert len(records) == 12  # two of them credentials of one achievement: 11 offerings
    assert len(normalised) == 11
    columns = ["title", "ects", "eqf_level", "isced_f_code", "participation_form"]
    for source_id, expected in BUNDLED.items():
        rows = normalised[normalised["source_id"] == source_id].set_index("source_record_id")
        found = {i: tuple(plain(rows.loc[i, c]) for c in columns) for i in rows.index}
        assert found == expected, source_id
    _assert_no_learner_data(
        records[records["source_id"] == "nl-hr-ob3"],
        ("Jorien", "Vermeulen", "Youssef", "El Amrani", "student.example.nl", "7.9"),
    )


# --- any JSON: a profile gives records in the parsers' shape, or a reason -----------------

_KEYS = st.sampled_from(
    [
        *("data", "attributes", "name", "id", "type", "items", "credentialSubject"),
        *("achievement", "hasClaim", "specifiedBy", "title", "en", "language", "value"),
        *("creditPoint", "framework", "point", "workload", "timeValue", "timeUnit"),
        *("duration", "offer", "price", "studyLoad", "studyLoadUnit", "levelOfQualification"),
        *("alignment", "targetType", "targetCode", "learningOutcome", "learningOutcomes"),
        *("teaches", "mode", "@graph", "credential", "links", "next", "hasNextPage"),
        *("pageNumber", "inLanguage", "startDate", "course", "organization", "lang"),
        *("string", "ECTS", "participationType", "educationalAlignment", "shortCode"),
        *("isPartOf", "temporal", "priceDetail", "amount", "volumeOfLearning", "issuer"),
        *("numberOfCredits", "fieldsOfStudy", "modeOfDelivery", "ects", "teachingLanguage"),
        *("courseMode", "priceInformation", "meta", "global", "eqfLevel", "creator", "address"),
        *("addressCountryCode", "level", "iscedCode", "languageOfInstruction", "provenBy"),
    ]
)
_LEAVES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(10**6), 10**6),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12),
    st.sampled_from(
        [
            *("Course", "Achievement", "LearningOpportunity", "Qualification", "PT10H", "P2W"),
            *("h/week", "ects", "hour", "eqf_6", "4+", "online", "ext:EQF", "certificate"),
        ]
    ),
)
_DOCUMENTS = st.recursive(
    _LEAVES,
    lambda children: st.one_of(
        st.lists(children, max_size=4), st.dictionaries(_KEYS, children, max_size=6)
    ),
    max_leaves=40,
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(_DOCUMENTS, st.sampled_from(["elm", "moochub", "ooapi", "ob3", "occapi"]))
def test_any_json_gives_parser_shaped_records_or_a_reason(document, fmt):
    source = Source(id="s", provider="p", url="x", format=fmt)
    try:
        parsed = parse_document(json.dumps(document).encode(), source, "https://h.example/x")
    except FeedFormatError:
        return
    for values in parsed.columns.values():
        assert len(values) == parsed.n_records
        for value in values:
            assert (
                value is None
                or isinstance(value, str)
                or (isinstance(value, list) and all(isinstance(v, str) for v in value))
            )
    frame = map_source_fields(parsed, source)
    assert len(frame) == parsed.n_records + len(parsed.problems)


_LOQ = "http://data.europa.eu/snb/model/ap/loq-constraints/"
_LOQ_NAMES = st.sampled_from(
    [
        *("learningOpportunity", "qualification", "learningAchievementSpecification", "title"),
        *("providedBy", "location", "address", "countryCode", "learningOutcome", "provenBy"),
        *("type", "accreditation", "isPartOf", "creditPoint", "framework", "point", "mode"),
        *("volumeOfLearning", "EQFLevel", "NQFLevel", "ISCEDFCode", "language", "temporal"),
        *("startDate", "priceDetail", "amount", "value", "unit", "legalName", "hasPart"),
    ]
)
_LOQ_ATTRIBUTES = st.fixed_dictionaries(
    {},
    optional={
        "id": st.sampled_from("abcd"),
        "idref": st.sampled_from("abcd"),  # references to each other, cycles included
        "uri": st.sampled_from(
            [
                "http://data.europa.eu/snb/eqf/3",
                "http://data.europa.eu/snb/education-credit/6fcec5c5af",
                "http://data.europa.eu/snb/learning-assessment/920fbb3cbe",
                "x",
            ]
        ),
        "language": st.sampled_from(["en", "nl"]),
    },
)
_LOQ_TREES = st.recursive(
    st.tuples(_LOQ_NAMES, _LOQ_ATTRIBUTES, st.text(alphabet="ab 12.PTH", max_size=6), st.just([])),
    lambda children: st.tuples(
        _LOQ_NAMES, _LOQ_ATTRIBUTES, st.just(""), st.lists(children, max_size=4)
    ),
    max_leaves=30,
)


def _loq_element(node, parent):
    name, attributes, text, children = node
    element = etree.SubElement(parent, f"{{{_LOQ}}}{name}", attributes)
    element.text = text or None
    for child in children:
        _loq_element(child, element)


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.lists(_LOQ_TREES, max_size=3), st.lists(_LOQ_TREES, max_size=3))
def test_any_loq_graph_gives_parser_shaped_records(opportunities, specifications):
    root = etree.Element(f"{{{_LOQ}}}Courses", nsmap={None: _LOQ})
    for container, nodes in (
        ("learningOpportunityReferences", opportunities),
        ("learningAchievementSpecificationReferences", specifications),
    ):
        parent = etree.SubElement(root, f"{{{_LOQ}}}{container}")
        for node in nodes:
            _loq_element(node, parent)
    source = Source(id="s", provider="p", url="x", format="elm")
    parsed = parse_document(etree.tostring(root), source)
    assert all(len(values) == parsed.n_records for values in parsed.columns.values())
    assert len(map_source_fields(parsed, source)) == parsed.n_records
