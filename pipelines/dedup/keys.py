"""What each record is compared and blocked on: normalised titles as text, and a key per
declared comparison (integer codes, numbers, language bit masks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from pipelines.dedup.titles import (
    main_titles,
    normalise_titles,
    replace,
    series_markers,
    sorted_words,
    title_codes,
)
from pipelines.lib.lists import explode_items
from schemas.canonical import LIST_FIELDS, MAPPABLE_FIELDS
from schemas.matching import COMPARISONS, Comparison


def normalise_urls(urls: pd.Series) -> pd.Series:
    """Scheme, `www.`, case, fragments, tracking parameters and a final slash do not make
    another page."""
    text = pa.array(urls.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    text = pc.utf8_lower(pc.utf8_trim_whitespace(text))
    text = replace(text, r"^https?://(?:www\.)?", "")
    text = replace(text, r"#.*$", "")
    # tracking and language switches do not make another page
    text = replace(
        text, r"([?&])(?:utm_[a-z]+|fbclid|gclid|mc_[a-z]+|lang|language|locale|hl)=[^&]*", r"\1"
    )
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
    values = np.asarray(values)
    try:  # Arrow's hash table, for text and numbers alike
        array = pa.array(values, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):  # values of several types
        return pd.factorize(pd.Series(values, dtype="object"))[0].astype(np.int64)
    indices = pc.dictionary_encode(array).indices
    return pc.fill_null(indices, -1).to_numpy().astype(np.int64)


@dataclass(frozen=True)
class Key:
    """A kind of key: `make` gives a record's key columns (by suffix, "" the main one) from its
    field, `levels` the level code of each pair from both records' key columns and the levels
    of the comparisons before it."""

    make: Callable[[pd.DataFrame, str, pd.Series], dict[str, np.ndarray]]
    levels: Callable[[dict, dict, dict], np.ndarray]


def _equality(
    missing: Callable, agree: Callable = np.equal
) -> Callable[[dict, dict, dict], np.ndarray]:
    """0 unknown (either missing), 1 agree, 2 disagree."""

    def levels(left: dict, right: dict, earlier: dict) -> np.ndarray:
        a, b = left[""], right[""]
        known = ~(missing(a) | missing(b))
        return np.where(known, np.where(agree(a, b), 1, 2), 0).astype(np.int8)

    return levels


def _hosts(url: pd.Series) -> np.ndarray:
    text = pa.array(url.to_numpy(dtype=object), type=pa.string(), from_pandas=True)
    return pc.struct_field(pc.extract_regex(text, pattern=r"^(?P<host>[^/?#]+)"), "host")


def _url_keys(records: pd.DataFrame, field: str, title: pd.Series) -> dict[str, np.ndarray]:
    url = normalise_urls(records[field])
    page = _codes(url.to_numpy())
    # A URL that records of one source with different titles share is a catalogue page, not
    # evidence; records of one title sharing it are one offering listed twice.
    feed = _codes(records["source_id"].to_numpy(dtype=object))
    pages = pd.DataFrame({"s": feed, "u": page, "t": _codes(title.to_numpy())})
    shared = pages[(pages["u"] >= 0) & pages.duplicated(["s", "u"], keep=False)]
    titles = shared.groupby(["s", "u"])["t"].transform("nunique")
    catalogue_page = shared.index[titles.to_numpy() > 1].to_numpy()
    page[catalogue_page] = -1
    hosts = _codes(_hosts(url).to_numpy(zero_copy_only=False))
    hosts[catalogue_page] = -1
    return {"": page, ".host": hosts}


def _url_levels(left: dict, right: dict, earlier: dict) -> np.ndarray:
    """0 unknown, 1 the same page, 2 another page on the same host, 3 another host."""
    known = (left[""] >= 0) & (right[""] >= 0)
    same_host = left[".host"] == right[".host"]
    level = np.where(left[""] == right[""], 1, np.where(same_host, 2, 3))
    return np.where(known, level, 0).astype(np.int8)


def _numbers(records: pd.DataFrame, field: str, title: pd.Series) -> dict[str, np.ndarray]:
    return {"": records[field].astype("Float64").to_numpy(dtype="float64", na_value=np.nan)}


def _credits(records: pd.DataFrame, field: str, title: pd.Series) -> dict[str, np.ndarray]:
    """ECTS as stated (or converted from national credits): ECTS the pipeline derived from hours
    depend on a country's hours per credit, so two copies of one course may differ in them."""
    value = _numbers(records, field, title)[""]
    origin = records.get(f"{field}_origin")
    if origin is not None:
        from_hours = origin.astype("str").str.contains(" hours at ", regex=False).to_numpy()
        value = np.where(from_hours, np.nan, value)
    return {"": value}


def content_codes(records: pd.DataFrame) -> np.ndarray:
    """Equal codes for records identical in every field a record can state (their ids,
    positions and sources aside)."""
    columns = [c for c in MAPPABLE_FIELDS if c in records and c != "source_record_id"]
    text = {}
    for column in columns:
        values = records[column]
        if column in LIST_FIELDS:
            lists = pa.array(
                values.to_numpy(dtype=object), type=pa.list_(pa.string()), from_pandas=True
            )
            values = pd.Series(pc.binary_join(lists, "\x1e").to_numpy(zero_copy_only=False))
        text[column] = values.reset_index(drop=True)  # hashed in its own type
    hashed = pd.util.hash_pandas_object(pd.DataFrame(text), index=False)
    return _codes(hashed.to_numpy())


def _source_keys(records: pd.DataFrame, field: str, title: pd.Series) -> dict[str, np.ndarray]:
    """The record's feed and id; and, for records of one feed with one title (the only ones
    that can be identical but for their ids), a code of their content (-1 - position for the
    others, unequal to every code)."""
    ids = records.get("source_record_id")
    feed = _codes(records[field].to_numpy(dtype=object))
    content = -1 - np.arange(len(records), dtype=np.int64)
    alike = pd.DataFrame({"feed": feed, "title": _codes(title.to_numpy())}).duplicated(keep=False)
    alike = alike.to_numpy() & title.notna().to_numpy()
    if alike.any():
        content[alike] = content_codes(records[alike])
    return {
        "": feed,
        # without ids, every record is its own
        ".record": np.arange(len(records)) if ids is None else _codes(ids.to_numpy(dtype=object)),
        ".content": content,
    }


def _source_levels(left: dict, right: dict, earlier: dict) -> np.ndarray:
    """1 other sources; in one source (with different ids): 3 the same page, 4 identical
    records, else 2 (no strong evidence that they are one offering)."""
    same = (left[""] == right[""]) & (left[".record"] != right[".record"])
    page = earlier["url"] == 1
    identical = left[".content"] == right[".content"]
    level = np.where(page, 3, np.where(identical, 4, 2))
    return np.where(same, level, 1).astype(np.int8)


KEYS: dict[str, Key] = {
    "code": Key(
        lambda records, field, title: {"": _codes(records[field].to_numpy(dtype=object))},
        _equality(lambda values: values < 0),
    ),
    "number": Key(_numbers, _equality(np.isnan)),
    "credits": Key(_credits, _equality(np.isnan)),
    "url": Key(_url_keys, _url_levels),
    "course_code": Key(
        lambda records, field, title: {"": _codes(title_codes(records[field]).to_numpy())},
        _equality(lambda values: values < 0),
    ),
    "series": Key(
        lambda records, field, title: {"": _codes(series_markers(title).to_numpy())},
        _equality(lambda values: np.zeros(len(values), dtype=bool)),
    ),
    "languages": Key(
        lambda records, field, title: {"": _language_masks(records[field])},
        _equality(lambda values: values == 0, lambda left, right: (left & right) > 0),
    ),
    "source": Key(_source_keys, _source_levels),
}


def _record_order(records: pd.DataFrame) -> np.ndarray:
    """Each record's rank by (source, record id): ties are broken by what records are, not by
    where they stand in the feeds."""
    ids = records.get("source_record_id")
    keys = (
        records["source_id"].astype("str")
        + "\x1f"
        + (
            ids.astype("str")
            if ids is not None
            else pd.Series(np.arange(len(records))).astype("str")
        )
    )
    return keys.rank(method="first").to_numpy(dtype=np.int64)


def match_keys(records: pd.DataFrame) -> pd.DataFrame:
    """What each record is compared and blocked on: its normalised title (text, code, the code
    of its main title when it has a subtitle, its words sorted), its awarding provider, and the
    key columns of each declared comparison (named like it)."""
    title = normalise_titles(records["title"])
    main = main_titles(records["title"])
    codes = _codes(pd.concat([title, main], ignore_index=True).to_numpy())  # one numbering
    words = sorted_words(title)
    keys = pd.DataFrame(
        {
            "row": np.arange(len(records), dtype=np.int64),
            "owner": _codes(records["match_provider"].to_numpy(dtype=object)),
            "title": title.to_numpy(),
            "title_code": codes[: len(title)],
            "title_main": np.where(main.notna().to_numpy(), codes[len(title) :], -1),
            "title_words": words.to_numpy(),
            "title_length": title.str.len().fillna(0).to_numpy(dtype=np.int64),
            "words_length": words.str.len().fillna(0).to_numpy(dtype=np.int64),
            "order": _record_order(records),
        }
    )
    for comparison in COMPARISONS:
        made = KEYS[comparison.key].make(records, comparison.field, title)
        for suffix, values in made.items():
            keys[comparison.name + suffix] = values
    return keys


def compare_keys(
    comparison: Comparison,
    keys: pd.DataFrame,
    left_rows: np.ndarray,
    right_rows: np.ndarray,
    earlier: dict[str, np.ndarray],
) -> np.ndarray:
    """Level codes of `comparison` for each pair (left_rows[i], right_rows[i])."""
    prefix = comparison.name
    columns = [c for c in keys.columns if c == prefix or c.startswith(prefix + ".")]
    left = {c[len(prefix) :]: keys[c].to_numpy()[left_rows] for c in columns}
    right = {c[len(prefix) :]: keys[c].to_numpy()[right_rows] for c in columns}
    return KEYS[comparison.key].levels(left, right, earlier)
