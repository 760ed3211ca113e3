"""Pure functions of the canonical model: code lookups, mapping, normalisation, validation."""

from pathlib import Path

import pandas as pd
import pytest

from pipelines.codes import lookups as codes
from pipelines.lib.ids import stable_ids
from pipelines.mapping.fields import PROBLEM, map_source_fields
from pipelines.normalise.records import normalise_records
from pipelines.reading.registry import parse_registry
from pipelines.validation.completeness import completeness
from pipelines.validation.validate import validate_records
from schemas.reads import ParsedFeed, RowProblem

REGISTRY = parse_registry(
    {
        "providers": [
            {
                "id": "at-graz",
                "name": "Graz University",
                "country": "AT",
                "aliases": ["TU Graz"],
                "identifiers": {"erasmus": "A GRAZ02"},
                "trusted": True,
            },
            {"id": "nl-agg", "name": "Dutch Register", "country": "NL"},
        ],
        "sources": [
            {
                "id": "graz",
                "provider": "at-graz",
                "url": "x.csv",
                "format": "csv",
                "mapping": {"title": "t"},
            },
            {
                "id": "agg",
                "provider": "nl-agg",
                "url": "x.json",
                "format": "json",
                "mapping": {"title": "t"},
                "speaks_for": {"any": True},  # an aggregator
            },
        ],
    },
    Path("."),
)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("AT", "AT"),
        ("at", "AT"),
        ("AUT", "AT"),
        ("Austria", "AT"),
        ("Österreich", "AT"),
        ("EL", "GR"),
        ("UK", "GB"),
        ("Scotland", "GB"),
        (" france ", "FR"),
        ("Atlantis", None),
    ],
)
def test_country_codes(value, expected):
    assert codes.country_code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("EN", "en"),
        ("eng", "en"),
        ("English", "en"),
        ("Deutsch", "de"),
        ("ger", "de"),
        ("français", "fr"),
        ("Francais", "fr"),
        ("en-GB", "en"),
        ("de_AT", "de"),
        ("polski", "pl"),
        ("Nederlands", "nl"),
        ("Klingon", "tlh"),  # ISO 639-3, which has no two-letter code
        ("Parseltongue", None),
        ("xx", None),
        ("mul", None),  # several languages: which?
        # names in their own script and in other languages, codes, tags and EU URIs
        ("日本語", "ja"),
        ("中文", "zh"),
        ("اللغة العربية", "ar"),
        ("Español", "es"),
        ("Castellano", "es"),
        ("Englisch", "en"),
        ("Ελληνικά", "el"),
        ("Japanese language", "ja"),
        ("zh-Hant", "zh"),
        ("fre", "fr"),
        ("http://publications.europa.eu/resource/authority/language/DEU", "de"),
        # languages whose codes start with q are languages; only qaa-qtz are private use
        ("qu", "qu"),
        ("Quechua", "qu"),
        ("que", "qu"),
        ("quz", "quz"),  # Cusco Quechua, ISO 639-3
        ("qaa", None),
        ("qtz", None),
    ],
)
def test_language_codes(value, expected):
    assert codes.language_code(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Online", "online"),
        ("e-learning", "online"),
        ("On campus", "onsite"),
        ("Präsenz", "onsite"),
        ("face-to-face", "onsite"),
        ("présentiel", "onsite"),
        ("hybrid", "blended"),
        ("Blended learning", "blended"),
        ("http://data.europa.eu/snb/learning-assessment/920fbb3cbe", "online"),
        ("self-paced", None),
    ],
)
def test_participation_forms(value, expected):
    assert codes.participation_form(value) == expected


def test_currency_codes_and_isced_list():
    assert codes.currency_code("eur") == "EUR"
    assert codes.currency_code("€") == "EUR"
    assert codes.currency_code("ECU") is None
    labels = codes.isced_f_labels()
    assert len(labels) == 220
    assert labels["0613"] == "Software and applications development and analysis"


def test_map_distinct_keeps_nulls_and_misses_as_null():
    values = pd.Series(["de", None, "Deutsch", "??", "de"])
    assert codes.map_distinct(values, codes.language_code).tolist() == [
        "de",
        None,
        "de",
        None,
        "de",
    ]


def source(**overrides):
    raw = {
        "id": "graz",
        "provider": "at-graz",
        "url": "x.csv",
        "format": "csv",
        "mapping": {
            "source_record_id": "id",
            "title": "t",
            "ects": "e",
            "learning_outcomes": "lo",
            "languages": "l",
        },
    }
    raw.update(overrides)
    registry = parse_registry(
        {"providers": [{"id": "at-graz", "name": "G", "country": "AT"}], "sources": [raw]},
        Path("."),
    )
    return registry.sources[0]


def test_mapping_decimal_commas_lists_defaults_and_problems():
    parsed = ParsedFeed(
        {
            "id": ["1", "2", None],
            "t": ["  Einführung ", "Zwei", ["A", "B"]],
            "e": ["2,5", "1.234,5", "3"],
            "lo": ["a | b", None, ["x", " y "]],
            "l": [None, "en", None],
        },
        3,
        [RowProblem(3, "row has 4 fields, the header has 5", "raw text")],
    )
    frame = map_source_fields(
        parsed,
        source(options={"decimal": ",", "list_separator": "|"}, defaults={"languages": ["de"]}),
    )
    assert frame["title"].tolist()[:2] == ["Einführung", "Zwei"]
    assert frame["ects"].tolist()[:3] == ["2.5", "1234.5", "3"]
    assert frame["learning_outcomes"].tolist()[:3] == [["a", "b"], None, ["x", "y"]]
    assert frame["languages"].tolist()[:3] == [["de"], ["en"], ["de"]]
    # several titles: none is guessed; normalisation reports them (test below)
    assert pd.isna(frame.loc[2, "title"]) and frame.loc[2, "several_values::title"] == "A | B"
    assert pd.isna(frame.loc[2, PROBLEM])
    assert frame.loc[3, PROBLEM] == "row has 4 fields, the header has 5"
    assert frame["record_index"].tolist() == [0, 1, 2, 3]
    assert frame["source_record_id"].tolist()[:2] == ["1", "2"]
    assert frame["source_record_id"][2].startswith("h")  # derived from content


def test_derived_record_ids_depend_on_content_not_position():
    src = source(mapping={"title": "t"})
    first = map_source_fields(ParsedFeed({"t": ["A", "B"]}, 2), src)["source_record_id"].tolist()
    second = map_source_fields(ParsedFeed({"t": ["B", "A"]}, 2), src)["source_record_id"].tolist()
    assert first == second[::-1]
    assert len(set(first)) == 2


def test_stable_ids_are_order_independent_and_distinct():
    a = stable_ids([pd.Series(["s1", "s2"]), pd.Series(["r1", "r2"])], "mc-")
    b = stable_ids([pd.Series(["s2", "s1"]), pd.Series(["r2", "r1"])], "mc-")
    assert a.tolist() == b.tolist()[::-1]
    assert a[0] != a[1] and a[0].startswith("mc-") and len(a[0]) == 19


def records(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows)
    frame["record_index"] = range(len(frame))
    if "source_record_id" not in frame:
        frame["source_record_id"] = [f"r{i}" for i in range(len(frame))]
    return frame


def validate(rows: list[dict]):
    normalised, problems = normalise_records(records(rows), REGISTRY)
    return validate_records(normalised, problems)


VALID = {"source_id": "graz", "title": "Data Literacy", "ects": "5"}


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"title": None}, "title", "required field is missing"),
        ({"ects": "75"}, "ects", "ECTS must be 1 to 59"),
        ({"ects": "0.5"}, "ects", "ECTS must be 1 to 59"),
        ({"eqf_level": "9"}, "eqf_level", "EQF level must be 1 to 8"),
    ],
)
def test_a_record_that_is_no_micro_credential_or_unidentifiable_is_rejected(change, field, reason):
    result = validate([VALID, {**VALID, **change}])
    assert len(result.accepted) == 1
    rejects = result.rejects
    assert (rejects["record_index"] == 1).all()
    row = rejects[rejects["field"] == field]
    assert row["reason"].tolist() == [reason], rejects.to_dict("records")
    assert row["severity"].tolist() == ["error"]
    assert row["source_id"].tolist() == ["graz"]
    assert row["source_record_id"].tolist() == ["r1"]


@pytest.mark.parametrize(
    ("change", "field", "reason"),
    [
        ({"ects": "five"}, "ects", "not a number"),
        ({"eqf_level": "high"}, "eqf_level", "not a level number"),
        ({"provider_country": "Atlantis"}, "provider_country", "unknown country"),
        ({"url": "ftp://example.org/x"}, "url", "not an http(s) URL"),
        ({"price_amount": "-1"}, "price_amount", "price must be >= 0"),
        ({"price_currency": "ECU"}, "price_currency", "unknown currency"),
        (
            {"start_date": "2026-10-01", "end_date": "2026-09-01"},
            "end_date",
            "end date before start date",
        ),
        ({"start_date": "31/31/2026"}, "start_date", "not a date (use YYYY-MM-DD)"),
        ({"languages": ["en", "Parseltongue"]}, "languages", "unknown language"),
        (
            {"participation_form": "self-paced"},
            "participation_form",
            "unknown form of participation (online, onsite or blended)",
        ),
        ({"isced_f_code": "0618"}, "isced_f_code", "unknown ISCED-F 2013 code"),
        ({"expiry": "soon"}, "expiry", "not an ISO 8601 date or duration"),
        ({"workload_hours": "0"}, "workload_hours", "hours must be > 0"),
    ],
)
def test_a_bad_optional_value_costs_the_value_not_the_record(change, field, reason):
    result = validate([VALID, {**VALID, **change}])
    assert len(result.accepted) == 2
    rejects = result.rejects
    assert rejects[["record_index", "field", "reason", "severity"]].values.tolist() == [
        [1, field, reason, "warning"]
    ]
    assert rejects["source_record_id"].tolist() == ["r1"]
    kept = result.accepted.set_index("record_index").loc[1]
    if field == "languages":
        assert kept["languages"] == ["en"]  # the known language stays
    else:
        assert pd.isna(kept[field]), kept[field]
    assert kept["title"] == "Data Literacy"


def test_normalised_values_of_an_accepted_record():
    result = validate(
        [
            {
                **VALID,
                "ects": "2.5",
                "languages": ["English", "DE"],
                "title_language": "eng",
                "participation_form": "Hybrid",
                "start_date": "01.09.2026",
                "end_date": "2026-12-31",
                "eqf_level": "EQF level 6",
                "isced_f_code": "http://data.europa.eu/snb/isced-f/0613",
                "expiry": "p2y",
                "price_amount": "450",
                "price_currency": "€",
            }
        ]
    )
    row = result.accepted.iloc[0]
    assert result.rejects.empty
    assert row["ects"] == 2.5
    assert row["languages"] == ["en", "de"]
    assert row["title_language"] == "en"
    assert row["participation_form"] == "blended"
    assert row["start_date"] == pd.Timestamp("2026-09-01")
    assert row["eqf_level"] == 6
    assert (row["isced_f_code"], row["isced_f_label"]) == (
        "0613",
        "Software and applications development and analysis",
    )
    assert row["expiry"] == "P2Y"
    assert row["price_currency"] == "EUR"
    assert row["provider_id"] == "at-graz" and row["provider_country"] == "AT"
    assert row["awarding_body_name"] == "Graz University" and bool(row["provider_trusted"])


def test_a_record_naming_its_provider_by_an_unknown_id_only_has_no_provider():
    result = validate([VALID, {**VALID, "provider_id": "nobody"}])
    assert len(result.accepted) == 1
    problems = result.rejects[["record_index", "field", "reason", "severity"]].values.tolist()
    assert problems == [
        [1, "provider_id", "not a registered provider id", "warning"],
        [1, "provider_name", "required field is missing", "error"],
    ]


def test_providers_resolve_by_alias_identifier_or_stay_unregistered():
    result = validate(
        [
            {"source_id": "agg", "title": "A", "provider_name": "tu graz"},
            {"source_id": "agg", "title": "B", "provider_name": "A GRAZ02"},
            {"source_id": "agg", "title": "C", "provider_name": "Hogeschool Onbekend"},
            {"source_id": "agg", "title": "D"},
        ]
    )
    rows = result.accepted.set_index("title")
    assert rows.loc["A", "provider_id"] == rows.loc["B", "provider_id"] == "at-graz"
    assert rows.loc["A", "provider_country"] == "AT"
    assert rows.loc["C", "provider_id"] == "unregistered-xx-hogeschool-onbekend"
    assert rows.loc["C", "provider_id_origin"] == "unregistered provider"
    assert rows.loc["C", "provider_name"] == "Hogeschool Onbekend"
    assert rows.loc["C", "provider_country"] is None  # never the aggregator's country
    assert rows.loc["D", "provider_id"] == "nl-agg"


def test_an_identical_repeat_in_one_feed_is_folded_into_the_first():
    result = validate(
        [
            {**VALID, "source_record_id": "X"},
            {**VALID, "source_record_id": "X"},
            {**VALID, "source_id": "agg", "source_record_id": "X"},
        ]
    )
    assert len(result.accepted) == 3 and result.rejects.empty
    repeat_of = result.accepted.set_index(["source_id", "record_index"])["repeat_of"]
    assert repeat_of[("graz", 1)] == 0  # the second graz record repeats the first
    assert pd.isna(repeat_of[("graz", 0)]) and pd.isna(repeat_of[("agg", 2)])


def test_one_id_for_records_saying_different_things_keeps_them_apart():
    rows = [
        {**VALID, "source_record_id": "X", "ects": "5"},
        {**VALID, "source_record_id": "X", "ects": "10"},
        {**VALID, "source_record_id": "X", "ects": "5"},  # repeats the first
    ]
    result = validate(rows)
    ids = result.accepted.set_index("record_index")["source_record_id"]
    assert ids[0] == ids[2] != ids[1]
    assert ids[0].startswith("X~") and ids[1].startswith("X~")
    assert result.accepted.set_index("record_index").loc[2, "repeat_of"] == 0
    warnings = result.rejects
    assert set(warnings["severity"]) == {"warning"}
    assert warnings["record_index"].tolist() == [0, 1, 2]
    assert warnings["reason"].iloc[1] == (
        f"id 'X' is given to records #1, #2, #3 with different content: kept apart as {ids[1]!r}"
    )
    # the ids do not depend on the order of the records
    again = validate(list(reversed(rows))).accepted.set_index("record_index")["source_record_id"]
    assert sorted(again) == sorted(ids)


def test_unreadable_records_are_rejected_with_the_parser_reason():
    frame = records(
        [
            VALID,
            {
                "source_id": "graz",
                PROBLEM: "row has 4 fields, the header has 5",
                "parse_problem_value": "a;b;c;d",
            },
        ]
    )
    normalised, problems = normalise_records(frame, REGISTRY)
    result = validate_records(normalised, problems)
    assert result.rejects[["field", "reason", "value"]].values.tolist() == [
        ["record", "row has 4 fields, the header has 5", "a;b;c;d"]
    ]


def test_completeness_counts_constitutive_elements():
    result = validate(
        [
            {
                **VALID,
                "learning_outcomes": ["o"],
                "assessment_type": "exam",
                "quality_assurance": "ESG",
                "eqf_level": "6",
                "isced_f_code": "0613",
                "participation_form": "online",
                "access_requirements": "none",
            },
            {**VALID},
        ]
    )
    share, missing = completeness(result.accepted.reset_index(drop=True))
    assert share.tolist() == [1.0, 0.3]
    assert missing[0] == []
    assert missing[1] == [
        "learning_outcomes",
        "assessment",
        "quality_assurance",
        "qf_level",
        "subject_area",
        "participation_form",
        "access_requirements",
    ]


def test_plain_dates_and_date_times_with_offsets_parse_together():
    result = validate(
        [
            {**VALID, "source_record_id": "A", "start_date": "2026-10-01"},
            {**VALID, "source_record_id": "B", "start_date": "2026-10-01T23:30:00-02:00"},
            {**VALID, "source_record_id": "C", "start_date": "2026-10-02T09:00:00Z"},
        ]
    )
    assert result.rejects.empty
    dates = result.accepted.set_index("source_record_id")["start_date"]
    assert dates.tolist() == [
        pd.Timestamp("2026-10-01"),
        pd.Timestamp("2026-10-01"),
        pd.Timestamp("2026-10-02"),
    ]
