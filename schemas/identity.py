"""Stable identifiers: the same inputs give the same id in any run, order or pandas version."""

from __future__ import annotations

import hashlib

import pandas as pd


def stable_ids(parts: list[pd.Series], prefix: str) -> pd.Series:
    """`prefix` + 16 hex digits of BLAKE2b over the parts (joined with a unit separator)."""
    index = parts[0].index
    texts = parts[0].astype("object").map(_text)
    for part in parts[1:]:
        texts = texts + "\x1f" + part.astype("object").map(_text)
    digests = [prefix + hashlib.blake2b(t.encode(), digest_size=8).hexdigest() for t in texts]
    return pd.Series(digests, index=index, dtype="object")


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, list | tuple):
        return "\x1e".join(map(str, value))
    return str(value)
