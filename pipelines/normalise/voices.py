"""No provider speaks for another: whom each source may publish for, and the records that name
a provider (or an awarding body) their source may not speak for.

A source publishes for its own provider (registry key `provider`); an aggregator's entry says in
`speaks_for` which registered providers, which countries or `any` it may also speak for. A
record naming anyone else as its provider would borrow their name and trust
(`provider_trusted`): it is rejected with the reason, never published under the provider it
names. A record naming a registered provider it may not speak for as its awarding body loses
that value (a warning) and stays its provider's own, so it is never merged into that
provider's offerings. An awarding body the registry does not know (an examination board that
awards a college's courses) borrows no registered name or trust, and is kept.
"""

from __future__ import annotations

import pandas as pd

from pipelines.normalise.providers import ProviderIndex
from schemas.problems import Problems
from schemas.registry import Registry

_SEP = "\x1f"


def may_speak_for(
    registry: Registry, source_ids: pd.Series, provider_ids: pd.Series, countries: pd.Series
) -> pd.Series:
    """Whether each row's source may publish for the provider `provider_ids` names (a
    registry id, or an `unregistered-` one) in `countries`. A registered provider's country is
    the registry's, whatever a record claims; a provider the registry does not know, named
    without a country, is within reach of an aggregator that speaks for countries (nothing says
    it is outside them, and it borrows no registered name or trust)."""
    registered_country = {p.id: p.country for p in registry.providers}
    registered = provider_ids.isin(list(registered_country))
    country = provider_ids.map(registered_country).where(registered, countries)
    source = source_ids.astype("object")
    sources = registry.sources
    own = source.map({s.id: s.provider for s in sources}) == provider_ids
    speaks_for_any = source.map({s.id: s.speaks_for.any for s in sources}).fillna(False)
    has_countries = source.map({s.id: bool(s.speaks_for.countries) for s in sources}).fillna(False)
    named = {s.id + _SEP + p for s in sources for p in s.speaks_for.providers}
    in_countries = {s.id + _SEP + c for s in sources for c in s.speaks_for.countries}
    by_name = (source.astype("str") + _SEP + provider_ids.astype("str")).isin(named)
    by_country = (source.astype("str") + _SEP + country.astype("str")).isin(in_countries)
    unplaced = ~registered & country.isna() & provider_ids.notna() & has_countries.astype(bool)
    allowed = own | speaks_for_any.astype(bool) | by_name | by_country | unplaced
    return allowed.astype(bool)


def _reason(frame: pd.DataFrame, rows: pd.Index, who: pd.Series, what: str) -> pd.Series:
    return (
        "source "
        + frame.loc[rows, "source_id"].astype("str")
        + f" may not publish for {what} "
        + who.loc[rows].astype("str")
        + " (not its own provider, and its registry entry's speaks_for does not name it)"
    )


def refuse_other_voices(
    frame: pd.DataFrame, registry: Registry, index: ProviderIndex, problems: Problems
) -> None:
    """Add a problem for each record naming a provider (the record is rejected) or a registered
    awarding body (the value is dropped) its source may not speak for. Needs resolved
    `provider_id`s, country codes and awarding bodies filled in."""
    allowed = may_speak_for(
        registry, frame["source_id"], frame["provider_id"], frame["provider_country"]
    )
    rows = frame.index[frame["provider_id"].notna() & ~allowed]
    named = frame["provider_name"].where(frame["provider_name"].notna(), frame["provider_id"])
    reason = _reason(frame, rows, frame["provider_id"], "provider")
    problems.add(rows, "provider_name", reason, named, "breaks_rule")

    body, country = frame["awarding_body_name"], frame["awarding_body_country"]
    other = body.where(body.astype("object") != frame["provider_name"].astype("object"))
    if other.notna().any():
        registered, _ = index.resolve(other, country)
        body_allowed = may_speak_for(registry, frame["source_id"], registered, country)
        rows = frame.index[registered.notna() & ~body_allowed & allowed]
        reason = _reason(frame, rows, body, "awarding body")
        problems.add(rows, "awarding_body_name", reason, body, "breaks_rule")
