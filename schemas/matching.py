"""Duplicate detection: which accepted records describe the same micro-credential (spec section 6).

Declarative, in the manner of splink: blocking rules say which pairs are compared (DuckDB joins
on the awarding provider and a title's rarest words or its URL, so a million records never become
a trillion pairs), comparisons give each field of a pair a
level and a weight (log2 of a Bayes factor), and a pair whose weights sum to at least
`match_weight` is a match. Matches are joined into clusters (connected components). Every pair
compared above `review_weight` is kept with its evidence, so a merge can always be explained.

Weights are set by hand from what the fields mean rather than estimated by EM: a catalogue needs
merges that are explainable and that do not drift from run to run. Thresholds and weights can be
changed in the registry (`matching:`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist


class MatchSettings(BaseModel):
    """Thresholds and weights of duplicate detection (registry key `matching`)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    provider_similarity: float = Field(
        default=90.0,
        ge=50,
        le=100,
        description="a provider name this similar to a registered "
        "name or alias (rapidfuzz ratio) is that provider",
    )
    match_weight: float = Field(default=4.0, description="a pair at or above this is merged")
    review_weight: float = Field(
        default=0.0,
        description="pairs at or above this, or with similar titles, are kept in `matches`",
    )
    title_exact: float = 8.0
    title_high: float = 6.0
    title_high_similarity: float = Field(default=94.0, ge=0, le=100)
    title_close: float = 3.0
    title_close_similarity: float = Field(default=85.0, ge=0, le=100)
    title_far: float = -12.0
    word_differs: float = Field(
        default=-10.0, description="a word of one title has no close counterpart in the other"
    )
    series_differs: float = Field(
        default=-30.0, description="'Part I' / 'Part II', 'Data Analytics 1' / '2'"
    )
    url_equal: float = 12.0
    url_differs: float = -1.0
    ects_equal: float = 2.0
    ects_differs: float = -30.0
    eqf_equal: float = 1.0
    eqf_differs: float = -12.0
    languages_overlap: float = 1.0
    languages_disjoint: float = -10.0
    isced_equal: float = 1.0
    isced_differs: float = -2.0
    blocking_words: int = Field(
        default=4,
        ge=2,
        le=6,
        description="records are compared when they share two of their titles' this many rarest "
        "words (a typo in one word leaves the others)",
    )


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
    [
        "a",
        "an",
        "and",
        "the",
        "to",
        "of",
        "for",
        "in",
        "on",
        "with",
        "at",
        "by",
        "from",
        "de",
        "der",
        "die",
        "das",
        "des",
        "dem",
        "den",
        "fur",
        "im",
        "in",
        "zu",
        "la",
        "le",
        "les",
        "du",
        "des",
        "et",
        "en",
        "pour",
        "par",
        "avec",
        "het",
        "van",
        "voor",
        "met",
        "op",
        "el",
        "los",
        "las",
        "del",
        "para",
        "con",
        "y",
        "di",
        "della",
        "per",
        "e",
        "il",
        "lo",
    ]
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
_ROMAN_AT_END = re.compile(r"\b(viii|vii|vi|iv|v|iii|ii|i)$")
_ROMAN_ANYWHERE = re.compile(r"\b(viii|vii|vi|iv|iii|ii)\b")
_SERIES_WORDS = r"(?:part|teil|partie|deel|parte|module|modul|level|niveau|unit|block|volume|vol)"


def normalise_titles(titles: pd.Series) -> pd.Series:
    """The form titles are compared in: no case, accents, punctuation, abbreviations, years,
    or words about the mode of delivery. Computed once per distinct title."""
    distinct = pd.Series(titles.dropna().unique(), dtype="object")
    text = distinct.str.normalize("NFKD").str.replace(r"[\u0300-\u036f]", "", regex=True)
    text = text.str.casefold().str.replace("ß", "ss", regex=False)
    text = text.str.replace(r"[&+]", " & ", regex=True)
    text = text.str.replace(r"[^\w&']+|_", " ", regex=True).str.replace("'", "", regex=False)
    words = text.str.split()
    text = words.map(lambda ws: " ".join(ABBREVIATIONS.get(w, w) for w in ws))
    text = text.str.replace(r"\b(?:19|20)\d\d(?:\s+\d\d)?\b", " ", regex=True)
    noise = "|".join(sorted((re.escape(w) for w in NOISE_WORDS), key=len, reverse=True))
    text = text.str.replace(rf"\b(?:{noise})\b", " ", regex=True)
    text = text.str.split().str.join(" ")
    text = text.str.replace(_ROMAN_AT_END, lambda m: _ROMAN[m.group(1)], regex=True)
    text = text.str.replace(_ROMAN_ANYWHERE, lambda m: _ROMAN[m.group(1)], regex=True)
    text = text.str.replace(
        rf"\b{_SERIES_WORDS} (?:i|v)\b",
        lambda m: m.group(0)[:-1] + _ROMAN[m.group(0)[-1]],
        regex=True,
    )
    lookup = dict(zip(distinct, text, strict=True))
    return titles.map(lookup).astype("object")


def series_markers(normalised: pd.Series) -> pd.Series:
    """The numbers in a title ('part 2', 'analytics 3', '4 0'): titles that differ in them are
    different micro-credentials in a series, however similar the rest."""
    distinct = pd.Series(normalised.dropna().unique(), dtype="object")
    markers = distinct.str.findall(r"\b\d{1,3}\b").str.join(" ")
    return normalised.map(dict(zip(distinct, markers, strict=True))).astype("object")


def normalise_urls(urls: pd.Series) -> pd.Series:
    """Scheme, `www.`, case of the host, fragments, tracking parameters and a final slash do not
    make another page."""
    text = urls.astype("object").str.strip()
    text = text.str.replace(r"(?i)^https?://(?:www\.)?", "", regex=True)
    text = text.str.replace(r"#.*$", "", regex=True)
    text = text.str.replace(
        r"(?i)(?<=[?&])(?:utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=[^&]*&?", "", regex=True
    )
    text = text.str.replace(r"[?&]+$", "", regex=True).str.replace(r"/+(?=\?|$)", "", regex=True)
    host = text.str.extract(r"^([^/?]*)(.*)$")
    return (host[0].str.casefold() + host[1]).where(text.notna() & (text != ""), None)


@dataclass
class Deduplication:
    """`cluster` gives each record (by position) its cluster number; `matches` the pairs."""

    cluster: np.ndarray
    matches: pd.DataFrame


#: Columns of `matches` describing a compared pair (positions are replaced by record keys later).
EVIDENCE = ("title", "title_similarity", "series", "url", "ects", "eqf", "languages", "isced_f")


def match_keys(records: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """What each record is compared and blocked on."""
    title = normalise_titles(records["title"])
    url = normalise_urls(records["url"])
    # A URL shared by several records of one source is a catalogue page, not evidence.
    shared = url.notna() & pd.DataFrame({"s": records["source_id"], "u": url}).duplicated(
        ["s", "u"], keep=False
    )
    languages = records["languages"].map(
        lambda v: (
            " ".join(sorted(v)) if isinstance(v, list | tuple | np.ndarray) and len(v) else None
        )
    )
    return pd.DataFrame(
        {
            "row": np.arange(len(records), dtype=np.int64),
            "owner": records["match_provider"].astype("object").to_numpy(),
            "title": title.to_numpy(),
            "series": series_markers(title).to_numpy(),
            "url": url.where(~shared, None).to_numpy(),
            "ects": records["ects"].astype("float64").to_numpy(),
            "eqf": records["eqf_level"]
            .astype("Float64")
            .to_numpy(dtype="float64", na_value=np.nan),
            "languages": languages.to_numpy(),
            "isced_f": records["isced_f_code"].astype("object").to_numpy(),
        }
    )


def blocking_keys(keys: pd.DataFrame, count: int) -> pd.DataFrame:
    """(row, owner, key) rows: every pair of a title's `count` rarest words (the whole title
    when it has fewer than two words).

    Rare words say what a course is about ('hydrogen', 'photovoltaics'); common ones ('to',
    'introduction') would put a provider's whole catalogue in one block. Pairs of them keep
    blocks small, and a typo in one word leaves the other pairs intact."""
    words = keys[["row", "title"]].assign(word=keys["title"].str.split())
    words = words.drop(columns="title").explode("word").dropna(subset=["word"])
    words = words.drop_duplicates(["row", "word"])
    words["frequency"] = words["word"].map(words["word"].value_counts())
    words = words.sort_values(["row", "frequency", "word"], kind="stable")
    rare = words.groupby("row", sort=False).head(count)
    rare = rare.assign(position=rare.groupby("row", sort=False).cumcount())
    wide = rare.pivot(index="row", columns="position", values="word")
    frames = []
    for i in range(count):
        for j in range(i + 1, count):
            if i not in wide or j not in wide:
                continue
            a, b = wide[i], wide[j]
            both = a.notna() & b.notna()
            low, high = (
                np.minimum(a[both].to_numpy(), b[both].to_numpy()),
                np.maximum(a[both].to_numpy(), b[both].to_numpy()),
            )
            frames.append(pd.DataFrame({"row": a.index[both], "key": low + "\x1f" + high}))
    single = wide[1].isna() if 1 in wide else pd.Series(True, index=wide.index)
    frames.append(pd.DataFrame({"row": wide.index[single], "key": wide.loc[single, 0]}))
    blocks = pd.concat(frames, ignore_index=True).drop_duplicates()
    blocks["owner"] = keys["owner"].to_numpy()[blocks["row"].to_numpy()]
    return blocks


def candidate_pairs(keys: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Pairs (left < right) of one awarding provider that share two of their titles' rarest
    words (or the whole title) or the page URL."""
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.register("w", blocking_keys(keys, settings.blocking_words))
        con.register("u", keys.loc[keys["url"].notna(), ["row", "owner", "url"]])
        return con.execute(
            "SELECT l.row AS left_row, r.row AS right_row FROM w l JOIN w r "
            "ON l.owner = r.owner AND l.key = r.key AND l.row < r.row "
            "UNION "
            "SELECT l.row, r.row FROM u l JOIN u r "
            "ON l.owner = r.owner AND l.url = r.url AND l.row < r.row "
            "ORDER BY left_row, right_row"
        ).df()
    finally:
        con.close()


def _is_counterpart(word: str, others: set[str]) -> bool:
    """A word has a counterpart when the other title has it, a typo of it (rapidfuzz ratio of at
    least 75) or an abbreviation or part of it ('admin', 'zert kurs' for 'zertifikatskurs')."""
    return word in others or any(
        fuzz.ratio(word, other) >= 75
        or (min(len(word), len(other)) >= 3 and (word.startswith(other) or other.startswith(word)))
        or (min(len(word), len(other)) >= 4 and (word in other or other in word))
        for other in others
    )


def _words_without_counterpart(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """True where a subject word of one title has no counterpart in the other ('Python' and
    'R' for Data Science). Only pairs with similar titles get here, a small share of pairs."""
    out = np.zeros(len(left), dtype=bool)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        words_a, words_b = set(a.split()) - FILLER_WORDS, set(b.split()) - FILLER_WORDS
        out[i] = any(not _is_counterpart(w, words_b) for w in words_a - words_b) or any(
            not _is_counterpart(w, words_a) for w in words_b - words_a
        )
    return out


def _level(
    left: np.ndarray, right: np.ndarray, equal: float, differs: float
) -> tuple[np.ndarray, np.ndarray]:
    """Weight and label of an equal / different / unknown comparison."""
    known = pd.notna(left) & pd.notna(right)
    same = known & (left == right)
    weight = np.where(same, equal, np.where(known, differs, 0.0))
    label = np.where(same, "equal", np.where(known, "differs", "unknown"))
    return weight, label.astype(object)


def compare_pairs(keys: pd.DataFrame, pairs: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Each pair's evidence per field and its total weight."""
    s = settings
    left = keys.iloc[pairs["left_row"].to_numpy()].reset_index(drop=True)
    right = keys.iloc[pairs["right_row"].to_numpy()].reset_index(drop=True)
    lt, rt = left["title"].to_numpy(dtype=object), right["title"].to_numpy(dtype=object)
    similarity = (
        cpdist(lt, rt, scorer=fuzz.ratio, workers=-1).astype("float64")
        if len(pairs)
        else np.zeros(0)
    )
    exact = lt == rt
    title_weight = np.select(
        [exact, similarity >= s.title_high_similarity, similarity >= s.title_close_similarity],
        [s.title_exact, s.title_high, s.title_close],
        s.title_far,
    )
    title_label = np.select(
        [exact, similarity >= s.title_high_similarity, similarity >= s.title_close_similarity],
        ["equal", "very similar", "similar"],
        "different",
    ).astype(object)
    inexact = ~exact & (similarity >= s.title_close_similarity)
    word = np.zeros(len(pairs), dtype=bool)
    word[inexact] = _words_without_counterpart(lt[inexact], rt[inexact])
    title_weight = title_weight + np.where(word, s.word_differs, 0.0)
    title_label = np.where(word, title_label + ", a word differs", title_label)

    series_same = left["series"].to_numpy(dtype=object) == right["series"].to_numpy(dtype=object)
    series_weight = np.where(series_same, 0.0, s.series_differs)
    series_label = np.where(series_same, "same", "differs").astype(object)
    url_weight, url_label = _level(
        left["url"].to_numpy(dtype=object),
        right["url"].to_numpy(dtype=object),
        s.url_equal,
        s.url_differs,
    )
    ects_weight, ects_label = _level(
        left["ects"].to_numpy(), right["ects"].to_numpy(), s.ects_equal, s.ects_differs
    )
    eqf_weight, eqf_label = _level(
        left["eqf"].to_numpy(), right["eqf"].to_numpy(), s.eqf_equal, s.eqf_differs
    )
    isced_weight, isced_label = _level(
        left["isced_f"].to_numpy(dtype=object),
        right["isced_f"].to_numpy(dtype=object),
        s.isced_equal,
        s.isced_differs,
    )
    ll, rl = left["languages"].to_numpy(dtype=object), right["languages"].to_numpy(dtype=object)
    known = pd.notna(ll) & pd.notna(rl)
    overlap = np.zeros(len(pairs), dtype=bool)
    overlap[known] = [
        bool(set(a.split()) & set(b.split())) for a, b in zip(ll[known], rl[known], strict=True)
    ]
    language_weight = np.where(
        overlap, s.languages_overlap, np.where(known, s.languages_disjoint, 0.0)
    )
    language_label = np.where(overlap, "overlap", np.where(known, "disjoint", "unknown")).astype(
        object
    )
    weight = (
        title_weight
        + series_weight
        + url_weight
        + ects_weight
        + eqf_weight
        + isced_weight
        + language_weight
    )
    return pd.DataFrame(
        {
            "left_row": pairs["left_row"].to_numpy(),
            "right_row": pairs["right_row"].to_numpy(),
            "weight": weight.round(3),
            "matched": weight >= s.match_weight,
            "title": title_label,
            "title_similarity": similarity.round(1),
            "series": series_label,
            "url": url_label,
            "ects": ects_label,
            "eqf": eqf_label,
            "languages": language_label,
            "isced_f": isced_label,
        }
    )


def connected_components(n: int, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Smallest member position of each node's component (label propagation, pointer jumping)."""
    labels = np.arange(n, dtype=np.int64)
    if not len(left):
        return labels
    while True:
        low = np.minimum(labels[left], labels[right])
        updated = labels.copy()
        np.minimum.at(updated, left, low)
        np.minimum.at(updated, right, low)
        while True:
            jumped = updated[updated]
            if np.array_equal(jumped, updated):
                break
            updated = jumped
        if np.array_equal(updated, labels):
            return labels
        labels = updated


def _split_volume_conflicts(
    labels: np.ndarray, ects: np.ndarray, edges: pd.DataFrame
) -> np.ndarray:
    """A record without ECTS can bridge two records of different volumes (5 and 10 ECTS) into one
    component; such components are split by volume, each record without one joining the volume of
    its strongest match."""
    frame = pd.DataFrame({"label": labels, "ects": ects})
    volumes = frame.dropna().groupby("label")["ects"].nunique()
    conflicted = volumes.index[volumes > 1]
    if not len(conflicted):
        return labels
    rows = np.flatnonzero(frame["label"].isin(conflicted).to_numpy())
    labels = labels.copy()
    with_volume = rows[~np.isnan(ects[rows])]
    by_volume = (
        pd.DataFrame(
            {
                "row": with_volume,
                "key": list(zip(labels[with_volume], ects[with_volume], strict=True)),
            }
        )
        .groupby("key")["row"]
        .transform("min")
    )
    labels[with_volume] = by_volume.to_numpy()
    without = set(rows[np.isnan(ects[rows])].tolist())
    if without:
        both = pd.concat(
            [
                edges.rename(columns={"left_row": "row", "right_row": "other"}),
                edges.rename(columns={"right_row": "row", "left_row": "other"}),
            ]
        )
        both = both[both["row"].isin(without) & ~both["other"].isin(without)]
        best = both.sort_values(["weight", "other"], ascending=[False, True]).drop_duplicates("row")
        labels[best["row"].to_numpy()] = labels[best["other"].to_numpy()]
    return labels


def deduplicate(records: pd.DataFrame, settings: MatchSettings | None = None) -> Deduplication:
    """Cluster records describing the same micro-credential.

    `records` needs title, url, ects, eqf_level, languages, isced_f_code, source_id and
    `match_provider` (who awards the credential, resolved to a provider id). The result is
    independent of the order of the records up to the numbering of clusters.
    """
    settings = settings or MatchSettings()
    keys = match_keys(records.reset_index(drop=True), settings)
    pairs = candidate_pairs(keys, settings)
    compared = compare_pairs(keys, pairs, settings)
    edges = compared[compared["matched"]]
    labels = connected_components(
        len(keys), edges["left_row"].to_numpy(), edges["right_row"].to_numpy()
    )
    labels = _split_volume_conflicts(labels, keys["ects"].to_numpy(), edges)
    kept = compared[
        (compared["weight"] >= min(settings.review_weight, settings.match_weight))
        | (compared["title_similarity"] >= settings.title_close_similarity)
    ]
    kept = kept.assign(
        merged=labels[kept["left_row"].to_numpy()] == labels[kept["right_row"].to_numpy()]
    )
    return Deduplication(labels, kept.reset_index(drop=True))
