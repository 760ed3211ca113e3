"""How titles are compared: normalised (case, accents, punctuation, abbreviations, years, words
about the mode of delivery), their series numbers, and the words one title has that the other
lacks."""

from __future__ import annotations

import re

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

#: Abbreviations written out before titles are compared.
ABBREVIATIONS = {
    "&": "and",
    "+": "and",
    "intro": "introduction",
    "introd": "introduction",
    "mgmt": "management",
    "mgt": "management",
    "mngmt": "management",
    "adv": "advanced",
    "fund": "fundamentals",
    "fundam": "fundamentals",
    "dev": "development",
    "eng": "engineering",
    "engg": "engineering",
    "tech": "technology",
    "sci": "science",
    "comp": "computer",
    "info": "information",
    "intl": "international",
    "int'l": "international",
    "prog": "programming",
    "sust": "sustainable",
    "govt": "government",
    "econ": "economics",
    "dept": "department",
    "univ": "university",
    "admin": "administration",
    "grundl": "grundlagen",
    "foundations": "fundamentals",
    "prof": "professional",
    "cert": "certificate",
    "f": "fur",
    "und": "and",
    "et": "and",
    "en": "and",
    "y": "and",
}

#: Words that carry no subject: a title that lacks one of them is not another course.
FILLER_WORDS = frozenset(
    (  # noqa: SIM905  function words of the catalogues' languages, after case and accents
        "a an and the to of for in on with at by from de der die das des dem den fur im zu la le "
        "les du et en pour par avec het van voor met op el los las del para con y di della per e "
        "il lo alle allo agli alla al ai dei degli delle dello nel nella nelle nei sul sulla "
        "da do dos das na no nos nas ao aos um uma w we z ze i oraz dla o po till och av pa med "
        "ja seka v ve s se pro k ke ta kai tou tis ton gia sta sto se "
        # series words: `beginners 2` and `beginners level 2` are one title
        "part teil partie deel parte module modul level niveau unit block volume vol poziom "
        "nivel livello taso uroven"
    ).split()
)

#: Words that say how or as what a course is offered, not what it is: dropped before comparing
#: titles (after case and accents: `mikropoświadczenie` is `mikroposwiadczenie`).
NOISE_WORDS = (
    *("mooc", "spoc", "online", "online course", "course", "short course", "e learning"),
    *("elearning", "self paced", "blended", "hybrid", "hybride", "hybrydowy"),
    *("micro credential", "microcredential", "micro credentials", "microcredentials"),
    *("microcredenziale", "microcredenziali", "microcredencial", "microcredencial"),
    *("mikroposwiadczenie", "mikrokwalifikacja", "mikrokvalifikace", "mikrotutkinto"),
    *("mikrobevis", "microcertificaat", "certificate", "certificate in", "certificat"),
    *("zertifikat", "zertifikatskurs", "certificado", "certificato", "kurs", "corso", "curso"),
    *("in presenza", "a distanza", "presencial", "a distancia", "en ligne", "a distance"),
    *("stacjonarnie", "zdalnie", "na dalku", "prezencni", "distancni", "distans"),
    *("distanskurs", "verkossa", "verkkokurssi", "lahiopetus", "fernstudium", "prasenz"),
    *("εξ αποστασεως", "δια ζωσης", "kurz", "szkolenie", "kurssi", "cpd"),
    *("intake", "cohort", "edition", "session"),
)

#: A course code before or after a title (`CS101 Introduction to ...`, `[SKU-00199] ...`,
#: `ΜΜ372: ...`, `... (MKT-204)`): evidence of its own, not part of the title. RE2 syntax.
_CODE = r"(?:\d{2,6}-)?[\p{Lu}]{1,6}[- ]?\d{2,6}[\p{Lu}]?"
_CODE_PATTERNS = (
    (r"^\s*\[(?P<code>[^\]]{1,24})\]\s*", ""),
    (rf"^\s*(?P<code>{_CODE})\s*[:\-–—|]\s*", ""),
    (r"^\s*(?P<code>[\p{Lu}]{2,6}-?\d{2,6}[\p{Lu}]?)\s+(?P<next>\p{L})", r"\2"),
    (rf"\s*\((?P<code>{_CODE})\)\s*$", ""),
)
#: Where a main title ends and its subtitle begins.
_SUBTITLE = r"\s*(?::|\s[-–—]\s|\().*$"
#: An edX-style partner prefix (`FHx: `, `DelftX: `), not part of the course's title.
_PARTNER_PREFIX = r"^\s*(?:[A-Z]{2,}x|[A-Z][a-z]+X)\s*:\s+"
#: Credits written into a title (`– 15 ECTS credits`, `(7,5 hp)`, `- 6 CFU`, `3 pkt ECTS`).
_CREDIT_WORDS = (
    "ects|ec|cfu|hp|op|sp|ov|stp|lp|cats|scqf|pkt|punkty|credits?|credit points?|"
    "opintopistetta|kredity|kreditu|creditos|crediti"
)
_CREDITS = rf"\d+(?:[.,]\d+)?\s*(?:{_CREDIT_WORDS})(?:\s+(?:{_CREDIT_WORDS}|points?))?\b"

_ROMAN = {"i": "1", "ii": "2", "iii": "3", "iv": "4", "v": "5", "vi": "6", "vii": "7", "viii": "8"}
_SERIES_WORDS = "part|teil|partie|deel|parte|module|modul|level|niveau|unit|block|volume|vol"


def replace(text: pa.Array, pattern: str, replacement: str) -> pa.Array:
    return pc.replace_substring_regex(text, pattern=pattern, replacement=replacement)


def _expand_abbreviations(text: pa.Array) -> pa.Array:
    """Whole words looked up in ABBREVIATIONS, all titles at once."""
    words = pc.utf8_split_whitespace(text)
    flat = pc.list_flatten(words)
    index = pc.index_in(flat, value_set=pa.array(list(ABBREVIATIONS), type=pa.string()))
    long = pc.take(pa.array(list(ABBREVIATIONS.values()), type=pa.string()), index)
    expanded = pc.if_else(pc.is_valid(index), long, flat)
    return pc.binary_join(pa.ListArray.from_arrays(words.offsets, expanded), " ")


def _without_codes(text: pa.Array) -> pa.Array:
    for pattern, replacement in _CODE_PATTERNS:
        text = replace(text, pattern, replacement)
    return text


def title_codes(titles: pd.Series) -> pd.Series:
    """The course code a title carries (`CS101`, `MKT204`, `SKU00199`), or None."""
    text = pa.array(titles.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    found = None
    for pattern, _ in _CODE_PATTERNS:
        code = pc.struct_field(pc.extract_regex(text, pattern=pattern), "code")
        found = code if found is None else pc.coalesce(found, code)
    code = replace(pc.utf8_upper(found), r"[\s\-\[\]]", "")
    result = pd.Series(code.to_numpy(zero_copy_only=False), index=titles.index, dtype="object")
    return result.where(result.notna() & (result != ""), None)


def main_titles(titles: pd.Series) -> pd.Series:
    """The normalised main title of titles that have a subtitle (`Design her: case studies` ->
    `design her`), None for the others."""
    text = _without_codes(
        pa.array(titles.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    )
    text = replace(text, _PARTNER_PREFIX, "")
    main = pd.Series(
        replace(text, _SUBTITLE, "").to_numpy(zero_copy_only=False), index=titles.index
    )
    full = pd.Series(text.to_numpy(zero_copy_only=False), index=titles.index)
    has_subtitle = main.notna() & (main.str.len() > 0) & (main != full)
    return normalise_titles(main.where(has_subtitle, None))


def sorted_words(normalised: pd.Series) -> pd.Series:
    """A normalised title's words without filler words, sorted: `climate change fundamentals`
    and `fundamentals of climate change` alike. Once per distinct title, in DuckDB."""
    distinct = pd.DataFrame({"title": pd.unique(normalised.dropna().astype("str").to_numpy())})
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.register("titles", distinct)
        found = con.execute(
            "SELECT title, array_to_string(list_sort(list_filter(string_split(title, ' '), "
            "lambda w: w <> '' AND NOT list_contains($fillers, w))), ' ') AS words FROM titles",
            {"fillers": sorted(FILLER_WORDS)},
        ).df()
    finally:
        con.close()
    lookup = pd.Series(found["words"].to_numpy(), index=found["title"].to_numpy())
    return normalised.map(lookup).astype("object")


def normalise_titles(titles: pd.Series) -> pd.Series:
    """The form titles are compared in: no case, accents, punctuation, abbreviations, years,
    or words about the mode of delivery; Roman numerals as digits. Computed once per distinct
    title, in Arrow (RE2), so a million titles take seconds."""
    distinct = pd.unique(titles.dropna().astype("str").to_numpy())
    text = _without_codes(pa.array(distinct, type=pa.string()))
    text = replace(text, _PARTNER_PREFIX, "")
    text = pc.utf8_normalize(text, form="NFKD")
    text = replace(text, r"\p{Mn}+", "")
    text = pc.utf8_lower(text)
    text = replace(text, _CREDITS, " ")
    text = replace(text, "ß", "ss")
    text = replace(text, r"[&+]", " & ")
    text = replace(text, "'", "")
    text = replace(text, r"[^\p{L}\p{N}&]+", " ")
    # a number glued to a word is a series marker too: beginners1, part2, level3, cs101
    text = replace(replace(text, r"(\p{L})(\p{N})", r"\1 \2"), r"(\p{N})(\p{L})", r"\1 \2")
    text = _expand_abbreviations(text)
    text = replace(text, r"\b(?:19|20)\d\d(?: \d\d)?\b", " ")
    noise = "|".join(sorted((re.escape(w) for w in NOISE_WORDS), key=len, reverse=True))
    text = replace(text, rf"\b(?:{noise})\b", " ")
    text = replace(text, r"\s+", " ")
    text = replace(text, r"^ | $", "")
    for roman in ("viii", "vii", "vi", "iv", "iii", "ii"):
        text = replace(text, rf"\b{roman}\b", _ROMAN[roman])
    for roman in ("v", "i"):  # also words ('i' is 'and' in Polish): only last or after 'part'
        text = replace(text, rf"(^| ){roman}$", rf"\1{_ROMAN[roman]}")
        text = replace(text, rf"\b({_SERIES_WORDS}) {roman}\b", rf"\1 {_ROMAN[roman]}")
    lookup = pd.Series(text.to_numpy(zero_copy_only=False), index=distinct)
    return titles.map(lookup).astype("object")


def series_markers(normalised: pd.Series) -> pd.Series:
    """The numbers in a title ('part 2', 'analytics 3', '4 0'): titles that differ in them are
    different micro-credentials in a series, however similar the rest."""
    text = pa.array(normalised.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    text = replace(text, r"\S*[^\d\s]\S*|\b\d{4,}\b", "")
    text = replace(replace(text, r"\s+", " "), r"^ | $", "")
    return pd.Series(text.to_numpy(zero_copy_only=False), index=normalised.index, dtype="object")


def _subject_words(titles: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each title's distinct subject words (filler words dropped), as CSR: `offsets` into
    `word_ids`, which index `words`."""
    text = pa.array(titles, type=pa.string(), from_pandas=True)
    split = pc.utf8_split_whitespace(text)
    frame = pd.DataFrame(
        {
            "title": pc.list_parent_indices(split).to_numpy(),
            "word": pc.list_flatten(split).to_numpy(zero_copy_only=False),
        }
    )
    frame = frame[(frame["word"] != "") & ~frame["word"].isin(FILLER_WORDS)].drop_duplicates()
    word_ids, words = pd.factorize(frame["word"])
    counts = np.bincount(frame["title"].to_numpy(), minlength=len(titles))
    offsets = np.concatenate([[0], np.cumsum(counts)])
    return offsets, word_ids.astype(np.int64), np.asarray(words, dtype=object)


def _expand(offsets: np.ndarray, word_ids: np.ndarray, titles: np.ndarray):
    """(position, word id) for every word of titles[position]."""
    starts, counts = offsets[titles], offsets[titles + 1] - offsets[titles]
    position = np.repeat(np.arange(len(titles)), counts)
    within = np.arange(counts.sum()) - np.repeat(np.cumsum(counts) - counts, counts)
    return position, word_ids[np.repeat(starts, counts) + within]


def _counterparts(words: np.ndarray, word: np.ndarray, other: np.ndarray) -> np.ndarray:
    """Whether `other` is a counterpart of `word` (by word id): a typo (rapidfuzz ratio of at
    least 75), an abbreviation or a part of it; computed once per distinct pair of words."""
    width = len(words)
    asked = word * width + other
    key = pd.unique(asked)
    a = words[key // width].astype(np.dtypes.StringDType())
    b = words[key % width].astype(np.dtypes.StringDType())
    similar = cpdist(a, b, scorer=fuzz.ratio, workers=-1) >= 75
    shortest = np.minimum(np.strings.str_len(a), np.strings.str_len(b))
    prefix = (shortest >= 3) & (np.strings.startswith(a, b) | np.strings.startswith(b, a))
    part = (shortest >= 4) & ((np.strings.find(b, a) >= 0) | (np.strings.find(a, b) >= 0))
    found = similar | prefix | part
    return found[pd.Index(key).get_indexer(asked)]


def words_without_counterpart(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where a subject word of one title has no counterpart in the other ('Python' and
    'R' for Data Science): not the same word, nor a typo of it (rapidfuzz ratio of at least
    75), nor an abbreviation or part of it ('admin', 'zert kurs' for 'zertifikatskurs').
    Column-wise on integer word ids; only pairs with similar, unequal titles get here."""
    n = len(left)
    out = np.zeros(n, dtype=bool)
    if not n:
        return out
    codes, titles = pd.factorize(np.concatenate([left, right]))
    offsets, word_ids, words = _subject_words(np.asarray(titles, dtype=object))
    sides = (codes[:n], codes[n:])
    width = len(words) + 1
    for mine, theirs in (sides, sides[::-1]):
        pair, word = _expand(offsets, word_ids, mine)
        other_pair, other_word = _expand(offsets, word_ids, theirs)
        lacking = ~pd.Series(pair * width + word).isin(other_pair * width + other_word).to_numpy()
        pair, word = pair[lacking], word[lacking]
        # every word of the other title is a candidate counterpart of each lacking word
        counts = np.bincount(other_pair, minlength=n)
        starts = np.concatenate([[0], np.cumsum(counts)])[pair]
        repeat = counts[pair]
        candidate = np.repeat(starts, repeat) + (
            np.arange(repeat.sum()) - np.repeat(np.cumsum(repeat) - repeat, repeat)
        )
        owner = np.repeat(np.arange(len(pair)), repeat)
        found = np.zeros(len(pair), dtype=bool)
        if len(candidate):
            ok = _counterparts(words, word[owner], other_word[candidate])
            np.logical_or.at(found, owner, ok)
        out[pair[~found]] = True
    return out
