"""Duplicate detection: which accepted records describe the same micro-credential.

Blocking (`blocking.py`) says which pairs are compared, the comparisons declared in
`schemas.matching` weigh each field of a pair (`compare.py`), a pair whose weights reach
`match_weight` is a match, and matches are joined into clusters (`clusters.py`). Pairs above
`review_weight` or with similar titles are kept with their evidence, so every merge, and every
near miss, can be explained.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from pipelines.dedup.blocking import candidate_pairs
from pipelines.dedup.clusters import cluster_matches
from pipelines.dedup.compare import compare_pairs, describe_evidence
from pipelines.dedup.keys import match_keys
from schemas.matching import MatchSettings


@dataclass
class Deduplication:
    """`cluster` gives each record (by position) its cluster number; `matches` the pairs."""

    cluster: np.ndarray
    matches: pd.DataFrame


def deduplicate(records: pd.DataFrame, settings: MatchSettings | None = None) -> Deduplication:
    """Cluster records describing the same micro-credential.

    `records` needs title, url, ects, eqf_level, languages, isced_f_code, source_id and
    `match_provider` (who awards the credential, resolved to a provider id). The clusters do
    not depend on the order of the records.
    """
    settings = settings or MatchSettings()
    keys = match_keys(records.reset_index(drop=True))
    pairs = candidate_pairs(keys, settings)
    compared = compare_pairs(keys, pairs, settings)
    edges = compared[compared["matched"]]
    labels = cluster_matches(
        len(keys),
        edges,
        keys["source"].to_numpy(),
        keys["ects"].to_numpy(),
        keys["order"].to_numpy(),
    )
    kept = describe_evidence(compared).assign(
        merged=labels[compared["left_row"].to_numpy()] == labels[compared["right_row"].to_numpy()]
    )
    return Deduplication(labels, kept.reset_index(drop=True))
