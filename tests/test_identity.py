"""Duplicates, identity and history: provider resolution, matching rules,
stable ids, survivorship, withdrawn rows, held sources and `changes`."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.cli import main as cli
from pipelines.dedup.clusters import connected_components
from pipelines.dedup.deduplicate import deduplicate
from pipelines.dedup.identity import credential_ids
from pipelines.dedup.keys import normalise_urls
from pipelines.dedup.titles import normalise_titles, series_markers
from pipelines.defs.catalogue.checks import nothing_lost
from pipelines.publish.release import read_published
from pipelines.reading.registry import parse_registry
from schemas.matching import MatchSettings
from schemas.reads import SourceRead

REGISTRY = {
    "providers": [
        {
            "id": "nl-tudelft",
            "name": "Delft University of Technology",
            "country": "NL",
            "aliases": ["TU Delft"],
            "identifiers": {"schac": "tudelft.nl", "erasmus": "NL DELFT01"},
            "trusted": True,
        },
        {
            "id": "de-tum",
            "name": "Technical University of Munich",
            "country": "DE",
            "aliases": ["TUM"],
            "trusted": True,
        },
        {"id": "nl-register", "name": "Dutch Register", "country": "NL"},
        {"id": "fr-mooc", "name": "MOOC Platform", "country": "FR"},
    ],
    "sources": [
        {
            "id": s,
            "provider": p,
            "url": f"{s}.json",
            "format": "json",
            "mapping": {"title": "t"},
            **({"speaks_for": {"any": True}} if aggregator else {}),
        }
        for s, p, aggregator in (
            ("delft", "nl-tudelft", False),
            ("tum", "de-tum", False),
            ("register", "nl-register", True),  # aggregators: may publish for anyone
            ("mooc", "fr-mooc", True),
            ("portal", "nl-register", True),
        )
    ],
}


def registry(**extra):
    return parse_registry({**REGISTRY, **extra}, Path("."))


def read(source_id: str, records: list[dict], status: str = "ok") -> SourceRead:
    frame = pd.DataFrame(records).astype("object")
    frame["record_index"] = range(len(frame))
    return SourceRead(source_id, status, records=frame)


def build(reads, reg=None, previous=None, at=None):
    reg = reg or registry()
    result = validate_sources(reads, reg)
    return build_catalogue(result, reads, reg, at or datetime.now(UTC), previous)


def as_previous(tables) -> dict[str, pd.DataFrame]:
    return {
        k: tables.as_dict()[k] for k in ("microcredentials", "lineage", "feed_status", "changes")
    }


COURSE = {"ects": "5", "eqf_level": "6", "languages": "en", "isced_f_code": "0613"}


# --- provider resolution ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected", "how"),
    [
        ("TU Delft", "nl-tudelft", "resolved by name, alias or identifier"),
        ("tudelft.nl", "nl-tudelft", "resolved by name, alias or identifier"),
        ("NL DELFT01", "nl-tudelft", "resolved by name, alias or identifier"),
        ("Delft Univeristy of Technology", "nl-tudelft", "resolved by similar name (97%)"),
        ("Delft University of Technology.", "nl-tudelft", "resolved by name, alias or identifier"),
        ("Technical University of Munich", "de-tum", "resolved by name, alias or identifier"),
        (
            "Eindhoven University of Technology",
            "unregistered-xx-eindhoven-university-of-technology",
            "unregistered provider",
        ),
        ("TU Eindhoven", "unregistered-xx-tu-eindhoven", "unregistered provider"),
    ],
)
def test_aggregator_records_resolve_to_the_registry_or_stay_their_own(name, expected, how):
    tables = build(
        [read("register", [{"source_record_id": "R1", "title": "X", "provider_name": name}])]
    )
    row = tables.microcredentials.iloc[0]
    assert (row["provider_id"], row["provider_id_origin"]) == (expected, how)
    if expected.startswith("unregistered-"):
        # the record states no country: none is guessed (not the register's NL)
        assert row["provider_name"] == name and row["provider_country"] is None
        providers = tables.providers.set_index("provider_id")
        assert not providers.loc[expected, "registered"]
        assert not providers.loc[expected, "trusted"]


def test_a_similar_name_in_another_country_is_not_that_provider():
    tables = build(
        [
            read(
                "register",
                [
                    {
                        "source_record_id": "R1",
                        "title": "X",
                        "provider_name": "Delft Univeristy of Technology",
                        "provider_country": "BE",
                    }
                ],
            )
        ]
    )
    assert tables.microcredentials.iloc[0]["provider_id"].startswith("unregistered-be-")


def test_provider_similarity_threshold_comes_from_the_registry():
    strict = registry(matching={"provider_similarity": 99})
    tables = build(
        [
            read(
                "register",
                [
                    {
                        "source_record_id": "R1",
                        "title": "X",
                        "provider_name": "Delft Univeristy of Technology",
                    }
                ],
            )
        ],
        strict,
    )
    assert tables.microcredentials.iloc[0]["provider_id"].startswith("unregistered-")


# --- normalisation for matching ------------------------------------------------------------


def test_titles_normalise_case_accents_punctuation_abbreviations_and_suffixes():
    titles = pd.Series(
        [
            "Introduction to Project Management (MOOC)",
            "intro. to project mgmt - online",
            "Introducción a la Gestión de Proyectos 2026",
            "Data Analytics II",
            "Data Analytics Part 2",
            "Water & Climate: micro-credential",
        ]
    )
    normalised = normalise_titles(titles)
    assert normalised[0] == normalised[1] == "introduction to project management"
    assert normalised[2] == "introduccion a la gestion de proyectos"
    assert series_markers(normalised).tolist()[3:5] == ["2", "2"]
    assert normalised[5] == "water and climate"


def test_urls_normalise_scheme_www_slash_and_tracking_parameters():
    urls = pd.Series(
        [
            "https://www.Uni.example/mc/data?utm_source=news&id=4",
            "http://uni.example/mc/data/?id=4",
            "https://uni.example/mc/data?id=5",
            None,
        ]
    )
    normalised = normalise_urls(urls)
    assert normalised[0] == normalised[1] == "uni.example/mc/data?id=4"
    assert normalised[2] != normalised[0] and normalised[3] is None


def test_connected_components_join_chains_and_keep_singletons():
    labels = connected_components(6, np.array([0, 1, 4]), np.array([1, 2, 3]))
    assert labels.tolist() == [0, 0, 0, 3, 3, 5]


# --- matching ------------------------------------------------------------------------------


def frame(rows: list[dict]) -> pd.DataFrame:
    defaults = {
        "url": None,
        "ects": 5.0,
        "eqf_level": 6,
        "languages": ["en"],
        "isced_f_code": "0613",
        "source_id": "a",
        "match_provider": "p",
    }
    out = pd.DataFrame([{**defaults, **r} for r in rows])
    out["eqf_level"] = out["eqf_level"].astype("Int64")
    return out


def clusters(rows: list[dict], settings: MatchSettings | None = None) -> list[int]:
    return deduplicate(frame(rows), settings).cluster.tolist()


@pytest.mark.parametrize(
    "other",
    [
        {"title": "data visualisation with python"},
        {"title": "Data Visualisation with Python (MOOC)"},
        {"title": "Data Visualisaton with Python"},
        {"title": "Data Visualization w/ Python", "url": "https://u.example/dv"},
        {"title": "Data-Visualisation with Python", "ects": None},
        {"title": "Data Visualisation with Python", "eqf_level": None, "source_id": "b"},
    ],
)
def test_noisy_copies_of_one_micro_credential_merge(other):
    base = {"title": "Data Visualisation with Python", "url": "https://u.example/dv/"}
    assert clusters([base, {"source_id": "b", **other}]) == [0, 0]


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ({"title": "Data Analytics I"}, {"title": "Data Analytics II"}),
        ({"title": "Robotics Part 1"}, {"title": "Robotics Part 2"}),
        ({"title": "Python for Data Science"}, {"title": "R for Data Science"}),
        ({"title": "Introduction to Machine Learning"}, {"title": "Advanced Machine Learning"}),
        ({"title": "Circular Economy"}, {"title": "Circular Economy", "ects": 10.0}),
        ({"title": "Circular Economy"}, {"title": "Circular Economy", "match_provider": "q"}),
        ({"title": "Circular Economy"}, {"title": "Circular Economy", "eqf_level": 7}),
        ({"title": "Circular Economy"}, {"title": "Circular Economy", "languages": ["fr"]}),
        (
            {"title": "Sustainable Supply Chain Management"},
            {"title": "Sustainable Supply Chain Finance"},
        ),
    ],
)
def test_different_micro_credentials_stay_apart(left, right):
    assert clusters([left, {"source_id": "b", **right}]) == [0, 1]


def test_a_record_without_ects_does_not_bridge_two_volumes():
    rows = [
        {"title": "Circular Economy", "ects": 5.0},
        {
            "title": "Circular Economy",
            "ects": None,
            "source_id": "b",
            "url": "https://x.example/ce",
        },
        {
            "title": "Circular Economy",
            "ects": 10.0,
            "source_id": "c",
            "url": "https://x.example/ce",
        },
    ]
    labels = clusters(rows)
    assert labels[0] != labels[2]
    assert labels[1] == labels[2]  # the URL makes its match with the 10-ECTS record stronger


def test_thresholds_come_from_the_settings():
    rows = [
        {"title": "Data Visualisation with Python"},
        {"title": "Data Visualisaton with Python", "source_id": "b"},
    ]
    assert clusters(rows) == [0, 0]
    assert clusters(rows, MatchSettings(match_weight=50)) == [0, 1]


def test_a_url_shared_by_many_records_of_one_source_is_no_evidence():
    page = "https://u.example/catalogue"
    rows = [
        {"title": "Soil Biology", "url": page},
        {"title": "Plant Biology", "url": page},
        {"title": "Soil Biology Basics", "url": page, "source_id": "b"},
    ]
    evidence = deduplicate(frame(rows)).matches
    assert set(evidence["url"]) <= {"unknown", "differs"}


def test_matching_does_not_depend_on_record_order():
    rows = [
        {"title": "Data Visualisation with Python", "source_id": "a"},
        {"title": "Data Analytics I", "source_id": "a"},
        {"title": "data visualisation with python (MOOC)", "source_id": "b"},
        {"title": "Data Analytics II", "source_id": "b"},
        {"title": "Data Analytcs I", "source_id": "c"},
    ]
    forward = deduplicate(frame(rows)).cluster
    backward = deduplicate(frame(rows[::-1])).cluster[::-1]
    same = lambda labels: {(i, j) for i in range(5) for j in range(5) if labels[i] == labels[j]}  # noqa: E731
    assert same(forward) == same(backward)
    assert same(forward) >= {(0, 2), (1, 4)} and (1, 3) not in same(forward)


# --- the catalogue: merges, lineage, matches, survivorship ---------------------------------


def feeds():
    return [
        read(
            "delft",
            [
                {
                    "source_record_id": "D1",
                    "title": "Offshore Wind Energy",
                    "description": "From the provider",
                    "url": "https://tudelft.nl/mc/offshore-wind",
                    **COURSE,
                },
                {"source_record_id": "D2", "title": "Hydrogen Systems", **COURSE},
            ],
        ),
        read(
            "register",
            [
                {
                    "source_record_id": "R7",
                    "title": "offshore wind energy (MOOC)",
                    "provider_name": "TU Delft",
                    "description": "From the register",
                    "assessment_type": "Written exam",
                    "url": "http://www.tudelft.nl/mc/offshore-wind/?utm_source=register",
                    **COURSE,
                },
                {
                    "source_record_id": "R8",
                    "title": "Hydrogen Systems II",
                    "provider_name": "TU Delft",
                    **COURSE,
                },
            ],
        ),
        read(
            "mooc",
            [
                {
                    "source_record_id": "M1",
                    "title": "Offshore Wind Energy",
                    "awarding_body_name": "Delft University of Technology",
                    **COURSE,
                },
                {"source_record_id": "M2", "title": "Offshore Wind Energy", **COURSE},
            ],
        ),
    ]


def test_duplicates_across_sources_become_one_row_with_every_record_in_lineage():
    tables = build(feeds())
    mc = tables.microcredentials.set_index("title")
    assert len(mc) == 4  # offshore wind (3 records), hydrogen, hydrogen II, the platform's own
    wind = mc.loc["Offshore Wind Energy"]
    wind = wind[wind["provider_id"] == "nl-tudelft"].iloc[0]
    assert wind["source_count"] == 3
    assert wind["description"] == "From the provider"  # the provider's own feed wins
    assert wind["assessment_type"] == "Written exam"  # a field only the register has
    lineage = tables.lineage.set_index(["source_id", "source_record_id"])
    merged = lineage[lineage["credential_id"] == wind["credential_id"]]
    assert set(merged.index) == {("delft", "D1"), ("register", "R7"), ("mooc", "M1")}
    assert merged.loc[("delft", "D1"), "merge_reason"].startswith("survivor")
    assert merged.loc[("register", "R7"), "merge_reason"].startswith("matched delft:D1 (weight")
    assert "url equal" in merged.loc[("register", "R7"), "merge_reason"]
    platform_own = mc.loc["Offshore Wind Energy"]
    assert set(platform_own["provider_id"]) == {"nl-tudelft", "fr-mooc"}
    assert (nothing_lost(tables.as_dict())["lost"] == 0).all()


def test_matches_table_explains_each_pair():
    matches = build(feeds()).matches
    pair = matches[
        (matches["left_source_record_id"] == "D1") & (matches["right_source_record_id"] == "R7")
    ].iloc[0]
    assert pair["matched"] and pair["merged"]
    assert (pair["url"], pair["ects"], pair["eqf"], pair["series"]) == (
        "equal",
        "equal",
        "equal",
        "same",
    )
    series = matches[matches["right_source_record_id"] == "R8"]
    assert not series["matched"].any()
    assert set(series["series"]) == {"differs"}


def test_ids_do_not_depend_on_the_order_of_sources_or_records():
    forward = build(feeds()).microcredentials
    reversed_reads = [
        SourceRead(r.source_id, r.status, records=r.records.iloc[::-1]) for r in feeds()[::-1]
    ]
    backward = build(reversed_reads).microcredentials
    assert sorted(forward["credential_id"]) == sorted(backward["credential_id"])
    key = ["credential_id", "title", "source_count", "description"]
    pd.testing.assert_frame_equal(
        forward[key].sort_values("credential_id").reset_index(drop=True),
        backward[key].sort_values("credential_id").reset_index(drop=True),
    )


def test_ids_survive_a_title_edit_and_a_new_source():
    first = build(feeds())
    wind_id = first.lineage.set_index("source_record_id").loc["D1", "credential_id"]
    edited = feeds()
    edited[0].records.loc[0, "title"] = "Offshore Wind Energy Systems"
    edited.append(  # a new aggregator (a provider's feed may not speak for another)
        read(
            "portal",
            [
                {
                    "source_record_id": "T9",
                    "title": "Offshore Wind Energy",
                    "provider_name": "TU Delft",
                    **COURSE,
                }
            ],
        )
    )
    second = build(edited, previous=as_previous(first))
    lineage = second.lineage.set_index("source_record_id")
    assert lineage.loc["D1", "credential_id"] == wind_id
    assert lineage.loc["T9", "credential_id"] == wind_id
    changes = second.changes[second.changes["run_at"] == second.changes["run_at"].max()]
    changed = changes.set_index("credential_id").loc[wind_id]
    assert changed["change"] == "changed"
    assert {"title", "source_count"} <= set(changed["fields"])


def test_credential_ids_keep_previous_ids_and_split_rows_fairly():
    members = pd.DataFrame(
        {
            "source_id": ["a", "b", "c", "d"],
            "source_record_id": ["1", "1", "1", "1"],
            "cluster": [0, 0, 1, 2],
        }
    )
    previous = pd.DataFrame(
        {
            "source_id": ["a", "b", "c"],
            "source_record_id": ["1", "1", "1"],
            "credential_id": ["mc-old", "mc-old", "mc-old"],
        }
    )
    ids, merged = credential_ids(members, previous)
    assert ids[0] == "mc-old"  # two of its records had it
    assert ids[1] != "mc-old" and ids[2] != ids[1]
    assert merged.empty
    ids_again, _ = credential_ids(members.iloc[::-1], previous)
    assert ids_again.sort_index().tolist() == ids.sort_index().tolist()


def test_a_row_absorbed_by_another_is_reported_as_merged():
    first = build(
        [
            read("delft", [{"source_record_id": "D1", "title": "Offshore Wind Energy", **COURSE}]),
            read(
                "register",
                [
                    {
                        "source_record_id": "R7",
                        "title": "Offshore Wind",
                        "provider_name": "TU Delft",
                        **COURSE,
                    }
                ],
            ),
        ]
    )
    assert len(first.microcredentials) == 2
    register_id = first.lineage.set_index("source_id").loc["register", "credential_id"]
    second = build(
        [
            read("delft", [{"source_record_id": "D1", "title": "Offshore Wind Energy", **COURSE}]),
            read(
                "register",
                [
                    {
                        "source_record_id": "R7",
                        "title": "Offshore wind energy",
                        "provider_name": "TU Delft",
                        **COURSE,
                    }
                ],
            ),
        ],
        previous=as_previous(first),
    )
    assert len(second.microcredentials) == 1
    changes = second.changes[second.changes["run_at"] == second.changes["run_at"].max()]
    changes = changes.set_index("credential_id")
    assert changes.loc[register_id, "change"] == "merged"
    assert (
        changes.loc[register_id, "merged_into"] == second.microcredentials.iloc[0]["credential_id"]
    )


# --- history -------------------------------------------------------------------------------


def test_a_record_gone_from_a_read_source_is_withdrawn_and_stays_queryable():
    t0 = datetime(2026, 11, 1, tzinfo=UTC)
    first = build(feeds(), at=t0)
    shorter = feeds()
    shorter[0].records = shorter[0].records.iloc[:1]  # D2 (Hydrogen Systems) is gone
    second = build(shorter, previous=as_previous(first), at=t0 + timedelta(days=1))
    mc = second.microcredentials.set_index("title")
    hydrogen = mc.loc["Hydrogen Systems"]
    assert hydrogen["status"] == "withdrawn"
    assert hydrogen["last_seen"] == pd.Timestamp(t0)
    assert hydrogen["first_seen"] == pd.Timestamp(t0)
    assert (mc.drop(index="Hydrogen Systems")["status"] == "active").all()
    lineage = second.lineage.set_index("source_record_id")
    assert not lineage.loc["D2", "active"]
    assert (nothing_lost(second.as_dict())["lost"] == 0).all()
    latest = second.changes[second.changes["run_at"] == second.changes["run_at"].max()]
    assert latest.set_index("title").loc["Hydrogen Systems", "change"] == "withdrawn"
    third = build(shorter, previous=as_previous(second), at=t0 + timedelta(days=2))
    assert (
        third.microcredentials.set_index("title").loc["Hydrogen Systems", "status"] == "withdrawn"
    )
    assert not (third.changes["run_at"] == pd.Timestamp(t0 + timedelta(days=2))).any()
    back = build(feeds(), previous=as_previous(third), at=t0 + timedelta(days=3))
    row = back.microcredentials.set_index("title").loc["Hydrogen Systems"]
    assert row["status"] == "active" and row["first_seen"] == pd.Timestamp(t0)
    latest = back.changes[back.changes["run_at"] == back.changes["run_at"].max()]
    assert latest.set_index("title").loc["Hydrogen Systems", "change"] == "reactivated"


# --- end to end through Dagster: failed and held sources -----------------------------------


def _latest(out: Path) -> pd.DataFrame:
    status = read_published(out)["feed_status"]
    return status[status["run_at"] == status["run_at"].max()].set_index("source_id")


def test_a_failed_source_withdraws_nothing(catalogue):
    run, out, feeds_dir, _ = catalogue
    run()
    (feeds_dir / "courses.xml").unlink()
    run()
    mc = read_published(out)["microcredentials"]
    assert (mc["status"] == "active").all()
    assert _latest(out).loc["exemple-xml", "status"] == "failed"


def test_a_source_that_drops_most_records_is_held_until_confirmed(catalogue, monkeypatch):
    run, out, feeds_dir, registry_path = catalogue
    run()
    before = read_published(out)["microcredentials"]
    paged = before[before["title"].str.startswith("Paged course")]
    assert len(paged) >= 4
    (feeds_dir / "page1.json").write_text(
        '{"items": [{"ref": "P1-0", "name": "Paged course 1.0", "ects": 3}], "links": {"next": null}}',
        encoding="utf-8",
    )
    result = run()
    status = _latest(out)
    assert status.loc["paged-json", "status"] == "held"
    assert status.loc["paged-json", "records_read"] == 1
    assert "confirm-drop paged-json" in status.loc["paged-json", "error"]
    evaluations = {e.check_name: e for e in result.get_asset_check_evaluations()}
    assert not evaluations["sources_held_check"].passed
    mc = read_published(out)["microcredentials"]
    assert (mc["status"] == "active").all() and len(mc) == len(before)

    monkeypatch.setenv("CATALOGUE_REGISTRY", str(registry_path))
    monkeypatch.setenv("CATALOGUE_DIR", str(out))
    assert cli(["confirm-drop", "paged-json"]) == 0
    with pytest.raises(SystemExit):
        cli(["confirm-drop", "no-such-source"])
    run()
    status = _latest(out)
    assert status.loc["paged-json", "status"] == "ok"
    mc = read_published(out)["microcredentials"]
    paged = mc[mc["title"].str.startswith("Paged course")]
    assert (paged["status"] == "active").sum() == 1
    assert (paged["status"] == "withdrawn").sum() == len(
        before[before["title"].str.startswith("Paged course")]
    ) - 1
    con = duckdb.connect(str(out / "catalogue.duckdb"), read_only=True)
    try:
        withdrawn = con.execute(
            "SELECT count(*) FROM latest_changes WHERE change = 'withdrawn'"
        ).fetchone()[0]
    finally:
        con.close()
    assert withdrawn == (paged["status"] == "withdrawn").sum()
    run()  # the confirmation was used once
    assert not (out / "state" / "confirmed-drops.json").read_text(encoding="utf-8").count("paged")


def test_a_feed_without_ids_keeps_its_record_ids_when_a_description_or_price_changes():
    from connectors.formats import parse_json_feed
    from pipelines.mapping.fields import map_source_fields

    reg = registry(
        sources=[
            {
                "id": "noids",
                "provider": "nl-tudelft",
                "url": "x.json",
                "format": "json",
                "mapping": {"title": "t", "description": "d", "price_amount": "p", "ects": "e"},
            }
        ]
    )
    source = reg.sources[0]

    def ids(document: str) -> list[str]:
        parsed = parse_json_feed(
            document.encode(), records="", fields=list(source.mapping.values())
        )
        return map_source_fields(parsed, source)["source_record_id"].tolist()

    before = ids(
        '[{"t": "Wind", "d": "old", "p": "10", "e": "5"}, {"t": "Sun", "d": "x", "e": "5"}]'
    )
    after = ids(
        '[{"t": "Sun", "d": "x", "e": "5"}, {"t": "Wind", "d": "new", "p": "12", "e": "5"}]'
    )
    assert sorted(before) == sorted(after)
    twins = ids('[{"t": "Wind", "d": "one", "e": "5"}, {"t": "Wind", "d": "two", "e": "5"}]')
    assert len(set(twins)) == 2  # alike in every identifying field: the rest tells them apart
    assert ids('[{"t": "Wind", "d": "a", "e": "10"}]') != before[:1]


# --- the word check, column-wise, against its definition ----------------------------------------

from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402
from rapidfuzz import fuzz  # noqa: E402

from pipelines.dedup.titles import FILLER_WORDS, words_without_counterpart  # noqa: E402


def _counterpart(word: str, others: set[str]) -> bool:
    """The definition: the same word, a typo of it (ratio >= 75), an abbreviation or a part."""
    return word in others or any(
        fuzz.ratio(word, other) >= 75
        or (min(len(word), len(other)) >= 3 and (word.startswith(other) or other.startswith(word)))
        or (min(len(word), len(other)) >= 4 and (word in other or other in word))
        for other in others
    )


def _word_differs(a: str, b: str) -> bool:
    words_a, words_b = set(a.split()) - FILLER_WORDS, set(b.split()) - FILLER_WORDS
    return any(not _counterpart(w, words_b) for w in words_a - words_b) or any(
        not _counterpart(w, words_a) for w in words_b - words_a
    )


_WORDS = st.sampled_from(
    [
        "data",
        "science",
        "python",
        "r",
        "for",
        "beginners",
        "advanced",
        "intro",
        "introduction",
        "to",
        "management",
        "mgmt",
        "admin",
        "administration",
        "zert",
        "kurs",
        "zertifikatskurs",
        "water",
        "urban",
        "energy",
        "solar",
        "1",
        "2",
        "part",
        "of",
        "the",
        "y",
    ]
)
_TITLES = st.lists(_WORDS, max_size=6).map(" ".join)


@settings(max_examples=200, derandomize=True, deadline=None)
@given(st.lists(st.tuples(_TITLES, _TITLES), min_size=1, max_size=30))
def test_the_word_check_column_wise_is_its_definition(pairs):
    left = np.array([a for a, _ in pairs], dtype=object)
    right = np.array([b for _, b in pairs], dtype=object)
    expected = [_word_differs(a, b) for a, b in pairs]
    assert words_without_counterpart(left, right).tolist() == expected


# --- blocking, on integer keys, against its definition ---------------------------------------

from itertools import combinations  # noqa: E402

from pipelines.dedup.blocking import candidate_pairs  # noqa: E402


def _blocking_definition(records: list[tuple[int, str, int]], count: int, max_block: int):
    """Pairs of one owner sharing two of their `count` rarest title words (the title when it has
    one word), in blocks of at most `max_block`, or a URL."""
    words = [set(title.split(" ")) if title else set() for _, title, _ in records]
    frequency: dict[str, int] = {}
    for found in words:
        for word in found:
            frequency[word] = frequency.get(word, 0) + 1
    blocks: dict[tuple, set[int]] = {}
    for row, ((owner, _, _), found) in enumerate(zip(records, words, strict=True)):
        rare = sorted(found, key=lambda w: (frequency[w], w.encode()))[:count]
        keys = [tuple(sorted(p)) for p in combinations(rare, 2)]
        keys += [(rare[0],)] if len(found) == 1 else []
        for key in keys:
            blocks.setdefault((owner, key), set()).add(row)
    pairs = {
        pair
        for rows in blocks.values()
        if len(rows) <= max_block
        for pair in combinations(sorted(rows), 2)
    }
    for a, b in combinations(range(len(records)), 2):
        if records[a][0] == records[b][0] and records[a][2] >= 0 and records[a][2] == records[b][2]:
            pairs.add((a, b))
    return sorted(pairs)


@settings(max_examples=150, derandomize=True, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 2), _TITLES, st.integers(-1, 3)), max_size=40),
    st.integers(2, 4),
    st.integers(2, 6),
)
def test_blocking_is_its_definition(records, count, max_block):
    keys = pd.DataFrame(
        {
            "row": np.arange(len(records), dtype=np.int64),
            "owner": np.array([r[0] for r in records], dtype=np.int64),
            "title": pd.Series([r[1] for r in records], dtype="object"),
            "url": np.array([r[2] for r in records], dtype=np.int64),
        }
    )
    found = candidate_pairs(keys, MatchSettings(blocking_words=count, max_block_size=max_block))
    pairs = list(zip(found["left_row"].tolist(), found["right_row"].tolist(), strict=True))
    assert pairs == _blocking_definition(records, count, max_block)
