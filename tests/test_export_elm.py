"""The catalogue as ELM v3 learning opportunities (LOQ XML): valid against the ELM XSD set, with
EU vocabulary URIs, the rows lacking what the schema requires listed with the reasons, and the
same values when the pipeline reads the export back with its `elm` profile."""

import copy
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
import yaml
from lxml import etree

from connectors.cache import FeedCache
from connectors.http import FeedClient
from connectors.profiles.vocabularies import VOCABULARIES
from pipelines.catalogue.build import validate_sources
from pipelines.export.authority_codes import authority_codes, write
from pipelines.export.elm import DEFAULT_BASE, export_elm, schema_errors
from pipelines.publish.release import read_published
from pipelines.reading.registry import load_registry
from pipelines.reading.sources import read_sources
from tests.support.cells import plain

FIXTURES = Path(__file__).parent / "fixtures" / "elm-v3"
XSD = FIXTURES / "xsd" / "loq.xsd"
SAMPLE = Path(__file__).parent.parent / "data" / "providers.yaml"
PROJECT = Path(__file__).parent.parent
LOQ = {"loq": "http://data.europa.eu/snb/model/ap/loq-constraints/"}


@pytest.fixture(scope="module")
def schema():
    return etree.XMLSchema(etree.parse(str(XSD)))


@pytest.fixture(scope="module")
def rows(bundled_catalogue):
    return read_published(bundled_catalogue, ["microcredentials"])["microcredentials"]


def errors(schema, document: etree._Element | bytes) -> list[str]:
    tree = etree.fromstring(document) if isinstance(document, bytes) else document
    return [] if schema.validate(tree) else [e.message for e in schema.error_log]


def test_the_schema_set_accepts_the_elm_samples(schema):
    for sample in ("loq.xml", "loq_withLearningAchievementSpecification.xml"):
        assert errors(schema, etree.parse(str(FIXTURES / sample)).getroot()) == [], sample


def test_the_sample_catalogue_exports_valid_documents(bundled_catalogue, rows, schema):
    """The asset's documents, one per country, and the whole catalogue in one: all valid;
    every active row is either exported or listed with its reasons."""
    folder = bundled_catalogue / "export" / "elm"
    active = rows[rows["status"] == "active"]
    countries = sorted(active["provider_country"].dropna().unique())
    assert sorted(p.name for p in folder.glob("loq-*.xml")) == [f"loq-{c}.xml" for c in countries]
    in_documents = 0
    for path in folder.glob("loq-*.xml"):
        document = etree.parse(str(path)).getroot()
        assert errors(schema, document) == [], path.name
        opportunities = document.findall(
            "loq:learningOpportunityReferences/loq:learningOpportunity", LOQ
        )
        in_documents += len(opportunities)
    listed = json.loads((folder / "excluded.json").read_text(encoding="utf-8"))["excluded"]
    assert in_documents + len(listed) == len(active)

    export = export_elm(rows)
    assert errors(schema, export.document) == []
    assert schema_errors(export.document, XSD) == []
    assert len(export.exported) == in_documents == 113
    assert sorted(r["credential_id"] for r in listed) == sorted(export.excluded["credential_id"])


def test_the_rows_not_exported_are_those_lacking_what_the_schema_requires(bundled_catalogue, rows):
    con = duckdb.connect(str(bundled_catalogue / "catalogue.duckdb"), read_only=True)
    try:
        lacking = con.execute(
            "SELECT credential_id FROM microcredentials WHERE status = 'active' AND ("
            "url IS NULL OR provider_country IS NULL OR isced_f_code IS NULL "
            "OR coalesce(len(languages), 0) = 0 OR coalesce(len(learning_outcomes), 0) = 0 "
            "OR (title_language IS NULL AND coalesce(len(languages), 0) <> 1))"
        ).fetchall()
    finally:
        con.close()
    excluded = export_elm(rows).excluded
    assert sorted(excluded["credential_id"]) == sorted(c for (c,) in lacking)
    reasons = dict(zip(excluded["credential_id"], excluded["reasons"], strict=True))
    kelpie = rows.set_index("title").loc["Gaelic for the Workplace", "credential_id"]
    assert reasons[kelpie] == [
        "no ISCED-F field (isced_f_code): ELM requires the specification's ISCEDFCode",
        "no language for its texts (title_language, or a single language of instruction): "
        "ELM tags every text with its language",
    ]


def test_each_requirement_is_one_the_schema_makes(rows, schema):
    """Take away from a valid document what a row would lack, and the schema refuses it: the
    export's requirements are the schema's, not stricter and not looser."""
    document = etree.fromstring(export_elm(rows, "NL").document)
    assert errors(schema, document) == []
    removals = {
        "homepage (url)": "//loq:learningOpportunity[1]/loq:homepage",
        "ISCEDFCode": "//loq:learningAchievementSpecification[1]/loq:ISCEDFCode",
        "language": "//loq:learningAchievementSpecification[1]/loq:language",
        "learningOutcome": "//loq:learningAchievementSpecification[1]/loq:learningOutcome",
        "countryCode": "//loq:location[1]/loq:address",
        "defaultLanguage": "//loq:learningOpportunity[1]/loq:defaultLanguage",
    }
    for what, xpath in removals.items():
        broken = copy.deepcopy(document)
        for node in broken.xpath(xpath, namespaces=LOQ):
            node.getparent().remove(node)
        assert errors(schema, broken), what
    untagged = copy.deepcopy(document)
    del untagged.xpath("//loq:learningOpportunity[1]/loq:title", namespaces=LOQ)[0].attrib[
        "language"
    ]
    assert errors(schema, untagged)


def _row(rows: pd.DataFrame, template: str, **changes) -> pd.DataFrame:
    row = rows[rows["title"] == template].iloc[[0]].copy()
    for column, value in changes.items():
        row[column] = pd.Series([value], index=row.index, dtype="object")
    return row


def test_a_row_lacking_a_requirement_is_listed_with_the_reason(rows, schema):
    title = "Machine Learning for Engineers"
    cases = {
        "ok": ({}, None),
        "no-url": ({"url": None}, "no web page (url)"),
        "no-country": ({"provider_country": None}, "no provider country (provider_country)"),
        "no-isced": ({"isced_f_code": None}, "no ISCED-F field (isced_f_code)"),
        "no-language": ({"languages": None}, "no language of instruction (languages)"),
        "no-outcomes": ({"learning_outcomes": np.array([], dtype=object)}, "no learning outcomes"),
        "two-languages": (
            {"title_language": None, "languages": np.array(["de", "en"], dtype=object)},
            "no language for its texts",
        ),
        "no-eu-language": (
            {"languages": np.array(["sh"], dtype=object)},
            "language 'sh' is not in the EU language vocabulary",
        ),
        "control": (
            {"description": "Line\x0bbreak"},
            "description holds a character XML cannot carry",
        ),
    }
    frames = []
    for key, (changes, _) in cases.items():
        frame = _row(rows, title, **changes)
        frame["credential_id"] = f"mc-{key}"
        frames.append(frame)
    export = export_elm(pd.concat(frames, ignore_index=True))
    assert list(export.exported["credential_id"]) == ["mc-ok"]
    reasons = dict(zip(export.excluded["credential_id"], export.excluded["reasons"], strict=True))
    for key, (_, reason) in cases.items():
        if reason:
            assert len(reasons[f"mc-{key}"]) == 1 and reasons[f"mc-{key}"][0].startswith(reason), (
                key
            )
    assert errors(schema, export.document) == []


def test_codes_are_written_as_eu_vocabulary_uris(rows):
    row = rows[rows["title"] == "Machine Learning for Engineers"].iloc[0]
    document = etree.fromstring(export_elm(rows, "NL").document)
    cid = row["credential_id"]
    spec = document.xpath(
        f"//loq:learningAchievementSpecification[@id='{DEFAULT_BASE}specification:{cid}']",
        namespaces=LOQ,
    )[0]
    opportunity = document.xpath(
        f"//loq:learningOpportunity[@id='{DEFAULT_BASE}opportunity:{cid}']", namespaces=LOQ
    )[0]

    def uris(node, path):
        return [e.get("uri") for e in node.xpath(path, namespaces=LOQ)]

    assert (row["eqf_level"], row["isced_f_code"], list(row["languages"])) == (7, "0613", ["en"])
    assert uris(spec, "loq:educationLevel") == ["http://data.europa.eu/snb/eqf/7"]
    assert uris(spec, "loq:ISCEDFCode") == ["http://data.europa.eu/snb/isced-f/0613"]
    assert uris(spec, "loq:language") == [
        "http://publications.europa.eu/resource/authority/language/ENG"
    ]
    assert uris(opportunity, "loq:defaultLanguage") == uris(spec, "loq:language")
    assert uris(spec, "loq:creditPoint/loq:framework") == [
        "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    ]
    assert spec.xpath("loq:creditPoint/loq:point/text()", namespaces=LOQ) == [f"{row['ects']:g}"]
    assert row["participation_form"] == "online"
    assert uris(opportunity, "loq:mode") == [
        "http://data.europa.eu/snb/learning-assessment/920fbb3cbe"
    ]
    assert uris(opportunity, "loq:priceDetail/loq:amount/loq:unit") == [
        "http://publications.europa.eu/resource/authority/currency/EUR"
    ]
    assert uris(document, "//loq:location/loq:address/loq:countryCode") == [
        "http://publications.europa.eu/resource/authority/country/NLD"
    ] * len(document.xpath("loq:locationReferences/loq:location", namespaces=LOQ))


#: Fields the export writes and the `elm` profile reads, compared after the round trip.
ROUND_TRIP = [
    "title", "description", "url", "provider_id", "provider_name", "provider_country",
    "learning_outcomes", "ects", "workload_hours", "assessment_type", "eqf_level",
    "qf_ehea_cycle", "isced_level", "isced_f_code", "isced_f_label", "participation_form",
    "access_requirements", "languages", "start_date", "end_date", "price_amount",
]  # fmt: skip


def test_the_export_reads_back_through_the_elm_profile_with_the_same_values(rows, tmp_path):
    """Export, then read the document as the pipeline reads a registered `elm` source: the
    same values for every field both sides carry."""
    export = export_elm(rows)
    (tmp_path / "loq.xml").write_bytes(export.document)
    raw = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))
    raw["sources"] = [
        {
            "id": "europass",
            "provider": "nl-mc-register",
            "url": str(tmp_path / "loq.xml"),
            "format": "elm",
            "speaks_for": {"any": True},  # the whole catalogue: every provider's offers
        }
    ]
    (tmp_path / "registry.yaml").write_text(
        yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8"
    )
    registry = load_registry(tmp_path / "registry.yaml")
    client = FeedClient()
    try:
        reads = read_sources(registry, client, FeedCache(tmp_path / "cache"))
    finally:
        client.close()
    result = validate_sources(reads, registry)
    assert result.rejects.empty
    back = result.accepted.assign(
        credential_id=result.accepted["source_record_id"].str.removeprefix(
            f"{DEFAULT_BASE}opportunity:"
        )
    ).set_index("credential_id")
    original = rows.set_index("credential_id").loc[export.exported["credential_id"]]
    assert sorted(back.index) == sorted(original.index)
    compared = 0
    for cid, row in original.iterrows():
        for field in ROUND_TRIP:
            assert plain(back.at[cid, field]) == plain(row[field]), (cid, field)
            compared += plain(row[field]) is not None
        if pd.notna(row["title_language"]):  # else the texts were tagged with the one language
            assert back.at[cid, "title_language"] == row["title_language"]
        if pd.notna(row["price_amount"]):  # a currency without an amount is not carried
            assert back.at[cid, "price_currency"] == row["price_currency"]
    assert compared > 113 * 15


def test_hostile_text_is_escaped_and_reads_back_as_written(rows, schema, tmp_path):
    text = "<b>R&D</b> ]]> \"quoted\" 'single' — Ünïcödé ☃"
    row = _row(rows, "Machine Learning for Engineers", title=text, description=text)
    export = export_elm(row)
    assert errors(schema, export.document) == []
    assert b"<b>" not in export.document
    titles = etree.fromstring(export.document).xpath(
        "//loq:learningOpportunity/loq:title/text()", namespaces=LOQ
    )
    assert titles == [text]


def test_the_eu_authority_codes_are_made_from_the_schemas_code_lists(tmp_path):
    made = tmp_path / "codes.csv"
    write(authority_codes(FIXTURES / "xsd" / "cv"), made)
    assert made.read_text(encoding="utf-8") == (VOCABULARIES / "eu-authority-codes.csv").read_text(
        encoding="utf-8"
    )


def _command(*args: str, catalogue: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines", "export-elm", *args],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "CATALOGUE_DIR": str(catalogue)},
    )


def test_export_elm_command(bundled_catalogue, schema, tmp_path):
    out = tmp_path / "nl.xml"
    done = _command("--country", "NL", "--xsd", str(XSD), str(out), catalogue=bundled_catalogue)
    assert done.returncode == 0, done.stderr
    assert "25 learning opportunities of country NL written to" in done.stdout
    assert "4 not exported" in done.stdout and "no web page (url)" in done.stdout
    assert f"Valid against {XSD}" in done.stdout
    assert errors(schema, out.read_bytes()) == []
    whole = _command(str(tmp_path / "all.xml"), catalogue=bundled_catalogue)
    assert (
        whole.returncode == 0
        and "113 learning opportunities of the whole catalogue" in whole.stdout
    )
    bad = _command("--country", "Atlantis", str(tmp_path / "x.xml"), catalogue=bundled_catalogue)
    assert bad.returncode == 2 and "not an ISO 3166-1 country" in bad.stderr
    missing = _command(str(tmp_path / "x.xml"), catalogue=tmp_path / "nothing")
    assert missing.returncode == 1 and "No catalogue" in missing.stderr
