"""Labelled provider feeds for measuring duplicate detection, written independently of the matcher.

    python bench/generate_independent.py --records N --out DIR [--seed S]

A second generator of labelled feeds (the first is bench/generate_duplicates.py): its noise was
designed from what public catalogues look like, not from the matcher's rules, so that it measures
the deduplication on data the matcher was not tuned on. It writes

- DIR/registry.yaml: providers (universities and companies in PL, IT, PT, SE, CZ, FI, GR, GB, IE,
  named in their own languages and scripts, with English names, acronyms, SCHAC, Erasmus and PIC
  codes) and their sources;
- DIR/feeds/: each provider's own feed in the shape of its country's catalogue system (USOS-like
  JSON, ESSE3-like XML in capitals, IS/STAG-like CSV in cp1250, Peppi-like JSON, Ladok-like CSV,
  XCRI-CAP XML, ...), one national register per country (JSON pages, CSV or XML) naming providers
  by name, alias, code or a misspelling, two international MOOC platforms and a national one naming
  the partner university as awarding body, and a university alliance catalogue in English;
- DIR/labels.parquet: source_id, source_record_id, cluster (the true micro-credential) of every
  record written, with `kind` (own, register, platform, alliance) and `noise` (what was done to it);
- DIR/clusters.parquet: one row per true micro-credential, `family_kind` naming its family of hard
  non-duplicates (series, module_vs_qualification, regional_variant, ects_volume, one_word,
  sibling_provider, other_provider) or null;
- DIR/manifest.json: counts.

The same micro-credential is written differently by each publisher: case and capitals (ESSE3's
"PUBBLICITA'"), diacritics lost, British and American spellings, abbreviations and acronyms
("BHP", "Intro to"), course codes ("KIV/PPA1", "DA1012"), credits, delivery and edition in the
title ("7,5 hp", "(kurs online)", "HT26"), type prefixes ("Certificate in", "Mikropoświadczenie:"),
reordered phrases ("Data Analysis: An Introduction"), subtitles dropped, truncation, typos, HTML
entities, non-breaking and zero-width spaces, series numbers written another way ("Part 1" /
"Part I"), titles translated to English by an alliance, URLs with tracking parameters, another
scheme or the aggregator's own page, credits as hours, dates in each country's format. Words and
names are in bench/independent_vocabulary.py. Generation is column-wise and deterministic per seed.
"""

from __future__ import annotations

import argparse
import json
import shutil
import string
import sys
import time
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

sys.path.insert(0, str(Path(__file__).resolve().parent))

import independent_vocabulary as V

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SEED = 1000
COUNTRY_WEIGHTS = {
    "PL": 0.17,
    "IT": 0.15,
    "PT": 0.10,
    "SE": 0.10,
    "CZ": 0.09,
    "FI": 0.10,
    "GR": 0.08,
    "GB": 0.13,
    "IE": 0.08,
}
COUNTRIES = tuple(COUNTRY_WEIGHTS)
COUNTRY_LANG = {
    "PL": "pl",
    "IT": "it",
    "PT": "pt",
    "SE": "sv",
    "CZ": "cs",
    "FI": "fi",
    "GR": "el",
    "GB": "en",
    "IE": "en",
}
LANG_INDEX = {lang: i for i, lang in enumerate(V.LANGS)}
ECTS_CHOICES = {
    "PL": ((2, 3, 4, 5, 6, 10), (0.15, 0.2, 0.2, 0.25, 0.1, 0.1)),
    "IT": ((3, 6, 9, 12), (0.25, 0.45, 0.15, 0.15)),
    "PT": ((3, 4, 6, 10), (0.25, 0.2, 0.4, 0.15)),
    "SE": ((1.5, 3, 4.5, 7.5, 15), (0.1, 0.2, 0.15, 0.4, 0.15)),
    "CZ": ((2, 3, 4, 5, 6), (0.15, 0.2, 0.2, 0.3, 0.15)),
    "FI": ((1, 2, 3, 5, 10), (0.1, 0.2, 0.25, 0.3, 0.15)),
    "GR": ((4, 5, 6, 10), (0.2, 0.4, 0.2, 0.2)),
    "GB": ((5, 7.5, 10, 15, 30), (0.15, 0.15, 0.35, 0.25, 0.1)),
    "IE": ((5, 10, 15), (0.5, 0.35, 0.15)),
}
# What a provider's own catalogue system is, per country (companies have a web shop feed).
OWN_SYSTEM = {
    "PL": "pl-usos",
    "IT": "it-esse3",
    "PT": "pt-json",
    "SE": "se-csv",
    "CZ": "cz-stag",
    "FI": "fi-json",
    "GR": "gr-xml",
    "GB": "gb-xcri",
    "IE": "ie-csv",
}
FORMS = ("online", "onsite", "blended")
PLATFORMS = ("openlearn-eu", "courseway", "edumooc")
ALLIANCE = "euni-alliance"
REGISTER_PAGE = 5000  # records per page of the paginated JSON registers and platforms


# --- small helpers --------------------------------------------------------------------------


def obj(values) -> np.ndarray:
    """An object array of Python strings (numpy adds them element-wise)."""
    return np.asarray(values, dtype=object)


def pick(rng: np.random.Generator, options, size: int, p=None) -> np.ndarray:
    options = obj(list(options))
    return options[rng.choice(len(options), size=size, p=p)]


def strip_accents(text: str) -> str:
    text = text.replace("ł", "l").replace("Ł", "L").replace("ø", "o").replace("ß", "ss")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def ascii_fold(text: str) -> str:
    return strip_accents(text).encode("ascii", "ignore").decode("ascii")


def folded(texts) -> pd.Series:
    """Column-wise: no accents (NFKD without combining marks), ł as l."""
    series = pd.Series(texts, dtype="str").str.replace("ł", "l").str.replace("Ł", "L")
    return series.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)


def slugs(titles: np.ndarray) -> np.ndarray:
    series = folded(titles).str.replace(r"[^\x00-\x7f]", "", regex=True).str.lower()
    return obj(series.str.replace(r"[^a-z0-9]+", "-", regex=True).str.strip("-"))


def lower_first(text: str) -> str:
    first = text.split(" ")[0]
    if first in V.KEEP_CASE_WORDS or (len(first) > 1 and first[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def number_text(values: np.ndarray, lang: np.ndarray) -> np.ndarray:
    """ECTS as each language writes them: 7.5 in English, 7,5 elsewhere, 5 without decimals."""
    values = np.asarray(values, dtype=float)
    out = obj([f"{v:g}" for v in values])
    comma = (lang != "en") & (values != np.floor(values))
    out[comma] = obj([s.replace(".", ",") for s in out[comma]])
    return out


def upper_text(text: str) -> str:
    """Capitals as registers print them: Greek capitals lose their accents."""
    upper = text.upper()
    if any("\u0370" <= ch <= "\u03ff" for ch in upper):
        upper = unicodedata.normalize("NFC", strip_accents(unicodedata.normalize("NFD", upper)))
    return upper


def apostrophe_accents(text: str) -> str:
    """ESSE3 capitals: a final accented vowel written as the vowel and an apostrophe."""
    for accented, plain in (("À", "A'"), ("È", "E'"), ("É", "E'"), ("Ì", "I'"), ("Ò", "O'")):
        text = text.replace(accented, plain)
    return text.replace("Ù", "U'")


def allocate(total: int, weights: dict[str, float]) -> dict[str, int]:
    raw = {k: total * w / sum(weights.values()) for k, w in weights.items()}
    counts = {k: int(np.floor(v)) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: raw[k] - counts[k], reverse=True)[
        : total - sum(counts.values())
    ]:
        counts[k] += 1
    return counts


class Tags:
    """What was done to each record, as bits; rendered as `a+b+c` in labels.parquet."""

    NAMES = (
        "own_capitals",
        "own_code_prefix",
        "translated",
        "reordered",
        "subtitle_dropped",
        "marker_restyled",
        "region_restyled",
        "region_dropped",
        "volume_added",
        "volume_dropped",
        "acronym",
        "abbreviation",
        "us_spelling",
        "type_prefix",
        "code_prefix",
        "delivery_suffix",
        "credit_suffix",
        "year_suffix",
        "platform_prefix",
        "mooc_suffix",
        "case_upper",
        "case_lower",
        "case_title",
        "case_sentence",
        "apostrophe_accents",
        "no_diacritics",
        "dash",
        "quote",
        "truncated",
        "typo",
        "double_space",
        "nbsp",
        "zero_width",
        "html_entity",
        "url_variant",
        "url_aggregator_page",
        "url_missing",
        "no_ects",
        "hours_only",
        "start_lagged",
        "provider_english",
        "provider_acronym",
        "provider_code",
        "provider_typo",
        "provider_unit",
        "provider_other_language",
        "provider_no_diacritics",
        "provider_capitals",
    )

    def __init__(self, n: int) -> None:
        self.bits = np.zeros(n, dtype=np.uint64)

    def add(self, mask: np.ndarray, name: str) -> None:
        self.bits[mask] |= np.uint64(1 << self.NAMES.index(name))

    def remove(self, mask: np.ndarray, names) -> None:
        for name in names:
            self.bits[mask] &= ~np.uint64(1 << self.NAMES.index(name))

    def labels(self) -> np.ndarray:
        distinct, inverse = np.unique(self.bits, return_inverse=True)
        names = ["+".join(n for i, n in enumerate(self.NAMES) if int(b) >> i & 1) for b in distinct]
        return obj(names)[inverse]


# --- titles ---------------------------------------------------------------------------------


class TitleParts:
    """Topic forms, qualifiers and series markers as arrays, to build titles column-wise."""

    FORM_FIELD = (("gen", "{l}_gen"), ("a", "{l}_a"), ("ill", "{l}_ill"), ("se", "{l}_se"))

    def __init__(self) -> None:
        self.forms: dict[tuple[str, str], np.ndarray] = {}
        for lang in V.LANGS:
            nom = [t[lang] for t in V.TOPICS]
            self.forms[lang, "nom"] = obj(nom)
            self.forms[lang, "low"] = obj([lower_first(x) for x in nom])
            for field, column in self.FORM_FIELD:
                key = column.format(l=lang)
                values = [t.get(key, t[lang]) for t in V.TOPICS]
                self.forms[lang, field] = obj(values)
            self.forms[lang, "nom2"] = self.forms[lang, "nom"]
            self.forms[lang, "low2"] = self.forms[lang, "low"]
        self.qualifiers = {}
        for lang in V.LANGS:
            self.qualifiers[lang, V.P_AUDIENCE] = obj(V.AUDIENCES[lang].split("|"))
            self.qualifiers[lang, V.P_DOMAIN] = obj(V.DOMAINS[lang].split("|"))
            self.qualifiers[lang, V.P_SUBTITLE] = obj(V.SUBTITLES[lang].split("|"))
        self.abbr = obj([_topic_abbreviation(t["en"]) for t in V.TOPICS])
        self.greek_abbr = obj([_greek_abbreviation(t["el"]) for t in V.TOPICS])

    def core(self, lang, topic, pattern, qual, topic2) -> np.ndarray:
        """The title without markers: `PATTERNS[lang][pattern]` filled with the topic."""
        out = np.empty(len(lang), dtype=object)
        keys = pd.Series(lang).map(LANG_INDEX).to_numpy() * 16 + pattern
        order = np.argsort(keys, kind="stable")
        bounds = np.flatnonzero(np.diff(keys[order])) + 1
        for idx in np.split(order, bounds):
            if not len(idx):
                continue
            language, shape = lang[idx[0]], int(pattern[idx[0]])
            acc = np.full(len(idx), "", dtype=object)
            for literal, field, _, _ in string.Formatter().parse(V.PATTERNS[language][shape]):
                acc = acc + literal if literal else acc
                if field == "q":
                    options = self.qualifiers[language, shape]
                    acc = acc + options[qual[idx] % len(options)]
                elif field in ("nom2", "low2"):
                    acc = acc + self.forms[language, field][topic2[idx]]
                elif field:
                    acc = acc + self.forms[language, field][topic[idx]]
            out[idx] = acc
        return out


def _topic_abbreviation(english: str) -> str:
    words = [w for w in english.replace("(", " ").split() if w[:1].isupper()]
    initials = "".join(w[0] for w in words)
    return (initials if len(initials) >= 2 else english[:3]).upper()[:3]


def _greek_abbreviation(greek: str) -> str:
    initials = "".join(w[0] for w in greek.split() if w[0].isalpha())
    return upper_text(initials if len(initials) >= 2 else greek[:3])[:3]


# Series markers. Styles 0-10 are how a provider numbers a series; 11-17 how another publisher
# rewrites the same number.
(
    S_SPACE,
    S_GLUED,
    S_PART,
    S_PART_GLUED,
    S_ROMAN,
    S_LEVEL,
    S_LEVEL_GLUED,
    S_FIXED_PART,
    S_CODE,
    S_HUNDRED,
    S_GREEK,
    S_SHORT,
    S_PAREN,
    S_FIXED_PART_SPACED,
    S_GREEK_APOSTROPHE,
    S_CODE_DASH,
    S_ROMAN_PART,
    S_HUNDRED_PAREN,
) = range(18)
PROVIDER_STYLES = (
    S_SPACE,
    S_GLUED,
    S_PART,
    S_PART_GLUED,
    S_ROMAN,
    S_LEVEL,
    S_LEVEL_GLUED,
    S_FIXED_PART,
    S_CODE,
    S_HUNDRED,
)
PROVIDER_STYLE_P = (0.16, 0.10, 0.18, 0.06, 0.14, 0.08, 0.05, 0.06, 0.09, 0.08)
RESTYLE = {
    S_SPACE: (S_GLUED, S_PAREN),
    S_GLUED: (S_SPACE,),
    S_PART: (S_ROMAN_PART, S_SHORT, S_SPACE),
    S_PART_GLUED: (S_PART, S_SHORT),
    S_ROMAN: (S_SPACE, S_PAREN),
    S_LEVEL: (S_LEVEL_GLUED, S_SPACE),
    S_LEVEL_GLUED: (S_LEVEL,),
    S_FIXED_PART: (S_FIXED_PART_SPACED,),
    S_CODE: (S_CODE_DASH,),
    S_HUNDRED: (S_HUNDRED_PAREN,),
    S_GREEK: (S_GREEK_APOSTROPHE, S_SPACE),
}


def marker_text(lang: str, style: int, n: int) -> str:
    """The series number of member `n` written in `style` (the code styles are prefixes)."""
    part, short, level = V.PART_WORD[lang], V.PART_SHORT[lang], V.LEVEL_WORD[lang]
    dash = " " if lang == "en" else " – "
    return {
        S_SPACE: f" {n}",
        S_GLUED: f"{n}",
        S_PART: f"{dash}{part} {n}",
        S_PART_GLUED: f" {short}{n}",
        S_ROMAN: f" {V.ROMAN[n]}",
        S_LEVEL: f"{dash}{level} {n}",
        S_LEVEL_GLUED: f" {level}{n}",
        S_FIXED_PART: f"1 {short}{n}",
        S_CODE: "",
        S_HUNDRED: f" {100 + n}",
        S_GREEK: f" {V.GREEK_NUMERALS[n]}",
        S_SHORT: f" {'Pt.' if lang == 'en' else short} {n}",
        S_PAREN: f" ({n})",
        S_FIXED_PART_SPACED: f" 1 {part} {n}",
        S_GREEK_APOSTROPHE: f" {V.GREEK_NUMERALS[n][:1]}'",
        S_CODE_DASH: "",
        S_ROMAN_PART: f"{dash}{part} {V.ROMAN[n]}",
        S_HUNDRED_PAREN: f" ({100 + n})",
    }[style]


def markers(lang: np.ndarray, style: np.ndarray, n: np.ndarray, abbr: np.ndarray):
    """(prefix, suffix) of each title for its series marker; empty where style < 0."""
    table = {
        (lg, s): obj([marker_text(lg, s, k) if k else "" for k in range(6)])
        for lg in V.LANGS
        for s in range(S_HUNDRED_PAREN + 1)
    }
    suffix = np.full(len(lang), "", dtype=object)
    prefix = np.full(len(lang), "", dtype=object)
    has = style >= 0
    keys = pd.Series(lang[has]).map(LANG_INDEX).to_numpy() * 32 + style[has]
    idx_all = np.flatnonzero(has)
    for key in np.unique(keys):
        idx = idx_all[keys == key]
        suffix[idx] = table[V.LANGS[key // 32], int(key % 32)][n[idx]]
    code = has & np.isin(style, (S_CODE, S_CODE_DASH))
    dash = np.where(style[code] == S_CODE_DASH, "-", "")
    prefix[code] = abbr[code] + obj(dash) + obj((100 + n[code]).astype(str)) + " "
    return prefix, suffix


def assemble(parts: TitleParts, t: pd.DataFrame) -> np.ndarray:
    """Titles from their parts: series prefix, core, series number, level word, region, credits."""
    lang = t["lang"].to_numpy(dtype=object)
    core = parts.core(
        lang,
        t["topic"].to_numpy(),
        t["pattern"].to_numpy(),
        t["qual"].to_numpy(),
        t["topic2"].to_numpy(),
    )
    prefix, suffix = markers(
        lang,
        t["marker_style"].to_numpy(),
        t["marker_n"].to_numpy(),
        parts.abbr[t["topic"].to_numpy()],
    )
    title = prefix + core + suffix
    level = t["level_word"].to_numpy()
    for lg in V.LANGS:
        for which in (0, 1):
            m = (level == which) & (lang == lg)
            title[m] = title[m] + V.LEVEL_WORDS[lg][which]
    region_style = t["region_style"].to_numpy()
    region = t["region"].to_numpy(dtype=object)
    for style, fmt in ((1, " ({})"), (2, " – {}"), (3, ", {}")):
        m = region_style == style
        title[m] = title[m] + obj([fmt.format(r) for r in region[m]])
    volume = t["volume_style"].to_numpy()
    has_volume = volume > 0
    if has_volume.any():
        ects = number_text(t["ects"].to_numpy()[has_volume], lang[has_volume])
        affixes = [
            V.CREDIT_AFFIXES[lg][(v - 1) % len(V.CREDIT_AFFIXES[lg])]
            for lg, v in zip(lang[has_volume], volume[has_volume], strict=True)
        ]
        title[has_volume] = title[has_volume] + obj(
            [a.format(e=e) for a, e in zip(affixes, ects, strict=True)]
        )
    return title


# --- providers ------------------------------------------------------------------------------


def build_providers(rng: np.random.Generator, n_providers: int) -> pd.DataFrame:
    """Universities (name templates x cities, in the country's language and script) and
    companies, with English names, acronyms, SCHAC, Erasmus and PIC codes; unique names."""
    rows: list[dict] = []
    brands = _brands(rng)
    for cc, n in allocate(n_providers, COUNTRY_WEIGHTS).items():
        templates, cities = V.UNIVERSITY_TEMPLATES[cc], V.CITIES[cc]
        combos = [(t, c) for t in range(len(templates)) for c in range(len(cities))]
        order = rng.permutation(len(combos))
        n_uni = min(round(n * 0.72), len(combos))
        for i in order[:n_uni]:
            rows.append(_university(cc, *combos[i]))
        for _ in range(n - n_uni):
            rows.append(_company(cc, brands.pop()))
    providers = pd.DataFrame(rows)
    providers["acronym"] = _unique_acronyms(providers)
    n = len(providers)
    providers["id"] = [f"{cc.lower()}-{i:05d}" for i, cc in enumerate(providers["country"])]
    tld = providers["country"].map(V.TLD)
    company_tld = providers["country"].str.lower().where(providers["country"] != "GB", "co.uk")
    providers["schac"] = np.where(
        providers["kind"] == "university",
        providers["acronym"].str.lower().map(ascii_fold) + "." + tld,
        providers["brand"].str.lower() + "." + company_tld,
    )
    providers["erasmus"] = _erasmus_codes(providers)
    providers["pic"] = (900_000_000 + rng.choice(99_999_999, size=n, replace=False)).astype(str)
    providers["weight"] = rng.lognormal(0.0, 0.9, n)
    providers["has_feed"] = rng.random(n) < 0.85
    providers["system"] = np.where(
        providers["kind"] == "university", providers["country"].map(OWN_SYSTEM), "company-json"
    )
    providers["capitals"] = (providers["system"] == "it-esse3") & (rng.random(n) < 0.6)
    providers["code_prefix"] = (providers["system"] == "gr-xml") & (rng.random(n) < 0.4)
    providers["www"] = rng.random(n) < 0.7
    providers["in_alliance"] = (providers["kind"] == "university") & (rng.random(n) < 0.12)
    providers["faculty"] = obj([f"{k:04d}" for k in rng.integers(100, 9000, n) // 100 * 100])
    providers["dept"] = pick(rng, ("KIV", "KMA", "KFI", "KEM", "KAS", "KPV", "KST"), n)
    return providers


def _brands(rng: np.random.Generator) -> list[str]:
    a, b, c = V.COMPANY_PARTS
    names = [f"{x}{y}{z}" for x in a for y in b for z in c]
    return [names[i] for i in rng.permutation(len(names))]


def _university(cc: str, template: int, city: int) -> dict:
    local_tpl, en_tpl, other_tpl = V.UNIVERSITY_TEMPLATES[cc][template]
    c = V.CITIES[cc][city]
    fields = {"c": c[0], "f": c[1], "e": c[2], "o": c[3] if len(c) > 3 else ""}
    usable = other_tpl and (fields["o"] or "{o}" not in other_tpl)
    grouped = (cc, template) in V.TEMPLATE_GROUP or (cc, template) in V.TEMPLATE_GROUP.values()
    return {
        "country": cc,
        "kind": "university",
        "name": local_tpl.format(**fields),
        "english": en_tpl.format(**fields),
        "other_name": other_tpl.format(**fields) if usable else "",
        "brand": "",
        "city": c[0],
        # providers whose names differ in one word: the same template at another city, or
        # University of East / West of the same city
        "sibling_key": f"{cc}-compass-{c[0]}" if grouped else f"{cc}-t{template}",
    }


def _company(cc: str, brand: str) -> dict:
    local_tpl, en_tpl = V.COMPANY_FORMS[cc]
    return {
        "country": cc,
        "kind": "company",
        "name": local_tpl.format(b=brand),
        "english": en_tpl.format(b=brand),
        "other_name": "",
        "brand": brand,
        "city": "",
        "sibling_key": "",
    }


def _unique_acronyms(providers: pd.DataFrame) -> list[str]:
    small = {"of", "in", "and", "the", "for"}
    seen: set[str] = set()
    out = []
    for english, brand, city in providers[["english", "brand", "city"]].itertuples(index=False):
        if brand:
            base = brand.upper()[:6]
        else:
            words = [w for w in english.replace(",", " ").split() if w.lower() not in small]
            base = ascii_fold("".join(w[0] for w in words)).upper()
        acronym, k = base, 1
        while acronym in seen:
            acronym = f"{base}{ascii_fold(city).upper()[:k]}" if k <= 3 and city else f"{base}{k}"
            k += 1
        seen.add(acronym)
        out.append(acronym)
    return out


def _erasmus_codes(providers: pd.DataFrame) -> np.ndarray:
    counter: dict[str, int] = {}
    out = []
    for cc, kind, city in providers[["country", "kind", "city"]].itertuples(index=False):
        if kind != "university":
            out.append("")
            continue
        base = V.ERASMUS_PREFIX[cc] + ascii_fold(city).upper().replace(" ", "")[:7]
        counter[base] = counter.get(base, 0) + 1
        out.append(f"{base}{counter[base]:02d}")
    return obj(out)


# --- micro-credentials ----------------------------------------------------------------------

CREDENTIAL_DEFAULTS = {
    "family": -1,
    "family_kind": None,
    "marker_style": -1,
    "marker_n": 0,
    "level_word": -1,
    "region": "",
    "region_style": 0,
    "volume_style": 0,
    "unit": "",
}


def build_credentials(rng, parts: TitleParts, providers: pd.DataFrame, n: int) -> pd.DataFrame:
    """`n` distinct micro-credentials (about: titles repeated at a provider are dropped), with
    their families of hard non-duplicates, codes and URLs."""
    base = _base_credentials(rng, providers, int(n / 1.13) + 1)
    cred = _add_families(rng, base, providers)
    cred["title"] = assemble(parts, cred)
    cred = _drop_repeated_titles(cred)
    cred = cred.iloc[rng.permutation(len(cred))].reset_index(drop=True)
    cred["cluster"] = [f"mc-{i:07d}" for i in range(len(cred))]
    _codes_and_urls(rng, parts, cred, providers)
    return cred


def _base_credentials(rng, providers: pd.DataFrame, n: int) -> pd.DataFrame:
    country_w = providers["country"].map(COUNTRY_WEIGHTS).to_numpy()
    share = providers.groupby("country")["weight"].transform("sum").to_numpy()
    w = providers["weight"].to_numpy() * country_w / share
    pidx = rng.choice(len(providers), size=n, p=w / w.sum())
    country = providers["country"].to_numpy()[pidx]
    local = pd.Series(country).map(COUNTRY_LANG).to_numpy(dtype=object)
    lang = np.where(rng.random(n) < 0.72, local, "en").astype(object)
    cred = pd.DataFrame({"pidx": pidx, "country": country, "lang": lang})
    cred["topic"] = rng.integers(0, V.N_SUBJECTS, n)
    cred["pattern"] = rng.choice(9, size=n, p=(0.22, 0.14, 0.08, 0.06, 0.06, 0.13, 0.11, 0.1, 0.1))
    cred["qual"] = rng.integers(0, 60, n)
    cred["topic2"] = (cred["topic"] + rng.integers(1, V.N_SUBJECTS, n)) % V.N_SUBJECTS
    ects = np.empty(n)
    for cc, (values, p) in ECTS_CHOICES.items():
        m = country == cc
        ects[m] = rng.choice(values, size=m.sum(), p=p)
    cred["ects"] = ects
    cred["eqf"] = rng.choice((4, 5, 6, 7, 8), size=n, p=(0.08, 0.22, 0.35, 0.3, 0.05))
    cred["form"] = pick(rng, FORMS, n, p=(0.45, 0.35, 0.2))
    cred["start"] = np.datetime64("2026-09-01") + rng.integers(0, 300, n).astype("timedelta64[D]")
    cred["weeks"] = rng.integers(4, 15, n)
    for column, value in CREDENTIAL_DEFAULTS.items():
        cred[column] = value
    return cred


FAMILY_RATES = {  # families per base credential
    "series": 0.025,
    "module_vs_qualification": 0.012,
    "regional_variant": 0.012,
    "ects_volume": 0.015,
    "one_word": 0.02,
    "sibling_provider": 0.01,
    "other_provider": 0.008,
}


def _add_families(rng, base: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    n = len(base)
    counts = {kind: round(rate * n) for kind, rate in FAMILY_RATES.items()}
    seeds = rng.permutation(n)[: sum(counts.values())]
    members, start, family = [], 0, 0
    for kind, count in counts.items():
        chosen = seeds[start : start + count]
        start += count
        if not len(chosen):
            continue
        rows = FAMILY_BUILDERS[kind](rng, base.iloc[chosen].reset_index(drop=True), providers)
        rows["family"] = rows["family"] + family
        family = int(rows["family"].max()) + 1
        rows["family_kind"] = kind
        members.append(rows)
    rest = base.drop(index=seeds).reset_index(drop=True)
    return pd.concat([*members, rest], ignore_index=True)


def _members(seeds: pd.DataFrame, sizes: np.ndarray) -> pd.DataFrame:
    """Each seed repeated `size` times, with `family` (0..) and `member` (1..size)."""
    rows = seeds.loc[np.repeat(seeds.index.to_numpy(), sizes)].reset_index(drop=True)
    rows["family"] = np.repeat(np.arange(len(seeds)), sizes)
    rows["member"] = rows.groupby("family").cumcount() + 1
    return rows


def _series(rng, seeds: pd.DataFrame, providers) -> pd.DataFrame:
    language_course = rng.random(len(seeds)) < 0.5
    seeds.loc[language_course, "topic"] = rng.integers(
        V.N_SUBJECTS, len(V.TOPICS), language_course.sum()
    )
    seeds.loc[language_course, "pattern"] = V.P_PLAIN
    style = rng.choice(PROVIDER_STYLES, size=len(seeds), p=PROVIDER_STYLE_P)
    greek = (seeds["lang"] == "el").to_numpy() & (style == S_ROMAN) & (rng.random(len(seeds)) < 0.7)
    style[greek] = S_GREEK
    seeds["marker_style"] = style
    rows = _members(seeds, rng.choice((2, 3, 4), size=len(seeds), p=(0.55, 0.3, 0.15)))
    rows["marker_n"] = rows["member"]
    varied = np.repeat(rng.random(len(seeds)) < 0.3, rows.groupby("family").size().to_numpy())
    doubled = rows.loc[varied, "ects"] * rng.choice((1, 2), size=varied.sum())
    rows.loc[varied, "ects"] = doubled.where(doubled <= 30, doubled / 2)
    return rows


def _module_vs_qualification(rng, seeds: pd.DataFrame, providers) -> pd.DataFrame:
    rows = _members(seeds, np.full(len(seeds), 2))
    module = rows["member"] == 1
    rows.loc[module, "ects"] = np.minimum(rows.loc[module, "ects"], 10)
    rows.loc[~module, "ects"] = rng.choice((20, 30, 40, 45), size=(~module).sum())
    rows["unit"] = np.where(module, "module", "qualification")
    return rows


def _regional_variant(rng, seeds: pd.DataFrame, providers) -> pd.DataFrame:
    sizes = rng.choice((2, 3), size=len(seeds), p=(0.65, 0.35))
    rows = _members(seeds, sizes)
    in_title = np.repeat(rng.random(len(seeds)) < 0.5, sizes)
    regions = []
    for fam, size in enumerate(sizes):
        cc = seeds["country"].iat[fam]
        options = (
            ["England", "Wales", "Scotland", "Northern Ireland"]
            if cc == "GB"
            else [c[0] for c in V.CITIES[cc]]
        )
        regions += [options[i] for i in rng.permutation(len(options))[:size]]
    rows["region"] = obj(regions)
    rows["region_style"] = np.where(in_title, rng.choice((1, 2, 3), size=len(rows)), 0)
    rows["region_style"] = rows.groupby("family")["region_style"].transform("first")
    return rows


def _ects_volume(rng, seeds: pd.DataFrame, providers) -> pd.DataFrame:
    pairs = np.array([(5, 10), (3, 6), (7.5, 15), (2, 4), (6, 12), (10, 20), (4, 8), (2.5, 5)])
    chosen = pairs[rng.integers(0, len(pairs), len(seeds))]
    rows = _members(seeds, np.full(len(seeds), 2))
    rows["ects"] = chosen[rows["family"].to_numpy(), rows["member"].to_numpy() - 1]
    in_title = np.repeat(rng.random(len(seeds)) < 0.5, 2)
    rows["volume_style"] = np.where(in_title, np.repeat(rng.integers(1, 4, len(seeds)), 2), 0)
    return rows


def _one_word(rng, seeds: pd.DataFrame, providers) -> pd.DataFrame:
    pattern = seeds["pattern"].to_numpy()
    qualified = np.isin(pattern, (V.P_AUDIENCE, V.P_DOMAIN, V.P_AND))
    sizes = np.where(qualified, rng.choice((2, 3), size=len(seeds)), 2)
    rows = _members(seeds, sizes)
    step = rows["member"].to_numpy() - 1
    is_and = rows["pattern"].to_numpy() == V.P_AND
    is_qual = np.isin(rows["pattern"].to_numpy(), (V.P_AUDIENCE, V.P_DOMAIN))
    rows.loc[is_qual, "qual"] = rows.loc[is_qual, "qual"] + step[is_qual]
    rows.loc[is_and, "topic2"] = (rows.loc[is_and, "topic2"] + step[is_and]) % V.N_SUBJECTS
    rows.loc[is_and & (rows["topic2"] == rows["topic"]), "topic2"] += 1
    rows["topic2"] = rows["topic2"] % V.N_SUBJECTS
    level = ~(is_and | is_qual)
    rows.loc[level, "level_word"] = step[level]
    return rows


def _sibling_provider(rng, seeds: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    keyed = providers[providers["sibling_key"] != ""]
    groups = keyed.groupby("sibling_key").indices
    sibling_of = {}
    for members in groups.values():
        for i in members:
            others = [keyed.index[j] for j in members if j != i]
            if others:
                sibling_of[keyed.index[i]] = others
    seeds = seeds[seeds["pidx"].isin(sibling_of)].reset_index(drop=True)
    rows = _members(seeds, np.full(len(seeds), 2))
    second = (rows["member"] == 2).to_numpy()
    rows.loc[second, "pidx"] = [
        sibling_of[p][rng.integers(len(sibling_of[p]))] for p in rows.loc[second, "pidx"]
    ]
    return rows


def _other_provider(rng, seeds: pd.DataFrame, providers: pd.DataFrame) -> pd.DataFrame:
    rows = _members(seeds, np.full(len(seeds), 2))
    by_country = providers.groupby("country").indices
    second = (rows["member"] == 2).to_numpy()
    targets = []
    for cc, p in zip(rows.loc[second, "country"], rows.loc[second, "pidx"], strict=True):
        options = by_country[cc]
        target = options[rng.integers(len(options))]
        if target == p or providers["sibling_key"].iat[target] == providers["sibling_key"].iat[p]:
            target = options[(np.searchsorted(options, p) + 1) % len(options)]
        targets.append(target)
    rows.loc[second, "pidx"] = targets
    return rows[rows.groupby("family")["pidx"].transform("nunique") == 2].reset_index(drop=True)


FAMILY_BUILDERS = {
    "series": _series,
    "module_vs_qualification": _module_vs_qualification,
    "regional_variant": _regional_variant,
    "ects_volume": _ects_volume,
    "one_word": _one_word,
    "sibling_provider": _sibling_provider,
    "other_provider": _other_provider,
}


def _drop_repeated_titles(cred: pd.DataFrame) -> pd.DataFrame:
    """One title per provider, except inside a family whose members share it on purpose (a
    module and a qualification, regional variants, another volume)."""
    same_title_ok = cred["family_kind"].isin(
        ("module_vs_qualification", "regional_variant", "ects_volume")
    )
    key = cred["pidx"].astype(str) + "|" + folded(cred["title"]).str.casefold().to_numpy()
    shared = same_title_ok & pd.DataFrame({"f": cred["family"], "k": key}).duplicated()
    key = key.where(~shared, key + "|" + cred.index.astype(str))
    cred = cred[~key.duplicated()].copy()
    size = cred.groupby("family")["family"].transform("size")
    lone = (cred["family"] >= 0) & (size < 2)
    cred.loc[lone, "family_kind"] = None
    return cred.reset_index(drop=True)


def _codes_and_urls(rng, parts: TitleParts, cred: pd.DataFrame, providers: pd.DataFrame) -> None:
    """Course codes in the style of each provider's system, unique within the provider, and
    the page of each micro-credential on the provider's site."""
    p = providers.iloc[cred["pidx"].to_numpy()].reset_index(drop=True)
    k = (cred.groupby("pidx").cumcount() + 101).to_numpy()
    abbr = parts.abbr[cred["topic"].to_numpy()]
    pnum = p.index.to_numpy() % 1000
    system = p["system"].to_numpy()
    ks = k.astype(str)
    code = np.empty(len(cred), dtype=object)
    rules = {
        "pl-usos": lambda m: p["faculty"].to_numpy()[m] + "-" + abbr[m] + ks[m],
        "it-esse3": lambda m: obj(
            [f"{5000 + x:04d}{y:04d}" for x, y in zip(pnum[m], k[m], strict=True)]
        ),
        "pt-json": lambda m: obj([f"{x:04d}{y:04d}" for x, y in zip(pnum[m], k[m], strict=True)]),
        "se-csv": lambda m: obj([a[:2] for a in abbr[m]]) + obj([f"{y:04d}" for y in k[m]]),
        "cz-stag": lambda m: p["dept"].to_numpy()[m] + "/" + abbr[m] + ks[m],
        "fi-json": lambda m: abbr[m] + obj([f"{y:04d}" for y in k[m]]),
        "gr-xml": lambda m: parts.greek_abbr[cred["topic"].to_numpy()[m]] + ks[m],
        "gb-xcri": lambda m: abbr[m] + ks[m],
        "ie-csv": lambda m: abbr[m] + obj([f"{y:05d}" for y in k[m] + 20000]),
        "company-json": lambda m: obj([f"SKU-{y:05d}" for y in k[m]]),
    }
    for name, rule in rules.items():
        m = system == name
        if m.any():
            code[m] = rule(m)
    cred["code"] = code
    slug = slugs(cred["title"].to_numpy())
    no_latin = slug == ""  # Greek titles: the code stands in the address
    slug[no_latin] = obj([c.lower() for c in code[no_latin]])
    cred["slug"] = slug
    cred["url"] = _urls(cred, p)


def _urls(cred: pd.DataFrame, p: pd.DataFrame) -> np.ndarray:
    host = np.where(p["www"], "www.", "") + p["schac"].to_numpy(dtype=object)
    code, slug, system = cred["code"].to_numpy(), cred["slug"].to_numpy(), p["system"].to_numpy()
    schac = p["schac"].to_numpy(dtype=object)
    acr = p["acronym"].str.lower().to_numpy(dtype=object)
    unit_dir = np.select(
        [cred["unit"] == "module", cred["unit"] == "qualification"],
        ["modules/", "qualifications/"],
        "",
    ).astype(object)
    region_dir = obj([f"{r}/" if r else "" for r in slugs(cred["region"].to_numpy())])
    shop = (
        p["country"]
        .map(
            {
                "PL": "szkolenia",
                "IT": "corsi",
                "PT": "cursos",
                "SE": "kurser",
                "CZ": "kurzy",
                "FI": "koulutukset",
                "GR": "seminaria",
                "GB": "courses",
                "IE": "courses",
            }
        )
        .to_numpy(dtype=object)
    )
    tail = unit_dir + region_dir + slug
    by_system = {
        "pl-usos": lambda m: (
            "https://usosweb."
            + schac[m]
            + "/kontroler.php?_action=katalog2/przedmioty/pokazPrzedmiot&kod="
            + code[m]
        ),
        "it-esse3": lambda m: (
            "https://" + acr[m] + ".coursecatalogue.cineca.it/insegnamenti/2026/" + code[m]
        ),
        "pt-json": lambda m: "https://apps." + schac[m] + "/courses/PT/unit/" + code[m],
        "se-csv": lambda m: "https://" + host[m] + "/utbildning/kurs/" + code[m],
        "cz-stag": lambda m: "https://stag." + schac[m] + "/portal/predmety/" + code[m],
        "fi-json": lambda m: "https://opas.peppi." + schac[m] + "/fi/opintojakso/" + code[m],
        "gr-xml": lambda m: "https://kedivim." + schac[m] + "/programmata/" + code[m],
        "gb-xcri": lambda m: "https://" + host[m] + "/short-courses/" + tail[m],
        "ie-csv": lambda m: "https://" + host[m] + "/courses/" + tail[m],
        "company-json": lambda m: "https://" + host[m] + "/" + shop[m] + "/" + tail[m],
    }
    url = np.empty(len(cred), dtype=object)
    for name, rule in by_system.items():
        m = system == name
        if m.any():
            url[m] = rule(m)
    repeated = pd.Series(url).duplicated(keep="first").to_numpy()
    url[repeated] = url[repeated] + "-" + obj([c.lower() for c in code[repeated]])
    return url


# --- where each micro-credential is published -----------------------------------------------


def plan_copies(rng, cred: pd.DataFrame, providers: pd.DataFrame, n_records: int) -> pd.DataFrame:
    """One row per record to write: the credential, the kind of source and the source. The
    provider's own feed first, then the national register, a MOOC platform, the alliance; whole
    credentials are kept in their (random) order until `n_records` records are planned."""
    p = providers.iloc[cred["pidx"].to_numpy()].reset_index(drop=True)
    n = len(cred)
    own = p["has_feed"].to_numpy()
    register = rng.random(n) < np.where(own, 0.5, 0.95)
    online = (cred["form"] == "online").to_numpy()
    english = (cred["lang"] == "en").to_numpy()
    national = p["country"].isin(("IT", "PT", "GR", "PL", "CZ")).to_numpy()
    draw = rng.random(n)
    platform = np.where(
        online & english & (draw < 0.3),
        np.where(rng.random(n) < 0.6, "openlearn-eu", "courseway"),
        np.where(online & ~english & national & (draw < 0.25), "edumooc", ""),
    )
    alliance = p["in_alliance"].to_numpy() & (rng.random(n) < 0.5)
    register |= ~own & (platform == "") & ~alliance
    kinds = [
        ("own", own, p["id"].to_numpy(dtype=object) + "-feed"),
        ("register", register, p["country"].str.lower().to_numpy(dtype=object) + "-register"),
        ("platform", platform != "", platform.astype(object)),
        ("alliance", alliance, np.full(n, ALLIANCE, dtype=object)),
    ]
    frames = [
        pd.DataFrame({"cred": np.flatnonzero(m), "kind": kind, "source_id": sid[m], "order": i})
        for i, (kind, m, sid) in enumerate(kinds)
    ]
    copies = pd.concat(frames, ignore_index=True).sort_values(["cred", "order"], kind="stable")
    copies = copies.reset_index(drop=True).iloc[:n_records]
    return copies.drop(columns="order")


# --- how each publisher writes a record -----------------------------------------------------

KINDS = ("own", "register", "platform", "alliance")
#: Probability of each change to a title, per kind of source (own feed, register, platform,
#: alliance); a source may override some (REGISTER_STYLE).
TITLE_NOISE = {
    "reordered": (0, 0.25, 0.1, 0.15),
    "subtitle_dropped": (0, 0.25, 0.15, 0.1),
    "marker_restyled": (0, 0.35, 0.2, 0.2),
    "region_restyled": (0, 0.3, 0.2, 0.2),
    "region_dropped": (0, 0.12, 0.1, 0.1),
    "volume_dropped": (0, 0.4, 0.5, 0.3),
    "acronym": (0, 0.06, 0.05, 0.03),
    "abbreviation": (0, 0.05, 0.03, 0.03),
    "us_spelling": (0, 0.05, 0.3, 0.2),
    "type_prefix": (0, 0.05, 0, 0.02),
    "code_prefix": (0, 0.05, 0, 0.05),
    "delivery_suffix": (0, 0.05, 0, 0.02),
    "credit_suffix": (0, 0.06, 0, 0.03),
    "year_suffix": (0, 0.03, 0.03, 0),
    "platform_prefix": (0, 0, 0.2, 0),
    "mooc_suffix": (0, 0, 0.1, 0),
    "case_upper": (0, 0.06, 0, 0),
    "case_lower": (0, 0.03, 0.02, 0),
    "case_title": (0, 0.06, 0.08, 0.05),
    "case_sentence": (0, 0.05, 0.05, 0.05),
    "no_diacritics": (0, 0.07, 0.02, 0),
    "dash": (0, 0.1, 0.05, 0.05),
    "quote": (0, 0.05, 0.03, 0.02),
    "typo": (0, 0.03, 0.01, 0.02),
    "double_space": (0.005, 0.04, 0.01, 0.02),
    "nbsp": (0.005, 0.04, 0, 0.02),
    "zero_width": (0, 0.02, 0, 0.01),
    "html_entity": (0, 0.03, 0.01, 0.02),
}
REGISTER_STYLE = {  # a register's own habits
    "gr-register": {"case_upper": 0.35},
    "it-register": {"case_upper": 0.15},
    "cz-register": {"no_diacritics": 0.15},
    "openlearn-eu": {"us_spelling": 0.9},
}
#: Field length of a register's title (longer titles are cut).
TITLE_LIMIT = {"it-register": 60, "pt-register": 70, "gb-register": 80, "edumooc": 90}


def _chance(rng, kind: np.ndarray, source: np.ndarray, name: str) -> np.ndarray:
    p = np.asarray(TITLE_NOISE[name])[pd.Categorical(kind, categories=KINDS).codes]
    for sid, overrides in REGISTER_STYLE.items():
        if name in overrides:
            p = np.where(source == sid, overrides[name], p)
    return rng.random(len(kind)) < p


def _map(title: np.ndarray, mask: np.ndarray, fn) -> None:
    title[mask] = obj([fn(x) for x in title[mask]])


def containing(title: np.ndarray, mask: np.ndarray, needle: str) -> np.ndarray:
    """`mask` narrowed to the titles containing `needle` (only masked titles are looked at)."""
    out = np.zeros(len(title), dtype=bool)
    idx = np.flatnonzero(mask)
    out[idx] = [needle in title[i] for i in idx]
    return out


#: What a title is made of (`assemble`), and the parts another publisher may change.
TITLE_FIELDS = ["lang", "topic", "pattern", "qual", "topic2", "marker_style", "marker_n"]
TITLE_FIELDS += ["level_word", "region", "region_style", "ects", "volume_style"]
STRUCTURE = ["lang", "pattern", "marker_style", "region_style", "volume_style"]
STRUCTURE_TAGS = (
    "translated",
    "reordered",
    "subtitle_dropped",
    "marker_restyled",
    "region_restyled",
    "region_dropped",
    "volume_dropped",
)


def _clashes(cred: pd.DataFrame, c: pd.DataFrame, title: np.ndarray) -> np.ndarray:
    """Records whose rewritten title is, folded, the title of another micro-credential of the
    same provider outside their family (a subtitle dropped onto a sibling course, a title
    translated onto the provider's English course): no reader could tell them apart."""
    canonical = pd.DataFrame(
        {
            "key": cred["pidx"].astype(str).to_numpy() + "|" + folded(cred["title"]).str.casefold(),
            "other": cred["cluster"].to_numpy(),
            "other_family": cred["family"].to_numpy(),
        }
    )
    records = pd.DataFrame(
        {
            "key": c["pidx"].astype(str).to_numpy() + "|" + folded(title).str.casefold(),
            "cluster": c["cluster"].to_numpy(),
            "family": c["family"].to_numpy(),
            "row": np.arange(len(c)),
        }
    )
    pairs = records.merge(canonical, on="key")
    other = (pairs["other"] != pairs["cluster"]) & (
        (pairs["family"] < 0) | (pairs["family"] != pairs["other_family"])
    )
    clash = np.zeros(len(c), dtype=bool)
    clash[pairs.loc[other, "row"].to_numpy()] = True
    return clash


def record_titles(
    rng, parts: TitleParts, cred, c: pd.DataFrame, p: pd.DataFrame, kind, source, tags
):
    """Each record's title as its publisher writes it: the provider's own style in its feed,
    structural and string changes in registers, platforms and the alliance."""
    t = c[TITLE_FIELDS].copy()
    _structural_changes(rng, t, kind, source, tags)
    title = assemble(parts, t)
    clash = _clashes(cred, c, title)
    if clash.any():  # a rewritten title that names another micro-credential: keep it as it was
        t.loc[clash, STRUCTURE] = c.loc[clash, STRUCTURE].to_numpy()
        title[clash] = assemble(parts, t[clash])
        tags.remove(clash, STRUCTURE_TAGS)
    lang = t["lang"].to_numpy(dtype=object)
    _word_changes(rng, title, t, c, p, kind, source, tags)
    _string_changes(rng, title, lang, kind, source, tags)
    # what a platform's own system adds to the title an editor wrote: the partner's code
    # (edX-style "DelftX: ...") and the kind of course
    m = _chance(rng, kind, source, "platform_prefix") & (source == "openlearn-eu")
    title[m] = p["acronym"].to_numpy(dtype=object)[m] + "x: " + title[m]
    tags.add(m, "platform_prefix")
    m = _chance(rng, kind, source, "mooc_suffix")
    title[m] = title[m] + " (MOOC)"
    tags.add(m, "mooc_suffix")
    own = kind == "own"
    capitals = own & p["capitals"].to_numpy()
    _map(title, capitals, lambda x: apostrophe_accents(x.upper()))
    tags.add(capitals, "own_capitals")
    code_prefix = own & p["code_prefix"].to_numpy()
    title[code_prefix] = c["code"].to_numpy()[code_prefix] + ": " + title[code_prefix]
    tags.add(code_prefix, "own_code_prefix")
    return title


def _structural_changes(rng, t: pd.DataFrame, kind, source, tags) -> None:
    translated = (kind == "alliance") & (t["lang"] != "en").to_numpy()
    t.loc[translated, "lang"] = "en"
    tags.add(translated, "translated")
    pattern = t["pattern"].to_numpy()
    reorder = _chance(rng, kind, source, "reordered") & np.isin(pattern, (V.P_INTRO, V.P_FUND))
    t.loc[reorder, "pattern"] = np.where(
        pattern[reorder] == V.P_INTRO, V.P_INTRO_REORDERED, V.P_FUND_REORDERED
    )
    tags.add(reorder, "reordered")
    drop = _chance(rng, kind, source, "subtitle_dropped") & (pattern == V.P_SUBTITLE)
    t.loc[drop, "pattern"] = V.P_PLAIN
    tags.add(drop, "subtitle_dropped")
    style = t["marker_style"].to_numpy()
    restyle = _chance(rng, kind, source, "marker_restyled") & np.isin(style, list(RESTYLE))
    t.loc[restyle, "marker_style"] = [
        RESTYLE[s][rng.integers(len(RESTYLE[s]))] for s in style[restyle]
    ]
    tags.add(restyle, "marker_restyled")
    region_style = t["region_style"].to_numpy()
    in_title = region_style > 0
    moved = _chance(rng, kind, source, "region_restyled") & in_title
    t.loc[moved, "region_style"] = (region_style[moved] % 3) + 1
    tags.add(moved, "region_restyled")
    dropped = _chance(rng, kind, source, "region_dropped") & (t["region"] != "").to_numpy()
    t.loc[dropped, "region_style"] = 0
    tags.add(dropped & in_title, "region_dropped")
    volume = t["volume_style"].to_numpy() > 0
    no_volume = _chance(rng, kind, source, "volume_dropped") & volume
    t.loc[no_volume, "volume_style"] = 0
    tags.add(no_volume, "volume_dropped")


def _word_changes(rng, title, t: pd.DataFrame, c, p, kind, source, tags) -> None:
    lang = t["lang"].to_numpy(dtype=object)
    topic = t["topic"].to_numpy()
    keys = [V.TOPICS[i]["key"] for i in range(len(V.TOPICS))]
    acronym = _chance(rng, kind, source, "acronym")
    done = np.zeros(len(title), dtype=bool)
    for lg, table in V.ACRONYMS.items():
        for key, short in table.items():
            m = acronym & (lang == lg) & (topic == keys.index(key))
            if m.any():
                name = V.TOPICS[keys.index(key)][lg]
                before = title[m].copy()
                _map(
                    title, m, lambda x, n=name, s=short: x.replace(n, s).replace(lower_first(n), s)
                )
                done[m] = title[m] != before
    tags.add(done, "acronym")
    abbreviate = _chance(rng, kind, source, "abbreviation")
    done[:] = False
    for lg, pairs in V.ABBREVIATIONS.items():
        for long, short in pairs:
            m = containing(title, abbreviate & ~done & (lang == lg), long)
            _map(title, m, lambda x, a=long, b=short: x.replace(a, b, 1))
            done |= m
    tags.add(done, "abbreviation")
    us = _chance(rng, kind, source, "us_spelling") & (lang == "en")
    changed = np.zeros(len(title), dtype=bool)
    for uk, american in V.US_SPELLINGS:
        m = containing(title, us, uk)
        _map(title, m, lambda x, a=uk, b=american: x.replace(a, b))
        changed |= m
    tags.add(changed, "us_spelling")
    _affixes(rng, title, t, c, p, kind, source, tags)


def _affixes(rng, title, t: pd.DataFrame, c, p, kind, source, tags) -> None:
    lang = t["lang"].to_numpy(dtype=object)
    n = len(title)
    m = _chance(rng, kind, source, "type_prefix")
    title[m] = obj([rng_choice(rng, V.TYPE_PREFIXES[lg]) for lg in lang[m]]) + title[m]
    tags.add(m, "type_prefix")
    m = _chance(rng, kind, source, "code_prefix")
    shape = pick(rng, ("{c} ", "[{c}] ", "{c} – ", "{c}: "), n)
    title[m] = (
        obj([s.format(c=k) for s, k in zip(shape[m], c["code"].to_numpy()[m], strict=True)])
        + title[m]
    )
    tags.add(m, "code_prefix")
    m = _chance(rng, kind, source, "delivery_suffix")
    form = pd.Series(c["form"]).map({f: i for i, f in enumerate(FORMS)}).to_numpy()
    shape = pick(rng, (" ({w})", " – {w}", " - {w}"), n)
    title[m] = title[m] + obj(
        [
            s.format(w=V.DELIVERY_WORDS[lg][f])
            for s, lg, f in zip(shape[m], lang[m], form[m], strict=True)
        ]
    )
    tags.add(m, "delivery_suffix")
    m = _chance(rng, kind, source, "credit_suffix") & (t["volume_style"].to_numpy() == 0)
    ects = number_text(t["ects"].to_numpy(), lang)
    title[m] = title[m] + obj(
        [
            rng_choice(rng, V.CREDIT_AFFIXES[lg]).format(e=e)
            for lg, e in zip(lang[m], ects[m], strict=True)
        ]
    )
    tags.add(m, "credit_suffix")
    m = _chance(rng, kind, source, "year_suffix")
    title[m] = title[m] + obj([rng_choice(rng, V.YEAR_SUFFIXES[lg]) for lg in lang[m]])
    tags.add(m, "year_suffix")


def rng_choice(rng, options):
    return options[rng.integers(len(options))]


def _string_changes(rng, title, lang, kind, source, tags) -> None:
    cases = (
        ("case_upper", upper_text),
        ("case_lower", str.lower),
        ("case_title", str.title),
        ("case_sentence", lambda x: x[:1].upper() + x[1:].lower()),
    )
    cased = np.zeros(len(title), dtype=bool)
    upper = np.zeros(len(title), dtype=bool)
    for name, fn in cases:
        m = _chance(rng, kind, source, name) & ~cased
        _map(title, m, fn)
        tags.add(m, name)
        cased |= m
        upper |= m if name == "case_upper" else False
    italian_caps = upper & (lang == "it") & (source == "it-register")
    _map(title, italian_caps, apostrophe_accents)
    tags.add(italian_caps, "apostrophe_accents")
    m = _chance(rng, kind, source, "no_diacritics")
    _map(title, m, lambda x: unicodedata.normalize("NFC", strip_accents(x)))
    tags.add(m, "no_diacritics")
    m = _chance(rng, kind, source, "dash")
    m = containing(title, m, " – ") | containing(title, m, ": ")
    _map(title, m, lambda x: x.replace(" – ", " - ") if " – " in x else x.replace(": ", " - ", 1))
    tags.add(m, "dash")
    m = containing(title, _chance(rng, kind, source, "quote"), "'")
    _map(title, m, lambda x: x.replace("'", "’"))
    tags.add(m, "quote")
    limit = pd.Series(source).map(TITLE_LIMIT).fillna(10_000).to_numpy()
    long = obj([len(x) for x in title]).astype(int) > limit
    ellipsis = rng.random(len(title)) < 0.5
    title[long] = obj(
        [
            x[: int(n) - 1].rstrip() + "…" if e else x[: int(n)]
            for x, n, e in zip(title[long], limit[long], ellipsis[long], strict=True)
        ]
    )
    tags.add(long, "truncated")
    m = _chance(rng, kind, source, "typo")
    positions = rng.random(len(title))
    title[m] = obj([typo(x, r) for x, r in zip(title[m], positions[m], strict=True)])
    tags.add(m, "typo")
    _whitespace_and_entities(rng, title, kind, source, tags)


def typo(text: str, r: float) -> str:
    """One slip of the keyboard in the longest word: two letters swapped, one dropped, one
    doubled."""
    words = text.split(" ")
    i = max(range(len(words)), key=lambda k: len(words[k]))
    w = words[i]
    if len(w) < 5:
        return text
    j = 1 + int(r * 1000) % (len(w) - 3)
    op = int(r * 3000) % 3
    words[i] = (
        w[:j] + w[j + 1] + w[j] + w[j + 2 :]
        if op == 0
        else w[:j] + w[j + 1 :]
        if op == 1
        else w[:j] + w[j] + w[j:]
    )
    return " ".join(words)


def _whitespace_and_entities(rng, title, kind, source, tags) -> None:
    m = containing(title, _chance(rng, kind, source, "double_space"), " ")
    trailing = rng.random(len(title)) < 0.5
    _map(title, m & trailing, lambda x: x + " ")
    _map(title, m & ~trailing, lambda x: x.replace(" ", "  ", 1))
    tags.add(m, "double_space")
    m = containing(title, _chance(rng, kind, source, "nbsp"), " ")
    _map(title, m, lambda x: x.replace(" ", "\u00a0", 1))
    tags.add(m, "nbsp")
    m = containing(title, _chance(rng, kind, source, "zero_width"), " ")
    _map(title, m, lambda x: x.replace(" ", " \u200b", 1))
    tags.add(m, "zero_width")
    m = _chance(rng, kind, source, "html_entity")
    _map(title, m, html_entity)
    tags.add(m, "html_entity")


def html_entity(text: str) -> str:
    """Text escaped once too often on its way from a web page to the feed."""
    if "&" in text:
        return text.replace("&", "&amp;")
    if "'" in text:
        return text.replace("'", "&#39;")
    if " – " in text:
        return text.replace(" – ", " &ndash; ")
    return text.replace(" ", "&nbsp;", 1)


# --- the other fields of a record -----------------------------------------------------------

AGGREGATORS = {  # source id: (registry name, country, aliases, site)
    "pl-register": ("Rejestr Mikropoświadczeń", "PL", ["RMP"], "rejestr-mikro.gov.pl"),
    "it-register": (
        "Catalogo Nazionale delle Microcredenziali",
        "IT",
        ["CNM"],
        "microcredenziali.gov.it",
    ),
    "pt-register": (
        "Registo Nacional de Microcredenciais",
        "PT",
        ["RNM"],
        "microcredenciais.gov.pt",
    ),
    "se-register": ("Nationellt kursregister", "SE", ["NKR"], "kursregister.se"),
    "cz-register": ("Národní registr mikrocertifikátů", "CZ", ["NRM"], "mikrocertifikaty.gov.cz"),
    "fi-register": ("Opintotarjonnan rekisteri", "FI", ["Opintotarjonta"], "opintotarjonta.fi"),
    "gr-register": ("Εθνικό Μητρώο Μικροπιστοποιήσεων", "GR", ["EMM"], "mikropistopoiiseis.gov.gr"),
    "gb-register": ("UK Micro-credentials Register", "GB", ["UKMCR"], "microcredentials.org.uk"),
    "ie-register": ("MicroCreds Ireland", "IE", ["MCI"], "microcreds.ie"),
    "openlearn-eu": ("OpenLearn Europe", "IE", ["OpenLearn"], "openlearn-europe.org"),
    "courseway": ("Courseway", "GB", ["Courseway Ltd"], "courseway.co.uk"),
    "edumooc": ("EduMOOC", "IT", ["Edu MOOC"], "edumooc.eu"),
    ALLIANCE: ("EUni European University Alliance", "BE", ["EUni"], "euni-alliance.eu"),
}
RECORD_ID_PREFIX = {
    "pl-register": "MK/2026/",
    "it-register": "MC-IT-",
    "pt-register": "RNM-",
    "cz-register": "CZ-MC-",
    "fi-register": "1.2.246.562.17.",
    "gr-register": "ΜΠ-",
    "gb-register": "MCR",
    "ie-register": "MC",
    "edumooc": "EM",
}


def record_ids(c: pd.DataFrame, p: pd.DataFrame, source: np.ndarray) -> np.ndarray:
    """Ids as each source numbers its records: the provider's course code in its own feed, a
    register's serial number, a platform's course key."""
    serial = pd.Series(source).groupby(source).cumcount().to_numpy() + 1
    rid = c["code"].to_numpy(dtype=object).copy()
    for sid, prefix in RECORD_ID_PREFIX.items():
        m = source == sid
        width = 11 if sid == "fi-register" else 6
        rid[m] = obj([f"{prefix}{k:0{width}d}" for k in serial[m]])
    m = source == "se-register"  # Swedish application codes: the institution and five digits
    rid[m] = p["acronym"].to_numpy(dtype=object)[m] + obj([f"-{k:05d}" for k in serial[m]])
    m = source == "openlearn-eu"
    clean = obj(["".join(ch for ch in k if ch.isalnum()) for k in c["code"].to_numpy()[m]])
    rid[m] = "course-v1:" + p["acronym"].to_numpy(dtype=object)[m] + "x+" + clean + "x+2026_T1"
    m = source == "courseway"
    h = obj([f"{(k * 2654435761) % (1 << 32):08x}" for k in serial[m]])
    rid[m] = h + obj([f"-4{k % 4096:03x}-8{k % 4093:03x}-{k:012x}" for k in serial[m]])
    m = source == ALLIANCE
    rid[m] = p["acronym"].to_numpy(dtype=object)[m] + "-" + rid[m]
    return rid


def record_urls(rng, c: pd.DataFrame, rid, kind, source, tags) -> np.ndarray:
    """The provider's page in its own feed; in a register the same page written another way,
    the register's own page or nothing; a platform's own page; the alliance's link with ?lang."""
    url = c["url"].to_numpy(dtype=object).copy()
    n = len(url)
    register = kind == "register"
    draw = rng.random(n)
    own_page = register & (draw < 0.55)
    site = pd.Series(source).map({s: a[3] for s, a in AGGREGATORS.items()}).to_numpy(dtype=object)
    page = register & (draw >= 0.55) & (draw < 0.85)
    url[page] = "https://www." + site[page] + "/offer/" + obj([quote_path(r) for r in rid[page]])
    tags.add(page, "url_aggregator_page")
    missing = register & (draw >= 0.85)
    url[missing] = None
    tags.add(missing, "url_missing")
    variant = own_page & (rng.random(n) < 0.5)
    _map(url, variant, lambda u: url_variant(u, rng.random()))
    tags.add(variant, "url_variant")
    platform = kind == "platform"
    slug = c["slug"].to_numpy(dtype=object)
    url[platform] = (
        "https://www." + site[platform] + "/course/" + slug[platform] + "-" + rid[platform]
    )
    _map(url, platform, lambda u: quote_path(u.replace("+", "-")))
    tags.add(platform, "url_aggregator_page")
    lang_param = (kind == "alliance") & (rng.random(n) < 0.5)
    _map(url, lang_param, lambda u: u + ("&" if "?" in u else "?") + "lang=en")
    tags.add(lang_param, "url_variant")
    return url


def quote_path(text: str) -> str:
    from urllib.parse import quote

    return quote(text, safe=":/?&=#%+~")


def url_variant(url: str, r: float) -> str:
    """The same page as a register writes it: http, no www, a trailing slash, tracking
    parameters, capitals in the host, a fragment, or a percent-encoded path."""
    scheme, rest = url.split("://", 1)
    host, sep, path = rest.partition("/")
    k = int(r * 7000) % 7
    if k == 0:
        return f"http://{rest}"
    if k == 1:
        host = host[4:] if host.startswith("www.") else "www." + host
        return f"{scheme}://{host}{sep}{path}"
    if k == 2 and "?" not in url:
        return url + "/"
    if k in (2, 3):
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}utm_source=register&utm_medium=referral&utm_campaign=mc2026"
    if k == 4:
        return f"{scheme}://{host.upper()}{sep}{path}"
    if k == 5:
        return url + "#overview"
    if not url.isascii():
        return quote_path(url)
    return f"http://{rest}"


def record_fields(rng, c: pd.DataFrame, p: pd.DataFrame, kind, source, rec, tags) -> None:
    """Credits (numbers, hours or nothing), levels, field, languages, form, dates, text."""
    n = len(c)
    ects = c["ects"].to_numpy(dtype=float).copy()
    given = np.select(
        [
            kind == "own",
            kind == "register",
            kind == "alliance",
            source == "edumooc",
            source == "openlearn-eu",
        ],
        [0.96, 0.78, 0.85, 0.45, 0.25],
        0.0,
    )
    has_ects = rng.random(n) < given
    hours_rate = rng.choice((25, 27, 30), size=n)
    hours = ects * hours_rate
    country_rate = (
        pd.Series(source).map({"courseway": 20.0, "openlearn-eu": 22.5, "edumooc": 25.0}).to_numpy()
    )
    derived = hours / country_rate
    hours_only = (kind == "platform") & ~has_ects & (rng.random(n) < 0.6)
    hours_only &= (derived >= 1) & (derived <= 59)
    rec["ects"] = np.where(has_ects, ects, np.nan)
    rec["hours"] = np.where(hours_only, np.round(hours), np.nan)
    tags.add(~has_ects & ~hours_only, "no_ects")
    tags.add(hours_only, "hours_only")
    eqf_given = np.select(
        [kind == "own", kind == "register", kind == "alliance"], [0.7, 0.6, 0.5], 0
    )
    rec["eqf"] = np.where(rng.random(n) < eqf_given, c["eqf"].to_numpy(), 0)
    isced_given = np.select(
        [kind == "own", kind == "register", kind == "alliance"], [0.6, 0.5, 0.4], 0
    )
    isced = pd.Series(c["topic"]).map(lambda i: V.TOPICS[i]["isced"]).to_numpy(dtype=object)
    rec["isced"] = np.where(rng.random(n) < isced_given, isced, None)
    rec["lang"] = c["lang"].to_numpy(dtype=object)
    form_given = np.where(kind == "own", 0.95, 0.75)
    rec["form"] = np.where(rng.random(n) < form_given, c["form"].to_numpy(dtype=object), None)
    start = c["start"].to_numpy().astype("datetime64[D]")
    lagged = (kind == "register") & (rng.random(n) < 0.08)
    start = np.where(lagged, start - np.timedelta64(364, "D"), start)
    tags.add(lagged, "start_lagged")
    rec["start"] = start
    rec["end"] = start + (c["weeks"].to_numpy() * 7).astype("timedelta64[D]")
    dated = rng.random(n) < np.where(kind == "own", 0.9, 0.7)
    rec.loc[~dated, ["start", "end"]] = pd.NaT
    describe = (kind != "register") | (rng.random(n) < 0.5)
    rec["description"] = np.where(describe, obj(_descriptions(c)), None)


_DESCRIPTION = {
    "en": "{t}. A {w}-week course with assessed assignments.",
    "pl": "{t}. Czas trwania: {w} tyg., zakończenie weryfikacją efektów uczenia się.",
    "it": "{t}. Corso di {w} settimane con verifica finale dell'apprendimento.",
    "pt": "{t}. Curso de {w} semanas com avaliação final.",
    "sv": "{t}. Kursen pågår i {w} veckor och examineras genom inlämningsuppgifter.",
    "cs": "{t}. Délka kurzu: {w} týd., zakončení zkouškou.",
    "fi": "{t}. Opintojakso kestää {w} viikkoa ja arvioidaan tehtävin.",
    "el": "{t}. Πρόγραμμα διάρκειας {w} εβδομάδων με τελική αξιολόγηση.",
}


def _descriptions(c: pd.DataFrame) -> list[str]:
    return [
        _DESCRIPTION[lg].format(t=t, w=w)
        for lg, t, w in zip(c["lang"], c["title"], c["weeks"], strict=True)
    ]


#: How aggregators name a provider: probabilities of (registry name, English name, acronym,
#: name without diacritics, capitals, SCHAC code, Erasmus code, a misspelling, a faculty or unit
#: of the provider, the name in the country's other language).
NAMING = {
    "register": (0.55, 0.08, 0.07, 0.08, 0.05, 0.03, 0.03, 0.04, 0.02, 0.05),
    "platform": (0.25, 0.6, 0.1, 0, 0, 0, 0, 0.03, 0, 0.02),
    "alliance": (0.1, 0.85, 0.05, 0, 0, 0, 0, 0, 0, 0),
}
NAMING_TAGS = (
    None,
    "provider_english",
    "provider_acronym",
    "provider_no_diacritics",
    "provider_capitals",
    "provider_code",
    "provider_code",
    "provider_typo",
    "provider_unit",
    "provider_other_language",
)


def provider_names(rng, providers: pd.DataFrame, pidx: np.ndarray, kind, tags) -> np.ndarray:
    """The provider as an aggregator names it (None in the provider's own feed). Each provider
    has one misspelling, as one data-entry habit repeats."""
    n = len(pidx)
    form = np.zeros(n, dtype=int)
    for k, probabilities in NAMING.items():
        m = kind == k
        form[m] = rng.choice(len(probabilities), size=m.sum(), p=probabilities)
    company = (providers["kind"] == "company").to_numpy()[pidx]
    form[company & np.isin(form, (5, 6, 8, 9))] = 0
    form[(form == 9) & (providers["other_name"] == "").to_numpy()[pidx]] = 1
    name = providers["name"].to_numpy(dtype=object)
    is_company = (providers["kind"] == "company").to_numpy()
    options = [
        name,
        providers["english"].to_numpy(dtype=object),
        np.where(is_company, providers["brand"], providers["acronym"]).astype(object),
        obj([unicodedata.normalize("NFC", strip_accents(x)) for x in name]),
        obj([upper_text(x) for x in name]),
        providers["schac"].to_numpy(dtype=object),
        providers["erasmus"].to_numpy(dtype=object),
        obj([typo(x, r) for x, r in zip(name, rng.random(len(name)), strict=True)]),
        name + providers["country"].map(V.FACULTY_SUFFIX).to_numpy(dtype=object),
        providers["other_name"].to_numpy(dtype=object),
    ]
    out = np.choose(form, [option[pidx] for option in options]).astype(object)
    for k, tag in enumerate(NAMING_TAGS):
        if tag:
            tags.add((kind != "own") & (form == k), tag)
    out[kind == "own"] = None
    return out


def render_records(rng, parts: TitleParts, cred, providers, copies) -> pd.DataFrame:
    """Every record to write, with its source, its label and how its publisher wrote it."""
    c = cred.iloc[copies["cred"].to_numpy()].reset_index(drop=True)
    p = providers.iloc[c["pidx"].to_numpy()].reset_index(drop=True)
    kind = copies["kind"].to_numpy(dtype=object)
    source = copies["source_id"].to_numpy(dtype=object)
    tags = Tags(len(c))
    rec = pd.DataFrame({"source_id": source, "kind": kind, "cluster": c["cluster"].to_numpy()})
    rec["pidx"] = c["pidx"].to_numpy()
    rec["title"] = record_titles(rng, parts, cred, c, p, kind, source, tags)
    rec["record_id"] = record_ids(c, p, source)
    rec["url"] = record_urls(rng, c, rec["record_id"].to_numpy(dtype=object), kind, source, tags)
    record_fields(rng, c, p, kind, source, rec, tags)
    rec["provider_name"] = provider_names(rng, providers, c["pidx"].to_numpy(), kind, tags)
    rec["provider_country"] = p["country"].to_numpy(dtype=object)
    rec["code"] = c["code"].to_numpy(dtype=object)
    rec["english_title"] = np.where(kind == "own", _english_titles(parts, c), None)
    rec["noise"] = tags.labels()
    for column in (
        "title",
        "record_id",
        "url",
        "isced",
        "lang",
        "form",
        "description",
        "provider_name",
        "provider_country",
        "code",
        "english_title",
    ):
        values = rec[column].astype(object)
        rec[column] = values.where(values.notna(), None)
    return rec


def _english_titles(parts: TitleParts, c: pd.DataFrame) -> np.ndarray:
    """The English name catalogue systems keep beside the local one (afGenDesEng, name.en)."""
    t = c[TITLE_FIELDS].copy()
    t["lang"] = "en"
    return assemble(parts, t)


# --- feeds in the shape of each source's system ---------------------------------------------


def dates(values: np.ndarray, style: str) -> np.ndarray:
    """Dates as a system writes them; None where there is no date."""
    index = pd.DatetimeIndex(pd.Series(values).astype("datetime64[s]"))
    formats = {
        "iso": "%Y-%m-%d",
        "dmy_slash": "%d/%m/%Y",
        "dmy_dot": "%d.%m.%Y",
        "ymd_slash": "%Y/%m/%d",
        "iso_offset": "%Y-%m-%dT00:00:00+02:00",
        "iso_z": "%Y-%m-%dT09:00:00Z",
    }
    if style == "dmy_dot_short":  # Finnish: 1.9.2026
        text = obj([f"{d.day}.{d.month}.{d.year}" if d is not pd.NaT else None for d in index])
    else:
        text = obj(index.strftime(formats[style]))
    text[index.isna()] = None
    return text


def numbers(values) -> list:
    """JSON numbers: integers where whole, None where missing."""
    return [None if v != v else int(v) if float(v).is_integer() else float(v) for v in values]


def words(values: np.ndarray, table: dict) -> np.ndarray:
    return obj([None if v is None or v != v else table[v] for v in values])


def credits_text(ects: np.ndarray, unit: str, lang: str = "en") -> np.ndarray:
    text = number_text(np.nan_to_num(ects), np.full(len(ects), lang, dtype=object))
    return obj([None if e != e else unit.format(t) for e, t in zip(ects, text, strict=True)])


def eqf_values(eqf: np.ndarray) -> list:
    return [int(e) if e else None for e in eqf]


def json_feed(name: str, records: list[dict], key: str = "", next_key: str = "") -> dict:
    """One JSON document, or pages of REGISTER_PAGE records linked by `next_key`."""
    if not next_key:
        body = records if not key else {key: records}
        return {f"{name}.json": json.dumps(body, ensure_ascii=False).encode()}
    pages = [records[i : i + REGISTER_PAGE] for i in range(0, max(len(records), 1), REGISTER_PAGE)]
    files = {}
    for i, page in enumerate(pages):
        link = f"{name}-p{i + 2:03d}.json" if i + 1 < len(pages) else None
        doc: dict = {key: page}
        parent, _, leaf = next_key.rpartition(".")
        (doc.setdefault(parent, {}) if parent else doc)[leaf] = link
        if key == "results":
            doc["count"] = len(records)
        files[f"{name}-p{i + 1:03d}.json"] = json.dumps(doc, ensure_ascii=False).encode()
    return files


# A feed is declared as fields: (path in the feed, canonical field it maps to or None, values).
# The same declaration writes the feed and its registry mapping.


def nested_records(columns: dict[str, list]) -> list[dict]:
    """Records from columns named by dotted paths ('name.pl'), built column by column."""
    grouped: dict[str, object] = {}
    for path, values in columns.items():
        head, _, rest = path.partition(".")
        if rest:
            grouped.setdefault(head, {})[rest] = values
        else:
            grouped[head] = values
    built = [nested_records(v) if isinstance(v, dict) else v for v in grouped.values()]
    keys = list(grouped)
    return [dict(zip(keys, row, strict=True)) for row in zip(*built, strict=True)]


def spec_of(fields: list, fmt: str, options: dict, defaults: dict | None = None) -> dict:
    spec = {"format": fmt, "options": options}
    spec["mapping"] = {canonical: path for path, canonical, _ in fields if canonical}
    if defaults:
        spec["defaults"] = defaults
    return spec


def json_system(name, fields, records="", next_key="", defaults=None) -> tuple[dict, dict]:
    docs = nested_records({path: list(values) for path, _, values in fields})
    options = {"records": records, **({"next": next_key} if next_key else {})}
    return json_feed(name, docs, records, next_key), spec_of(fields, "json", options, defaults)


def csv_system(name, fields, sep, encoding="utf-8", decimal=".", defaults=None):
    frame = pd.DataFrame({path: list(values) for path, _, values in fields})
    body = frame.to_csv(sep=sep, index=False).encode(encoding)
    options = {"delimiter": sep, "encoding": encoding, "decimal": decimal}
    return {f"{name}.csv": body}, spec_of(fields, "csv", options, defaults)


def xml_system(name, root, element, fields, namespaces=None) -> tuple[dict, dict]:
    """`@name` paths are attributes of the record element, other paths its child elements."""
    from xml.sax.saxutils import escape, quoteattr

    n = len(fields[0][2])
    attrs, children = np.full(n, "", dtype=object), np.full(n, "", dtype=object)
    for path, _, values in fields:
        if path.startswith("@"):
            attrs = attrs + obj([f" {path[1:]}={quoteattr(v)}" if v else "" for v in values])
        else:
            tagged = [f"<{path}>{escape(str(v))}</{path}>" if v is not None else "" for v in values]
            children = children + obj(tagged)
    records = "\n".join(
        f"  <{element}{a}>{c}</{element}>" for a, c in zip(attrs, children, strict=True)
    )
    declared = "".join(f' xmlns:{p}="{uri}"' for p, uri in (namespaces or {}).items())
    body = f'<?xml version="1.0" encoding="UTF-8"?>\n<{root}{declared}>\n{records}\n</{root}>\n'
    options = {"record": element, **({"namespaces": namespaces} if namespaces else {})}
    return {f"{name}.xml": body.encode()}, spec_of(fields, "xml", options)


LANG_NAMES = {  # how each system names a language of instruction
    "pl-register": {"pl": "polski", "en": "angielski"},
    "it-register": {"it": "italiano", "en": "inglese"},
    "pt-json": {"pt": "português", "en": "inglês"},
    "se-csv": {"sv": "svenska", "en": "engelska"},
    "se-register": {"sv": "Svenska", "en": "Engelska"},
    "cz-stag": {"cs": "cze", "en": "eng"},
    "fi-register": {"fi": "suomi", "en": "englanti"},
    "gr-register": {"el": "ell", "en": "eng"},
    "it-esse3": {"it": "ita", "en": "eng"},
    "openlearn-eu": {
        lg: n
        for lg, n in zip(
            V.LANGS,
            ("English", "Polish", "Italian", "Portuguese", "Swedish", "Czech", "Finnish", "el"),
            strict=True,
        )
    },
}
FORM_WORDS = {
    "pl": {"online": "zdalnie", "onsite": "stacjonarnie", "blended": "hybrydowo"},
    "it": {"online": "online", "onsite": "in presenza", "blended": "blended"},
    "pt": {"online": "a distância", "onsite": "presencial", "blended": "semi-presencial"},
    "fi": {"online": "verkossa", "onsite": "lähiopetus", "blended": "monimuoto"},
    "xcri": {"online": "Distance learning", "onsite": "Campus", "blended": "Mixed mode"},
    "en": {"online": "Online", "onsite": "On-site", "blended": "Blended"},
    "plain": {"online": "online", "onsite": "onsite", "blended": "blended"},
    # written by the system but not mapped: the pipeline does not know these words
    "sv": {"online": "Distans", "onsite": "Campus", "blended": "Flexibel"},
    "cs": {"online": "distanční", "onsite": "prezenční", "blended": "kombinovaná"},
    "el": {"online": "Εξ αποστάσεως", "onsite": "Δια ζώσης", "blended": "Μικτή"},
}


def lang_names(rec: pd.DataFrame, system: str) -> np.ndarray:
    table = LANG_NAMES.get(system)
    return rec["lang"].to_numpy(dtype=object) if table is None else words(rec["lang"], table)


def nfq_levels(eqf: np.ndarray) -> list:
    """Irish NFQ level of an EQF level (NFQ 8 and 7 both reference EQF 6)."""
    table = {4: "5", 5: "6", 6: "8", 7: "9", 8: "10"}
    return [table.get(int(e)) if e else None for e in eqf]


def uk_levels(eqf: np.ndarray, city: np.ndarray) -> list:
    """'SCQF level 11' in Scotland, 'RQF level 7' elsewhere."""
    scqf = {4: 6, 5: 8, 6: 10, 7: 11, 8: 12}
    rqf = {4: 3, 5: 4, 6: 6, 7: 7, 8: 8}
    return [
        None
        if not e
        else f"SCQF level {scqf[int(e)]}"
        if c in V.SCOTTISH_CITIES
        else f"RQF level {rqf[int(e)]}"
        for e, c in zip(eqf, city, strict=True)
    ]


def isced_labels(codes: np.ndarray, language: str, share: float, rng) -> np.ndarray:
    """Some registers name the field by its label (Polish or English) instead of its code."""
    labels = _isced_label_table(language)
    use = rng.random(len(codes)) < share
    return obj([labels.get(c, c) if u and c else c for c, u in zip(codes, use, strict=True)])


def _isced_label_table(language: str) -> dict[str, str]:
    frame = pd.read_csv(ROOT / "data" / "reference" / "isced-f-labels.csv", dtype=str)
    frame = frame[frame["language"] == language]
    return dict(zip(frame["code"], frame["label"], strict=True))


def eqf_text(eqf) -> list:
    return [str(int(e)) if e else None for e in eqf]


def _pl_usos(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("course_id", "source_record_id", r["record_id"]),
        ("name.pl", "title", r["title"]),
        ("name.en", None, r["english_title"]),
        ("description.pl", "description", r["description"]),
        ("ects_credits_simplified", "ects", numbers(r["ects"])),
        ("profile_url", "url", r["url"]),
        ("lang_id", "languages", r["lang"]),
        ("isced_code", "isced_f_code", r["isced"]),
        ("prk_level", "nqf_level", eqf_text(r["eqf"])),
        ("mode", "participation_form", words(r["form"], FORM_WORDS["pl"])),
        ("term.start_date", "start_date", dates(r["start"], "iso")),
        ("term.end_date", "end_date", dates(r["end"], "iso")),
    ]
    return json_system(name, fields, "items", defaults={"nqf_framework": "PRK"})


ESSE3_NS = {"ns2": "http://ws.di.u-gov.cineca.it/"}


def _it_esse3(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("ns2:afGenCod", "source_record_id", r["record_id"]),
        ("ns2:afGenDes", "title", r["title"]),
        ("ns2:afGenDesEng", None, r["english_title"]),
        ("ns2:peso", "ects", [None if e != e else f"{e:.1f}" for e in r["ects"]]),
        ("ns2:umPesoCod", None, ["C"] * len(r)),
        ("ns2:linguaCod", "languages", lang_names(r, "it-esse3")),
        ("ns2:dataInizio", "start_date", dates(r["start"], "dmy_slash")),
        ("ns2:dataFine", "end_date", dates(r["end"], "dmy_slash")),
        ("ns2:urlScheda", "url", r["url"]),
        ("ns2:modalita", "participation_form", words(r["form"], FORM_WORDS["it"])),
        ("ns2:livelloEqf", "eqf_level", eqf_text(r["eqf"])),
        ("ns2:iscedF", "isced_f_code", r["isced"]),
    ]
    return xml_system(name, "ns2:offertaFormativa", "ns2:af", fields, ESSE3_NS)


def _pt_json(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("codigo", "source_record_id", r["record_id"]),
        ("nome", "title", r["title"]),
        ("ects", "ects", numbers(r["ects"])),
        ("url", "url", r["url"]),
        ("idioma", "languages", lang_names(r, "pt-json")),
        ("regime", "participation_form", words(r["form"], FORM_WORDS["pt"])),
        ("dataInicio", "start_date", dates(r["start"], "dmy_slash")),
        ("dataFim", "end_date", dates(r["end"], "dmy_slash")),
        ("nivelQNQ", "nqf_level", eqf_text(r["eqf"])),
        ("areaISCED", "isced_f_code", r["isced"]),
        ("descricao", "description", r["description"]),
    ]
    return json_system(name, fields, defaults={"nqf_framework": "QNQ-PT"})


def _se_csv(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("Kurskod", "source_record_id", r["record_id"]),
        ("Benämning", "title", r["title"]),
        ("Engelsk benämning", None, r["english_title"]),
        ("Högskolepoäng", "ects", credits_text(r["ects"].to_numpy(), "{}", "sv")),
        ("Nivå", None, np.where(r["eqf"] >= 7, "Avancerad nivå", "Grundnivå")),
        ("Undervisningsspråk", "languages", lang_names(r, "se-csv")),
        ("Studieform", None, words(r["form"], FORM_WORDS["sv"])),
        ("Startdatum", "start_date", dates(r["start"], "iso")),
        ("Slutdatum", "end_date", dates(r["end"], "iso")),
        ("Länk", "url", r["url"]),
        ("ISCED", "isced_f_code", r["isced"]),
    ]
    return csv_system(name, fields, ";", decimal=",")


def _cz_stag(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    code = r["record_id"].to_numpy(dtype=object)
    fields = [
        ("Katedra", None, [c.split("/")[0] for c in code]),
        ("Zkratka", None, [c.split("/")[1] for c in code]),
        ("Kód předmětu", "source_record_id", code),
        ("Název", "title", r["title"]),
        ("Název anglicky", None, r["english_title"]),
        ("Kredity", "ects", credits_text(r["ects"].to_numpy(), "{}", "cs")),
        ("Jazyk výuky", "languages", lang_names(r, "cz-stag")),
        ("Forma výuky", None, words(r["form"], FORM_WORDS["cs"])),
        ("Začátek výuky", "start_date", dates(r["start"], "dmy_dot")),
        ("Konec výuky", "end_date", dates(r["end"], "dmy_dot")),
        ("URL", "url", r["url"]),
        ("ISCED-F", "isced_f_code", r["isced"]),
    ]
    return csv_system(name, fields, ";", encoding="cp1250", decimal=",")


def _fi_json(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    ects = numbers(r["ects"])
    fields = [
        ("code", "source_record_id", r["record_id"]),
        ("name.fi", "title", r["title"]),
        ("name.en", None, r["english_title"]),
        ("credits.min", "ects", ects),
        ("credits.max", None, ects),
        ("url", "url", r["url"]),
        ("teachingLanguage", "languages", r["lang"]),
        ("startDate", "start_date", dates(r["start"], "dmy_dot_short")),
        ("endDate", "end_date", dates(r["end"], "dmy_dot_short")),
        ("deliveryMode", "participation_form", words(r["form"], FORM_WORDS["fi"])),
        ("iscedCode", "isced_f_code", r["isced"]),
        ("eqfLevel", "eqf_level", eqf_values(r["eqf"])),
    ]
    return json_system(name, fields, "data")


def _gr_xml(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("@kodikos", "source_record_id", r["record_id"]),
        ("titlos", "title", r["title"]),
        ("titlos_en", None, r["english_title"]),
        ("ects", "ects", credits_text(r["ects"].to_numpy(), "{}", "el")),
        ("glossa", "languages", r["lang"]),
        ("syndesmos", "url", r["url"]),
        ("enarxi", "start_date", dates(r["start"], "dmy_slash")),
        ("lixi", "end_date", dates(r["end"], "dmy_slash")),
        ("tropos", None, words(r["form"], FORM_WORDS["el"])),
        ("eqf", "eqf_level", eqf_text(r["eqf"])),
        ("isced", "isced_f_code", r["isced"]),
    ]
    return xml_system(name, "programmata", "programma", fields)


XCRI = {
    "x": "http://xcri.org/profiles/1.2/catalog",
    "dc": "http://purl.org/dc/elements/1.1/",
    "mlo": "http://purl.org/net/mlo",
    "credit": "http://purl.org/net/cm",
    "dcterms": "http://purl.org/dc/terms/",
}


def _gb_xcri(rng, r: pd.DataFrame, name: str, provider: pd.Series) -> tuple[dict, dict]:
    """XCRI-CAP 1.2: a catalog of one provider's courses, each with its presentations."""
    from xml.sax.saxutils import escape, quoteattr

    level = uk_levels(r["eqf"].to_numpy(), np.full(len(r), provider["city"], dtype=object))
    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<catalog xmlns="{XCRI["x"]}" xmlns:dc="{XCRI["dc"]}" xmlns:mlo="{XCRI["mlo"]}" '
        f'xmlns:credit="{XCRI["credit"]}" xmlns:dcterms="{XCRI["dcterms"]}" '
        'generated="2026-08-01T00:00:00Z">',
        f"<provider><dc:title>{escape(provider['name'])}</dc:title>",
    ]
    form = words(r["form"], FORM_WORDS["xcri"])
    start, end = dates(r["start"], "iso"), dates(r["end"], "iso")
    for i, row in enumerate(r.itertuples(index=False)):
        parts = [
            f"<dc:identifier>{escape(row.record_id)}</dc:identifier>",
            f"<dc:title>{escape(row.title)}</dc:title>",
        ]
        if row.description:
            parts.append(f"<dc:description>{escape(row.description)}</dc:description>")
        parts.append(f"<mlo:url>{escape(row.url)}</mlo:url>")
        if row.isced:
            parts.append(f"<dc:subject identifier={quoteattr(row.isced)}/>")
        if level[i]:
            parts.append(f"<dcterms:educationLevel>{level[i]}</dcterms:educationLevel>")
        if row.ects == row.ects:
            parts.append(
                "<mlo:credit><credit:scheme>ECTS</credit:scheme>"
                f"<credit:value>{row.ects:g}</credit:value></mlo:credit>"
            )
        presentation = ["<presentation>"]
        if start[i]:
            presentation.append(f'<mlo:start dtf="{start[i]}">{start[i][:7]}</mlo:start>')
            presentation.append(f'<end dtf="{end[i]}">{end[i][:7]}</end>')
        if form[i]:
            presentation.append(f"<attendanceMode>{form[i]}</attendanceMode>")
        presentation.append(f"<mlo:languageOfInstruction>{row.lang}</mlo:languageOfInstruction>")
        parts.append("".join(presentation) + "</presentation>")
        out.append(f"<course>{''.join(parts)}</course>")
    out.append("</provider></catalog>\n")
    mapping = {
        "source_record_id": "dc:identifier",
        "title": "dc:title",
        "description": "dc:description",
        "url": "mlo:url",
        "isced_f_code": "dc:subject/@identifier",
        "nqf_level": "dcterms:educationLevel",
        "ects": "mlo:credit/credit:value",
        "start_date": "x:presentation/mlo:start/@dtf",
        "end_date": "x:presentation/x:end/@dtf",
        "participation_form": "x:presentation/x:attendanceMode",
        "languages": "x:presentation/mlo:languageOfInstruction",
    }
    spec = {
        "format": "xml",
        "options": {"record": "x:course", "namespaces": XCRI},
        "mapping": mapping,
    }
    return {f"{name}.xml": "\n".join(out).encode()}, spec


def _ie_csv(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("Module Code", "source_record_id", r["record_id"]),
        ("Title", "title", r["title"]),
        ("Credits (ECTS)", "ects", credits_text(r["ects"].to_numpy(), "{}")),
        ("NFQ Level", "nqf_level", nfq_levels(r["eqf"].to_numpy())),
        ("Delivery", "participation_form", words(r["form"], FORM_WORDS["en"])),
        ("Language", "languages", r["lang"]),
        ("Start Date", "start_date", dates(r["start"], "dmy_slash")),
        ("End Date", "end_date", dates(r["end"], "dmy_slash")),
        ("URL", "url", r["url"]),
        ("ISCED", "isced_f_code", r["isced"]),
    ]
    return csv_system(name, fields, ",", defaults={"nqf_framework": "NFQ-IE"})


def _company_json(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("sku", "source_record_id", r["record_id"]),
        ("title", "title", r["title"]),
        ("credits", "ects", credits_text(r["ects"].to_numpy(), "{} ECTS")),
        ("link", "url", r["url"]),
        ("language", "languages", r["lang"]),
        ("format", "participation_form", words(r["form"], FORM_WORDS["plain"])),
        ("starts", "start_date", dates(r["start"], "iso_offset")),
    ]
    return json_system(name, fields, "products")


def _pl_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    text = credits_text(r["ects"].to_numpy(), "{} ECTS", "pl")
    as_text = rng.random(len(r)) < 0.4
    fields = [
        ("id", "source_record_id", r["record_id"]),
        ("nazwa", "title", r["title"]),
        ("dostawca.nazwa", "provider_name", r["provider_name"]),
        ("dostawca.kraj", "provider_country", ["Polska"] * len(r)),
        (
            "punkty_ects",
            "ects",
            [t if a else n for n, t, a in zip(numbers(r["ects"]), text, as_text, strict=True)],
        ),
        ("poziom_eqf", "eqf_level", eqf_values(r["eqf"])),
        (
            "dziedzina",
            "isced_f_code",
            isced_labels(r["isced"].to_numpy(dtype=object), "pl", 0.5, rng),
        ),
        ("forma", "participation_form", words(r["form"], FORM_WORDS["pl"])),
        ("jezyk", "languages", [[lg] if lg else [] for lg in lang_names(r, "pl-register")]),
        ("adres_www", "url", r["url"]),
        ("data_rozpoczecia", "start_date", dates(r["start"], "iso")),
        ("data_zakonczenia", "end_date", dates(r["end"], "iso")),
        ("opis", "description", r["description"]),
    ]
    return json_system(name, fields, "dane", "linki.nastepna")


def _it_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    ects = r["ects"].to_numpy()
    cfu = np.where(
        rng.random(len(r)) < 0.5, credits_text(ects, "{} CFU", "it"), credits_text(ects, "{}", "it")
    )
    fields = [
        ("ID", "source_record_id", r["record_id"]),
        ("Titolo", "title", r["title"]),
        ("Ente erogatore", "provider_name", r["provider_name"]),
        ("Paese", "provider_country", ["Italia"] * len(r)),
        ("CFU", "ects", cfu),
        ("Livello EQF", "eqf_level", eqf_values(r["eqf"])),
        ("Lingua", "languages", lang_names(r, "it-register")),
        ("Modalità", "participation_form", words(r["form"], FORM_WORDS["it"])),
        ("Data inizio", "start_date", dates(r["start"], "dmy_slash")),
        ("Data fine", "end_date", dates(r["end"], "dmy_slash")),
        ("Link", "url", r["url"]),
        ("Area ISCED", "isced_f_code", r["isced"]),
        ("Descrizione", "description", r["description"]),
    ]
    return csv_system(name, fields, ";")


def _pt_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    unit = np.where(rng.random(len(r)) < 0.5, "{} ECTS", "{} créditos ECTS")
    ects = [
        None if e != e else u.format(f"{e:g}".replace(".", ","))
        for e, u in zip(r["ects"], unit, strict=True)
    ]
    fields = [
        ("id", "source_record_id", r["record_id"]),
        ("designacao", "title", r["title"]),
        ("entidade.nome", "provider_name", r["provider_name"]),
        ("entidade.pais", "provider_country", ["Portugal"] * len(r)),
        ("ects", "ects", ects),
        ("nivelQEQ", "eqf_level", eqf_values(r["eqf"])),
        ("lingua", "languages", r["lang"]),
        ("modalidade", "participation_form", words(r["form"], FORM_WORDS["pt"])),
        ("inicio", "start_date", dates(r["start"], "iso_offset")),
        ("url", "url", r["url"]),
        ("areaEducacaoFormacao", "isced_f_code", r["isced"]),
    ]
    return json_system(name, fields, "registos")


def _se_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("Anmälningskod", "source_record_id", r["record_id"]),
        ("Lärosäte", "provider_name", r["provider_name"]),
        ("Kursnamn", "title", r["title"]),
        ("Omfattning", "ects", credits_text(r["ects"].to_numpy(), "{} hp", "sv")),
        ("Undervisningsspråk", "languages", lang_names(r, "se-register")),
        ("Studieform", None, words(r["form"], FORM_WORDS["sv"])),
        ("Startdatum", "start_date", dates(r["start"], "iso")),
        ("Slutdatum", "end_date", dates(r["end"], "iso")),
        ("Webbsida", "url", r["url"]),
        ("Land", "provider_country", ["Sverige"] * len(r)),
    ]
    return csv_system(name, fields, ",")


def _cz_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("@id", "source_record_id", r["record_id"]),
        ("nazev", "title", r["title"]),
        ("poskytovatel", "provider_name", r["provider_name"]),
        ("zeme", "provider_country", ["CZ"] * len(r)),
        ("kredity", "ects", credits_text(r["ects"].to_numpy(), "{}", "cs")),
        ("uroven_eqf", "eqf_level", eqf_text(r["eqf"])),
        ("jazyk", "languages", r["lang"]),
        ("odkaz", "url", r["url"]),
        ("zahajeni", "start_date", dates(r["start"], "iso")),
        ("ukonceni", "end_date", dates(r["end"], "iso")),
        ("isced", "isced_f_code", r["isced"]),
        ("popis", "description", r["description"]),
    ]
    return xml_system(name, "registr", "mikrocertifikat", fields)


def _fi_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("oid", "source_record_id", r["record_id"]),
        ("nimi.fi", "title", r["title"]),
        ("organisaatio.nimi.fi", "provider_name", r["provider_name"]),
        ("maa", "provider_country", ["Suomi"] * len(r)),
        ("laajuus", "ects", credits_text(r["ects"].to_numpy(), "{} op", "fi")),
        ("opetuskieli", "languages", [[lg] if lg else [] for lg in lang_names(r, "fi-register")]),
        ("opetustapa", "participation_form", words(r["form"], FORM_WORDS["fi"])),
        ("alkaa", "start_date", dates(r["start"], "iso")),
        ("paattyy", "end_date", dates(r["end"], "iso")),
        ("linkki", "url", r["url"]),
        ("eqf", "eqf_level", eqf_values(r["eqf"])),
    ]
    return json_system(name, fields, "result", "next")


def _gr_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("@kodikos", "source_record_id", r["record_id"]),
        ("titlos", "title", r["title"]),
        ("foreas", "provider_name", r["provider_name"]),
        ("xora", "provider_country", ["EL"] * len(r)),
        ("ects", "ects", credits_text(r["ects"].to_numpy(), "{} ECTS", "el")),
        ("epipedo_eqf", "eqf_level", eqf_text(r["eqf"])),
        ("glossa", "languages", lang_names(r, "gr-register")),
        ("syndesmos", "url", r["url"]),
        ("enarxi", "start_date", dates(r["start"], "ymd_slash")),
        ("lixi", "end_date", dates(r["end"], "ymd_slash")),
    ]
    return xml_system(name, "mitroo", "mikropistopoiisi", fields)


def _gb_register(rng, r: pd.DataFrame, name: str, providers: pd.DataFrame) -> tuple[dict, dict]:
    city = providers["city"].to_numpy(dtype=object)[r["pidx"].to_numpy()]
    ects = r["ects"].to_numpy()
    credits = np.where(
        rng.random(len(r)) < 0.5,
        credits_text(ects * 2, "{} CATS points"),
        credits_text(ects, "{} ECTS"),
    )
    fields = [
        ("Reference", "source_record_id", r["record_id"]),
        ("Provider", "provider_name", r["provider_name"]),
        ("Course title", "title", r["title"]),
        ("Credits", "ects", credits),
        ("Level", "nqf_level", uk_levels(r["eqf"].to_numpy(), city)),
        ("Study mode", "participation_form", words(r["form"], FORM_WORDS["xcri"])),
        ("Start date", "start_date", dates(r["start"], "dmy_slash")),
        ("URL", "url", r["url"]),
        (
            "Subject",
            "isced_f_code",
            isced_labels(r["isced"].to_numpy(dtype=object), "en", 0.4, rng),
        ),
        ("Country", "provider_country", ["United Kingdom"] * len(r)),
    ]
    return csv_system(name, fields, ",")


def _ie_register(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("courseId", "source_record_id", r["record_id"]),
        ("courseTitle", "title", r["title"]),
        ("provider", "provider_name", r["provider_name"]),
        ("country", "provider_country", ["Ireland"] * len(r)),
        ("nfqLevel", "nqf_level", nfq_levels(r["eqf"].to_numpy())),
        ("ectsCredits", "ects", numbers(r["ects"])),
        ("deliveryMode", "participation_form", words(r["form"], FORM_WORDS["en"])),
        ("startDate", "start_date", dates(r["start"], "iso")),
        ("courseUrl", "url", r["url"]),
    ]
    return json_system(name, fields, defaults={"nqf_framework": "NFQ-IE"})


def _openlearn(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    """An edX-like catalogue: paginated results, the partner university as owner, effort in
    hours, US spelling."""
    fields = [
        ("key", "source_record_id", r["record_id"]),
        ("title", "title", r["title"]),
        ("partner.name", "awarding_body_name", r["provider_name"]),
        ("partner.country", "awarding_body_country", r["provider_country"]),
        ("effort_hours", "workload_hours", numbers(r["hours"])),
        ("credits_ects", "ects", numbers(r["ects"])),
        ("language", "languages", lang_names(r, "openlearn-eu")),
        ("start", "start_date", dates(r["start"], "iso_z")),
        ("marketing_url", "url", r["url"]),
        ("short_description", "description", r["description"]),
    ]
    return json_system(name, fields, "results", "next", {"participation_form": "online"})


def _courseway(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    """A FutureLearn-like feed: a flat list, the organisation by name only, runs, hours."""
    fields = [
        ("uuid", "source_record_id", r["record_id"]),
        ("name", "title", r["title"]),
        ("organisation.name", "awarding_body_name", r["provider_name"]),
        ("run.start_date", "start_date", dates(r["start"], "iso")),
        ("total_hours", "workload_hours", numbers(r["hours"])),
        ("url", "url", r["url"]),
        ("introduction", "description", r["description"]),
        ("language", "languages", r["lang"]),
    ]
    return json_system(name, fields, defaults={"participation_form": "online"})


def _edumooc(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    fields = [
        ("id", "source_record_id", r["record_id"]),
        ("title", "title", r["title"]),
        ("institution.name", "awarding_body_name", r["provider_name"]),
        ("institution.country", "awarding_body_country", r["provider_country"]),
        ("language", "languages", r["lang"]),
        ("ects", "ects", numbers(r["ects"])),
        ("hours", "workload_hours", numbers(r["hours"])),
        ("start", "start_date", dates(r["start"], "ymd_slash")),
        ("url", "url", r["url"]),
        ("description", "description", r["description"]),
    ]
    return json_system(name, fields, "courses", defaults={"participation_form": "online"})


def _alliance(rng, r: pd.DataFrame, name: str) -> tuple[dict, dict]:
    """A European university alliance's course catalogue in English (schema.org-like)."""
    fields = [
        ("courseCode", "source_record_id", r["record_id"]),
        ("name.en", "title", r["title"]),
        ("provider.name", "provider_name", r["provider_name"]),
        ("provider.country", "provider_country", r["provider_country"]),
        ("numberOfCredits", "ects", numbers(r["ects"])),
        ("inLanguage", "languages", r["lang"]),
        ("url", "url", r["url"]),
        ("eqfLevel", "eqf_level", eqf_values(r["eqf"])),
        ("iscedF", "isced_f_code", r["isced"]),
    ]
    return json_system(name, fields, "courses")


WRITERS = {
    "pl-usos": _pl_usos,
    "it-esse3": _it_esse3,
    "pt-json": _pt_json,
    "se-csv": _se_csv,
    "cz-stag": _cz_stag,
    "fi-json": _fi_json,
    "gr-xml": _gr_xml,
    "ie-csv": _ie_csv,
    "company-json": _company_json,
    "pl-register": _pl_register,
    "it-register": _it_register,
    "pt-register": _pt_register,
    "se-register": _se_register,
    "cz-register": _cz_register,
    "fi-register": _fi_register,
    "gr-register": _gr_register,
    "ie-register": _ie_register,
    "openlearn-eu": _openlearn,
    "courseway": _courseway,
    "edumooc": _edumooc,
    ALLIANCE: _alliance,
}


# --- registry, labels, manifest -------------------------------------------------------------


def write_sources(rng, rec: pd.DataFrame, providers: pd.DataFrame, feeds: Path) -> list[dict]:
    """Every source's feed files under `feeds`, and its registry entry."""
    entries = []
    for source_id, r in rec.groupby("source_id", sort=True):
        r = r.reset_index(drop=True)
        if source_id.endswith("-feed"):
            provider = providers.iloc[int(r["pidx"].iat[0])]
            system, owner = provider["system"], provider["id"]
        else:
            system, owner = source_id, source_id
        if system == "gb-xcri":
            files, spec = _gb_xcri(rng, r, source_id, provider)
        elif system == "gb-register":
            files, spec = _gb_register(rng, r, source_id, providers)
        else:
            files, spec = WRITERS[system](rng, r, source_id)
        for filename, body in files.items():
            (feeds / filename).write_bytes(body)
        entry = {"id": source_id, "provider": owner, "url": f"feeds/{min(files)}", **spec}
        if source_id in AGGREGATORS:  # a register speaks for its country, a platform for anyone
            country = AGGREGATORS[source_id][1]
            register = source_id.endswith("-register")
            entry["speaks_for"] = {"countries": [country]} if register else {"any": True}
        entries.append(entry)
    return entries


def registry_providers(providers: pd.DataFrame) -> list[dict]:
    out = []
    for row in providers.itertuples(index=False):
        aliases = [a for a in (row.english, row.acronym, row.other_name, row.brand) if a]
        aliases = [a for i, a in enumerate(aliases) if a != row.name and a not in aliases[:i]]
        identifiers = {"schac": row.schac, "pic": row.pic}
        if row.erasmus:
            identifiers["erasmus"] = row.erasmus
        out.append(
            {
                "id": row.id,
                "name": row.name,
                "country": row.country,
                "aliases": aliases,
                "identifiers": identifiers,
                "trusted": row.kind == "university",
            }
        )
    for sid, (name, country, aliases, _) in AGGREGATORS.items():
        out.append(
            {"id": sid, "name": name, "country": country, "aliases": aliases, "trusted": False}
        )
    return out


def write_registry(out: Path, providers: pd.DataFrame, sources: list[dict]) -> None:
    document = {"providers": registry_providers(providers), "sources": sources}
    header = (
        "# Generated by bench/generate_independent.py: fictitious providers and feeds in the\n"
        "# shape of real catalogues; labels of every record in labels.parquet.\n"
    )
    text = yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=120)
    (out / "registry.yaml").write_text(header + text, encoding="utf-8")


def write_labels(out: Path, rec: pd.DataFrame, cred: pd.DataFrame, providers) -> pd.DataFrame:
    labels = pd.DataFrame(
        {
            "source_id": rec["source_id"].astype(str),
            "source_record_id": rec["record_id"].astype(str),
            "cluster": rec["cluster"].astype(str),
            "kind": rec["kind"].astype(str),
            "noise": rec["noise"].astype(str),
        }
    )
    labels.to_parquet(out / "labels.parquet", index=False)
    written = cred[cred["cluster"].isin(set(labels["cluster"]))].copy()
    # a family some of whose members were not written (past the records asked for) may be one
    written.loc[written.groupby("family")["family"].transform("size") < 2, "family_kind"] = None
    family = written["family"].where(written["family_kind"].notna())
    clusters = pd.DataFrame(
        {
            "cluster": written["cluster"].astype(str),
            "family": [None if f != f else f"fam-{int(f):06d}" for f in family],
            "family_kind": written["family_kind"].astype(object),
            "provider_id": providers["id"].to_numpy()[written["pidx"].to_numpy()],
            "country": written["country"].astype(str),
            "language": written["lang"].astype(str),
            "title": written["title"].astype(str),
            "ects": written["ects"].astype(float),
        }
    )
    clusters.to_parquet(out / "clusters.parquet", index=False)
    return clusters


def write_manifest(out: Path, args, rec: pd.DataFrame, clusters, providers, sources, seconds):
    tags = pd.Series(rec["noise"]).str.split("+").explode()
    manifest = {
        "generator": "bench/generate_independent.py",
        "seed": args.seed,
        "records": len(rec),
        "sources": len(sources),
        "providers": len(providers),
        "true_micro_credentials": len(clusters),
        "records_by_kind": rec["kind"].value_counts().sort_index().to_dict(),
        "records_by_country": rec["provider_country"].value_counts().sort_index().to_dict(),
        "copies_per_micro_credential": rec.groupby("cluster")
        .size()
        .value_counts()
        .sort_index()
        .to_dict(),
        "families_by_kind": clusters.dropna(subset=["family"])
        .groupby("family_kind")["family"]
        .nunique()
        .to_dict(),
        "micro_credentials_in_families": int(clusters["family"].notna().sum()),
        "records_by_noise": tags[tags != ""].value_counts().sort_index().to_dict(),
        "seconds": round(seconds, 1),
    }
    (out / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n")
    return manifest


def generate(records: int, out: Path, seed: int) -> dict:
    started = time.perf_counter()
    parts = TitleParts()
    for copies_per_credential in (1.1, 0.9, 0.7):  # more credentials if titles repeat a lot
        rng = np.random.default_rng(seed)
        n_cred = int(records / copies_per_credential) + 10
        providers = build_providers(rng, max(40, n_cred // 400))
        cred = build_credentials(rng, parts, providers, n_cred)
        copies = plan_copies(rng, cred, providers, records)
        if len(copies) == records:
            break
    else:
        raise SystemExit(f"planned {len(copies)} records, fewer than {records}")
    rec = render_records(rng, parts, cred, providers, copies)
    if out.exists():
        shutil.rmtree(out)
    (out / "feeds").mkdir(parents=True)
    sources = write_sources(rng, rec, providers, out / "feeds")
    write_registry(out, providers, sources)
    clusters = write_labels(out, rec, cred, providers)
    args = argparse.Namespace(seed=seed)
    return write_manifest(
        out, args, rec, clusters, providers, sources, time.perf_counter() - started
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "out" / "dedup-independent")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    args = parser.parse_args()
    manifest = generate(args.records, args.out, args.seed)
    print(
        f"wrote {manifest['records']:,} records of {manifest['true_micro_credentials']:,} "
        f"micro-credentials from {manifest['sources']} sources "
        f"({manifest['providers']} providers) to {args.out} in {manifest['seconds']} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
