"""Stable identifiers: the same inputs give the same id in any run, order or pandas version."""

from __future__ import annotations

import hashlib

import pandas as pd


def stable_ids(parts: list[pd.Series], prefix: str) -> pd.Series:
    """`prefix` + 16 hex digits of BLAKE2b over the parts (joined with a unit separator)."""
    columns = [_texts(part) for part in parts]
    digests = [
        prefix + hashlib.blake2b("\x1f".join(row).encode(), digest_size=8).hexdigest()
        for row in zip(*columns, strict=True)
    ]
    return pd.Series(digests, index=parts[0].index, dtype="object")


def _texts(part: pd.Series) -> list[str]:
    if pd.api.types.infer_dtype(part, skipna=True) in ("string", "empty"):
        return part.astype("object").where(part.notna(), "").tolist()
    return part.astype("object").map(_text).tolist()


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, list | tuple):
        return "\x1e".join(map(str, value))
    return str(value)
