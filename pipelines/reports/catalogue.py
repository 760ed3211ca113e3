"""One published release as the reports read it: its tables, which registry provider each
source belongs to, and the figures several reports share (active rows, latest feed status,
which constitutive elements each row holds)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from pipelines.lib.lists import explode_items
from schemas.canonical import CONSTITUTIVE_ELEMENTS

ELEMENTS: tuple[str, ...] = tuple(CONSTITUTIVE_ELEMENTS)


@dataclass(frozen=True)
class Release:
    """The published tables of one release (`read_published`), the registry's sources with the
    provider each one publishes for, and the release's name."""

    tables: dict[str, pd.DataFrame]
    source_providers: dict[str, str]
    name: str

    @cached_property
    def rows(self) -> pd.DataFrame:
        """Active micro-credentials (withdrawn rows are kept in the table, not offered)."""
        mc = self.tables["microcredentials"]
        return mc[mc["status"] == "active"].reset_index(drop=True)

    @cached_property
    def presence(self) -> pd.DataFrame:
        """Per active row, whether it holds each constitutive element (`missing_elements`)."""
        return element_presence(self.rows)

    @cached_property
    def run_at(self) -> pd.Timestamp | None:
        status = self.tables["feed_status"]
        return status["run_at"].max() if len(status) else None

    @cached_property
    def latest_status(self) -> pd.DataFrame:
        status = self.tables["feed_status"]
        return status[status["run_at"] == self.run_at].sort_values("source_id")

    @cached_property
    def providers(self) -> pd.DataFrame:
        return self.tables["providers"].set_index("provider_id", drop=False)

    def sources_of(self, provider_ids: set[str]) -> list[str]:
        """The registry's sources publishing for these providers, in id order."""
        return sorted(s for s, p in self.source_providers.items() if p in provider_ids)

    @cached_property
    def source_countries(self) -> dict[str, str | None]:
        """A source's country: its registry provider's."""
        countries = self.providers["country"]
        return {s: _text(countries.get(p)) for s, p in self.source_providers.items()}


def element_presence(rows: pd.DataFrame) -> pd.DataFrame:
    """A boolean frame (rows x constitutive elements): True where the row holds the element."""
    present = pd.DataFrame(
        np.ones((len(rows), len(ELEMENTS)), dtype=bool), index=rows.index, columns=list(ELEMENTS)
    )
    missing = explode_items(rows["missing_elements"])
    for element in ELEMENTS:
        present.loc[missing.index[missing == element], element] = False
    return present


def element_shares(presence: pd.DataFrame, groups: pd.Series | None = None) -> pd.DataFrame:
    """Share of rows holding each element, overall (one row) or per group, with the row count
    and the mean over the elements (the rows' mean completeness)."""
    keys = groups if groups is not None else pd.Series("all", index=presence.index)
    grouped = presence.astype(float).groupby(keys, dropna=False)
    shares = grouped.mean()
    shares.insert(0, "rows", grouped.size())
    shares["mean"] = shares[list(ELEMENTS)].mean(axis=1)
    return shares


def _text(value: Any) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def plain_records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as JSON-ready dicts: nulls as None, numbers as int/float, times as ISO 8601 (UTC),
    lists as lists (pandas' JSON writer does it column-wise, in C)."""
    text = frame.to_json(orient="records", date_format="iso", date_unit="us", force_ascii=False)
    return json.loads(text)


def plain(value: Any) -> Any:
    if isinstance(value, list | tuple | np.ndarray):
        return [plain(v) for v in value]
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float | np.floating) and np.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.bool_ | bool):
        return bool(value)
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    return value
