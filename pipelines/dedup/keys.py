"""What each record is compared and blocked on: normalised titles as text, and a key per
declared comparison (integer codes, numbers, language bit masks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.dedup.titles import normalise_titles, replace, series_markers
from pipelines.lib.lists import explode_items
from schemas.matching import COMPARISONS


def normalise_urls(urls: pd.Series) -> pd.Series:
    """Scheme, `www.`, case, fragments, tracking parameters and a final slash do not make
    another page."""
    text = pa.array(urls.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(text))
    text = replace(text, r"^https?://(?:www\.)?", "")
    text = replace(text, r"#.*$", "")
    text = replace(text, r"([?&])(?:utm_[a-z]+|fbclid|gclid|mc_[a-z]+)=[^&]*", r"\1")
    text = replace(replace(text, r"&&+", "&"), r"\?&", "?")
    text = replace(text, r"[?&]+$", "")
    text = replace(text, r"/+(\?|$)", r"\1")
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


def _codes(values: pd.Series | np.ndarray) -> np.ndarray:
    """Integer codes for equality tests: equal values, equal codes; -1 for null."""
    return pd.factorize(pd.Series(values, dtype="object"), use_na_sentinel=True)[0].astype(np.int64)


@dataclass(frozen=True)
class Key:
    """How one kind of key is made from a record's field, when it is missing, and when two
    records' keys agree."""

    make: Callable[[pd.DataFrame, str, pd.Series], np.ndarray]
    missing: Callable[[np.ndarray], np.ndarray]
    agree: Callable[[np.ndarray, np.ndarray], np.ndarray]


def _url_codes(records: pd.DataFrame, field: str, title: pd.Series) -> np.ndarray:
    url = normalise_urls(records[field])
    # A URL shared by several records of one source is a catalogue page, not evidence.
    shared = url.notna() & pd.DataFrame({"s": records["source_id"], "u": url}).duplicated(
        ["s", "u"], keep=False
    )
    return _codes(url.where(~shared, None).to_numpy())


def _numbers(records: pd.DataFrame, field: str, title: pd.Series) -> np.ndarray:
    return records[field].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)


def _never_missing(values: np.ndarray) -> np.ndarray:
    return np.zeros(len(values), dtype=bool)


def _equal(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    return left == right


KEYS: dict[str, Key] = {
    "code": Key(
        lambda records, field, title: _codes(records[field].to_numpy(dtype=object)),
        lambda values: values < 0,
        _equal,
    ),
    "number": Key(_numbers, np.isnan, _equal),
    "url": Key(_url_codes, lambda values: values < 0, _equal),
    "series": Key(
        lambda records, field, title: _codes(series_markers(title).to_numpy()),
        _never_missing,
        _equal,
    ),
    "languages": Key(
        lambda records, field, title: _language_masks(records[field]),
        lambda values: values == 0,
        lambda left, right: (left & right) > 0,
    ),
}


def match_keys(records: pd.DataFrame) -> pd.DataFrame:
    """What each record is compared and blocked on: its normalised title (text and code), its
    awarding provider, and one key per declared comparison (named like the comparison)."""
    title = normalise_titles(records["title"])
    keys = pd.DataFrame(
        {
            "row": np.arange(len(records), dtype=np.int64),
            "owner": _codes(records["match_provider"].to_numpy(dtype=object)),
            "title": title.to_numpy(),
            "title_code": _codes(title.to_numpy()),
        }
    )
    for comparison in COMPARISONS:
        keys[comparison.name] = KEYS[comparison.key].make(records, comparison.field, title)
    return keys


def compare_keys(kind: str, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Level codes of a comparison: 0 unknown, 1 agree, 2 disagree."""
    key = KEYS[kind]
    known = ~(key.missing(left) | key.missing(right))
    return np.where(known, np.where(key.agree(left, right), 1, 2), 0).astype(np.int8)
