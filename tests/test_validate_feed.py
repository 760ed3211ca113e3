"""The provider-facing validator: real files, a real HTTP server, the pipeline's own code."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from connectors.http import FeedClient, RetryPolicy
from pipelines.cli import main
from pipelines.validate_feed import (
    FeedReport,
    RecordReport,
    registry_formats,
    render_report,
    suggest_fix,
    validate_feed,
)

PROJECT = Path(__file__).parent.parent
SAMPLE_REGISTRY = PROJECT / "data" / "providers.yaml"

CSV_MAPPING = {
    "source_record_id": "code",
    "title": "title",
    "ects": "ects",
    "isced_f_code": "isced",
    "start_date": "start",
    "learning_outcomes": "outcomes",
}
CSV_FEED = (
    "code,title,ects,isced,start,outcomes\n"
    "MC-1,Data Literacy,5,0613,2026-10-01,Reads data|Builds charts\n"
    "MC-2,Big Course,75,0613,2026-10-01,Knows a lot\n"
    "MC-3,Odd Field,5,1234,2026-10-01,Knows a bit\n"
    "MC-4,Some Day,5,0613,next spring,Knows when\n"
    "MC-5,No Outcomes,3,0613,2026-11-01,\n"
)


def fast_client() -> FeedClient:
    """The pipeline's client, giving up at the first failure (an unreachable server)."""
    return FeedClient(retry=RetryPolicy(max_attempts=1))


def cli(argv: list[str], capsys) -> tuple[int, str, str]:
    """`python -m pipelines ...` in this process; usage errors exit through argparse."""
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def csv_args(path: Path) -> list[str]:
    args = ["validate-feed", str(path), "--format", "csv", "--option", "list_separator=|"]
    for field, column in CSV_MAPPING.items():
        args += ["--mapping", f"{field}={column}"]
    return [*args, "--provider", "Example University", "--country", "AT"]


def by_id(report: FeedReport) -> dict[str, RecordReport]:
    return {r.record_id: r for r in report.records}


@pytest.fixture
def csv_feed(tmp_path) -> Path:
    path = tmp_path / "catalogue.csv"
    path.write_text(CSV_FEED, encoding="utf-8")
    return path


def test_errors_name_record_field_value_and_fix(csv_feed):
    report = validate_feed(
        str(csv_feed),
        feed_format="csv",
        mapping=CSV_MAPPING,
        options={"list_separator": "|"},
        provider="Example University",
        country="AT",
    )
    records = by_id(report)
    assert (report.records_read, report.records_accepted, report.records_rejected) == (5, 4, 1)
    assert report.values_dropped == 2
    assert report.exit_status == 1

    (ects,) = records["MC-2"].errors
    assert (records["MC-2"].record_index, ects.field, ects.value) == (1, "ects", "75")
    assert ects.reason == "ECTS must be 1 to 59"
    assert "1 to 59 ECTS (framework footnote 5)" in ects.fix and "split it" in ects.fix

    # a bad optional value costs the value: a warning, the record is accepted without it
    (isced,) = records["MC-3"].dropped
    assert (isced.severity, isced.field, isced.value) == ("warning", "isced_f_code", "1234")
    assert records["MC-3"].accepted and not records["MC-3"].errors
    assert isced.reason == "unknown ISCED-F 2013 code" and isced.value_dropped
    assert "4-digit ISCED-F 2013 code such as 0613" in isced.fix

    (date,) = records["MC-4"].dropped
    assert (date.field, date.value) == ("start_date", "next spring")
    assert "YYYY-MM-DD" in date.fix

    assert records["MC-1"].accepted and not records["MC-1"].errors
    assert [(w.field, w.reason) for w in records["MC-5"].warnings][:1] == [
        ("learning_outcomes", "constitutive element 'learning_outcomes' is missing")
    ]

    text = render_report(report)
    assert "record #2  id MC-2  'Big Course'  [rejected]" in text
    assert "ects = '75': ECTS must be 1 to 59" in text
    assert (
        "isced_f_code = '1234': unknown ISCED-F 2013 code; the value is dropped, the record kept"
        in text
    )
    assert "Records read 5, accepted 4, rejected 1; values dropped 2" in text
    assert "FAILED" in text


def test_summary_gives_the_share_of_each_constitutive_element(csv_feed):
    report = validate_feed(
        str(csv_feed),
        feed_format="csv",
        mapping=CSV_MAPPING,
        options={"list_separator": "|"},
        provider="Example University",
        country="AT",
    )
    shares = {e.element: (e.present, e.of) for e in report.elements}
    # Over the four accepted records: MC-5 has no outcomes, MC-3 lost its ISCED-F code.
    assert shares["learning_outcomes"] == (3, 4)
    assert shares["workload"] == (4, 4) and shares["subject_area"] == (3, 4)
    assert shares["assessment"] == (0, 4) and shares["provider"] == (4, 4)
    text = render_report(report)
    assert "learning_outcomes      75%  (3 of 4)" in text
    assert "assessment              0%  (0 of 4)" in text
    assert "record #3  id MC-3  'Odd Field'  [accepted, 1 value dropped]" in text
    assert "FAILED: the pipeline would reject 1 of 5 records and drop 2 values" in text


def test_valid_feed_exits_0_with_warnings_only(tmp_path, capsys):
    path = tmp_path / "ok.csv"
    path.write_text(CSV_FEED.splitlines()[0] + "\n" + CSV_FEED.splitlines()[1] + "\n")
    status, out, _ = cli(csv_args(path), capsys)
    assert status == 0
    assert "OK: the pipeline would accept every record and every value" in out
    assert "warning  assessment_type: constitutive element 'assessment' is missing" in out


def test_json_report_parses(csv_feed, capsys):
    status, out, _ = cli([*csv_args(csv_feed), "--json"], capsys)
    assert status == 1
    report = json.loads(out)
    assert report["records_read"] == 5 and report["records_rejected"] == 1
    assert report["values_dropped"] == 2
    assert report["constitutive_elements"]["learning_outcomes"] == {
        "present": 3,
        "of": 4,
        "share": 0.75,
    }
    big = next(r for r in report["records"] if r["record_id"] == "MC-2")
    assert big["position"] == 2 and big["accepted"] is False
    assert big["errors"][0]["field"] == "ects" and big["errors"][0]["value"] == "75"
    assert "framework footnote 5" in big["errors"][0]["fix"]


def test_feed_without_provider_asks_for_one(csv_feed, capsys):
    args = csv_args(csv_feed)[: -len(["--provider", "x", "--country", "AT"])]
    status, out, _ = cli(args, capsys)
    assert status == 1
    assert "provider_name: required field is missing" in out
    assert "pass --provider NAME --country XX" in out


def test_country_alone_becomes_the_records_provider_country(csv_feed):
    report = validate_feed(
        str(csv_feed),
        feed_format="csv",
        mapping={**CSV_MAPPING, "provider_name": "title"},
        options={"list_separator": "|"},
        country="AT",
    )
    assert report.records_accepted == 4
    assert not any(f.field.startswith("provider") for r in report.records for f in r.findings)


def test_code_contradictions_are_warnings(tmp_path):
    path = tmp_path / "levels.json"
    path.write_text(
        json.dumps(
            [
                {
                    "id": "G-1",
                    "name": "Scottish Course",
                    "eqf": "6",
                    "scqf": "SCQF level 7",
                    "ects": 10,
                }
            ]
        ),
        encoding="utf-8",
    )
    report = validate_feed(
        str(path),
        feed_format="json",
        mapping={
            "source_record_id": "id",
            "title": "name",
            "eqf_level": "eqf",
            "nqf_level": "scqf",
            "ects": "ects",
        },
        provider="Glasgow Example",
        country="GB",
    )
    (record,) = report.records
    flags = [w for w in record.warnings if "contradicts" in w.reason]
    assert [(w.field, w.value) for w in flags] == [("eqf_level", "6")]
    assert "SCQF" in flags[0].reason and "correct whichever is wrong" in flags[0].fix
    assert report.exit_status == 0


def test_unreadable_csv_row_is_an_error_of_the_record(tmp_path):
    path = tmp_path / "ragged.csv"
    path.write_text("code,title\nR-1,Fine\nR-2,Too,many,cells\n", encoding="utf-8")
    report = validate_feed(
        str(path),
        feed_format="csv",
        mapping={"source_record_id": "code", "title": "title"},
        provider="P",
        country="DE",
    )
    rejected = [r for r in report.records if not r.accepted]
    (finding,) = rejected[0].findings  # no missing-element noise for an unreadable record
    assert finding.field == "record" and "R-2,Too,many,cells" in finding.value
    assert "as many cells as the header" in finding.fix


def test_xml_options_take_yaml_namespaces(tmp_path, capsys):
    path = tmp_path / "courses.xml"
    path.write_text(
        '<cat xmlns="https://example.org/ns"><course id="X1"><title>Soil Science</title>'
        "<ects>4</ects></course></cat>",
        encoding="utf-8",
    )
    status, out, _ = cli(
        [
            *("validate-feed", str(path), "--format", "xml", "--option", "record=c:course"),
            *("--option", 'namespaces={c: "https://example.org/ns"}'),
            *("--mapping", "source_record_id=@id", "--mapping", "title=c:title"),
            *("--mapping", "ects=c:ects", "--provider", "P", "--country", "NL", "--all"),
        ],
        capsys,
    )
    assert status == 0
    assert "record #1  id X1  'Soil Science'  [accepted]" in out


@pytest.mark.parametrize(
    ("source", "problems"),
    [
        ("at-tugraz-csv", {("TUG-MC-26-009", "end_date", "warning")}),
        (
            "de-tum-json",
            {("TUM-ILL-MC-0150", "ects", "error"), ("TUM-ILL-MC-0155", "eqf_level", "error")},
        ),
        ("nl-tudelft-xml", {("TUD-MC-2026-122", "url", "warning")}),
        (
            "nl-mc-register-json",  # one id, two courses: both kept under distinct ids
            {
                ("NLMC-2026-0042", "source_record_id", "warning"),
            },
        ),
        ("fr-fun-json", {("course-v1:ubordeaux+28007+session02", "title", "error")}),
        (
            "ie-ucd-csv",
            {
                ("UCD-MC-BUS40070", "provider_country", "warning"),
                ("UCD-MC-ENG40080", "ects", "warning"),
            },
        ),
        (
            "pl-uw-json",
            {("Sztuczna inteligencja w administracji publicznej", "price_amount", "warning")},
        ),
        ("es-upv-tsv", {("UPV-MC-2026-09", "ects", "error")}),
        ("gb-gcu-xml", set()),
        ("it-polimi-xml", set()),
        ("fi-nordlight-json", set()),
        ("be-kuleuven-csv", set()),
    ],
)
def test_sample_feeds_report_their_documented_invalid_records(source, problems):
    """data/feeds/README.md lists the deliberately invalid records of each sample feed."""
    report = validate_feed(None, registry_path=SAMPLE_REGISTRY, source_id=source)
    found = {
        (r.title if source == "pl-uw-json" else r.record_id, f.field, f.severity)
        for r in report.records
        for f in [*r.errors, *r.dropped]
    }
    assert found == problems
    assert report.exit_status == (1 if problems else 0)
    assert all(f.fix for r in report.records for f in r.findings)


def test_sample_feed_missing_elements_are_warnings():
    report = validate_feed(None, registry_path=SAMPLE_REGISTRY, source_id="at-tugraz-csv")
    record = by_id(report)["TUG-MC-26-010"]
    assert record.accepted
    assert [w.field for w in record.warnings] == ["learning_outcomes"]


def test_cli_subprocess_on_a_registry_source_with_another_file(tmp_path):
    """A provider checks its next file against the source's configuration in the registry."""
    feed = tmp_path / "tugraz-next.csv"
    original = (PROJECT / "data" / "feeds" / "tugraz.csv").read_bytes()
    feed.write_bytes(original.replace(b"15.03.2027", b"15.05.2027"))
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pipelines", "validate-feed", str(feed)),
            *("--registry", str(SAMPLE_REGISTRY), "--source", "at-tugraz-csv"),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"Checking {feed}" in result.stdout
    assert "Records read 10, accepted 10, rejected 0" in result.stdout


def test_cli_subprocess_reports_the_documented_reject():
    result = subprocess.run(
        [
            *(sys.executable, "-m", "pipelines", "validate-feed"),
            *("--registry", str(SAMPLE_REGISTRY), "--source", "at-tugraz-csv"),
        ],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        timeout=120,
    )
    assert result.returncode == 1
    assert "record #9  id TUG-MC-26-009" in result.stdout
    assert (
        "end_date = '15.03.2027': end date before start date (read as 2027-04-15 > 2027-03-15)"
        in result.stdout
    )
    assert "fix: the end date must not be before the start date" in result.stdout


def test_paginated_feed_over_http(feed_server):
    _, base_url = feed_server
    report = validate_feed(
        f"{base_url}/page1.json",
        feed_format="json",
        mapping={"source_record_id": "ref", "title": "name", "ects": "ects"},
        options={"records": "items", "next": "links.next"},
        provider="Delft Example",
        country="NL",
        client=fast_client(),
    )
    assert report.error is None and report.pages == 3
    assert report.records_read == 6
    assert report.location == f"{base_url}/page1.json"


def test_html_page_instead_of_feed_fails_with_its_url(httpserver, capsys):
    httpserver.expect_request("/catalogue.json").respond_with_data(
        "<!DOCTYPE html><html><head><title>Sign in</title></head><body></body></html>",
        content_type="text/html",
    )
    url = httpserver.url_for("/catalogue.json")
    status, out, _ = cli(
        ["validate-feed", url, "--format", "json", "--mapping", "title=t", "--country", "DE"],
        capsys,
    )
    assert status == 1
    assert f"CANNOT CHECK: {url}: got an HTML page, not a JSON feed" in out


def test_unreachable_url_fails_with_its_url():
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/feed.json"
    report = validate_feed(
        url, feed_format="json", mapping={"title": "t"}, country="DE", client=fast_client()
    )
    assert report.exit_status == 1 and not report.records
    assert report.error.startswith(url) and "gave up after 1 attempts" in report.error
    assert render_report(report).splitlines()[-1] == f"CANNOT CHECK: {report.error}"


def test_unparsable_file_fails_with_its_path(tmp_path, capsys):
    path = tmp_path / "broken.json"
    path.write_text('{"items": [{"title": "x"}', encoding="utf-8")
    status, out, err = cli(
        [
            *("validate-feed", str(path), "--format", "json", "--option", "records=items"),
            *("--mapping", "title=title", "--json"),
        ],
        capsys,
    )
    assert status == 1
    report = json.loads(out)
    assert report["error"].startswith(f"{path}: not a JSON document")
    assert report["ok"] is False and report["records"] == []
    assert str(path) in err


def test_missing_file_and_empty_records_path_fail(tmp_path, csv_feed, capsys):
    status, out, _ = cli(
        ["validate-feed", str(tmp_path / "nope.csv"), "--format", "csv", "--mapping", "title=t"],
        capsys,
    )
    assert status == 1 and f"cannot read {tmp_path / 'nope.csv'}" in out

    path = tmp_path / "wrapped.json"
    path.write_text('{"data": {"items": [{"title": "x"}]}}', encoding="utf-8")
    report = validate_feed(
        str(path),
        feed_format="json",
        mapping={"title": "title"},
        options={"records": "items"},
        provider="P",
        country="DE",
    )
    assert report.exit_status == 1
    assert "no records found" in report.error and "options.records ('items')" in report.error


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["f.csv", "--format", "nope", "--mapping", "title=t"], "invalid choice: 'nope'"),
        (["f.csv", "--format", "csv", "--mapping", "title"], "expected key=value"),
        (["f.csv", "--format", "csv", "--mapping", "titel=t"], "unknown canonical field"),
        (["f.csv", "--format", "csv", "--mapping", "title=t", "--country", "XQ"], "'country'"),
        (["f.csv", "--format", "xml", "--mapping", "title=t"], "options.record"),
        (["f.csv", "--mapping", "title=t"], "--format is required"),
        (["--format", "csv", "--mapping", "title=t"], "give the feed's file or URL"),
        (["--source", "at-tugraz-csv"], "--registry and --source go together"),
        (
            ["--registry", str(SAMPLE_REGISTRY), "--source", "at-tugraz-csv", "--format", "csv"],
            "cannot be combined with --source",
        ),
        (["--registry", str(SAMPLE_REGISTRY), "--source", "nowhere"], "no source 'nowhere'"),
    ],
)
def test_bad_usage_exits_2(argv, message, capsys):
    status, out, err = cli(["validate-feed", *argv], capsys)
    assert status == 2
    assert message in err and out == ""


def test_formats_come_from_the_registry(capsys):
    formats = registry_formats()
    assert formats is not None and {"csv", "json", "xml"} <= set(formats)
    status, out, _ = cli(["validate-feed", "--help"], capsys)
    assert status == 0 and "{" + ",".join(formats) + "}" in out


PROFILE_FIXTURES = Path(__file__).parent / "fixtures" / "profiles"


def test_elm_document_checked_with_its_profile(capsys):
    status, out, _ = cli(
        [
            *("validate-feed", str(PROFILE_FIXTURES / "elm-loq.xml"), "--format", "elm"),
            *("--provider", "KU Leuven", "--country", "BE", "--json"),
        ],
        capsys,
    )
    report = json.loads(out)
    assert status == 0 and report["format"] == "elm"
    assert report["records_read"] > 0 and report["records_rejected"] == 0
    assert report["constitutive_elements"]["title"]["share"] == 1.0


def test_ob3_credentials_report_the_achievement_never_the_learner(capsys):
    path = PROFILE_FIXTURES / "ob3-credentials.json"
    subjects = [
        credential.get("credentialSubject", {})
        for credential in json.loads(path.read_text(encoding="utf-8"))["credential"]
    ]
    learners = {s["id"] for s in subjects if "id" in s} | {
        i["identityHash"] for s in subjects for i in s.get("identifier", [])
    }
    status, out, _ = cli(
        [
            *("validate-feed", str(path), "--format", "ob3"),
            *("--provider", "Hogeschool Rotterdam", "--country", "NL", "--json", "--all"),
        ],
        capsys,
    )
    assert status == 0 and json.loads(out)["records_read"] > 0
    assert learners and not any(learner in out for learner in learners)


def test_fix_for_too_few_ects_and_unknown_reasons():
    assert "is it hours?" in suggest_fix("ects", "ECTS must be 1 to 59", "0.5")
    assert "split it" in suggest_fix("ects", "ECTS must be 1 to 59", "75")
    assert suggest_fix("sqf", "something new", "x") == (
        "see the rule for sqf in README.md (the canonical record)"
    )


# --- crosswalks, credit units, computed fields, XCRI-CAP ----------------------------------

UK_CSV = (
    "code,title,credits,level,mode,effort\n"
    "M1,Coding Basics,20,7,Distance learning with tutorials,4 hours per week\n"
    "M2,Big Module,80,8,Online,2 hours per week\n"
    "M3,Odd Level,10,42,Online,-3 hours per week\n"
)
UK_MAPPING = {
    "source_record_id": "code",
    "title": "title",
    "ects": "credits",
    "nqf_level": "level",
    "participation_form": "mode",
    "workload_hours": {"sql": 'lower_bound("effort") * 10 - 50'},
}


def _registry_file(tmp_path: Path, url: str, **source) -> Path:
    raw = {
        "providers": [{"id": "gb-uni", "name": "Example University", "country": "GB"}],
        "sources": [{"id": "uk-csv", "provider": "gb-uni", "url": url, "format": "csv", **source}],
    }
    path = tmp_path / "providers.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    return path


def _fixes(report: FeedReport) -> dict[tuple[str, str], str]:
    return {
        (record.record_id, finding.field): finding.fix
        for record in report.records
        for finding in [*record.errors, *record.dropped]
    }


def test_fixes_name_the_registry_key_when_the_mapping_may_be_at_fault(httpserver, tmp_path):
    httpserver.expect_request("/uk.csv").respond_with_data(UK_CSV, content_type="text/csv")
    registry = _registry_file(tmp_path, httpserver.url_for("/uk.csv"), mapping=UK_MAPPING)
    fixes = _fixes(validate_feed(None, registry_path=registry, source_id="uk-csv"))
    assert fixes[("M1", "participation_form")] == (
        "use online, onsite or blended; or, if 'Distance learning with tutorials' is the feed's "
        "own term, map it in the registry, source 'uk-csv': values.participation_form: "
        "{'Distance learning with tutorials': online}"
    )
    assert fixes[("M2", "ects")].endswith(
        "or, if the numbers are not ECTS, declare their unit in the registry, source 'uk-csv': "
        "defaults.credit_unit: SCQF (or CATS: 2 credits are 1 ECTS; US credit hours: 1 is 2 ECTS)"
    )
    assert fixes[("M3", "nqf_level")].endswith(
        "say which framework the levels are in in the registry, source 'uk-csv': "
        "defaults.nqf_framework (e.g. SCQF)"
    )
    # a computed value: the expression is what to correct, not the feed
    assert fixes[("M3", "workload_hours")] == (
        'the value is computed by mapping.workload_hours {sql: lower_bound("effort") * 10 - 50} '
        "(in the registry, source 'uk-csv'): correct the expression"
    )


def test_the_registry_keys_say_what_the_feed_means_and_then_it_passes(httpserver, tmp_path):
    httpserver.expect_request("/uk.csv").respond_with_data(UK_CSV, content_type="text/csv")
    registry = _registry_file(
        tmp_path,
        httpserver.url_for("/uk.csv"),
        mapping={**UK_MAPPING, "workload_hours": {"sql": 'upper_bound("effort") * 10'}},
        defaults={"credit_unit": "SCQF", "nqf_framework": "SCQF"},
        values={
            "participation_form": {"Distance learning with tutorials": "blended"},
            "nqf_level": {"42": "11"},
        },
    )
    report = validate_feed(None, registry_path=registry, source_id="uk-csv")
    assert report.exit_status == 0 and report.records_rejected == 0
    assert report.records_read == 3


def test_the_command_line_takes_crosswalks_defaults_and_expressions(tmp_path, capsys):
    feed = tmp_path / "uk.csv"
    feed.write_text(UK_CSV, encoding="utf-8")
    base = [
        *("validate-feed", str(feed), "--format", "csv", "--provider", "Example", "--country"),
        *("GB", "--mapping", "source_record_id=code", "--mapping", "title=title"),
        *("--mapping", "ects=credits", "--mapping", "participation_form=mode"),
        *("--mapping", 'workload_hours={sql: upper_bound("effort") * 10}'),
    ]
    status, out, _ = cli(base, capsys)
    assert status == 1
    assert "on the command line (--mapping, --values, --default are the registry's keys)" in out
    status, out, _ = cli(
        [
            *base,
            *("--default", "credit_unit=SCQF"),
            *("--values", "participation_form={Distance learning with tutorials: blended}"),
        ],
        capsys,
    )
    assert status == 0, out
    status, _, err = cli([*base, "--default", "credit_unit=parsecs"], capsys)
    assert status == 2 and "key 'defaults.credit_unit': unknown credit unit 'parsecs'" in err


def test_an_xcri_feed_is_checked_with_its_profile_over_http(httpserver):
    body = (PROFILE_FIXTURES / "xcri-catalog.xml").read_bytes()
    httpserver.expect_request("/xcri.xml").respond_with_data(body, content_type="text/xml")
    report = validate_feed(
        httpserver.url_for("/xcri.xml"),
        feed_format="xcri",
        provider="Kelpie College",
        country="GB",
        client=fast_client(),
    )
    assert report.error is None and report.records_read == 6 and report.records_rejected == 1
    (rejected,) = [r for r in report.records if not r.accepted]
    assert rejected.title == "Certificate of Higher Education in Computing"
    assert [(f.field, f.value, f.reason) for f in rejected.errors] == [
        (
            "ects",
            "120",
            "ECTS must be 1 to 59: 60 ECTS derived from 120 SCQF is not a micro-credential",
        )
    ]
    assert "split it into smaller micro-credentials" in rejected.errors[0].fix
