"""Gaps real documents showed in the standard profiles: OOAPI v5 field names and hosts that
ignore `pageNumber`, an ELM certificate of participation, a single MOOChub course, Open Badges
credit hours. Fetched over HTTP from 127.0.0.1 and read through the pipeline's own path."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import assemble_records
from pipelines.normalise.records import normalise_records
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import read_sources
from pipelines.validation.validate import validate_records

FIXTURES = Path(__file__).parent / "fixtures" / "profiles"
PROVIDERS = [
    {"id": "nl-uu", "name": "Utrecht University", "country": "NL"},
    {"id": "de-tum", "name": "Technical University of Munich", "country": "DE", "aliases": ["TUM"]},
    {"id": "nl-hr", "name": "Rotterdam University of Applied Sciences", "country": "NL"},
    {"id": "ie-ucd", "name": "University College Dublin", "country": "IE"},
]


def _run(sources: list[dict], tmp_path: Path) -> tuple:
    registry = parse_registry({"providers": PROVIDERS, "sources": sources}, tmp_path)
    reads = read_sources(registry, FeedClient(), FeedCache(tmp_path / "cache"))
    records = assemble_records(reads)
    normalised, problems = normalise_records(records, registry)
    rejects = validate_records(normalised, problems).rejects
    return {r.source_id: r for r in reads}, normalised, rejects


def _serve_json(httpserver, path: str, document) -> str:
    httpserver.expect_request(path).respond_with_json(document)
    return httpserver.url_for(path)


# --- OOAPI v5 -------------------------------------------------------------------------------

COURSE = {
    "courseId": "123e4567-e89b-12d3-a456-426614174000",
    "primaryCode": {"codeType": "courseCode", "code": "INFOMQNM"},
    "name": [{"language": "en-GB", "value": "Academic and Professional Writing"}],
    "abbreviation": "INFOMQNM",
    "description": [{"language": "en-GB", "value": "Write for academic and professional readers."}],
    "teachingLanguage": "eng",
    "level": "master",
    "studyLoad": {"studyLoadUnit": "ects", "value": 3},
    "fieldsOfStudy": "0232",
    "admissionRequirements": [
        {"language": "nl-NL", "value": "Ingeschreven bij een deelnemende instelling"},
        {"language": "en-GB", "value": "Enrolled at a participating institution"},
    ],
    "qualificationRequirements": [
        {"language": "en-GB", "value": "A pass for the final essay"},
    ],
    "requirements": "the v4 property, not read",
    "educationSpecification": {
        "educationSpecificationId": "123e4567-e89b-12d3-a456-426614174111",
        "educationSpecificationType": "course",
        "name": [{"language": "en-GB", "value": "Academic and Professional Writing"}],
        "levelOfQualification": "7",
    },
}


def _page(number: int, items: list, has_next: bool) -> dict:
    return {
        "pageSize": len(items),
        "pageNumber": number,
        "hasPreviousPage": number > 1,
        "hasNextPage": has_next,
        "items": items,
    }


def test_ooapi_v5_access_requirements_and_level_come_from_their_v5_properties(httpserver, tmp_path):
    url = _serve_json(httpserver, "/ooapi/courses", _page(1, [COURSE], False))
    reads, normalised, rejects = _run(
        [{"id": "uu", "provider": "nl-uu", "url": url, "format": "ooapi"}], tmp_path
    )
    assert reads["uu"].status == "ok" and rejects.empty
    row = normalised.iloc[0]
    # admissionRequirements, English chosen; not the diploma's conditions, not `requirements`
    assert row["access_requirements"] == "Enrolled at a participating institution"
    assert [row["nqf_framework"], row["nqf_level"], row["eqf_level"]] == ["NLQF", "7", 7]
    assert [row["ects"], row["isced_f_code"], list(row["languages"])] == [3.0, "0232", ["en"]]


def test_a_host_that_ignores_page_number_ends_paging_with_a_warning(httpserver, tmp_path):
    """A static file for any page number: page 2 repeats page 1. The source is read, page 1
    kept, and the warning says what repeated."""
    page = _page(1, [COURSE], True)
    httpserver.expect_request("/static/courses.json").respond_with_json(page)
    url = httpserver.url_for("/static/courses.json")
    reads, normalised, rejects = _run(
        [{"id": "uu", "provider": "nl-uu", "url": url, "format": "ooapi"}], tmp_path
    )
    read = reads["uu"]
    assert read.status == "ok" and read.records_read == 1 and read.pages == 2
    assert read.warnings == [
        f"paging stopped: page 2 ({url}?pageNumber=2) repeats the records of page 1 (does the "
        "host ignore the page parameter?); the 1 pages read are kept"
    ]
    assert len(normalised) == 1 and rejects.empty


def test_max_pages_is_a_cap_and_a_link_back_names_the_url(httpserver, tmp_path):
    second = {**COURSE, "courseId": "223e4567-e89b-12d3-a456-426614174000"}
    third = {**COURSE, "courseId": "323e4567-e89b-12d3-a456-426614174000"}
    for number, item in ((1, COURSE), (2, second), (3, third)):
        httpserver.expect_request("/paged", query_string=f"pageNumber={number}").respond_with_json(
            _page(number, [item], True)
        )
    url = httpserver.url_for("/paged") + "?pageNumber=1"
    capped = {"id": "capped", "provider": "nl-uu", "url": url, "format": "ooapi"}
    reads, _, _ = _run([{**capped, "options": {"max_pages": 2}}], tmp_path)
    assert reads["capped"].status == "ok" and reads["capped"].records_read == 2
    assert reads["capped"].warnings == [
        "paging stopped at options.max_pages=2: "
        f"{httpserver.url_for('/paged')}?pageNumber=3 was not read; the 2 pages read are kept"
    ]

    # JSON next links that lead back to the first page: paging ends, naming the URL
    first = httpserver.url_for("/loop/1")
    httpserver.expect_request("/loop/1").respond_with_json(
        {"items": [{"id": "a", "t": "A"}], "next": "/loop/2"}
    )
    httpserver.expect_request("/loop/2").respond_with_json(
        {"items": [{"id": "b", "t": "B"}], "next": "/loop/1"}
    )
    source = {
        "id": "loop",
        "provider": "nl-uu",
        "url": first,
        "format": "json",
        "options": {"records": "items", "next": "next"},
        "mapping": {"source_record_id": "id", "title": "t"},
    }
    reads, _, _ = _run([source], tmp_path / "loop")
    assert reads["loop"].status == "ok" and reads["loop"].records_read == 2
    assert reads["loop"].warnings == [
        f"paging stopped: page 3 links back to {first}, read as page 1; the 2 pages read are kept"
    ]


# --- ELM: a certificate of participation ----------------------------------------------------


def test_an_elm_learning_activity_is_read_with_its_own_workload(httpserver, tmp_path):
    body = (FIXTURES / "elm-activity-credential.jsonld").read_bytes()
    httpserver.expect_request("/edc/webinar.jsonld").respond_with_data(
        body, content_type="application/ld+json"
    )
    url = httpserver.url_for("/edc/webinar.jsonld")
    reads, normalised, rejects = _run(
        [{"id": "ucd", "provider": "ie-ucd", "url": url, "format": "elm"}], tmp_path
    )
    assert reads["ucd"].status == "ok" and rejects.empty
    row = normalised.set_index("source_record_id").loc["urn:ucd:activity:FAIR-DMP-WEBINAR"]
    assert row["title"] == "Writing a FAIR data management plan (webinar)"
    assert row["workload_hours"] == 2.0  # PT2H, the claim's workload; not P2M (320 hours)
    assert np.isnan(row["ects"])  # two hours come to no ECTS, and the record says why
    assert list(row["code_flags"]) == [
        "ects not derived: 0.1 ECTS is outside 1 to 59 (2 hours at 22.5 h/ECTS (IE))"
    ]
    text = " ".join(map(str, normalised.iloc[0].tolist()))
    assert "Niamh" not in text and "1990-02-11" not in text  # the learner is never read


# --- MOOChub: one course --------------------------------------------------------------------

ATTRIBUTES = {
    "name": "Quantum Computing for Engineers",
    "courseCode": "quantum2027",
    "learningResourceType": {
        "identifier": "https://w3id.org/kim/hcrt/course",
        "type": "Concept",
        "inScheme": "https://w3id.org/kim/hcrt/scheme",
    },
    "url": "https://mooc.example.de/courses/quantum2027",
    "publisher": {"name": "TUM", "type": "Organization"},
    "creator": [{"name": "TUM", "type": "Organization"}],
    "license": [{"identifier": "CC-BY-4.0", "url": "https://spdx.org/licenses/CC-BY-4.0.html"}],
    "inLanguage": ["en"],
    "numberOfCredits": 2,
    "courseMode": ["online"],
}
COURSE_OBJECT = {"id": "4f1c2a9e", "type": "Course", "attributes": ATTRIBUTES}


@pytest.mark.parametrize(
    ("document", "record_id"),
    [
        ({"links": {"self": "x"}, "data": COURSE_OBJECT}, "4f1c2a9e"),  # data: one object
        (COURSE_OBJECT, "4f1c2a9e"),  # the course without the JSON:API wrapper
        (ATTRIBUTES, "quantum2027"),  # the attributes alone (MOOChub metadata generator)
    ],
)
def test_a_single_moochub_course_is_one_record(document, record_id, httpserver, tmp_path):
    url = _serve_json(httpserver, "/moochub/course.json", document)
    reads, normalised, rejects = _run(
        [{"id": "tum", "provider": "de-tum", "url": url, "format": "moochub"}], tmp_path
    )
    assert reads["tum"].status == "ok" and reads["tum"].records_read == 1 and rejects.empty
    row = normalised.iloc[0]
    assert row["source_record_id"] == record_id
    assert [row["title"], row["provider_id"], row["ects"], row["participation_form"]] == [
        "Quantum Computing for Engineers",
        "de-tum",
        2.0,
        "online",
    ]


def test_a_json_object_that_is_no_moochub_course_fails_with_the_reason(httpserver, tmp_path):
    url = _serve_json(httpserver, "/moochub/other.json", {"courses": [ATTRIBUTES]})
    reads, _, _ = _run(
        [{"id": "tum", "provider": "de-tum", "url": url, "format": "moochub"}], tmp_path
    )
    assert reads["tum"].status == "failed"
    assert "not a MOOChub response: no JSON:API `data`" in reads["tum"].error


# --- Open Badges 3.0: creditsAvailable ------------------------------------------------------


def _achievement(identifier: str, **extra) -> dict:
    return {
        "id": identifier,
        "type": ["Achievement"],
        "name": "Circular Design",
        "description": "Design products for disassembly.",
        "criteria": {"narrative": "Submit a design."},
        "creator": {
            "id": "https://hr.example.nl",
            "type": ["Profile"],
            "name": "Rotterdam University of Applied Sciences",  # the source's own provider
        },
        **extra,
    }


def test_ob3_credits_available_are_credit_hours_unless_edubadges_states_ects(httpserver, tmp_path):
    document = [
        _achievement("https://badges.example.nl/a/hours", creditsAvailable=3.0),
        _achievement("https://badges.example.nl/a/both", creditsAvailable=3.0, ECTS=5),
        _achievement("https://badges.example.nl/a/degree", creditsAvailable=36),
    ]
    url = _serve_json(httpserver, "/badges/achievements.json", document)
    _, normalised, rejects = _run(
        [{"id": "hr", "provider": "nl-hr", "url": url, "format": "ob3"}], tmp_path
    )
    rows = normalised.set_index("source_record_id")
    assert rows.loc["https://badges.example.nl/a/hours", ["ects", "ects_origin"]].tolist() == [
        6.0,
        "derived from 3.0 US semester credit hours",
    ]
    assert rows.loc["https://badges.example.nl/a/both", ["ects", "ects_origin"]].tolist() == [
        5.0,
        "given",
    ]
    assert rejects[["source_record_id", "reason"]].to_dict("records") == [
        {
            "source_record_id": "https://badges.example.nl/a/degree",
            "reason": "ECTS must be 1 to 59: 72 ECTS derived from 36 US semester credit hours is"
            " not a micro-credential",
        }
    ]
