"""Each candidate pair's evidence per field (the declared comparisons) and its total weight."""

from __future__ import annotations

import numpy as np
import pandas as pd
from rapidfuzz import fuzz
from rapidfuzz.process import cpdist

from pipelines.dedup.keys import compare_keys
from pipelines.dedup.titles import words_without_counterpart
from schemas.matching import COMPARISONS, TITLE_LEVELS, MatchSettings


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
    word = np.zeros(len(pairs), dtype=bool)
    word[checked] = words_without_counterpart(lt[checked], rt[checked])
    title_weight = np.array([s.title_far, s.title_close, s.title_high, s.title_exact])[title_level]
    title_weight = title_weight + np.where(word, s.word_differs, 0.0)
    title_level = np.where(word, title_level + 4, title_level).astype(np.int8)
    # a copy that drops the subtitle: one title is the other's main title
    lm, rm = both("title_main")
    main = ~exact & (((lm >= 0) & (lm == rc)) | ((rm >= 0) & (rm == lc)))
    main &= title_weight < s.title_main
    title_weight = np.where(main, s.title_main, title_weight)
    title_level = np.where(main, 7, title_level).astype(np.int8)

    weight = title_weight
    levels: dict[str, np.ndarray] = {}
    for comparison in COMPARISONS:
        level = compare_keys(comparison, keys, left_rows, right_rows, levels)
        weight = weight + np.array(settings.weights(comparison))[level]
        levels[comparison.name] = level
    return pd.DataFrame(
        {
            "left_row": left_rows,
            "right_row": right_rows,
            "weight": weight.round(3),
            "matched": weight >= s.match_weight,
            "title": title_level,
            "title_similarity": similarity.round(1),
            **levels,
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
