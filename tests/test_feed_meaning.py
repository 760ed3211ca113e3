"""What an agency says about a feed in the registry: crosswalks (`values`), credit units
(`credit_unit`) and level frameworks, computed fields (`mapping: {field: {sql: ...}}`). Each is
checked when the registry loads, naming the source and the key, and applied column-wise on the
pipeline's own path; feeds are fetched over HTTP from 127.0.0.1."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import assemble_records
from pipelines.mapping.expressions import check_expression, evaluate, expression_columns
from pipelines.normalise.records import normalise_records
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import read_sources
from pipelines.validation.validate import validate_records
from schemas.registry import RegistryError
from tests.support.cells import plain

PROJECT = Path(__file__).parent.parent
EDX_CSV = Path(__file__).parent / "fixtures" / "feeds" / "edx-courses.csv"
GB = {"id": "gb-uni", "name": "Example University", "country": "GB"}
AT = {"id": "at-uni", "name": "Beispieluniversität", "country": "AT"}


def _registry(sources: list[dict], providers: list[dict] | None = None, base=PROJECT):
    return parse_registry({"providers": providers or [GB, AT], "sources": sources}, base)


def _refused(sources: list[dict]) -> str:
    with pytest.raises(RegistryError) as info:
        _registry(sources)
    return str(info.value)


def _csv_source(url: str, **extra) -> dict:
    return {"id": "feed", "provider": "gb-uni", "url": url, "format": "csv", **extra}


def _run(sources: list[dict], tmp_path: Path, providers: list[dict] | None = None) -> tuple:
    registry = _registry(sources, providers, tmp_path)
    reads = read_sources(registry, FeedClient(), FeedCache(tmp_path / "cache"))
    records = assemble_records(reads)
    normalised, problems = normalise_records(records, registry)
    rejects = validate_records(normalised, problems).rejects
    return {r.source_id: r for r in reads}, normalised.set_index("source_record_id"), rejects


def _serve_csv(httpserver, name: str, text: str) -> str:
    httpserver.expect_request(f"/{name}").respond_with_data(
        text.encode("utf-8"), content_type="text/csv; charset=utf-8"
    )
    return httpserver.url_for(f"/{name}")


# --- crosswalks ----------------------------------------------------------------------------

CROSSWALK_CSV = (
    "id,title,mode,subject,level,langs\n"
    "1,Python for Analysts,Distance without attendance,Computer Science,Introductory,English|Deutsch\n"
    "2,Leading Teams,  BLENDED   learning ,Business & Management,Advanced,Englisch\n"
    "3,Welding Basics,Online,0715,EQF 4,en\n"
    "4,Odd One,By carrier pigeon,Astrology,Expert,en\n"
)
CROSSWALKS = {
    "participation_form": {"Distance without attendance": "online", "Blended learning": "blended"},
    "isced_f_code": {"Computer Science": "0613", "Business & Management": "0413"},
    "eqf_level": {"Introductory": 4, "Advanced": 6},
    "languages": {"Englisch": "en"},
}
MAPPING = {
    "source_record_id": "id",
    "title": "title",
    "participation_form": "mode",
    "isced_f_code": "subject",
    "eqf_level": "level",
    "languages": "langs",
}


def test_crosswalks_map_the_feeds_values_and_the_rest_falls_through(httpserver, tmp_path):
    url = _serve_csv(httpserver, "crosswalk.csv", CROSSWALK_CSV)
    source = _csv_source(url, options={"list_separator": "|"}, mapping=MAPPING, values=CROSSWALKS)
    _, rows, rejects = _run([source], tmp_path)
    fields = ["participation_form", "isced_f_code", "eqf_level", "languages"]
    assert [plain(v) for v in rows.loc["1", fields]] == ["online", "0613", 4, ["en", "de"]]
    # case and spacing ignored; a list item mapped, the other read as the feed wrote it
    assert [plain(v) for v in rows.loc["2", fields]] == ["blended", "0413", 6, ["en"]]
    # values the crosswalk does not name go through the normal normalisation
    assert [plain(v) for v in rows.loc["3", fields]] == ["online", "0715", 4, ["en"]]
    # ... which still reports what it cannot read
    assert sorted(
        (r.source_record_id, r.field, r.reason) for r in rejects.itertuples(index=False)
    ) == [
        ("4", "eqf_level", "not a level number"),
        ("4", "isced_f_code", "unknown ISCED-F 2013 code"),
        ("4", "participation_form", "unknown form of participation (online, onsite or blended)"),
    ]


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        (
            {"eqf_level": {"Advanced": 9}},
            "source 'feed': key 'values.eqf_level.Advanced': '9' is not a valid eqf_level "
            "(EQF level must be 1 to 8)",
        ),
        (
            {"isced_f_code": {"Computer Science": "0618"}},
            "source 'feed': key 'values.isced_f_code.Computer Science': '0618' is not a valid "
            "isced_f_code (unknown ISCED-F 2013 code)",
        ),
        (
            {"participation_form": {"Distance learning": "by post"}},
            "source 'feed': key 'values.participation_form.Distance learning': 'by post' is not "
            "a valid participation_form (unknown form of participation",
        ),
        (
            {"languages": {"Englisch": "english-ish"}},
            "'english-ish' is not a valid languages (unknown language)",
        ),
        (
            {"ects": {"five": 75}},
            "key 'values.ects.five': '75' is not a valid ects (ECTS must be 1 to 59)",
        ),
        (
            {"credit_unit": {"pts": "furlongs"}},
            "source 'feed': key 'values.credit_unit.pts': unknown credit unit 'furlongs'",
        ),
        ({"colour": {"red": "blue"}}, "source 'feed': key 'values': unknown canonical field(s)"),
        ({"eqf_level": {"Advanced": ""}}, "key 'values': empty target value for ['eqf_level']"),
    ],
)
def test_a_crosswalk_target_not_valid_for_its_field_is_refused_at_load(values, problem):
    message = _refused([_csv_source("x.csv", mapping={"title": "t"}, values=values)])
    assert problem in message


def test_a_crosswalk_target_is_checked_with_the_sources_defaults():
    """`7` is an nqf_level only in a framework: the source's default framework makes it one."""
    level = {"nqf_level": {"Level seven": "7"}}
    _registry(
        [
            _csv_source(
                "x.csv", mapping={"title": "t"}, values=level, defaults={"nqf_framework": "SCQF"}
            )
        ]
    )
    problem = _refused(
        [_csv_source("x.csv", mapping={"title": "t"}, values={"nqf_level": {"L": "99"}})]
    )
    assert (
        "key 'values.nqf_level.L': '99' is not a valid nqf_level (level '99' is not in RQF"
        in problem
    )


# --- credit units and level frameworks -----------------------------------------------------

CREDITS_CSV = (
    "code,title,credits,scheme,level\n"
    "A,Module of 30,30,,7\n"
    "B,Module of 60,60,,8\n"
    "C,Qualification of 120,120,,8\n"
    "D,Stated with its unit,10 ECTS,,7\n"
    "E,In another scheme,3,US credit hours,7\n"
    "F,In a scheme unknown,3,Units,7\n"
)


def test_a_source_declares_its_credit_unit_and_its_level_framework(httpserver, tmp_path):
    url = _serve_csv(httpserver, "credits.csv", CREDITS_CSV)
    mapping = {
        "source_record_id": "code",
        "title": "title",
        "ects": "credits",
        "credit_unit": "scheme",
        "nqf_level": "level",
    }
    source = _csv_source(
        url, mapping=mapping, defaults={"credit_unit": "SCQF", "nqf_framework": "SCQF"}
    )
    _, rows, rejects = _run([source], tmp_path)
    assert [plain(rows.loc[r, "ects"]) for r in "ABDE"] == [15.0, 30.0, 10.0, 6.0]
    assert rows.loc["A", "ects_origin"] == "derived from 30 SCQF"
    assert rows.loc["E", "ects_origin"] == "derived from 3 US credit hours"  # the record's unit
    assert rows.loc["D", "ects_origin"] == "given"  # a unit written with the number wins
    assert [plain(rows.loc[r, "eqf_level"]) for r in "AB"] == [5, 5]  # SCQF 7 and 8: EQF 5
    assert sorted((r.source_record_id, r.reason) for r in rejects.itertuples(index=False)) == [
        ("C", "ECTS must be 1 to 59: 60 ECTS derived from 120 SCQF is not a micro-credential"),
        ("F", "unknown credit unit 'Units' (credit_unit)"),
    ]


def test_without_a_declared_framework_the_countrys_default_reads_the_level(httpserver, tmp_path):
    url = _serve_csv(httpserver, "levels.csv", "code,title,level\nA,Module,7\n")
    mapping = {"source_record_id": "code", "title": "title", "nqf_level": "level"}
    _, rows, _ = _run([_csv_source(url, mapping=mapping)], tmp_path)
    assert [rows.loc["A", "nqf_framework"], plain(rows.loc["A", "eqf_level"])] == ["RQF", 7]


def test_hours_as_the_credit_unit_are_the_workload(httpserver, tmp_path):
    url = _serve_csv(
        httpserver, "hours.csv", "code,title,load,hours\nA,Kurs,125,\nB,Kurs 2,125,100\n"
    )
    mapping = {
        "source_record_id": "code",
        "title": "title",
        "ects": "load",
        "workload_hours": "hours",
    }
    source = {
        **_csv_source(url, mapping=mapping, defaults={"credit_unit": "hours"}),
        "provider": "at-uni",
    }
    _, rows, rejects = _run([source], tmp_path)
    assert rejects.empty
    assert [plain(rows.loc["A", c]) for c in ("workload_hours", "ects")] == [125.0, 5.0]
    assert rows.loc["A", "ects_origin"] == "derived from 125 hours at 25 h/ECTS (AT)"
    assert plain(rows.loc["B", "workload_hours"]) == 100.0  # a stated workload is kept ...
    assert list(rows.loc["B", "code_flags"]) == [  # ... and the contradiction said
        "workload_hours 100 (given) contradicts 125 hours stated as credits (credit_unit)"
    ]


def test_an_unknown_declared_credit_unit_is_refused_at_load():
    message = _refused(
        [_csv_source("x.csv", mapping={"title": "t"}, defaults={"credit_unit": "bananas"})]
    )
    assert "source 'feed': key 'defaults.credit_unit': unknown credit unit 'bananas'" in message


# --- computed fields -----------------------------------------------------------------------

EDX_SOURCE = {
    "id": "edx-csv",
    "provider": "us-edx",
    "format": "csv",
    "options": {"list_separator": "|"},
    "mapping": {
        "source_record_id": {"sql": "regexp_extract(\"course_url\", '/learn/[^/]+/([^/?#]+)', 1)"},
        "title": "title",
        "description": {"sql": 'coalesce("course_description", "summary")'},
        "url": "course_url",
        "awarding_body_name": "institution",
        "awarding_body_country": "institution",
        "learning_outcomes": "what_you_will_learn",
        "access_requirements": {"sql": "nullif(\"prerequisites\", 'None')"},
        "eqf_level": "Level",
        "isced_f_code": "subject",
        "languages": "language",
        "workload_hours": {"sql": 'upper_bound("course_effort") * upper_bound("course_length")'},
        "price_amount": {"sql": "regexp_extract(\"price\", '[$]([0-9]+)', 1)"},
        "price_currency": {"sql": "CASE WHEN \"price\" LIKE '%USD%' THEN 'USD' END"},
    },
    "defaults": {"participation_form": "online"},
    "values": {
        "eqf_level": {"Introductory": 4, "Intermediate": 5, "Advanced": 6},
        "isced_f_code": {
            "Computer Science": "0613",
            "Business & Management": "0413",
            "Engineering": "0713",
            "Humanities": "0220",
            "Data Analysis & Statistics": "0542",
            "Physics": "0533",
        },
        "awarding_body_country": {
            "HarvardX": "US",
            "MITx": "US",
            "DelftX": "NL",
            "UQx": "AU",
            "UPValenciaX": "ES",
            "GeorgetownX": "US",
        },
    },
}
EDX = {"id": "us-edx", "name": "edX", "country": "US"}


def test_an_edx_export_computes_workload_ids_and_prices(httpserver, tmp_path):
    url = _serve_csv(httpserver, "edx-courses.csv", EDX_CSV.read_text(encoding="utf-8"))
    reads, rows, rejects = _run([{**EDX_SOURCE, "url": url}], tmp_path, [EDX])
    assert reads["edx-csv"].status == "ok" and rejects.empty
    python = rows.loc["harvard-university-cs50-s-introduction-to-programming-with-python"]
    assert [plain(python[c]) for c in ("workload_hours", "ects", "price_amount")] == [
        90.0,  # '3–9 hours per week' x '10 Weeks', the upper bound
        3.3,  # from the hours, at the ECTS Users' Guide's 27.5 hours (US has no national rule)
        219.0,
    ]
    assert [python["price_currency"], plain(python["eqf_level"]), python["isced_f_code"]] == [
        "USD",
        4,
        "0613",
    ]
    assert plain(python["access_requirements"]) is None  # 'None' is no requirement
    assert python["description"] == "Learn to read and write code in Python."
    solar = rows.loc[
        "delft-university-of-technology-solar-energy-photovoltaic-pv-energy-conversion"
    ]
    assert [solar["awarding_body_name"], solar["awarding_body_country"]] == ["DelftX", "NL"]
    assert plain(solar["workload_hours"]) == 64.0  # '6–8 hours per week' x '8 Weeks'
    # 'about an hour a week' holds no number: no workload, never a guessed one
    quantum = rows.loc["georgetown-university-quantum-mechanics-for-everyone"]
    assert plain(quantum["workload_hours"]) is None
    assert plain(
        rows.loc[
            "universitat-politecnica-de-valencia-introduccion-a-la-ciencia-de-datos", "languages"
        ]
    ) == ["es"]


def test_a_computed_field_that_fails_on_the_values_fails_its_source_only(httpserver, tmp_path):
    url = _serve_csv(httpserver, "edx-courses.csv", EDX_CSV.read_text(encoding="utf-8"))
    broken = {
        **EDX_SOURCE,
        "id": "broken",
        "url": url,
        "mapping": {
            **EDX_SOURCE["mapping"],
            "workload_hours": {"sql": 'CAST("course_effort" AS INTEGER)'},
        },
    }
    reads, rows, _ = _run([{**EDX_SOURCE, "url": url}, broken], tmp_path, [EDX])
    assert reads["edx-csv"].status == "ok" and reads["broken"].status == "failed"
    assert reads["broken"].error == (
        "a computed field failed on the feed's values: mapping.workload_hours "
        '{sql: CAST("course_effort" AS INTEGER)}: Conversion Error: Could not convert string '
        "'3–9 hours per week' to INT32 when casting from source column course_effort"
    )
    assert len(rows) == 6  # the other source's records


@pytest.mark.parametrize(
    ("sql", "reason"),
    [
        ('upper_bound("Effort") *', "not an SQL expression: syntax error"),
        ('(SELECT max("Effort") FROM source)', "subquery is not allowed in a computed field"),
        ('count("Effort")', "an aggregate gives one value for all records"),
        ("row_number() OVER ()", "window is not allowed in a computed field"),
        ("read_csv('/etc/passwd')", "is a table function"),
        ('"Effort" FROM other', "not an SQL expression"),
        ("1; DROP TABLE source", "not an SQL expression"),
        ('nosuchfunction("Effort")', "Scalar Function with name nosuchfunction does not exist"),
        ("$1", "parameter is not allowed"),
    ],
)
def test_an_invalid_expression_is_refused_at_load_naming_source_and_key(sql, reason):
    message = _refused(
        [_csv_source("x.csv", mapping={"title": "t", "workload_hours": {"sql": sql}})]
    )
    assert (
        f"source 'feed': key 'mapping.workload_hours.sql': invalid expression {sql!r}: " in message
    )
    assert reason in message


def test_an_expression_reading_learner_data_is_refused():
    message = _refused(
        [_csv_source("x.csv", mapping={"title": {"sql": 'upper("credentialSubject.name")'}})]
    )
    assert "key 'mapping.title.sql': ['credentialSubject.name'] reads learner data" in message


def test_expressions_are_evaluated_column_wise_with_the_bound_macros():
    columns = {"e": ["2-4 hours per week", "6 Weeks", "7,5 to 9", "about an hour", None]}
    assert evaluate('lower_bound("e")', columns, 5) == ["2", "6", "7.5", None, None]
    assert evaluate('upper_bound("e")', columns, 5) == ["4", "6", "9", None, None]
    assert evaluate('mean_bound("e")', columns, 5) == ["3", "6", "8.25", None, None]
    assert evaluate("'SCQF'", {}, 3) == ["SCQF", "SCQF", "SCQF"]  # a constant per source
    two = {"a": ["Intro", "", None], "b": ["Part 1", "Part 2", None]}
    assert evaluate('coalesce("a", "b")', two, 3) == ["Intro", "Part 2", None]  # first non-empty
    assert evaluate('concat_ws(\' - \', "a", "b")', two, 3) == ["Intro - Part 1", "Part 2", ""]
    # a field with several values is a list, and list functions work on it
    assert evaluate(
        'list_transform("o", lambda x: upper(x))', {"o": [["a", "b"], "c", None]}, 3
    ) == [
        ["A", "B"],
        ["C"],
        None,
    ]
    assert expression_columns('coalesce("a.b", "cat:x/@y", "a.b")') == ("a.b", "cat:x/@y")


def test_the_readme_examples_are_valid():
    readme = (PROJECT / "README.md").read_text(encoding="utf-8")
    found = []
    for block in re.findall(r"```yaml\n(.*?)```", readme, re.S):
        document = yaml.safe_load(block) or {}
        for entry in (document.get("mapping") or {}).values():
            if isinstance(entry, dict):
                found.append(entry["sql"])
    assert len(found) >= 5
    assert [check_expression(sql) for sql in found] == [None] * len(found)
