"""Qualification levels and credits in European terms, with where each value came from.

- `eqf_level` from a national level by the country's referencing of its framework to the EQF
  (framework from the record, from a prefix of the level text, or the provider's country);
- `qf_ehea_cycle` and `isced_level` from the EQF level (5 to 8), or the EQF level from a cycle;
- `ects` from national credits (fixed conversions) or from hours (hours per ECTS by country).

A value the provider states is kept as stated; a derived value that contradicts it is reported
in `code_flags`. Lookups run once per distinct combination, so a million rows cost little more
than their distinct values.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from functools import cache

import numpy as np
import pandas as pd

from pipelines.codes.lookups import REFERENCE_DIR, fold

ECTS_USERS_GUIDE_HOURS = (25.0, 30.0)  # ECTS Users' Guide 2015: 25 to 30 hours per credit
_LEVEL_WORDS = r"(?:level|niveau|niveaux|stufe|niveau|nivel|livello|poziom|taso|tason|szint|uroven|lygmuo|limenis|tase|nivo|raven|razina)"
_NUMBER = re.compile(r"^\s*(\d+(?:[.,]\d+)?)\s*(.*?)\s*$")


def _rows(filename: str) -> list[dict[str, str]]:
    with (REFERENCE_DIR / filename).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def _level_key(text: str) -> str:
    """'Level 7' / 'niveau 7' / 'Entry Level 3' -> '7' / '7' / 'entry 3'."""
    words = re.sub(rf"\b{_LEVEL_WORDS}\b", " ", fold(text))
    return " ".join(words.replace(":", " ").split())


@dataclass(frozen=True)
class Frameworks:
    by_alias: dict[str, str]
    default_for_country: dict[str, str]
    eqf: dict[tuple[str, str], int]
    levels_of: dict[str, list[str]] = field(default_factory=dict)
    written: dict[tuple[str, str], str] = field(default_factory=dict)
    by_country: dict[str, list[str]] = field(default_factory=dict)

    def resolve(self, name: str) -> str | None:
        return self.by_alias.get(fold(name))

    def split_prefix(self, text: str) -> tuple[str | None, str]:
        """('SCQF', '7') from 'SCQF level 7'; (None, text) when no framework name leads."""
        folded = fold(text)
        for alias in sorted(self.by_alias, key=len, reverse=True):
            if folded.startswith(alias) and (
                len(folded) == len(alias) or not folded[len(alias)].isalnum()
            ):
                return self.by_alias[alias], text.strip()[len(alias) :]
        return None, text


@cache
def frameworks() -> Frameworks:
    by_alias: dict[str, str] = {}
    defaults: dict[str, str] = {}
    by_country: dict[str, list[str]] = {}
    for row in _rows("nqf-frameworks.csv"):
        framework = row["framework"]
        by_country.setdefault(row["country"], []).append(framework)
        for alias in [framework, row["name"], *row["aliases"].split("|")]:
            if alias.strip():
                by_alias.setdefault(fold(alias), framework)
        if row["default_for_country"].strip().lower() == "true":
            defaults[row["country"]] = framework
    eqf: dict[tuple[str, str], int] = {}
    levels_of: dict[str, list[str]] = {}
    written: dict[tuple[str, str], str] = {}
    for row in _rows("nqf-levels.csv"):
        if row["eqf_level"].strip():
            key = (row["framework"], _level_key(row["level"]))
            eqf[key] = int(row["eqf_level"])
            written[key] = row["level"]
            levels_of.setdefault(row["framework"], []).append(row["level"])
    return Frameworks(by_alias, defaults, eqf, levels_of, written, by_country)


@dataclass(frozen=True)
class NqfResult:
    framework: str | None = None
    level: str | None = None
    eqf_level: int | None = None
    problem: str | None = None


def resolve_nqf(framework_given: str | None, level_text: str, country: str | None) -> NqfResult:
    """The EQF level of a national level, or the reason it has none (never a guess)."""
    table = frameworks()
    prefixed, rest = table.split_prefix(level_text)
    framework = prefixed
    if framework is None and framework_given:
        framework = table.resolve(framework_given)
        if framework is None:
            return NqfResult(problem=f"unknown qualifications framework {framework_given!r}")
    level = _level_key(rest)
    if framework is None and country:
        framework = table.default_for_country.get(country)
        # A level the country's main framework does not have may belong to exactly one of its
        # other frameworks (France's 1969 levels are Roman numerals): that is not a guess.
        if framework is not None and (framework, level) not in table.eqf:
            others = [f for f in table.by_country.get(country, []) if (f, level) in table.eqf]
            if len(others) == 1:
                framework = others[0]
    if framework is None:
        return NqfResult(problem="no framework given and none known for the provider's country")
    if not table.levels_of.get(framework):
        return NqfResult(framework, problem=f"{framework} is not referenced to the EQF")
    eqf = table.eqf.get((framework, level))
    if eqf is None:
        known = ", ".join(table.levels_of[framework])
        return NqfResult(framework, problem=f"level {level!r} is not in {framework} ({known})")
    return NqfResult(framework, table.written[(framework, level)], eqf)


@cache
def eqf_table() -> pd.DataFrame:
    table = pd.DataFrame(_rows("eqf-levels.csv"))
    table["eqf_level"] = table["eqf_level"].astype(int)
    return table.set_index("eqf_level")


@cache
def _cycles() -> dict[str, str]:
    table: dict[str, str] = {}
    for row in _rows("qf-ehea-cycles.csv"):
        for alias in [row["qf_ehea_cycle"], *row["aliases"].split("|")]:
            table[fold(alias)] = row["qf_ehea_cycle"]
    return table


def qf_ehea_cycle(value: str) -> str | None:
    return _cycles().get(fold(value))


@cache
def _credit_units() -> dict[str, float]:
    table: dict[str, float] = {}
    for row in _rows("credit-systems.csv"):
        for alias in [row["unit"], *row["aliases"].split("|")]:
            if alias.strip():
                table.setdefault(fold(alias), float(row["ects_per_unit"]))
    return table


#: Units of a credit number that are hours of workload, not credits: ECTS then follow from the
#: hours at the country's rate, like `workload_hours`.
HOURS_UNITS = frozenset(
    {
        "hours",
        "hour",
        "h",
        "hrs",
        "notional hours",
        "notional learning hours",
        "learning hours",
        "study hours",
        "hours of study",
        "workload hours",
    }
)


@dataclass(frozen=True)
class Credits:
    ects: float | None
    origin: str | None = None
    problem: str | None = None
    #: Set instead of `ects` when the number is hours of workload (`125 hours`).
    hours: float | None = None


def credit_unit_factor(unit: str) -> float | None:
    """ECTS per unit of a credit unit the catalogue knows (`SCQF` 0.5, `ECTS` 1, `US credit
    hours` 2), 0.0 for hours (converted by the country's hours per ECTS), None when unknown."""
    key = fold(unit)
    if key in HOURS_UNITS:
        return 0.0
    table = _credit_units()
    return table.get(key) or table.get(key.rstrip("s"))


def parse_credits(text: str, unit: str | None = None) -> Credits:
    """'5', '5 ECTS', '20 SCQF credits', '7,5 hp' -> ECTS, saying how they were obtained. A
    plain number is in `unit` when one is declared (the source's or record's `credit_unit`),
    else ECTS; a unit written with the number wins."""
    match = _NUMBER.match(text)
    if not match:
        return Credits(None, problem="not a number")
    amount = float(match.group(1).replace(",", "."))
    written = match.group(2) or (unit or "").strip()
    if not written:
        return Credits(amount, "given")
    factor = credit_unit_factor(written)
    if factor is None:
        declared = "" if match.group(2) else " (credit_unit)"
        return Credits(None, problem=f"unknown credit unit {written!r}{declared}")
    if factor == 0.0:
        return Credits(None, hours=amount)
    if factor == 1.0:
        return Credits(amount, "given")
    return Credits(round(amount * factor, 2), f"derived from {match.group(1)} {written}")


@cache
def hours_per_ects() -> dict[str, tuple[float, float]]:
    return {
        row["country"]: (float(row["hours_min"]), float(row["hours_max"] or row["hours_min"]))
        for row in _rows("ects-hours.csv")
    }


def ects_from_hours(hours: pd.Series, country: pd.Series) -> tuple[pd.Series, pd.Series]:
    """ECTS for rows giving hours only: hours / the country's hours per credit (the middle of
    its range; the ECTS Users' Guide's 25 to 30 where no national rule is known)."""
    ranges = hours_per_ects()
    low = (
        country.map({c: r[0] for c, r in ranges.items()})
        .astype("float64")
        .fillna(ECTS_USERS_GUIDE_HOURS[0])
    )
    high = (
        country.map({c: r[1] for c, r in ranges.items()})
        .astype("float64")
        .fillna(ECTS_USERS_GUIDE_HOURS[1])
    )
    rate = (low + high) / 2
    ects = (hours / rate).round(1)
    rule = np.where(
        country.isin(list(ranges)).to_numpy(), country.fillna("").to_numpy(), "ECTS Users' Guide"
    )
    origin = (
        "derived from "
        + hours.map("{:g}".format)
        + " hours at "
        + rate.map("{:g}".format)
        + " h/ECTS ("
        + pd.Series(rule, index=hours.index)
        + ")"
    )
    return ects, origin.where(hours.notna(), None)
