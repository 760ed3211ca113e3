"""Blocking: which pairs of records are compared at all (keys as integers, so a million records
never become a trillion pairs, and a block is a run of a sorted array)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from schemas.matching import MatchSettings


def candidate_pairs(keys: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Pairs (left < right, sorted) of one awarding provider that share two of their titles'
    `blocking_words` rarest words (the whole title when it has one word) or a page URL.

    Rare words say what a course is about ('hydrogen', 'photovoltaics'); common ones ('to',
    'introduction') would put a provider's whole catalogue in one block. Pairs of them keep
    blocks small, and a typo in one word leaves the other pairs intact. A block larger than
    `max_block_size` is skipped: its words say too little."""
    owner = keys["owner"].to_numpy(dtype=np.int64)
    row = keys["row"].to_numpy(dtype=np.int64)
    block_rows, block_keys = _word_keys(keys["title"], settings.blocking_words)
    by_words = _pairs_in_blocks(
        owner[block_rows], block_keys, row[block_rows], settings.max_block_size
    )
    url = keys["url"].to_numpy(dtype=np.int64)
    with_url = np.flatnonzero(url >= 0)
    by_url = _pairs_in_blocks(owner[with_url], url[with_url], row[with_url], None)
    width = np.int64(max(len(keys), 1))
    both = _distinct(
        np.concatenate([by_words[0] * width + by_words[1], by_url[0] * width + by_url[1]])
    )
    return pd.DataFrame({"left_row": both // width, "right_row": both % width})


def _word_keys(titles: pd.Series, count: int) -> tuple[np.ndarray, np.ndarray]:
    """(position, key) for each blocking key of each title: every two of its `count` rarest
    distinct words (rarest first, ties by the words), or its one word. Words are numbered in
    their sort order, so a key is `first * n + second` with first < second, or `word * n + word`
    for a title of one word."""
    text = pa.array(titles.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    text = pc.if_else(pc.equal(text, ""), pa.scalar(None, pa.string()), text)
    split = pc.split_pattern(text, pattern=" ")
    flat = pc.list_flatten(split)
    position = pc.list_parent_indices(split).to_numpy().astype(np.int64)
    vocabulary = pc.unique(flat)
    vocabulary = pc.take(vocabulary, pc.sort_indices(vocabulary))
    word = pc.index_in(flat, value_set=vocabulary).to_numpy().astype(np.int64)
    width = np.int64(max(len(vocabulary), 1))
    distinct = _distinct(position * width + word)  # by title, then word
    position, word = distinct // width, distinct % width
    frequency = np.bincount(word, minlength=int(width))[word]
    order = np.lexsort((word, frequency, position))
    position, word = position[order], word[order]
    starts = np.flatnonzero(_run_starts(position))
    sizes = np.diff(np.r_[starts, len(position)])
    rank = np.arange(len(position)) - np.repeat(starts, sizes)
    kept = rank < count
    position, word = position[kept], word[kept]
    single = np.repeat(sizes == 1, sizes)[kept]
    rows, found = [position[single]], [word[single] * width + word[single]]
    for step in range(1, count):  # rarest words of one title stand next to each other
        same = position[step:] == position[:-step]
        first, second = word[:-step][same], word[step:][same]
        rows.append(position[:-step][same])
        found.append(np.minimum(first, second) * width + np.maximum(first, second))
    return np.concatenate(rows), np.concatenate(found)


def _pairs_in_blocks(
    owner: np.ndarray, key: np.ndarray, row: np.ndarray, max_size: int | None
) -> tuple[np.ndarray, np.ndarray]:
    """Every pair of rows (smaller first) sharing an owner and a key, in blocks of at most
    `max_size` rows (any size when None)."""
    order = np.lexsort((key, owner))
    owner, key, row = owner[order], key[order], row[order]
    starts = np.flatnonzero(_run_starts(owner, key))
    sizes = np.diff(np.r_[starts, len(row)])
    usable = (sizes > 1) & ((sizes <= max_size) if max_size is not None else True)
    starts, sizes = starts[usable], sizes[usable]
    # each member pairs with the members after it in its block
    member = np.repeat(starts, sizes) + (
        np.arange(sizes.sum()) - np.repeat(np.cumsum(sizes) - sizes, sizes)
    )
    after = np.repeat(starts + sizes, sizes) - member - 1
    left = np.repeat(member, after)
    right = left + 1 + (np.arange(after.sum()) - np.repeat(np.cumsum(after) - after, after))
    a, b = row[left], row[right]
    return np.minimum(a, b), np.maximum(a, b)


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (a sort and a comparison: faster than numpy's hashing
    `unique` on tens of millions of integers)."""
    values = np.sort(values)
    return values[_run_starts(values)]


def _run_starts(*columns: np.ndarray) -> np.ndarray:
    """Where each run of equal values (in all `columns`) starts, as a mask."""
    if not len(columns[0]):
        return np.zeros(0, dtype=bool)
    change = np.zeros(len(columns[0]) - 1, dtype=bool)
    for column in columns:
        change |= column[1:] != column[:-1]
    return np.r_[True, change]
