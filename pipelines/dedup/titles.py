"""How titles are compared: normalised (case, accents, punctuation, abbreviations, years, words
about the mode of delivery), their series numbers, and the words one title has that the other
lacks."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
from rapidfuzz import fuzz

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
    (  # noqa: SIM905
        "a an and the to of for in on with at by from de der die das des dem den fur im zu la le "
        "les du et en pour par avec het van voor met op el los las del para con y di della per e "
        "il lo"
    ).split()
)

#: Words that say how a course is offered, not what it is: dropped before comparing titles.
NOISE_WORDS = (
    "mooc",
    "online",
    "online course",
    "course",
    "micro credential",
    "microcredential",
    "micro credentials",
    "certificate",
    "e learning",
    "elearning",
    "self paced",
    "blended",
    "spoc",
)

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


def normalise_titles(titles: pd.Series) -> pd.Series:
    """The form titles are compared in: no case, accents, punctuation, abbreviations, years,
    or words about the mode of delivery; Roman numerals as digits. Computed once per distinct
    title, in Arrow (RE2), so a million titles take seconds."""
    distinct = pd.unique(titles.dropna().astype("str").to_numpy())
    text = pc.utf8_normalize(pa.array(distinct, type=pa.string()), form="NFKD")
    text = replace(text, r"\p{Mn}+", "")
    text = pc.utf8_lower(text)
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


def _is_counterpart(word: str, others: set[str]) -> bool:
    """A word has a counterpart when the other title has it, a typo of it (rapidfuzz ratio of at
    least 75) or an abbreviation or part of it ('admin', 'zert kurs' for 'zertifikatskurs')."""
    return word in others or any(
        fuzz.ratio(word, other) >= 75
        or (min(len(word), len(other)) >= 3 and (word.startswith(other) or other.startswith(word)))
        or (min(len(word), len(other)) >= 4 and (word in other or other in word))
        for other in others
    )


def words_without_counterpart(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where a subject word of one title has no counterpart in the other ('Python' and
    'R' for Data Science). Only pairs with similar, unequal titles get here."""
    out = np.zeros(len(left), dtype=bool)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        words_a, words_b = set(a.split()) - FILLER_WORDS, set(b.split()) - FILLER_WORDS
        out[i] = any(not _is_counterpart(w, words_b) for w in words_a - words_b) or any(
            not _is_counterpart(w, words_a) for w in words_b - words_a
        )
    return out
