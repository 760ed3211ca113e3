"""No provider speaks for another: a source publishes for its own provider, an aggregator for
the providers, countries or `any` its registry entry names; `provider_trusted` comes from the
registry only; survivorship takes nothing from a source that may not speak for a row's provider.
The feeds are served on 127.0.0.1 and go through the pipeline's own reading, normalisation,
validation and deduplication."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pandas as pd
import pytest

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.dedup.survivorship import merge_clusters, rank_members
from pipelines.defs.catalogue.checks import nothing_lost
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import read_sources
from schemas.registry import RegistryError

PROVIDERS = [
    {
        "id": "nl-delft",
        "name": "Delft Example University",
        "country": "NL",
        "aliases": ["TU Example"],
        "identifiers": {"schac": "delft.example"},
        "trusted": True,
    },
    {"id": "nl-college", "name": "Small Example College", "country": "NL"},
    {"id": "nl-register", "name": "Example National Register", "country": "NL"},
    {"id": "fr-platform", "name": "Example MOOC Platform", "country": "FR"},
    {"id": "de-munich", "name": "Munich Example University", "country": "DE", "trusted": True},
]
COURSE = {"ects": 5, "language": "en", "eqf": 6}


def offer(ref: str, title: str, **fields) -> dict:
    return {"ref": ref, "title": title, **COURSE, **fields}


FEEDS = {
    "delft": [offer("D1", "Offshore Wind Energy"), offer("D2", "Hydrogen Systems")],
    "college": [
        # the attack: a trusted university named by its name and by its SCHAC code, and its
        # real credential repeated with the college's own link
        offer(
            "C1",
            "Offshore Wind Energy",
            provider="Delft Example University",
            url="https://college.example/wind",
        ),
        offer("C2", "Quantum Computing for Managers", provider="delft.example"),
        offer("C3", "Bookkeeping Basics"),  # its own
        offer("C4", "Hydrogen Systems", awarding_body="TU Example"),
        offer("C5", "Welding Inspection", awarding_body="Example Awarding Authority"),  # kept
    ],
    "register": [
        offer("R1", "Coastal Engineering", provider="TU Example"),  # NL: may
        offer("R2", "Robotics", provider="Munich Example University"),  # DE: may not
        offer("R3", "Water Management", provider="Hogeschool Nieuw", country="NL"),  # may
        offer("R4", "Dike Inspection", provider="Unplaced Academy"),  # no country: may
        offer("R5", "Brewing", provider="Brauakademie Süd", country="DE"),  # DE: may not
    ],
    "platform": [
        offer("P1", "Machine Learning", awarding_body="Munich Example University"),  # named
        offer("P2", "Climate Modelling", awarding_body="Delft Example University"),  # not
    ],
}
SPEAKS_FOR = {
    "register": {"countries": ["NL"]},
    "platform": {"providers": ["de-munich"]},
}
PROVIDER_OF = {
    "delft": "nl-delft",
    "college": "nl-college",
    "register": "nl-register",
    "platform": "fr-platform",
}


def source(source_id: str, url: str) -> dict:
    entry = {
        "id": source_id,
        "provider": PROVIDER_OF[source_id],
        "url": url,
        "format": "json",
        "options": {"records": "data"},
        "mapping": {
            "source_record_id": "ref",
            "title": "title",
            "ects": "ects",
            "languages": "language",
            "eqf_level": "eqf",
            "url": "url",
            "provider_name": "provider",
            "awarding_body_name": "awarding_body",
            "provider_country": "country",
        },
    }
    if source_id in SPEAKS_FOR:
        entry["speaks_for"] = SPEAKS_FOR[source_id]
    return entry


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    from pytest_httpserver import HTTPServer

    tmp_path = tmp_path_factory.mktemp("voices")
    server = HTTPServer(host="127.0.0.1", port=0)
    server.start()
    for name, items in FEEDS.items():
        server.expect_request(f"/{name}.json").respond_with_data(json.dumps({"data": items}))
    raw = {
        "providers": PROVIDERS,
        "sources": [source(name, server.url_for(f"/{name}.json")) for name in FEEDS],
    }
    registry = parse_registry(raw, tmp_path)
    client = FeedClient()
    try:
        reads = read_sources(registry, client, FeedCache(tmp_path / "cache"))
    finally:
        client.close()
        server.clear()
        server.stop()
    assert all(r.status == "ok" for r in reads), [r.error for r in reads]
    result = validate_sources(reads, registry)
    return build_catalogue(result, reads, registry, datetime(2026, 3, 1, tzinfo=UTC))


def rejected(tables) -> dict[str, tuple[str, str, str]]:
    """Problems by record id: (field, reason, severity)."""
    r = tables.rejects
    rows = zip(r.source_record_id, r.field, r.reason, r.severity, strict=True)
    return {i: (f, reason, severity) for i, f, reason, severity in rows}


def test_records_naming_a_provider_their_source_may_not_speak_for_are_rejected(catalogue):
    found = rejected(catalogue)
    for ref in ("C1", "C2", "R2", "R5"):
        field, reason, severity = found[ref]
        assert (field, severity) == ("provider_name", "error")
        assert "may not publish for provider" in reason and "speaks_for" in reason
    assert set(found) == {"C1", "C2", "C4", "R2", "R5", "P2"}


def test_an_awarding_body_it_may_not_speak_for_is_dropped_and_the_record_stays_its_own(
    catalogue,
):
    found = rejected(catalogue)
    for ref in ("C4", "P2"):
        field, reason, severity = found[ref]
        assert (field, severity) == ("awarding_body_name", "warning")
        assert "may not publish for awarding body" in reason
    lineage = catalogue.lineage.set_index("source_record_id")["credential_id"]
    mc = catalogue.microcredentials.set_index("credential_id")
    assert mc.loc[lineage["C4"], "provider_id"] == "nl-college"
    assert lineage["C4"] != lineage["D2"]  # not merged into the university's own offering
    assert mc.loc[lineage["D2"], "source_count"] == 1
    assert mc.loc[lineage["P2"], "provider_id"] == "fr-platform"


def test_aggregators_publish_for_whom_the_registry_says(catalogue):
    lineage = catalogue.lineage.set_index("source_record_id")["credential_id"]
    mc = catalogue.microcredentials.set_index("credential_id")
    assert mc.loc[lineage["R1"], "provider_id"] == "nl-delft"
    assert mc.loc[lineage["R3"], "provider_id"] == "unregistered-nl-hogeschool-nieuw"
    assert mc.loc[lineage["R4"], "provider_id"] == "unregistered-xx-unplaced-academy"
    assert mc.loc[lineage["P1"], "awarding_body_name"] == "Munich Example University"
    assert mc.loc[lineage["C3"], "provider_id"] == "nl-college"
    # an awarding body the registry does not know (an examination board) is kept
    assert mc.loc[lineage["C5"], "awarding_body_name"] == "Example Awarding Authority"


def test_trust_comes_from_the_registry_only(catalogue):
    lineage = catalogue.lineage
    mc = catalogue.microcredentials.set_index("credential_id")
    college_rows = lineage.loc[lineage["source_id"] == "college", "credential_id"]
    assert not mc.loc[college_rows, "provider_trusted"].any()
    trusted = mc[mc["provider_trusted"]]
    assert set(trusted["provider_id"]) == {"nl-delft"}


def test_the_universitys_row_takes_nothing_from_the_college(catalogue):
    mc = catalogue.microcredentials
    wind = mc[mc["title"] == "Offshore Wind Energy"]
    assert len(wind) == 1
    assert wind["source_count"].iloc[0] == 1
    assert pd.isna(wind["url"].iloc[0])  # the college's link did not fill it


def test_nothing_is_lost(catalogue):
    counts = nothing_lost(catalogue.as_dict())
    assert counts["lost"].eq(0).all() and counts["records_read"].sum() == 14


def test_survivorship_takes_no_field_from_a_record_that_may_not_speak_for_the_row():
    records = pd.DataFrame(
        {
            "cluster": [0, 0, 1, 1],
            "completeness": [0.9, 0.5, 0.9, 0.5],
            "source_id": ["platform", "register", "platform", "register"],
            "source_record_id": ["P", "R", "P2", "R2"],
            "provider_id": ["fr-platform", "nl-delft", "fr-platform", "nl-delft"],
            "title": ["Wind", "Wind", "Sun", "Sun"],
            "url": [None, "https://register.example/wind", None, "https://register.example/sun"],
        }
    )
    ranking = rank_members(records, pd.Series(False, index=records.index))
    eligible = pd.Series([True, False, True, True])  # the register may not speak for row 0
    rows = merge_clusters(records, ranking, eligible)
    assert pd.isna(rows.loc[0, "url"])
    assert rows.loc[1, "url"] == "https://register.example/sun"
    assert list(rows["provider_id"]) == ["fr-platform", "fr-platform"]


def test_a_platform_row_takes_no_field_from_a_register_that_may_not_speak_for_the_platform():
    """Both records name the awarding university, so they match; the platform's record ranks
    first (more complete), making the platform the row's provider; the register may speak
    for Dutch providers, not for a French platform: its URL is not taken."""
    from schemas.reads import SourceRead

    registry = parse_registry(
        {
            "providers": PROVIDERS,
            "sources": [
                {**source("platform", "p.json"), "speaks_for": {"countries": ["NL"]}},
                source("register", "r.json"),
            ],
        },
        __import__("pathlib").Path("."),
    )

    def read(source_id: str, rows: list[dict]) -> SourceRead:
        frame = pd.DataFrame(rows).astype("object")
        frame["record_index"] = range(len(frame))
        return SourceRead(source_id, "ok", records=frame)

    common = {"title": "Offshore Wind Energy", "ects": "5", "eqf_level": "6"}
    reads = [
        read(
            "platform",
            [
                {
                    **common,
                    "source_record_id": "P1",
                    "awarding_body_name": "Delft Example University",
                    "description": "The platform's description",
                    "learning_outcomes": ["Size a wind farm"],
                    "languages": ["en"],
                    "participation_form": "online",
                }
            ],
        ),
        read(
            "register",
            [
                {
                    **common,
                    "source_record_id": "R1",
                    "provider_name": "Delft Example University",
                    "url": "https://register.example/wind",
                }
            ],
        ),
    ]
    result = validate_sources(reads, registry)
    assert result.rejects.empty, result.rejects
    tables = build_catalogue(result, reads, registry, datetime(2026, 3, 1, tzinfo=UTC))
    [row] = tables.microcredentials.to_dict("records")
    assert row["source_count"] == 2
    assert row["provider_id"] == "fr-platform"
    assert row["description"] == "The platform's description"
    assert row["url"] is None or pd.isna(row["url"])


@pytest.mark.parametrize(
    ("speaks_for", "problem"),
    [
        (
            {"providers": ["nl-nowhere"]},
            "key 'speaks_for.providers': 'nl-nowhere' is not a registered provider",
        ),
        ({"countries": ["Atlantis"]}, "key 'speaks_for.countries'"),
        ({"anyone": True}, "key 'speaks_for.anyone': unknown key"),
    ],
)
def test_speaks_for_is_checked_with_the_registry(tmp_path, speaks_for, problem):
    raw = {
        "providers": PROVIDERS,
        "sources": [{**source("register", "r.json"), "speaks_for": speaks_for}],
    }
    with pytest.raises(RegistryError) as raised:
        parse_registry(raw, tmp_path)
    assert f"source 'register': {problem}" in str(raised.value)
