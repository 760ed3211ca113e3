"""Pairwise precision/recall of the deduplication benchmark (bench/pairwise_scores.py)."""

import itertools
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from pairwise_scores import pairwise_scores


def _naive(truth: list, predicted: list) -> tuple[int, int, int]:
    tp = fp = fn = 0
    for i, j in itertools.combinations(range(len(truth)), 2):
        same_t = truth[i] == truth[j] and truth[i] is not None
        same_p = predicted[i] == predicted[j] and predicted[i] is not None
        tp += same_t and same_p
        fp += same_p and not same_t
        fn += same_t and not same_p
    return tp, fp, fn


def test_hand_computed_case():
    scores = pairwise_scores(pd.Series(list("aabb")), pd.Series(list("xxxy")))
    # true pairs (0,1), (2,3); predicted (0,1), (0,2), (1,2)
    assert (scores["true_positives"], scores["false_positives"], scores["false_negatives"]) == (
        1,
        2,
        1,
    )
    assert scores["precision"] == pytest.approx(1 / 3)
    assert scores["recall"] == pytest.approx(1 / 2)
    assert scores["f1"] == pytest.approx(2 * (1 / 3) * (1 / 2) / (1 / 3 + 1 / 2))


def test_perfect_and_all_singletons():
    truth = pd.Series([1, 1, 1, 2, 2, 3])
    perfect = pairwise_scores(truth, pd.Series(["a", "a", "a", "b", "b", "c"]))
    assert perfect["f1"] == 1.0 and perfect["true_positives"] == 4
    singletons = pairwise_scores(truth, pd.Series(range(6)))
    assert singletons["true_positives"] == 0 and singletons["false_negatives"] == 4
    assert singletons["precision"] == 1.0 and singletons["recall"] == 0.0
    merged = pairwise_scores(truth, pd.Series([0] * 6))
    assert merged["false_positives"] == 15 - 4 and merged["recall"] == 1.0


def test_aligned_on_index_not_position():
    index = pd.MultiIndex.from_tuples([("s1", "r1"), ("s1", "r2"), ("s2", "r1"), ("s2", "r2")])
    truth = pd.Series(["a", "a", "b", "b"], index=index)
    predicted = pd.Series(["x", "y", "x", "y"], index=index[[0, 2, 1, 3]])
    scores = pairwise_scores(truth, predicted)
    assert scores["true_positives"] == 2 and scores["false_positives"] == 0
    with pytest.raises(ValueError):
        pairwise_scores(truth, predicted.iloc[:3])


def test_null_prediction_is_a_singleton():
    scores = pairwise_scores(pd.Series(list("aaa")), pd.Series(["x", None, None]))
    assert (scores["true_positives"], scores["false_negatives"]) == (0, 3)


@pytest.mark.parametrize("seed", range(5))
def test_matches_naive_pair_enumeration(seed):
    rng = np.random.default_rng(seed)
    n = 200
    truth = rng.integers(0, 60, n).tolist()
    predicted = [t if rng.random() < 0.7 else int(rng.integers(0, 80)) for t in truth]
    scores = pairwise_scores(pd.Series(truth), pd.Series(predicted))
    tp, fp, fn = _naive(truth, predicted)
    assert (scores["true_positives"], scores["false_positives"], scores["false_negatives"]) == (
        tp,
        fp,
        fn,
    )
