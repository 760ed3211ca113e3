"""The catalogue on data nobody here wrote, in the shapes real feeds have: credentials that
share an id, a platform's partner universities, a source whose records are all rejected, a
module and a qualification of one title, series numbers glued to words, several values for
one field. Nothing is collapsed or guessed silently."""

import json
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pytest

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import read_sources
from pipelines.validation.validate import rejected_records

HR = {"id": "nl-hr", "name": "Hogeschool Rotterdam", "country": "NL"}


def run(tmp_path: Path, providers: list[dict], sources: list[dict], files: dict[str, str]):
    """The pipeline's own reading, validation and catalogue, on files written to tmp_path."""
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    registry = parse_registry({"providers": providers, "sources": sources}, tmp_path)
    reads = read_sources(registry, FeedClient(), FeedCache(tmp_path / "cache"))
    result = validate_sources(reads, registry)
    tables = build_catalogue(result, reads, registry, datetime(2026, 12, 1, tzinfo=UTC))
    return reads, result, tables


def assert_nothing_lost(reads, tables) -> None:
    """Records read = records in lineage + records rejected, per source."""
    status = tables.feed_status.set_index("source_id")
    lineage = tables.lineage[tables.lineage["active"]].groupby("source_id").size()
    rejected = rejected_records(tables.rejects).groupby("source_id").size()
    for read in reads:
        counted = lineage.get(read.source_id, 0) + rejected.get(read.source_id, 0)
        assert counted == read.records_read == status.loc[read.source_id, "records_read"]


# --- Open Badges credentials sharing achievement ids ----------------------------------------


def _achievement(number: int, ects: float) -> dict:
    return {
        "id": f"https://edubadges.example.nl/achievements/{number}",
        "type": ["Achievement"],
        "name": f"Microcredential {number}: {['Zorg', 'Logistiek', 'Bouw', 'Energie'][number % 4]}",
        "description": f"Achievement number {number}.",
        "criteria": {"narrative": "Assessed by a portfolio."},
        "ECTS": ects,
        "creator": {"id": "https://edubadges.example.nl/issuers/hr", "name": HR["name"]},
    }


def ob3_credentials() -> tuple[list[dict], dict[int, str]]:
    """30 credentials describing 24 achievements. 9 achievement ids are each shared by two
    different achievements (a provider's badge class id reused); one of them is a 180-ECTS
    diploma. 6 credentials repeat an achievement another learner also earned."""
    achievements = {n: _achievement(n, 180.0 if n == 5 else 2.5 + n % 3) for n in range(24)}
    shared = {n: n - 9 for n in range(9, 18)}  # 9 uses the id of 0, ..., 14 the diploma's
    for n, other in shared.items():
        achievements[n]["id"] = achievements[other]["id"]
    credentials = []
    for n in [*range(24), 0, 3, 7, 20, 21, 22]:
        credentials.append(
            {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential", "OpenBadgeCredential"],
                "issuer": {"id": "https://edubadges.example.nl/issuers/hr", "name": HR["name"]},
                "credentialSubject": {
                    "type": ["AchievementSubject"],
                    "identifier": [{"identityHash": f"learner-{len(credentials)}"}],
                    "achievement": achievements[n],
                },
            }
        )
    return credentials, {n: a["id"] for n, a in achievements.items()}


def test_credentials_sharing_an_id_are_never_collapsed_silently(tmp_path):
    credentials, ids = ob3_credentials()
    assert len(credentials) == 30 and len(set(ids.values())) == 15
    reads, _, tables = run(
        tmp_path,
        [HR],
        [{"id": "hr-ob3", "provider": "nl-hr", "url": "badges.json", "format": "ob3"}],
        {"badges.json": json.dumps(credentials)},
    )
    (read,) = reads
    assert read.records_read == 30  # what the document held, not what a profile kept
    assert_nothing_lost(reads, tables)
    titles = set(tables.microcredentials["title"])
    assert len(titles) == 23  # 24 achievements, the 180-ECTS diploma rejected
    assert "Microcredential 5: Logistiek" not in titles
    rejects = tables.rejects
    diploma = rejects[(rejects["field"] == "ects") & (rejects["severity"] == "error")]
    assert diploma["value"].tolist() == ["180.0"]
    assert diploma["source_record_id"].iloc[0].startswith(ids[5] + "~")
    # every record under a shared id is kept apart, traceable to the id and the others
    renamed = rejects[rejects["field"] == "source_record_id"]
    assert renamed["severity"].eq("warning").all()
    assert len(renamed) == 21  # nine ids shared by two achievements, and three repeats of them
    assert (
        renamed["reason"].str.contains(r"is given to records #\d+(?:, #\d+)+ with different").all()
    )
    # identical repeats (another learner's credential) are folded into their first record
    folded = tables.lineage[tables.lineage["merge_reason"].str.startswith("repeat of record")]
    assert len(folded) == 6
    assert (tables.microcredentials["source_count"] == 1).all()


# --- a platform's partner universities ------------------------------------------------------

EDX = {"id": "us-edx", "name": "edX", "country": "US"}
DELFT = {"id": "nl-tudelft", "name": "Delft University of Technology", "country": "NL"}
EXPORT = (
    "course_id,title,institution,institution_country,url,effort\n"
    "c1,Python for Everybody,The University of Tokyo,,https://www.edx.org/c1,6\n"
    "c2,Data Science in Practice,Tsinghua University,,https://www.edx.org/c2,4\n"
    "c3,Wine Science,The University of Adelaide,AU,https://www.edx.org/c3,5\n"
    "c4,Solar Energy,Delft University of Technology,,https://www.edx.org/c4,6\n"
    "c5,Philosophy and Ethics,University of Edinburgh,,https://www.edx.org/c5,3\n"
)


@pytest.mark.parametrize("as_field", ["provider_name", "awarding_body_name"])
def test_partner_universities_never_inherit_the_platforms_country(tmp_path, as_field):
    country_field = "provider_country" if as_field == "provider_name" else "awarding_body_country"
    source = {
        "id": "edx-csv",
        "provider": "us-edx",
        "url": "export.csv",
        "format": "csv",
        "mapping": {
            "source_record_id": "course_id",
            "title": "title",
            as_field: "institution",
            country_field: "institution_country",
            "url": "url",
            "ects": "effort",
        },
        "speaks_for": {"any": True},
    }
    reads, _, tables = run(tmp_path, [EDX, DELFT], [source], {"export.csv": EXPORT})
    assert_nothing_lost(reads, tables)
    rows = tables.microcredentials.set_index("title")
    countries = rows[country_field].to_dict()
    assert countries == {
        "Python for Everybody": None,  # stated nowhere: unknown, not the platform's US
        "Data Science in Practice": None,
        "Wine Science": "AU",  # the record's own country field
        "Solar Energy": "NL",  # a registered provider: the registry's country
        "Philosophy and Ethics": None,
    }
    assert "US" not in set(rows[country_field].dropna())


# --- a source's health ------------------------------------------------------------------------


def test_a_source_with_every_record_rejected_or_none_read_is_not_plainly_ok(tmp_path):
    all_bad = "id,title,ects\n" + "".join(f"r{i},Course {i},75\n" for i in range(5))
    sources = [
        {
            "id": "bad-csv",
            "provider": "nl-hr",
            "url": "bad.csv",
            "format": "csv",
            "mapping": {"source_record_id": "id", "title": "title", "ects": "ects"},
        },
        {
            "id": "empty-json",
            "provider": "nl-hr",
            "url": "empty.json",
            "format": "json",
            "options": {"records": "data.items"},
            "mapping": {"title": "name"},
        },
        {
            "id": "good-csv",
            "provider": "nl-hr",
            "url": "good.csv",
            "format": "csv",
            "mapping": {"source_record_id": "id", "title": "title", "ects": "ects"},
        },
    ]
    files = {
        "bad.csv": all_bad,
        "empty.json": json.dumps({"data": {"courses": [{"name": "x"}]}}),
        "good.csv": "id,title,ects\ng1,Fine Course,5\n",
    }
    _, _, tables = run(tmp_path, [HR], sources, files)
    status = tables.feed_status.set_index("source_id")
    assert status.loc["bad-csv", "status"] == "ok"
    assert status.loc["bad-csv", "warnings"] == (
        "5 of 5 records rejected (100%, the registry's health.max_rejected_share is 50%)"
    )
    assert status.loc["empty-json", "warnings"].startswith(
        "no records found: is options.records ('data.items') the path to the list?"
    )
    assert pd.isna(status.loc["good-csv", "warnings"])


# --- one feed: modules, qualifications, regional variants, series ------------------------------


def test_records_of_one_feed_merge_only_on_strong_evidence(tmp_path):
    feed = (
        "id,title,ects,url\n"
        "M1,Applied Data Science,10,https://hr.example.nl/modules/applied-data-science\n"
        "Q1,Applied Data Science,10,https://hr.example.nl/qualifications/applied-data-science\n"
        "E1,Games Design,5,https://hr.example.nl/england/games-design\n"
        "W1,Games Design,5,https://hr.example.nl/wales/games-design\n"
        "J1,Steps in Japanese for Beginners1 Part1,2,https://hr.example.nl/jp/1-1\n"
        "J2,Steps in Japanese for Beginners1 Part2,2,https://hr.example.nl/jp/1-2\n"
        "J3,Steps in Japanese for Beginners1 Part3,2,https://hr.example.nl/jp/1-3\n"
        "J4,Steps in Japanese for Beginners2 Part1,2,https://hr.example.nl/jp/2-1\n"
        "S1,Supply Chains,4,https://hr.example.nl/supply-chains\n"
        "S2,Supply Chains,4,https://hr.example.nl/supply-chains?utm_source=x\n"
    )
    register = (
        "id,title,ects,provider\n"
        "R1,Steps in Japanese for Beginners 1 - Part 2,2,Hogeschool Rotterdam\n"
    )
    sources = [
        {
            "id": "hr-csv",
            "provider": "nl-hr",
            "url": "hr.csv",
            "format": "csv",
            "mapping": {"source_record_id": "id", "title": "title", "ects": "ects", "url": "url"},
        },
        {
            "id": "register",
            "provider": "nl-hr",
            "url": "register.csv",
            "format": "csv",
            "mapping": {
                "source_record_id": "id",
                "title": "title",
                "ects": "ects",
                "provider_name": "provider",
            },
        },
    ]
    _, _, tables = run(tmp_path, [HR], sources, {"hr.csv": feed, "register.csv": register})
    row = tables.lineage.set_index(["source_id", "source_record_id"])["credential_id"]
    own = {key[1]: value for key, value in row.items() if key[0] == "hr-csv"}
    # a module and a qualification, England and Wales, four courses of a series: all apart
    assert len({own[i] for i in ("M1", "Q1", "E1", "W1", "J1", "J2", "J3", "J4")}) == 8
    assert own["S1"] == own["S2"]  # the same page: one offering listed twice
    assert row[("register", "R1")] == own["J2"]  # a copy written otherwise finds its course
    evidence = tables.matches.set_index(["left_source_record_id", "right_source_record_id"])
    assert evidence.loc[("M1", "Q1"), "source"] == "same source"
    assert not evidence.loc[("M1", "Q1"), "merged"]


# --- several values, derived ids, invisible characters ------------------------------------------

XCRI_LIKE = """<catalog xmlns="http://xcri.org/profiles/1.2/catalog"
    xmlns:mlo="http://purl.org/net/mlo" xmlns:credit="http://purl.org/net/cm"
    xmlns:dc="http://purl.org/dc/elements/1.1/">
  <course>
    <dc:identifier>GCU-1</dc:identifier>
    <dc:title>Renewable\u00a0Heat\u200b Installation</dc:title>
    <mlo:credit><credit:scheme>SCQF</credit:scheme><credit:value>30</credit:value></mlo:credit>
    <mlo:credit><credit:scheme>ECTS</credit:scheme><credit:value>15</credit:value></mlo:credit>
  </course>
</catalog>
"""
NAMESPACES = {
    "x": "http://xcri.org/profiles/1.2/catalog",
    "mlo": "http://purl.org/net/mlo",
    "credit": "http://purl.org/net/cm",
    "dc": "http://purl.org/dc/elements/1.1/",
}
GCU = {"id": "gb-gcu", "name": "Glasgow Example University", "country": "GB"}


def _xml_source(ects_path: str, **options) -> dict:
    return {
        "id": "gcu-xml",
        "provider": "gb-gcu",
        "url": "gcu.xml",
        "format": "xml",
        "options": {"record": "x:course", "namespaces": NAMESPACES, **options},
        "mapping": {"source_record_id": "dc:identifier", "title": "dc:title", "ects": ects_path},
    }


def test_several_values_name_the_source_and_key_and_how_to_choose(tmp_path):
    _, result, tables = run(
        tmp_path, [GCU], [_xml_source("mlo:credit/credit:value")], {"gcu.xml": XCRI_LIKE}
    )
    (problem,) = tables.rejects.to_dict("records")
    assert (problem["field"], problem["value"], problem["severity"]) == (
        "ects",
        "30 | 15",
        "warning",
    )
    assert "mapping ects -> 'mlo:credit/credit:value' of source 'gcu-xml'" in problem["reason"]
    assert "mlo:credit[credit:scheme='SCQF']/credit:value" in problem["reason"]
    assert "options.several_values: {ects: first}" in problem["reason"]
    kept = result.accepted.iloc[0]
    assert pd.isna(kept["ects"])  # nothing guessed, and no follow-on error on '30 | 15'
    assert kept["title"] == "Renewable Heat Installation"  # no-break and zero-width spaces


@pytest.mark.parametrize(
    ("path", "options", "ects"),
    [
        ("mlo:credit[credit:scheme='ECTS']/credit:value", {}, 15.0),
        ("mlo:credit/credit:value", {"several_values": {"ects": "first"}}, 30.0),
    ],
)
def test_the_agency_chooses_one_value_by_a_predicate_or_an_option(tmp_path, path, options, ects):
    _, result, tables = run(tmp_path, [GCU], [_xml_source(path, **options)], {"gcu.xml": XCRI_LIKE})
    assert tables.rejects.empty
    assert result.accepted.iloc[0]["ects"] == ects


def test_a_reject_of_a_derived_id_says_what_the_id_was_made_from(tmp_path):
    feed = "title,ects\nGood Course,5\nHuge Course,90\n"
    source = {
        "id": "no-ids",
        "provider": "nl-hr",
        "url": "no-ids.csv",
        "format": "csv",
        "mapping": {"title": "title", "ects": "ects"},
    }
    _, _, tables = run(tmp_path, [HR], [source], {"no-ids.csv": feed})
    (reject,) = tables.rejects.to_dict("records")
    assert reject["source_record_id"].startswith("h")
    assert reject["record_id_from"] == "ects, title"


def test_the_readme_states_what_each_problem_costs_as_schemas_declare_it():
    from schemas.problems import FIELD_RULES

    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("### What a problem costs", 1)[1].split("\n\n**", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith(("| `", "| every"))]
    stated = {}
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        for field in cells[0].replace("`", "").split(", "):
            stated[field.split(" ")[0]] = (cells[1].split(" ")[0], cells[2].split(" ")[0])
    for rule in FIELD_RULES:
        expected = (rule.unreadable, rule.breaks_rule)
        found = stated.get(rule.field, stated["every"])
        assert tuple(f.rstrip(":") for f in found) == expected, rule.field
