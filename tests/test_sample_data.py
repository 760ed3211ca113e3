"""The bundled sample registry (what `make run` aggregates) reads whole, with the documented rejects."""

from datetime import UTC, datetime
from pathlib import Path

import pytest

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.reading.registry import load_registry
from pipelines.reading.sources import read_sources
from pipelines.validation.validate import rejected_records

SAMPLE = Path(__file__).parent.parent / "data" / "providers.yaml"

#: data/feeds/README.md: the records that are invalid on purpose, and what each problem costs:
#: the record (error) or only the value (warning).
EXPECTED_PROBLEMS = {
    ("at-tugraz-csv", "TUG-MC-26-009", "end_date", "warning"),
    ("de-tum-json", "TUM-ILL-MC-0150", "ects", "error"),
    ("de-tum-json", "TUM-ILL-MC-0155", "eqf_level", "error"),
    ("nl-tudelft-xml", "TUD-MC-2026-122", "url", "warning"),
    # one id for two different courses: both kept, under distinct ids
    ("nl-mc-register-json", "NLMC-2026-0042~25e19e", "source_record_id", "warning"),
    ("nl-mc-register-json", "NLMC-2026-0042~8dae11", "source_record_id", "warning"),
    ("fr-fun-json", "course-v1:ubordeaux+28007+session02", "title", "error"),
    ("ie-ucd-csv", "UCD-MC-BUS40070", "provider_country", "warning"),
    ("ie-ucd-csv", "UCD-MC-ENG40080", "ects", "warning"),
    ("es-upv-tsv", "UPV-MC-2026-09", "ects", "error"),
    ("pl-uw-json", None, "price_amount", "warning"),  # the feed gives no ids: derived from content
    ("gb-napier-csv", "COM08100", "ects", "error"),  # 120 SCQF credits: 60 ECTS
}


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    registry = load_registry(SAMPLE)
    reads = read_sources(registry, FeedClient(), FeedCache(tmp_path_factory.mktemp("cache")))
    return registry, reads, validate_sources(reads, registry)


def test_sample_covers_the_formats_and_countries_the_issue_asks_for(sample):
    registry, reads, _ = sample
    assert len(registry.sources) >= 12
    countries = {registry.providers_by_id[s.provider].country for s in registry.sources}
    assert len(countries) >= 7
    formats = {
        (s.format, s.options.delimiter, s.options.encoding, s.options.decimal)
        for s in registry.sources
    }
    assert ("csv", ";", "cp1252", ",") in formats
    assert any(s.format == "json" and s.options.next for s in registry.sources)
    assert any(s.format == "xml" and s.options.namespaces for s in registry.sources)
    assert all(r.status == "ok" for r in reads), [(r.source_id, r.error) for r in reads]
    assert next(r for r in reads if r.source_id == "fr-fun-json").pages == 3


def test_sample_rejects_exactly_the_documented_records(sample):
    _, reads, result = sample
    found = {
        (
            r.source_id,
            None if r.source_id == "pl-uw-json" else r.source_record_id,
            r.field,
            r.severity,
        )
        for r in result.rejects.itertuples()
    }
    assert found == EXPECTED_PROBLEMS
    read = sum(r.records_read for r in reads)
    rejected = len(rejected_records(result.rejects))
    assert read == 139  # 124 in the tabular feeds, 15 credentials and courses in the profile ones
    assert rejected == 5
    assert len(result.accepted) + rejected == read


def test_sample_aggregator_records_resolve_to_registered_providers(sample):
    _, _, result = sample
    register = result.accepted[result.accepted["source_id"] == "nl-mc-register-json"].set_index(
        "source_record_id"
    )
    assert (
        register.loc["NLMC-2026-0011", "provider_id"] == "nl-tudelft"
    )  # named by alias "TU Delft"
    assert register.loc["NLMC-2026-0022", "provider_id"] == "nl-wur"  # "Wageningen UR"
    saxion = register.loc["NLMC-2026-0051"]
    assert saxion["provider_id"] == "unregistered-nl-saxion-university-of-applied-sciences"
    assert saxion["provider_name"].startswith("Saxion")
    assert saxion["provider_country"] == "NL"


#: data/feeds/README.md: records published twice (merged) and look-alikes that must stay apart.
EXPECTED_MERGES = {
    frozenset({("nl-tudelft-xml", "TUD-MC-2026-101"), ("nl-mc-register-json", "NLMC-2026-0011")}),
    frozenset({("nl-tudelft-xml", "TUD-MC-2026-104"), ("nl-mc-register-json", "NLMC-2026-0012")}),
    frozenset({("nl-tudelft-xml", "TUD-MC-2026-107"), ("nl-mc-register-json", "NLMC-2026-0013")}),
    frozenset({("nl-wur-csv", "WUR-MC-FOOD-01"), ("nl-mc-register-json", "NLMC-2026-0021")}),
    frozenset({("nl-wur-csv", "WUR-MC-PLNT-02"), ("nl-mc-register-json", "NLMC-2026-0022")}),
    frozenset(  # two presentations of one XCRI-CAP course: one title, one course page
        {
            ("gb-kelpie-xcri", "http://www.kelpie.example.ac.uk/courses/RENEW-HEAT/2027-02"),
            ("gb-kelpie-xcri", "http://www.kelpie.example.ac.uk/courses/RENEW-HEAT/2027-09"),
        }
    ),
}
KEPT_APART = [
    (("nl-mc-register-json", "NLMC-2026-0014"), ("nl-tudelft-xml", "TUD-MC-2026-110")),
    (("nl-mc-register-json", "NLMC-2026-0043"), ("de-tum-json", "TUM-ILL-MC-0113")),
    (("de-tum-json", "TUM-ILL-MC-0113"), ("de-tum-json", "TUM-ILL-MC-0114")),
]


def test_sample_duplicates_merge_and_look_alikes_stay_apart(sample):
    registry, reads, result = sample
    tables = build_catalogue(result, reads, registry, datetime.now(UTC))
    lineage = tables.lineage
    rows = lineage.groupby("credential_id")[["source_id", "source_record_id"]].apply(
        lambda g: frozenset(zip(g["source_id"], g["source_record_id"], strict=True))
    )
    assert set(rows[rows.map(len) > 1]) == EXPECTED_MERGES
    row_of = lineage.set_index(["source_id", "source_record_id"])["credential_id"]
    for left, right in KEPT_APART:
        assert row_of[left] != row_of[right], (left, right)
    merged = tables.microcredentials.set_index("credential_id").loc[row_of[EXPECTED_ROW]]
    assert merged["source_count"] == 2 and merged["provider_id"] == "nl-tudelft"
    # two learners' credentials for one achievement (nl-hr-ob3): the second repeats the first
    repeats = result.accepted[result.accepted["repeat_of"].notna()]
    assert repeats[["source_id", "record_index", "repeat_of"]].values.tolist() == [
        ["nl-hr-ob3", 1, 0]
    ]
    folded = lineage[lineage["merge_reason"].str.startswith("repeat of record #1 ")]
    assert folded["source_id"].tolist() == ["nl-hr-ob3"]
    assert len(tables.microcredentials) == len(result.accepted) - len(EXPECTED_MERGES) - 1


EXPECTED_ROW = ("nl-tudelft-xml", "TUD-MC-2026-101")


def test_the_sample_says_what_its_feeds_mean_in_the_registry(sample):
    """`gb-napier-csv` uses a crosswalk, a credit unit and a computed field; `gb-kelpie-xcri` is
    an XCRI-CAP feed read with no mapping, its provider found by UKPRN."""
    registry, _, result = sample
    source = {s.id: s for s in registry.sources}["gb-napier-csv"]
    assert set(source.values) == {"isced_f_code", "participation_form"}
    assert source.defaults["credit_unit"] == "SCQF" and set(source.expressions) == {
        "workload_hours"
    }
    accepted = result.accepted.set_index(["source_id", "source_record_id"])
    columns = ["ects", "workload_hours", "eqf_level", "isced_f_code", "participation_form"]
    assert accepted.loc[("gb-napier-csv", "SET07109"), columns].tolist() == [
        10.0,  # 20 SCQF credit points
        204.0,  # '15-17 hours per week' x '12 weeks', the upper bound
        5,  # SCQF level 7
        "0613",  # 'Computing' by the crosswalk
        "online",  # 'Online, no attendance' by the crosswalk
    ]
    assert accepted.loc[("gb-napier-csv", "HSC10002"), columns].tolist() == [
        30.0,
        600.0,  # 'about 20 hours a week' x '30 weeks'
        6,
        "0923",
        "blended",  # 'Blended learning': the catalogue's own synonyms, no crosswalk needed
    ]
    kelpie = accepted.loc["gb-kelpie-xcri"]
    assert set(kelpie["provider_id"]) == {"gb-kelpie"}
    assert set(kelpie["provider_id_origin"]) == {"given"}  # the UKPRN
    assert kelpie["ects"].tolist() == [12.0, 12.0, 3.0]
