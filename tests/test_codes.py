"""Qualification and subject codes: every notation, every country table, contradictions, rejects."""

import csv
from pathlib import Path

import pandas as pd
import pytest

from pipelines.codes import levels
from pipelines.normalise.records import normalise_records
from pipelines.reading.registry import parse_registry
from pipelines.validation.validate import validate_records

REFERENCE = Path(__file__).parent.parent / "data" / "reference"

REGISTRY = parse_registry(
    {
        "providers": [
            {"id": f"p-{c.lower()}", "name": f"Provider {c}", "country": c}
            for c in ("AT", "DE", "GB", "IE", "FR", "NL", "SE", "CY", "IS", "LI")
        ],
        "sources": [
            {
                "id": f"s-{c.lower()}",
                "provider": f"p-{c.lower()}",
                "url": "x.json",
                "format": "json",
                "mapping": {"title": "t"},
            }
            for c in ("AT", "DE", "GB", "IE", "FR", "NL", "SE", "CY", "IS", "LI")
        ],
    },
    Path("."),
)


def run(rows: list[dict]):
    frame = pd.DataFrame([{"title": "A micro-credential", **row} for row in rows])
    frame["record_index"] = range(len(frame))
    frame["source_record_id"] = [f"r{i}" for i in range(len(frame))]
    normalised, problems = normalise_records(frame, REGISTRY)
    return validate_records(normalised, problems)


def one(row: dict) -> pd.Series:
    result = run([row])
    assert result.rejects.empty, result.rejects.to_dict("records")
    return result.accepted.iloc[0]


# --- ISCED-F 2013 -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "notation",
    [
        "0613",
        " 0613 ",
        "http://data.europa.eu/snb/isced-f/0613",
        "http://data.europa.eu/esco/isced-f/0613",
        "Software and applications development and analysis",
        "software AND applications development and analysis",
        "Entwicklung und Analyse von Software und Anwendungen",
        "Développement et analyse de logiciels et d’applications",
        "developpement et analyse de logiciels et d’applications",
        "Ontwikkeling en analyse van software en toepassingen",
        "Tworzenie i analizowanie oprogramowania i aplikacji",
    ],
)
def test_isced_f_from_every_notation(notation):
    row = one({"source_id": "s-de", "isced_f_code": notation})
    assert row["isced_f_code"] == "0613"
    assert row["isced_f_label"] == "Software and applications development and analysis"
    expected = "given" if notation.strip()[0].isdigit() or "://" in notation else "derived from"
    assert row["isced_f_code_origin"].startswith(expected)


@pytest.mark.parametrize(
    ("notation", "code"), [("06", "06"), ("061", "061"), ("Literacy and numeracy", "0021")]
)
def test_isced_f_broad_narrow_and_shared_labels(notation, code):
    assert one({"source_id": "s-de", "isced_f_code": notation})["isced_f_code"] == code


def test_isced_f_reference_has_every_code_in_five_languages():
    with (REFERENCE / "isced-f-labels.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    per_language = pd.DataFrame(rows).groupby("language")["code"].nunique().to_dict()
    assert per_language == {"en": 220, "de": 220, "fr": 220, "nl": 220, "pl": 220}


@pytest.mark.parametrize(
    "notation", ["613", "0618", "Basket weaving", "http://data.europa.eu/snb/isced-f/9998"]
)
def test_unknown_isced_f_is_dropped_not_guessed(notation):
    result = run([{"source_id": "s-de", "isced_f_code": notation}])
    kept = result.accepted.iloc[0]
    assert pd.isna(kept["isced_f_code"]) and pd.isna(kept["isced_f_label"])
    assert pd.isna(kept["isced_f_code_origin"])
    assert result.rejects[["field", "reason", "value", "severity"]].values.tolist() == [
        ["isced_f_code", "unknown ISCED-F 2013 code", notation, "warning"]
    ]


# --- EQF, QF-EHEA cycle, ISCED 2011 --------------------------------------------------------------


@pytest.mark.parametrize(
    ("eqf", "cycle", "isced"),
    [(4, None, None), (5, "short", 5), (6, "first", 6), (7, "second", 7), (8, "third", 8)],
)
def test_cycle_and_isced_level_follow_from_eqf(eqf, cycle, isced):
    row = one({"source_id": "s-de", "eqf_level": str(eqf)})
    assert row["eqf_level_origin"] == "given"
    assert (row["qf_ehea_cycle"] if cycle else None) == cycle
    if isced:
        assert (
            row["isced_level"] == isced and row["isced_level_origin"] == f"derived from EQF {eqf}"
        )
        assert row["qf_ehea_cycle_origin"] == f"derived from EQF {eqf}"
    else:
        assert pd.isna(row["isced_level"]) and row["isced_level_origin"] is None


@pytest.mark.parametrize(
    ("cycle", "eqf"), [("Bachelor level", 6), ("second cycle", 7), ("PhD", 8), ("short", 5)]
)
def test_eqf_from_a_stated_cycle(cycle, eqf):
    row = one({"source_id": "s-nl", "qf_ehea_cycle": cycle})
    assert row["eqf_level"] == eqf
    assert row["eqf_level_origin"].startswith("derived from QF-EHEA")
    assert row["qf_ehea_cycle_origin"] == "given"


@pytest.mark.parametrize(
    "notation", ["6", "EQF 6", "eqf level 6", "Level 6", "http://data.europa.eu/snb/eqf/6"]
)
def test_eqf_notations(notation):
    assert one({"source_id": "s-de", "eqf_level": notation})["eqf_level"] == 6


def test_stated_eqf_contradicting_the_national_level_is_kept_and_flagged():
    row = one({"source_id": "s-gb", "eqf_level": "6", "nqf_level": "SCQF level 7"})
    assert row["eqf_level"] == 6 and row["eqf_level_origin"] == "given"
    assert row["code_flags"] == ["eqf_level 6 (given) contradicts 5 derived from SCQF 7"]


def test_stated_cycle_contradicting_eqf_is_flagged():
    row = one({"source_id": "s-de", "eqf_level": "7", "qf_ehea_cycle": "first"})
    assert row["eqf_level"] == 7 and row["qf_ehea_cycle"] == "first"
    assert len(row["code_flags"]) == 2  # the cycle says EQF 6; EQF 7 says second cycle
    assert "qf_ehea_cycle first (given) contradicts second derived from EQF 7" in row["code_flags"]


def test_agreeing_codes_raise_no_flag():
    row = one({"source_id": "s-ie", "eqf_level": "7", "nqf_level": "NFQ Level 9"})
    assert row["code_flags"] is None


@pytest.mark.parametrize(
    ("row", "field", "reason_start"),
    [
        ({"source_id": "s-de", "eqf_level": "9"}, "eqf_level", "EQF level must be 1 to 8"),
        (
            {"source_id": "s-gb", "nqf_level": "SCQF level 13"},
            "nqf_level",
            "level '13' is not in SCQF",
        ),
        ({"source_id": "s-ie", "nqf_level": "11"}, "nqf_level", "level '11' is not in NFQ-IE"),
        (
            {"source_id": "s-de", "nqf_framework": "Hogwarts QF", "nqf_level": "6"},
            "nqf_level",
            "unknown qualifications framework 'Hogwarts QF'",
        ),
        ({"source_id": "s-de", "qf_ehea_cycle": "fourth"}, "qf_ehea_cycle", "not a QF-EHEA cycle"),
        ({"source_id": "s-de", "ects": "5 bananas"}, "ects", "unknown credit unit 'bananas'"),
    ],
)
def test_unknown_or_invalid_levels_are_reported_with_the_value(row, field, reason_start):
    result = run([row])
    reject = result.rejects.iloc[0]
    assert reject["field"] == field and reject["reason"].startswith(reason_start), reject.to_dict()
    assert reject["value"] == row[field]
    if field == "eqf_level":  # no qualification level: not a micro-credential
        assert result.accepted.empty and reject["severity"] == "error"
    else:  # the value is dropped, nothing is derived from it, the record is kept
        kept = result.accepted.iloc[0]
        assert reject["severity"] == "warning"
        assert kept[field] is None or pd.isna(kept[field])
        assert pd.isna(kept["eqf_level"])


# --- ECTS ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("row", "ects", "origin"),
    [
        ({"source_id": "s-de", "ects": "5"}, 5.0, "given"),
        ({"source_id": "s-de", "ects": "5 ECTS"}, 5.0, "given"),
        ({"source_id": "s-se", "ects": "7,5 hp"}, 7.5, "given"),
        ({"source_id": "s-gb", "ects": "20 SCQF credits"}, 10.0, "derived from 20 SCQF credits"),
        ({"source_id": "s-gb", "ects": "30 UK credits"}, 15.0, "derived from 30 UK credits"),
        (
            {"source_id": "s-at", "workload_hours": "125"},
            5.0,
            "derived from 125 hours at 25 h/ECTS (AT)",
        ),
        (
            {"source_id": "s-nl", "workload_hours": "140"},
            5.0,
            "derived from 140 hours at 28 h/ECTS (NL)",
        ),
        (
            {"source_id": "s-gb", "workload_hours": "200"},
            10.0,
            "derived from 200 hours at 20 h/ECTS (GB)",
        ),
    ],
)
def test_ects_from_credits_and_hours(row, ects, origin):
    result = one(row)
    assert result["ects"] == ects
    assert result["ects_origin"] == origin


def test_ects_from_hours_without_a_national_rule_uses_the_users_guide_range():
    row = one({"source_id": "s-li", "workload_hours": "55"})
    assert row["ects"] == 2.0
    assert row["ects_origin"] == "derived from 55 hours at 27.5 h/ECTS (ECTS Users' Guide)"


def test_stated_ects_is_not_overwritten_by_hours():
    row = one({"source_id": "s-at", "ects": "4", "workload_hours": "125"})
    assert row["ects"] == 4.0 and row["ects_origin"] == "given"


def test_lookups_use_distinct_values_only():
    rows = [{"source_id": "s-gb", "nqf_level": "SCQF level 7"}] * 500 + [
        {"source_id": "s-ie", "nqf_level": "NFQ 9"}
    ] * 500
    result = run(rows)
    assert result.accepted["eqf_level"].value_counts().to_dict() == {5: 500, 7: 500}
    assert levels.frameworks.cache_info().currsize == 1


def test_hours_below_one_ects_are_kept_without_deriving_ects():
    row = one({"source_id": "s-at", "workload_hours": "20"})
    assert pd.isna(row["ects"]) and row["workload_hours"] == 20.0
    assert row["code_flags"] == [
        "ects not derived: 0.8 ECTS is outside 1 to 59 (20 hours at 25 h/ECTS (AT))"
    ]


# --- every country table: a known level per framework, from its referencing report -----------
# (framework as a provider names it, or None for the provider's country; level as written;
#  country; EQF level by the referencing report)
KNOWN_LEVELS = [
    (None, "NQR 6", "AT", 6),
    (None, "Vlaamse kwalificatiestructuur niveau 5", "BE", 5),
    ("Cadre francophone des certifications", "niveau 6", "BE", 6),
    (None, "7", "BG", 7),
    (None, "5b", "CY", 5),
    (None, "6", "CZ", 6),
    (None, "DQR 6", "DE", 6),
    (None, "Niveau 4", "DE", 4),
    (None, "6", "DK", 6),
    (None, "EKR 5", "EE", 5),
    (None, "MECU 6", "ES", 6),
    ("MECES", "3", "ES", 7),
    (None, "7", "FI", 7),
    (None, "niveau 6", "FR", 6),
    (None, "Niveau III", "FR", 5),
    (None, "niveau V", "FR", 3),
    (None, "6", "GR", 6),
    (None, "CROQF 7.1", "HR", 7),
    (None, "4.2", "HR", 4),
    (None, "6", "HU", 6),
    (None, "NFQ Level 9", "IE", 7),
    (None, "NFQ 8", "IE", 6),
    (None, "6", "IE", 5),
    (None, "6", "IT", 6),
    (None, "6", "LT", 6),
    (None, "5", "LU", 5),
    (None, "LQF 6", "LV", 6),
    (None, "MQF level 6", "MT", 6),
    (None, "NLQF 6", "NL", 6),
    (None, "NLQF 4+", "NL", 4),
    (None, "PRK 6", "PL", 6),
    (None, "poziom 7", "PL", 7),
    (None, "6", "PT", 6),
    (None, "6", "RO", 6),
    (None, "SeQF 6", "SE", 6),
    (None, "SOK 10", "SI", 8),
    (None, "SOK 7", "SI", 6),
    (None, "6", "SK", 6),
    (None, "SCQF level 7", "GB", 5),
    (None, "SCQF Level 11", "GB", 7),
    ("SCQF", "9", "GB", 6),
    (None, "RQF Level 4", "GB", 5),
    (None, "Entry 3", "GB", 1),
    (None, "1", "GB", 2),
    (None, "CQFW level 5", "GB", 5),
    (None, "FHEQ level 7", "GB", 7),
    (None, "NKR 7", "NO", 7),
    (None, "7", "IS", 8),
    ("NQR Berufsbildung", "6", "CH", 6),
    (None, "6", "LI", 6),
    (None, "7.1", "ME", 7),
    (None, "6", "MK", 6),
    (None, "6.2", "RS", 6),
    (None, "6", "AL", 6),
    (None, "6", "TR", 6),
    (None, "6", "XK", 6),
]


@pytest.mark.parametrize(("framework", "level", "country", "eqf"), KNOWN_LEVELS)
def test_known_national_levels(framework, level, country, eqf):
    result = levels.resolve_nqf(framework, level, country)
    assert (result.eqf_level, result.problem) == (eqf, None)


def test_every_referenced_framework_has_a_known_level_tested():
    tested = {levels.resolve_nqf(f, lv, c).framework for f, lv, c, _ in KNOWN_LEVELS}
    referenced = {f for f, found in levels.frameworks().levels_of.items() if found}
    assert referenced - tested == set()


def test_frameworks_not_referenced_to_the_eqf_give_a_reason():
    assert levels.resolve_nqf(None, "6", "BA").problem == "BAQF is not referenced to the EQF"


def test_reference_tables_are_consistent():
    table = levels.frameworks()
    eu = {
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    }
    assert eu | {"GB", "NO", "IS", "CH"} <= set(table.default_for_country)
    assert set(table.eqf.values()) <= set(range(1, 9))
    with (REFERENCE / "ects-hours.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            assert (
                15 <= float(row["hours_min"]) <= float(row["hours_max"] or row["hours_min"]) <= 30
            ), row
