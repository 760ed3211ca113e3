"""Code lists and lookups: countries, languages, currencies, forms of participation, ISCED-F.

Lookups work on a folded key (trimmed, case and accents ignored) and are applied to a column's
distinct values only, so normalising a million rows costs one dictionary lookup per distinct value.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

import pandas as pd
import pycountry

from schemas.registry import COUNTRY_EXCEPTIONS

REFERENCE_DIR = Path(__file__).resolve().parents[2] / "data" / "reference"


def fold(value: str) -> str:
    """Lower case, no accents, single spaces: the key every lookup uses."""
    decomposed = unicodedata.normalize("NFKD", value.strip().casefold())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.replace("ß", "ss").split())


def _reference_pairs(filename: str) -> list[tuple[str, str]]:
    with (REFERENCE_DIR / filename).open(encoding="utf-8") as handle:
        reader = csv.reader(handle)
        next(reader)
        return [(fold(row[0]), row[1]) for row in reader if row]


@cache
def _countries() -> dict[str, str]:
    table: dict[str, str] = {}
    for country in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            name = getattr(country, attr, None)
            if name:
                table[fold(name)] = country.alpha_2
        table[country.alpha_3.casefold()] = country.alpha_2
        table[country.alpha_2.casefold()] = country.alpha_2
    table.update({code.casefold(): iso for code, iso in COUNTRY_EXCEPTIONS.items()})
    table.update(_reference_pairs("country-names.csv"))
    return table


@cache
def _languages() -> dict[str, str]:
    table: dict[str, str] = {}
    for language in pycountry.languages:
        alpha_2 = getattr(language, "alpha_2", None)
        if not alpha_2:
            continue
        table[alpha_2] = alpha_2
        table[language.alpha_3] = alpha_2
        bibliographic = getattr(language, "bibliographic", None)
        if bibliographic:
            table[bibliographic] = alpha_2
        table.setdefault(fold(language.name), alpha_2)
    table.update(_reference_pairs("language-names.csv"))
    return table


@cache
def _currencies() -> dict[str, str]:
    table = {c.alpha_3.casefold(): c.alpha_3 for c in pycountry.currencies}
    table.update({"€": "EUR", "euro": "EUR", "euros": "EUR", "£": "GBP", "zł": "PLN", "zl": "PLN"})
    return table


@cache
def _participation_forms() -> dict[str, str]:
    return dict(_reference_pairs("participation-forms.csv"))


@cache
def isced_f_labels() -> dict[str, str]:
    """ISCED-F 2013 code -> English label (all 220 codes)."""
    with (REFERENCE_DIR / "isced-f.csv").open(encoding="utf-8") as handle:
        return {row["code"]: row["label"] for row in csv.DictReader(handle)}


@cache
def _isced_f_by_label() -> dict[str, tuple[str, str]]:
    """Folded label in any supported language -> (code, language). A label shared by a narrow
    field and its only detailed field names the detailed (longer) code."""
    table: dict[str, tuple[str, str]] = {}
    with (REFERENCE_DIR / "isced-f-labels.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            key = fold(row["label"])
            if key not in table or len(row["code"]) > len(table[key][0]):
                table[key] = (row["code"], row["language"])
    return table


def isced_f_code(value: str) -> tuple[str, str] | None:
    """(code, origin) from a code, an EU/ESCO URI or a label in a supported language."""
    text = value.strip()
    code = text.rstrip("/").rsplit("/", 1)[-1] if "://" in text else text
    if code in isced_f_labels():
        return code, "given"
    found = _isced_f_by_label().get(fold(text))
    return (found[0], f"derived from {found[1]} label") if found else None


def country_code(value: str) -> str | None:
    return _countries().get(fold(value))


def language_code(value: str) -> str | None:
    key = fold(value)
    table = _languages()
    if key in table:
        return table[key]
    primary = key.replace("_", "-").split("-")[0]  # en-GB, de_AT: the primary subtag
    return table.get(primary) if len(primary) in (2, 3) else None


def currency_code(value: str) -> str | None:
    return _currencies().get(fold(value))


def participation_form(value: str) -> str | None:
    return _participation_forms().get(fold(value))


def map_distinct(values: pd.Series, lookup: Callable[[str], str | None]) -> pd.Series:
    """Apply `lookup` to each distinct non-null value once; nulls stay null, misses become null."""
    distinct = values.dropna().unique()
    table = {v: lookup(v) for v in distinct}
    mapped = values.map(table).astype("object")
    return mapped.where(mapped.notna(), None)


def lookup_distinct(
    frame: pd.DataFrame, columns: list[str], compute: Callable[..., tuple], results: list[str]
) -> pd.DataFrame:
    """`compute(*values)` once per distinct combination of `columns`, for rows whose first
    column is not null; returns the `results` columns aligned to `frame` (null elsewhere)."""
    keys = frame[columns].astype("object")
    present = keys[columns[0]].notna()
    distinct = keys[present].drop_duplicates()
    computed = pd.DataFrame(
        [
            compute(*(None if pd.isna(v) else v for v in row))
            for row in distinct.itertuples(index=False, name=None)
        ],
        columns=results,
        index=distinct.index,
        dtype="object",
    )
    table = pd.concat([distinct, computed], axis=1)
    merged = keys.merge(table, on=columns, how="left")
    merged.index = frame.index
    out = merged[results].astype("object")
    out.loc[~present.to_numpy()] = None
    return out
