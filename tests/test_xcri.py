"""XCRI-CAP 1.2 (`format: xcri`): the UK course-advertising standard read with no mapping.

The fixture `fixtures/profiles/xcri-catalog.xml` is written in the shape UK colleges publish
(namespaces, XHTML descriptive text, typed identifiers and subjects, credits per scheme,
presentations with temporal elements); the small documents below check the specification's
rules one at a time. Everything goes through the pipeline's own path: fetched over HTTP from
127.0.0.1, parsed, mapped, normalised and validated.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from connectors.cache import FeedCache
from connectors.formats import FeedFormatError
from connectors.http import FeedClient
from connectors.profiles import PROFILES
from pipelines.catalogue.build import assemble_records
from pipelines.normalise.records import normalise_records
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import parse_document, read_sources
from pipelines.validation.validate import validate_records
from tests.support.cells import plain

FIXTURE = Path(__file__).parent / "fixtures" / "profiles" / "xcri-catalog.xml"
KELPIE = {"id": "gb-kelpie", "name": "Kelpie College", "country": "GB"}
KELPIE_UKPRN = {**KELPIE, "identifiers": {"ukprn": "10099001"}}
NS = (
    'xmlns="http://xcri.org/profiles/1.2/catalog" xmlns:dc="http://purl.org/dc/elements/1.1/" '
    'xmlns:dcterms="http://purl.org/dc/terms/" xmlns:mlo="http://purl.org/net/mlo" '
    'xmlns:credit="http://purl.org/net/cm" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)


def _read(url: str, tmp_path: Path, provider: dict | None = None, **source) -> tuple:
    """One XCRI source read as a run reads it: (read, normalised, rejects)."""
    registry = parse_registry(
        {
            "providers": [provider or KELPIE_UKPRN],
            "sources": [
                {"id": "xcri", "provider": "gb-kelpie", "url": url, "format": "xcri", **source}
            ],
        },
        tmp_path,
    )
    reads = read_sources(registry, FeedClient(), FeedCache(tmp_path / "cache"))
    records = assemble_records(reads)
    normalised, problems = normalise_records(records, registry)
    rejects = validate_records(normalised, problems).rejects
    return reads[0], normalised.set_index("source_record_id"), rejects


def _document(body: str, tmp_path: Path, **source) -> tuple:
    path = tmp_path / "feed.xml"
    path.write_text(body, encoding="utf-8")
    return _read(str(path), tmp_path, **source)


@pytest.fixture
def served(httpserver):
    httpserver.expect_request("/xcri/courses.xml").respond_with_data(
        FIXTURE.read_bytes(), content_type="application/xml"
    )
    return httpserver.url_for("/xcri/courses.xml")


# --- the fixture catalogue, over HTTP --------------------------------------------------------

PY = "http://www.kelpie.example.ac.uk/courses/PY-DATA"
PY_COMMON = {
    "title": "Data Analysis with Python",
    "title_language": "en",  # untagged title, the presentation's one language of instruction
    "description": "Clean, explore and model real data sets with Python and pandas.",
    "url": "http://www.kelpie.example.ac.uk/courses/data-analysis-with-python",
    "provider_id": "gb-kelpie",  # by the UKPRN: the feed's provider title is another name
    "provider_id_origin": "given",
    "provider_name": "Kelpie College",
    "provider_country": "GB",
    "awarding_body_name": "Kelpie College",
    "learning_outcomes": [
        "clean and reshape tabular data with pandas",
        "choose and fit a regression model",
        "present an analysis in a reproducible notebook",
    ],
    "ects": 10.0,  # 20 SCQF credits
    "ects_origin": "derived from 20 SCQF",
    "assessment_type": "A portfolio of three analyses.",
    "quality_assurance": "BCS, The Chartered Institute for IT",
    "nqf_framework": "SCQF",
    "nqf_level": "7",
    "eqf_level": 5,
    "isced_f_code": "0613",  # the ISCED-F label among the subjects; not the JACS subject
    "access_requirements": "Higher Mathematics or equivalent.",
    "languages": ["en"],
}
EXPECTED = {
    f"{PY}/2027-01-online": {
        **PY_COMMON,
        "participation_form": "online",  # DS Distance without attendance
        "start_date": "2027-01-11",
        "end_date": "2027-03-26",
        "price_amount": 650.0,
        "price_currency": "GBP",
    },
    f"{PY}/2027-09-campus": {
        **PY_COMMON,
        "participation_form": "onsite",  # CM Campus
        "start_date": "2027-09-13",
        "end_date": "2027-12-10",
        "price_amount": None,  # "£650 per module, payable in two instalments": not a price
        "price_currency": None,
    },
    "http://www.kelpie.example.ac.uk/courses/LEAD-HSC": {  # one presentation: the course's id
        "title": "Leading Change in Health and Social Care",
        "description": "Lead service improvement in integrated health and social care teams.",
        "learning_outcomes": [
            "Plan and evaluate a service improvement with a multi-agency team.",
            "Apply change management models to a health and social care setting.",
        ],
        "ects": 15.0,  # 30 SCQF credits, scheme given as a URI
        "nqf_framework": "SCQF",
        "nqf_level": "11",
        "eqf_level": 7,  # the qualification's EQF URI, agreeing with SCQF 11
        "eqf_level_origin": "given",
        "isced_f_code": None,  # a JACS subject only
        "participation_form": "blended",  # a label outside XCRI's list: the synonyms read it
        "languages": ["en"],
        "price_amount": 1250.0,
        "price_currency": "GBP",
    },
    "http://www.kelpie.example.ac.uk/courses/GAELIC-1": {  # no presentation: the course
        "title": "Gaelic for Beginners",
        "ects": 5.0,  # the ECTS credit, not the CATS one
        "ects_origin": "given",
        "nqf_level": None,  # an ECTS credit's level is no framework level
        "participation_form": None,
        "start_date": None,
    },
    "http://www.kelpie.example.ac.uk/courses/FIRST-AID/2027-03": {
        "title": "Emergency First Aid at Work",
        "ects": None,  # its credit has no value and two levels: in error, not read
        "participation_form": None,  # WB Work-based: no form of participation
        "start_date": None,  # "As soon as enough students have enrolled": no @dtf
        "price_amount": 0.0,  # "Free"
    },
}


def test_the_catalogue_read_over_http_arrives_in_its_canonical_columns(served, tmp_path):
    read, normalised, rejects = _read(served, tmp_path)
    assert read.status == "ok" and read.pages == 1 and not read.warnings
    assert read.records_read == 6  # six presentations and courses, none lost
    for record_id, values in EXPECTED.items():
        for field, expected in values.items():
            actual = plain(normalised.loc[record_id, field])
            assert actual == expected, f"{record_id} {field}: {actual!r}"
    # a 120-credit qualification: 60 ECTS, rejected as not a micro-credential, with that reason
    assert rejects[["source_record_id", "field", "reason", "value"]].to_dict("records") == [
        {
            "source_record_id": "http://www.kelpie.example.ac.uk/courses/CERTHE-COMP",
            "field": "ects",
            "reason": "ECTS must be 1 to 59: 60 ECTS derived from 120 SCQF is not a "
            "micro-credential",
            "value": "120",
        }
    ]


def test_an_unknown_ukprn_is_no_problem_when_the_provider_is_named(served, tmp_path):
    """A registry provider without the UKPRN: the feed's provider title is resolved instead."""
    provider = {**KELPIE, "aliases": ["The Kelpie College of Further and Higher Education"]}
    _, normalised, rejects = _read(served, tmp_path, provider)
    assert set(normalised["provider_id"]) == {"gb-kelpie"}
    assert set(normalised["provider_id_origin"]) == {"resolved by name, alias or identifier"}
    assert set(rejects["field"]) == {"ects"}  # the 120-credit qualification only


def test_a_crosswalk_maps_an_attendance_label_the_profile_does_not_know(served, tmp_path):
    _, normalised, _ = _read(
        served, tmp_path, values={"participation_form": {"Blended learning": "online"}}
    )
    lead = normalised.loc["http://www.kelpie.example.ac.uk/courses/LEAD-HSC"]
    assert lead["participation_form"] == "online"  # the agency's reading of its label wins
    # every standard attendance code is still the profile's
    assert normalised.loc[f"{PY}/2027-09-campus", "participation_form"] == "onsite"


# --- the specification's rules, one by one -------------------------------------------------


def _course(inner: str, presentations: str = "") -> str:
    return (
        f'<catalog {NS} generated="2026-11-02T06:14:37Z"><provider>'
        "<dc:title>Kelpie College</dc:title>"
        f"<course><dc:title>Course</dc:title>{inner}{presentations}</course>"
        "</provider></catalog>"
    )


@pytest.mark.parametrize(
    ("root", "titles"),
    [
        (
            f"<provider {NS}><dc:title>Kelpie College</dc:title>"
            "<course><dc:title>A</dc:title></course><course><dc:title>B</dc:title></course>"
            "</provider>",
            ["A", "B"],
        ),
        (
            f"<course {NS}><dc:title>Only</dc:title>"
            "<presentation><mlo:start dtf='2027-01-11'>Jan</mlo:start></presentation></course>",
            ["Only"],
        ),
    ],
)
def test_a_provider_or_a_course_may_be_the_root(root, titles, tmp_path):
    _, normalised, _ = _document(root, tmp_path)
    assert sorted(normalised["title"]) == titles


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("<catalog><provider/></catalog>", "not an XCRI-CAP 1.2 document"),
        (
            '<catalog xmlns="http://xcri.org/profiles/catalog"><provider/></catalog>',
            "not an XCRI-CAP 1.2 document: the root is <catalog> in http://xcri.org/profiles/catalog",
        ),
        (f"<presentation {NS}/>", "not a catalog, provider or course"),
        (
            '<?xml version="1.0"?><!DOCTYPE catalog [<!ENTITY x "boom">]>'
            f"<catalog {NS}><provider><dc:title>&x;</dc:title></provider></catalog>",
            "declares entities",
        ),
    ],
)
def test_other_documents_are_refused_with_the_reason(body, message, tmp_path):
    read, _, _ = _document(body, tmp_path)
    assert read.status == "failed"
    assert message in read.error


def test_presentations_inherit_the_course_descriptive_elements(tmp_path):
    body = _course(
        "<dc:description>The course.</dc:description>"
        "<mlo:prerequisite>Course entry.</mlo:prerequisite>",
        "<presentation><dc:identifier>urn:p1</dc:identifier></presentation>"
        "<presentation><dc:identifier>urn:p2</dc:identifier><dc:title>Evening run</dc:title>"
        "<dc:description>This run.</dc:description>"
        "<mlo:prerequisite>Own entry.</mlo:prerequisite></presentation>",
    )
    _, normalised, _ = _document(body, tmp_path)
    assert normalised.loc["urn:p1", ["title", "description", "access_requirements"]].tolist() == [
        "Course",
        "The course.",
        "Course entry.",
    ]
    assert normalised.loc["urn:p2", ["title", "description", "access_requirements"]].tolist() == [
        "Evening run",
        "This run.",
        "Own entry.",
    ]


@pytest.mark.parametrize(
    ("credits", "ects", "framework", "level"),
    [
        ("<credit:scheme>SCQF</credit:scheme><credit:level>8</credit:level>"
         "<credit:value>60</credit:value>", 30.0, "SCQF", "8"),
        ("<credit:scheme>CATS</credit:scheme><credit:level>6</credit:level>"
         "<credit:value>30</credit:value>", 15.0, "FHEQ", "6"),
        ("<credit:scheme>CATS</credit:scheme><credit:level>H</credit:level>"
         "<credit:value>30</credit:value>", 15.0, None, None),  # a letter level is not read
        ("<credit:level>7</credit:level><credit:value>20</credit:value>", None, None, None),
        ("<credit:scheme>SCQF</credit:scheme><credit:scheme>ECTS</credit:scheme>"
         "<credit:level>7</credit:level><credit:value>20</credit:value>", None, None, None),
    ],
)  # fmt: skip
def test_credits_are_read_in_their_scheme_and_a_credit_in_error_is_not(
    credits, ects, framework, level, tmp_path
):
    body = _course(f"<dc:identifier>urn:c</dc:identifier><mlo:credit>{credits}</mlo:credit>")
    _, normalised, rejects = _document(body, tmp_path)
    row = normalised.loc["urn:c"]
    assert [plain(row["ects"]), plain(row["nqf_framework"]), plain(row["nqf_level"])] == [
        ects,
        framework,
        level,
    ]
    assert rejects.empty


@pytest.mark.parametrize(
    ("mode", "form"),
    [
        ('<attendanceMode identifier="CM">Campus</attendanceMode>', "onsite"),
        ('<attendanceMode identifier="NC">Face-to-face non-campus</attendanceMode>', "onsite"),
        ('<attendanceMode identifier="DA">Distance with attendance</attendanceMode>', "blended"),
        ('<attendanceMode identifier="MM">Mixed mode</attendanceMode>', "blended"),
        ('<attendanceMode identifier="ON">Online (no attendance)</attendanceMode>', "online"),
        ("<attendanceMode>Distance without attendance</attendanceMode>", "online"),
        ('<attendanceMode identifier="WB">Work-based</attendanceMode>', None),
        ("", None),  # not assumed to be the specification's default, Campus
    ],
)
def test_attendance_modes(mode, form, tmp_path):
    body = _course("<dc:identifier>urn:c</dc:identifier>", f"<presentation>{mode}</presentation>")
    _, normalised, _ = _document(body, tmp_path)
    assert plain(normalised.loc["urn:c", "participation_form"]) == form


@pytest.mark.parametrize(
    ("cost", "amount", "currency"),
    [
        ("£950", 950.0, "GBP"),
        ("GBP 1,250.00", 1250.0, "GBP"),
        ("1200 EUR", 1200.0, "EUR"),
        ("Free", 0.0, None),
        ("The course fees are £800 per semester, payable in advance.", None, None),
        ("£300 deposit and £600 on enrolment", None, None),
        ("Contact the college", None, None),
    ],
)
def test_a_cost_is_a_price_only_when_it_states_one(cost, amount, currency, tmp_path):
    body = _course(
        "<dc:identifier>urn:c</dc:identifier>",
        f"<presentation><mlo:cost>{cost}</mlo:cost></presentation>",
    )
    _, normalised, _ = _document(body, tmp_path)
    row = normalised.loc["urn:c"]
    assert [plain(row["price_amount"]), plain(row["price_currency"])] == [amount, currency]


def test_temporal_elements_are_read_from_dtf_and_typed_texts_are_not_the_description(tmp_path):
    body = _course(
        '<dc:description xsi:type="courseDataProgramme:targetAudience">Nurses.</dc:description>'
        "<abstract>The short one.</abstract>",
        "<presentation><dc:identifier>urn:p</dc:identifier>"
        '<mlo:start dtf="2027-09-13T09:00:00">September 2027</mlo:start>'
        '<end dtf="2027-12">December 2027</end></presentation>',
    )
    _, normalised, rejects = _document(body, tmp_path)
    row = normalised.loc["urn:p"]
    assert plain(row["start_date"]) == "2027-09-13"
    assert plain(row["end_date"]) is None  # a month is no date: not read, never a guessed day
    assert row["description"] == "The short one."
    assert rejects.empty


def test_the_profile_is_registered_and_documented():
    assert "xcri" in PROFILES
    source = parse_registry(
        {
            "providers": [KELPIE],
            "sources": [{"id": "x", "provider": "gb-kelpie", "url": "x.xml", "format": "xcri"}],
        },
        FIXTURE.parent,
    ).sources[0]
    parsed = parse_document(FIXTURE.read_bytes(), source)
    assert parsed.n_records == 6 and not parsed.problems
    with pytest.raises(FeedFormatError, match="not well-formed"):
        parse_document(b"<catalog", source)
