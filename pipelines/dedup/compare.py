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


def compare_pairs(keys: pd.DataFrame, pairs: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """The evidence per field (as level codes) and the total weight of the pairs that matter:
    those that match, or are kept for review (weight at least `review_weight`, or similar
    titles). Titles are compared with rapidfuzz only where their lengths allow a similar
    title, or where the pair may be kept anyway: that bound is exact, so no pair that matters
    is left out."""
    s = settings
    left_rows, right_rows = pairs["left_row"].to_numpy(), pairs["right_row"].to_numpy()
    arrays: dict[str, np.ndarray] = {}

    def both(column: str) -> tuple[np.ndarray, np.ndarray]:
        if column not in arrays:
            arrays[column] = keys[column].to_numpy()
        return arrays[column][left_rows], arrays[column][right_rows]

    levels: dict[str, np.ndarray] = {}
    others = np.zeros(len(pairs))
    for comparison in COMPARISONS:
        level = compare_keys(comparison, keys, left_rows, right_rows, levels)
        others = others + np.array(settings.weights(comparison))[level]
        levels[comparison.name] = level
    lc, rc = both("title_code")
    exact = (lc == rc) & (lc >= 0)
    lm, rm = both("title_main")
    main = ~exact & (((lm >= 0) & (lm == rc)) | ((rm >= 0) & (rm == lc)))
    bound = np.maximum(_ratio_bound(*both("title_length")), _ratio_bound(*both("words_length")))
    keep_at = min(s.review_weight, s.match_weight)
    far = np.where(main, max(s.title_far, s.title_main), s.title_far)
    similar_possible = ~exact & (bound >= s.title_close_similarity - 0.1)  # 84.95 shows 85.0
    matters = exact | similar_possible | (far + others >= keep_at)
    pairs_kept = np.flatnonzero(matters)
    left_rows, right_rows, others, exact, main = (
        left_rows[pairs_kept],
        right_rows[pairs_kept],
        others[pairs_kept],
        exact[pairs_kept],
        main[pairs_kept],
    )
    levels = {name: level[pairs_kept] for name, level in levels.items()}
    lt, rt = both("title")
    similarity = np.full(len(pairs_kept), 100.0)
    inexact = np.flatnonzero(~exact)
    if len(inexact):
        # as written, or with their words sorted (`fundamentals of climate change` and
        # `climate change fundamentals`), whichever is closer
        lw, rw = both("title_words")
        similarity[inexact] = np.maximum(
            cpdist(lt[inexact], rt[inexact], scorer=fuzz.ratio, workers=-1, dtype=np.float32),
            cpdist(lw[inexact], rw[inexact], scorer=fuzz.ratio, workers=-1, dtype=np.float32),
        )
    title_level = np.select(
        [exact, similarity >= s.title_high_similarity, similarity >= s.title_close_similarity],
        [3, 2, 1],
        0,
    ).astype(np.int8)
    checked = np.flatnonzero((title_level == 1) | (title_level == 2))
    word = np.zeros(len(pairs_kept), dtype=bool)
    word[checked] = words_without_counterpart(lt[checked], rt[checked])
    title_weight = np.array([s.title_far, s.title_close, s.title_high, s.title_exact])[title_level]
    title_weight = title_weight + np.where(word, s.word_differs, 0.0)
    title_level = np.where(word, title_level + 4, title_level).astype(np.int8)
    # a copy that drops the subtitle: one title is the other's main title
    main &= title_weight < s.title_main
    title_weight = np.where(main, s.title_main, title_weight)
    title_level = np.where(main, 7, title_level).astype(np.int8)
    weight = title_weight + others
    shown = similarity.round(1)  # kept by the similarity `matches` shows
    keep = (weight >= keep_at) | (shown >= s.title_close_similarity)
    return pd.DataFrame(
        {
            "left_row": left_rows[keep],
            "right_row": right_rows[keep],
            "weight": weight[keep].round(3),
            "matched": weight[keep] >= s.match_weight,
            "title": title_level[keep],
            "title_similarity": shown[keep],
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
