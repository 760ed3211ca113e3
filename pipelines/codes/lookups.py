"""Code lists and lookups: countries, languages, currencies, forms of participation, ISCED-F.

Lookups work on a folded key (trimmed, case and accents ignored) and are applied to a column's
distinct values only, so normalising a million rows costs one dictionary lookup per distinct value.
"""

from __future__ import annotations

import csv
import re
import unicodedata
from collections.abc import Callable
from functools import cache
from pathlib import Path

import langcodes
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pycountry
from language_data import names as language_names

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
def _language_overrides() -> dict[str, str]:
    """Language names the language data does not know or reads otherwise than feeds mean."""
    return dict(_reference_pairs("language-name-overrides.csv"))


#: Words for "language" that feeds write around a language's name (`Japanese language`,
#: `langue française`, `اللغة العربية`), removed before the name is looked up.
_LANGUAGE_WORDS = re.compile(
    r"^(?:the\s+)?(?:language|langue|sprache|lengua|idioma|lingua|taal|jezyk|kieli|sprak|"
    r"γλωσσα|язык|اللغة|语言|言語)\s+|\s+(?:language|sprache|taal|language\s+only)$",
    re.IGNORECASE,
)
_TAG = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
#: Codes that are no language: undetermined, several, none, reserved for local use.
_NO_LANGUAGE = frozenset({"und", "mul", "zxx", "mis"})


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
    """The ISO 639-1 code of a language (ISO 639-3 where it has none) from a code (ISO 639-1,
    -2/T, -2/B, -3, any case), a BCP 47 tag (`en-GB`, `zh-Hant`), an EU language URI, or its
    name in any language and script (`Deutsch`, `Englisch`, `日本語`, `اللغة العربية`). None when
    it names no language: never a guess."""
    text = value.strip()
    if "://" in text:  # http://publications.europa.eu/resource/authority/language/DEU
        text = text.rstrip("/").rsplit("/", 1)[-1]
    return _language(text)


@cache
def _language(text: str) -> str | None:
    override = _language_overrides().get(fold(text))
    if override:
        return override
    if _TAG.match(text):
        try:
            found = langcodes.Language.get(text.replace("_", "-"))
        except (langcodes.LanguageTagError, ValueError):
            found = None
        if found is not None and found.language and found.is_valid():
            return _code(found.language)
    name = _LANGUAGE_WORDS.sub("", " ".join(text.split()))
    code = _language_named(name)
    return _code(langcodes.Language.get(code).language) if code else None


@cache
def _language_names() -> tuple[object, dict[str, str]]:
    """CLDR language names in every language (language_data's trie), and the same names
    without accents (`francais`) where that is no other language's name."""
    key = "und/name_to_language"
    if key not in language_names.TRIES:
        trie_file = language_names.data_filename(f"trie/{key}.marisa")
        language_names.TRIES[key] = language_names.load_trie(trie_file)
    trie = language_names.TRIES[key]
    names = list(trie)  # a marisa trie iterates over its keys
    plain = pc.replace_substring_regex(
        pc.utf8_normalize(pa.array(names, type=pa.string()), form="NFKD"), r"\p{Mn}+", ""
    ).to_pylist()
    accented = pd.DataFrame({"name": names, "plain": plain}).query("name != plain")
    accented["tag"] = [language_names.get_trie_value(trie, n) for n in accented["name"]]
    tags = accented.groupby("plain")["tag"].agg(set)
    return trie, {name: next(iter(t)) for name, t in tags.items() if len(t) == 1}


def _language_named(name: str) -> str | None:
    """The tag of the language whose name, in any language, is `name` (with or without its
    accents), or whose name comes before a parenthesis (`English (UK)`): never a name that
    merely starts another (`Englishish`), as `langcodes.find` would accept."""
    trie, folded = _language_names()
    for candidate in dict.fromkeys((name, name.split("(", 1)[0])):
        lookup = language_names.normalize_name(candidate)
        if lookup and lookup in trie:
            return language_names.get_trie_value(trie, lookup)
        if lookup and lookup in folded:
            return folded[lookup]
    return None


def _is_private_use(language: str) -> bool:
    """ISO 639-2 reserves qaa-qtz for local use: they name no language anyone else knows.
    Other codes starting with q are languages (`qu` Quechua, `quz` Cusco Quechua)."""
    return len(language) == 3 and "qaa" <= language <= "qtz"


def _code(language: str | None) -> str | None:
    if not language or language in _NO_LANGUAGE or _is_private_use(language):
        return None
    return langcodes.Language.get(language).language


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
