"""Each candidate pair's evidence per field (the declared comparisons) and its total weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from pipelines.dedup.keys import compare_keys
from pipelines.dedup.titles import words_without_counterpart
from schemas.matching import COMPARISONS, TITLE_LEVELS, MatchSettings


def _ratio_bound(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The highest rapidfuzz ratio two strings of these lengths can have: every character of
    the longer one beyond the shorter's length is an edit."""
    total = left + right
    return np.where(total > 0, 200.0 * np.minimum(left, right) / np.maximum(total, 1), 100.0)


class _Sides:
    """A column of `keys` taken at the left and at the right record of each pair."""

    def __init__(
        self,
        keys: pd.DataFrame,
        left_rows: np.ndarray,
        right_rows: np.ndarray,
        columns: dict[str, np.ndarray] | None = None,
    ):
        self.keys, self.left_rows, self.right_rows = keys, left_rows, right_rows
        #: `keys`' columns as numpy, converted once and shared by the sides taken from these
        self._columns: dict[str, np.ndarray] = {} if columns is None else columns

    def __call__(self, column: str) -> tuple[np.ndarray, np.ndarray]:
        if column not in self._columns:
            self._columns[column] = self.keys[column].to_numpy()
        values = self._columns[column]
        return values[self.left_rows], values[self.right_rows]

    def taking(self, kept: np.ndarray) -> _Sides:
        return _Sides(self.keys, self.left_rows[kept], self.right_rows[kept], self._columns)


def _title_similarity(both: _Sides, exact: np.ndarray) -> np.ndarray:
    """rapidfuzz ratio of the titles as written, or with their words sorted (`fundamentals of
    climate change` and `climate change fundamentals`), whichever is closer; 100 where equal."""
    similarity = np.full(len(exact), 100.0)
    inexact = np.flatnonzero(~exact)
    if len(inexact):
        lt, rt = both("title")
        lw, rw = both("title_words")
        similarity[inexact] = np.maximum(
            cpdist(lt[inexact], rt[inexact], scorer=fuzz.ratio, workers=-1, dtype=np.float32),
            cpdist(lw[inexact], rw[inexact], scorer=fuzz.ratio, workers=-1, dtype=np.float32),
        )
    return similarity


def _title_evidence(
    both: _Sides, exact: np.ndarray, main: np.ndarray, similarity: np.ndarray, s: MatchSettings
) -> tuple[np.ndarray, np.ndarray]:
    """The title's level code and weight per pair."""
    title_level = np.select(
        [exact, similarity >= s.title_high_similarity, similarity >= s.title_close_similarity],
        [3, 2, 1],
        0,
    ).astype(np.int8)
    checked = np.flatnonzero((title_level == 1) | (title_level == 2))
    word = np.zeros(len(exact), dtype=bool)
    lt, rt = both("title")
    word[checked] = words_without_counterpart(lt[checked], rt[checked])
    title_weight = np.array([s.title_far, s.title_close, s.title_high, s.title_exact])[title_level]
    title_weight = title_weight + np.where(word, s.word_differs, 0.0)
    title_level = np.where(word, title_level + 4, title_level).astype(np.int8)
    # a copy that drops the subtitle: one title is the other's main title
    main = main & (title_weight < s.title_main)
    title_weight = np.where(main, s.title_main, title_weight)
    title_level = np.where(main, 7, title_level).astype(np.int8)
    return title_level, title_weight


def _title_levels(
    both: _Sides, settings: MatchSettings
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per pair: whether a similar title is possible at all (an exact bound from the titles'
    lengths), and the title's similarity, level code and weight. Similarity is computed only
    where it is possible; elsewhere the title is 'different' (or one is the other's main title)
    and the similarity is left at 0."""
    s = settings
    lc, rc = both("title_code")
    exact = (lc == rc) & (lc >= 0)
    lm, rm = both("title_main")
    main = ~exact & (((lm >= 0) & (lm == rc)) | ((rm >= 0) & (rm == lc)))
    bound = np.maximum(_ratio_bound(*both("title_length")), _ratio_bound(*both("words_length")))
    possible = exact | (bound >= s.title_close_similarity - 0.1)  # 84.95 shows 85.0
    main_counts = main & (s.title_far < s.title_main)
    level = np.where(main_counts, 7, 0).astype(np.int8)
    weight = np.where(main_counts, s.title_main, s.title_far)
    similarity = np.zeros(len(exact))
    opened = np.flatnonzero(possible)
    if len(opened):
        sides = both.taking(opened)
        similarity[opened] = _title_similarity(sides, exact[opened])
        level[opened], weight[opened] = _title_evidence(
            sides, exact[opened], main[opened], similarity[opened], s
        )
    return possible, similarity, level, weight


def compare_pairs(keys: pd.DataFrame, pairs: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """The evidence per field (as level codes) and the total weight of the pairs that matter:
    those that match, or are kept for review (weight at least `review_weight`, or similar
    titles). Titles are compared with rapidfuzz only where their lengths allow a similar
    title; the other fields are compared only while the pair can still be kept (the weights
    of the fields not yet compared at their highest). Both bounds are exact: no pair that
    matters is left out."""
    s = settings
    both = _Sides(keys, pairs["left_row"].to_numpy(), pairs["right_row"].to_numpy())
    possible, similarity, title_level, title_weight = _title_levels(both, s)
    certain = similarity.round(1) >= s.title_close_similarity  # kept whatever else differs
    keep_at = min(s.review_weight, s.match_weight)
    highest = [max(s.weights(comparison)) for comparison in COMPARISONS]
    alive = np.arange(len(pairs))
    others = np.zeros(len(pairs))
    levels: dict[str, np.ndarray] = {}
    for position, comparison in enumerate(COMPARISONS):
        level = compare_keys(
            comparison, keys, both.left_rows[alive], both.right_rows[alive], levels
        )
        others = others + np.array(s.weights(comparison))[level]
        levels[comparison.name] = level
        reachable = title_weight[alive] + others + sum(highest[position + 1 :])
        viable = np.flatnonzero(certain[alive] | (reachable >= keep_at - 1e-9))
        if len(viable) < len(alive):
            alive, others = alive[viable], others[viable]
            levels = {name: found[viable] for name, found in levels.items()}
    weight = title_weight[alive] + others
    keep = (weight >= keep_at) | certain[alive]
    kept = alive[keep]
    unmeasured = kept[~possible[kept]]  # kept for their other fields: their similarity shown
    if len(unmeasured):
        similarity[unmeasured] = _title_similarity(
            both.taking(unmeasured), np.zeros(len(unmeasured), dtype=bool)
        )
    return pd.DataFrame(
        {
            "left_row": both.left_rows[kept],
            "right_row": both.right_rows[kept],
            "weight": weight[keep].round(3),
            "matched": weight[keep] >= s.match_weight,
            "title": title_level[kept],
            "title_similarity": similarity[kept].round(1),
            **{name: level[keep] for name, level in levels.items()},
        }
    )


def describe_evidence(compared: pd.DataFrame) -> pd.DataFrame:
    """Level codes of `compare_pairs` as words ('equal', 'very similar, a word differs', ...)."""
    out = compared.copy()
    out["title"] = np.array(TITLE_LEVELS, dtype=object)[out["title"].to_numpy()]
    for comparison in COMPARISONS:
        words = np.array(comparison.level_names, dtype=object)
        out[comparison.name] = words[out[comparison.name].to_numpy()]
    return out
