"""Pairwise precision, recall and F1 of a clustering against the true clusters.

A pair of records is positive when both are in the same cluster. Counting pairs through the
contingency table (truth x predicted) never enumerates them: with n_ij records in cell (i, j),
a_i in true cluster i and b_j in predicted cluster j,

    true positives  = sum C(n_ij, 2)
    predicted pairs = sum C(b_j, 2)     false positives = predicted pairs - true positives
    true pairs      = sum C(a_i, 2)     false negatives = true pairs - true positives

so a million records cost a factorisation and a sort.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def _pairs(sizes: np.ndarray) -> int:
    sizes = sizes.astype(np.int64)
    return int((sizes * (sizes - 1) // 2).sum())


def _codes(values: pd.Series) -> tuple[np.ndarray, int]:
    """Integer cluster codes 0..k-1 and k; a null label is a cluster of its own (a record
    left unassigned)."""
    codes, uniques = pd.factorize(values, sort=False)
    codes = codes.astype(np.int64)
    k = len(uniques)
    missing = codes < 0
    if missing.any():
        codes[missing] = k + np.arange(int(missing.sum()))
        k += int(missing.sum())
    return codes, k


def pairwise_scores(truth: pd.Series, predicted: pd.Series) -> dict[str, float | int]:
    """Pairwise scores of `predicted` cluster labels against `truth`, aligned on the index.

    Both series must hold the same records (same index values, any order). A null in
    `predicted` counts as a record alone in its cluster. Precision (recall) is 1.0 when no
    pair is predicted (none is true).
    """
    if len(truth) != len(predicted) or not truth.index.equals(predicted.index):
        if len(truth) != len(predicted) or not truth.index.sort_values().equals(
            predicted.index.sort_values()
        ):
            raise ValueError("truth and predicted must label the same records (same index)")
        predicted = predicted.reindex(truth.index)
    t, n_truth = _codes(truth)
    p, n_predicted = _codes(predicted)
    _, cells = np.unique(t * np.int64(n_predicted) + p, return_counts=True)
    tp = _pairs(cells)
    true_pairs = _pairs(np.bincount(t, minlength=n_truth))
    predicted_pairs = _pairs(np.bincount(p, minlength=n_predicted))
    fp = predicted_pairs - tp
    fn = true_pairs - tp
    precision = tp / predicted_pairs if predicted_pairs else 1.0
    recall = tp / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "true_positives": tp,
        "false_positives": fp,
        "false_negatives": fn,
        "true_pairs": true_pairs,
        "predicted_pairs": predicted_pairs,
        "records": len(t),
        "true_clusters": n_truth,
        "predicted_clusters": n_predicted,
    }
