"""Who provides a record: names, aliases and identifiers resolved to the registry's providers.

A record names its provider by registry id, name, alias, SCHAC code, Erasmus code, DEQAR id or a
slightly misspelled name. A provider the registry does not know keeps an id of its own, derived
from its name and country, so that it is never merged into another provider. Resolution works on
distinct names only.
"""

from __future__ import annotations

import hashlib
import re

import pandas as pd
from rapidfuzz import fuzz, process

from pipelines.codes.lookups import fold
from schemas.registry import Registry

UNREGISTERED_PREFIX = "unregistered-"
#: Names shorter than this (acronyms) are only ever matched exactly.
MIN_FUZZY_LENGTH = 8


def _key(value: str) -> str:
    """Folded, with punctuation as spaces ('Wageningen University & Research' ~ '... and ...')."""
    text = fold(value).replace("&", " and ")
    return " ".join(re.sub(r"[^\w]+", " ", text).split())


class ProviderIndex:
    """The registry's providers by every key that names them."""

    def __init__(self, registry: Registry, similarity: float) -> None:
        self.similarity = similarity
        self.exact: dict[str, str] = {}
        self.names: list[tuple[str, str, str]] = []  # (key, provider id, country)
        for provider in registry.providers:
            names = [provider.name, *provider.aliases]
            identifiers = [v for v in provider.identifiers.model_dump().values() if v]
            for value in (provider.id, *names, *identifiers):
                for key in {fold(value), _key(value)}:
                    self.exact.setdefault(key, provider.id)
            self.names += [
                (_key(n), provider.id, provider.country)
                for n in names
                if len(_key(n)) >= MIN_FUZZY_LENGTH
            ]

    def resolve(self, names: pd.Series, countries: pd.Series) -> tuple[pd.Series, pd.Series]:
        """Registry id of each named provider (None when unknown) and how it was found."""
        keys, distinct = _pair_keys(names, countries)
        found = {key: self._one(name, country) for key, (name, country) in distinct.items()}
        ids = keys.map({k: v[0] for k, v in found.items()}).astype("object")
        how = keys.map({k: v[1] for k, v in found.items()}).astype("object")
        return ids.where(ids.notna(), None), how.where(ids.notna(), None)

    def _one(self, name: str, country: object) -> tuple[str | None, str | None]:
        found = self._by_name(name, country)
        if found[0] is None:  # `Uppsala universitet, Institutionen för informatik`: the unit's
            head = re.split(r"\s*(?:,|\s[-–—]\s|\()\s*", name, maxsplit=1)[0]  # institution
            if head != name and len(_key(head)) >= MIN_FUZZY_LENGTH:
                provider, how = self._by_name(head, country)
                if provider is not None:
                    return provider, f"{how}, of its part before the unit"
        return found

    def _by_name(self, name: str, country: object) -> tuple[str | None, str | None]:
        for key in (fold(name), _key(name)):
            if key in self.exact:
                return self.exact[key], "name, alias or identifier"
        key = _key(name)
        if len(key) < MIN_FUZZY_LENGTH:
            return None, None
        choices = [
            (k, pid) for k, pid, c in self.names if not isinstance(country, str) or c == country
        ]
        best = process.extractOne(
            key, [k for k, _ in choices], scorer=fuzz.ratio, score_cutoff=self.similarity
        )
        if best is None:
            return None, None
        return choices[best[2]][1], f"similar name ({best[1]:.0f}%)"


def unregistered_ids(names: pd.Series, countries: pd.Series) -> pd.Series:
    """A stable id for a provider the registry does not list: `unregistered-<cc>-<name>`."""
    keys, distinct = _pair_keys(names, countries)
    ids = {}
    for key, (name, country) in distinct.items():
        slug = re.sub(r"[^a-z0-9]+", "-", _key(name)).strip("-")[:40].strip("-")
        if not slug:
            slug = hashlib.blake2b(_key(name).encode(), digest_size=6).hexdigest()
        cc = country.lower() if isinstance(country, str) else "xx"
        ids[key] = f"{UNREGISTERED_PREFIX}{cc}-{slug}"
    result = keys.map(ids).astype("object")
    return result.where(result.notna(), None)


def _pair_keys(
    names: pd.Series, countries: pd.Series
) -> tuple[pd.Series, dict[str, tuple[str, str | None]]]:
    """One text key per (name, country) row, null without a name, and the distinct pairs."""
    name = names.astype("object").where(names.notna(), None)
    country = countries.astype("object").where(countries.notna(), None)
    keys = (name.astype("str") + "\x1f" + country.fillna("").astype("str")).where(
        name.notna(), None
    )
    distinct = pd.DataFrame({"k": keys, "n": name, "c": country}).dropna(subset=["k"])
    distinct = distinct.drop_duplicates("k")
    return keys, {k: (n, c) for k, n, c in distinct.itertuples(index=False)}


def awarding_provider_ids(records: pd.DataFrame, index: ProviderIndex) -> pd.Series:
    """Who awards each record's micro-credential, as a provider id: the provider itself, unless
    an awarding body is named (a MOOC platform's partner university), resolved like providers."""
    body, provider = records["awarding_body_name"], records["provider_name"]
    own = body.isna() | (body.astype("object") == provider.astype("object"))
    other = body.where(~own)
    registered, _ = index.resolve(other, records["awarding_body_country"])
    unknown = unregistered_ids(other.where(registered.isna()), records["awarding_body_country"])
    return records["provider_id"].where(own, registered.fillna(unknown)).astype("object")
