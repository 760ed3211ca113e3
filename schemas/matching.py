"""Duplicate detection: which accepted records describe the same micro-credential (spec section 6).

Declarative, in the manner of splink: a blocking rule says which pairs are compared (DuckDB
joins within one awarding provider on two of a title's rarest words or on the page URL, so a
million records never become a trillion pairs); comparisons give each field of a pair a level and
a weight (log2 of a Bayes factor); a pair whose weights sum to at least `match_weight` is a
match. Matches are joined into clusters (connected components). Pairs above `review_weight` or
with similar titles are kept with their evidence, so every merge, and every near miss, can be
explained.

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
import pyarrow as pa
import pyarrow.compute as pc
from pydantic import BaseModel, ConfigDict, Field
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from schemas.lists import explode_items


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
    max_block_size: int = Field(
        default=200, ge=2, description="a blocking key shared by more records is not used"
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


def _replace(text: pa.Array, pattern: str, replacement: str) -> pa.Array:
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
    text = _replace(text, r"\p{Mn}+", "")
    text = pc.utf8_lower(text)
    text = _replace(text, "ß", "ss")
    text = _replace(text, r"[&+]", " & ")
    text = _replace(text, "'", "")
    text = _replace(text, r"[^\p{L}\p{N}&]+", " ")
    text = _expand_abbreviations(text)
    text = _replace(text, r"\b(?:19|20)\d\d(?: \d\d)?\b", " ")
    noise = "|".join(sorted((re.escape(w) for w in NOISE_WORDS), key=len, reverse=True))
    text = _replace(text, rf"\b(?:{noise})\b", " ")
    text = _replace(text, r"\s+", " ")
    text = _replace(text, r"^ | $", "")
    for roman in ("viii", "vii", "vi", "iv", "iii", "ii"):
        text = _replace(text, rf"\b{roman}\b", _ROMAN[roman])
    for roman in ("v", "i"):  # also words ('i' is 'and' in Polish): only last or after 'part'
        text = _replace(text, rf"(^| ){roman}$", rf"\1{_ROMAN[roman]}")
        text = _replace(text, rf"\b({_SERIES_WORDS}) {roman}\b", rf"\1 {_ROMAN[roman]}")
    lookup = pd.Series(text.to_numpy(zero_copy_only=False), index=distinct)
    return titles.map(lookup).astype("object")


def series_markers(normalised: pd.Series) -> pd.Series:
    """The numbers in a title ('part 2', 'analytics 3', '4 0'): titles that differ in them are
    different micro-credentials in a series, however similar the rest."""
    text = pa.array(normalised.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    text = _replace(text, r"\S*[^\d\s]\S*|\b\d{4,}\b", "")
    text = _replace(_replace(text, r"\s+", " "), r"^ | $", "")
    return pd.Series(text.to_numpy(zero_copy_only=False), index=normalised.index, dtype="object")


def normalise_urls(urls: pd.Series) -> pd.Series:
    """Scheme, `www.`, case, fragments, tracking parameters and a final slash do not make
    another page."""
    text = pa.array(urls.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(text))
    text = _replace(text, r"^https?://(?:www\.)?", "")
    text = _replace(text, r"#.*$", "")
    text = _replace(text, r"([?&])(?:utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=[^&]*", r"\1")
    text = _replace(_replace(text, r"&&+", "&"), r"\?&", "?")
    text = _replace(text, r"[?&]+$", "")
    text = _replace(text, r"/+(\?|$)", r"\1")
    result = pd.Series(text.to_numpy(zero_copy_only=False), index=urls.index, dtype="object")
    return result.where(result.notna() & (result != ""), None)


def _language_masks(languages: pd.Series) -> np.ndarray:
    """Each record's languages as bits of an integer (0: none given), so that two records'
    languages overlap when their masks share a bit. The 63 most frequent languages have a bit
    each; any rarer language shares the last one."""
    items = explode_items(languages).astype("str")
    masks = np.zeros(len(languages), dtype=np.uint64)
    if not len(items):
        return masks
    ranks = items.map({v: i for i, v in enumerate(items.value_counts().index)})
    bits = np.left_shift(np.uint64(1), np.minimum(ranks.to_numpy(), 63).astype(np.uint64))
    positions = languages.index.get_indexer(items.index)
    np.bitwise_or.at(masks, positions, bits)
    return masks


@dataclass
class Deduplication:
    """`cluster` gives each record (by position) its cluster number; `matches` the pairs."""

    cluster: np.ndarray
    matches: pd.DataFrame


def _codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Integer codes for equality tests: equal values, equal codes; -1 for null."""
    return pd.factorize(pd.Series(values, dtype="object"), use_na_sentinel=True)[0].astype(np.int64)


def match_keys(records: pd.DataFrame) -> pd.DataFrame:
    """What each record is compared and blocked on, as text for titles and integer codes for
    everything compared by equality."""
    title = normalise_titles(records["title"])
    url = normalise_urls(records["url"])
    # A URL shared by several records of one source is a catalogue page, not evidence.
    shared = url.notna() & pd.DataFrame({"s": records["source_id"], "u": url}).duplicated(
        ["s", "u"], keep=False
    )
    return pd.DataFrame(
        {
            "row": np.arange(len(records), dtype=np.int64),
            "owner": _codes(records["match_provider"].to_numpy(dtype=object)),
            "title": title.to_numpy(),
            "title_code": _codes(title.to_numpy()),
            "series": _codes(series_markers(title).to_numpy()),
            "url": _codes(url.where(~shared, None).to_numpy()),
            "ects": records["ects"].astype("float64").to_numpy(),
            "eqf": records["eqf_level"]
            .astype("Float64")
            .to_numpy(dtype="float64", na_value=np.nan),
            "languages": _language_masks(records["languages"]),
            "isced_f": _codes(records["isced_f_code"].to_numpy(dtype=object)),
        }
    )


def candidate_pairs(keys: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Pairs (left < right) of one awarding provider that share two of their titles'
    `blocking_words` rarest words (the whole title when it has one word) or a page URL.

    Rare words say what a course is about ('hydrogen', 'photovoltaics'); common ones ('to',
    'introduction') would put a provider's whole catalogue in one block. Pairs of them keep
    blocks small, and a typo in one word leaves the other pairs intact. A block larger than
    `max_block_size` is skipped: its words say too little."""
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute("SET preserve_insertion_order = false")
        con.register("k", keys[["row", "owner", "title", "url"]])
        return con.execute(
            """
            WITH words AS (
                SELECT DISTINCT row, owner, unnest(string_split(title, ' ')) AS word
                FROM k WHERE title IS NOT NULL AND title <> ''
            ),
            counted AS (
                SELECT row, owner, word, count(*) OVER (PARTITION BY word) AS frequency FROM words
            ),
            rare AS (
                SELECT row, owner, word,
                       row_number() OVER (PARTITION BY row ORDER BY frequency, word) AS rank,
                       count(*) OVER (PARTITION BY row) AS words
                FROM counted QUALIFY rank <= $count
            ),
            block_keys AS (
                SELECT a.row, a.owner, least(a.word, b.word) || chr(31) || greatest(a.word, b.word)
                       AS key
                FROM rare a JOIN rare b ON a.row = b.row AND a.rank < b.rank
                UNION ALL
                SELECT row, owner, word FROM rare WHERE words = 1
            ),
            usable AS (
                SELECT * FROM block_keys
                QUALIFY count(*) OVER (PARTITION BY owner, key) <= $max_block
            )
            SELECT l.row AS left_row, r.row AS right_row
            FROM usable l JOIN usable r ON l.owner = r.owner AND l.key = r.key AND l.row < r.row
            UNION
            SELECT l.row, r.row FROM k l JOIN k r
            ON l.owner = r.owner AND l.url = r.url AND l.url >= 0 AND l.row < r.row
            """,
            {"count": settings.blocking_words, "max_block": settings.max_block_size},
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
    'R' for Data Science). Only pairs with similar, unequal titles get here."""
    out = np.zeros(len(left), dtype=bool)
    for i, (a, b) in enumerate(zip(left, right, strict=True)):
        words_a, words_b = set(a.split()) - FILLER_WORDS, set(b.split()) - FILLER_WORDS
        out[i] = any(not _is_counterpart(w, words_b) for w in words_a - words_b) or any(
            not _is_counterpart(w, words_a) for w in words_b - words_a
        )
    return out


#: Evidence levels of an equality comparison, in the order of their codes.
_EQUALITY = np.array(["unknown", "equal", "differs"], dtype=object)
_TITLE = np.array(
    [
        "different",
        "similar",
        "very similar",
        "equal",
        "different, a word differs",
        "similar, a word differs",
        "very similar, a word differs",
    ],
    dtype=object,
)
_LANGUAGES = np.array(["unknown", "overlap", "disjoint"], dtype=object)


def _equality(left: np.ndarray, right: np.ndarray, missing) -> np.ndarray:
    """0 unknown, 1 equal, 2 differs."""
    known = ~(missing(left) | missing(right))
    return np.where(known, np.where(left == right, 1, 2), 0).astype(np.int8)


def _codes_missing(values: np.ndarray) -> np.ndarray:
    return values < 0


def compare_pairs(keys: pd.DataFrame, pairs: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Each pair's evidence per field (as level codes) and its total weight."""
    s = settings
    left_rows, right_rows = pairs["left_row"].to_numpy(), pairs["right_row"].to_numpy()

    def both(column: str) -> tuple[np.ndarray, np.ndarray]:
        values = keys[column].to_numpy()
        return values[left_rows], values[right_rows]

    lc, rc = both("title_code")
    exact = (lc == rc) & (lc >= 0)
    lt, rt = both("title")
    similarity = np.full(len(pairs), 100.0)
    inexact = np.flatnonzero(~exact)
    if len(inexact):
        similarity[inexact] = cpdist(
            lt[inexact], rt[inexact], scorer=fuzz.ratio, workers=-1, dtype=np.float32
        )
    title_level = np.select(
        [exact, similarity >= s.title_high_similarity, similarity >= s.title_close_similarity],
        [3, 2, 1],
        0,
    ).astype(np.int8)
    checked = np.flatnonzero((title_level == 1) | (title_level == 2))
    word = np.zeros(len(pairs), dtype=bool)
    word[checked] = _words_without_counterpart(lt[checked], rt[checked])
    title_weight = np.array([s.title_far, s.title_close, s.title_high, s.title_exact])[title_level]
    title_weight = title_weight + np.where(word, s.word_differs, 0.0)
    title_level = np.where(word, title_level + 4, title_level).astype(np.int8)

    series = _equality(*both("series"), lambda v: np.zeros(len(v), dtype=bool))
    url = _equality(*both("url"), _codes_missing)
    ects = _equality(*both("ects"), np.isnan)
    eqf = _equality(*both("eqf"), np.isnan)
    isced = _equality(*both("isced_f"), _codes_missing)
    left_languages, right_languages = both("languages")
    known = (left_languages > 0) & (right_languages > 0)
    overlap = (left_languages & right_languages) > 0
    language = np.where(known, np.where(overlap, 1, 2), 0).astype(np.int8)

    def weigh(levels: np.ndarray, equal: float, differs: float) -> np.ndarray:
        return np.array([0.0, equal, differs])[levels]

    weight = (
        title_weight
        + np.where(series == 2, s.series_differs, 0.0)
        + weigh(url, s.url_equal, s.url_differs)
        + weigh(ects, s.ects_equal, s.ects_differs)
        + weigh(eqf, s.eqf_equal, s.eqf_differs)
        + weigh(isced, s.isced_equal, s.isced_differs)
        + weigh(language, s.languages_overlap, s.languages_disjoint)
    )
    return pd.DataFrame(
        {
            "left_row": left_rows,
            "right_row": right_rows,
            "weight": weight.round(3),
            "matched": weight >= s.match_weight,
            "title": title_level,
            "title_similarity": similarity.round(1),
            "series": series,
            "url": url,
            "ects": ects,
            "eqf": eqf,
            "languages": language,
            "isced_f": isced,
        }
    )


def describe_evidence(compared: pd.DataFrame) -> pd.DataFrame:
    """Level codes of `compare_pairs` as words ('equal', 'very similar, a word differs', ...)."""
    out = compared.copy()
    out["title"] = _TITLE[out["title"].to_numpy()]
    out["series"] = np.where(out["series"].to_numpy() == 2, "differs", "same").astype(object)
    for column in ("url", "ects", "eqf", "isced_f"):
        out[column] = _EQUALITY[out[column].to_numpy()]
    out["languages"] = _LANGUAGES[out["languages"].to_numpy()]
    return out


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
    `match_provider` (who awards the credential, resolved to a provider id). The clusters do
    not depend on the order of the records, except which volume a record without ECTS joins
    when it matches two volumes equally well.
    """
    settings = settings or MatchSettings()
    keys = match_keys(records.reset_index(drop=True))
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
    kept = describe_evidence(kept).assign(
        merged=labels[kept["left_row"].to_numpy()] == labels[kept["right_row"].to_numpy()]
    )
    return Deduplication(labels, kept.reset_index(drop=True))
