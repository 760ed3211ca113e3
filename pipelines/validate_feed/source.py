"""The source to check: described on the command line (an in-memory, one-source registry) or
taken from an agency's registry."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.reading.registry import load_registry, parse_registry
from schemas.canonical import is_http_url
from schemas.formats import FORMATS
from schemas.registry import Registry, RegistryError, Source

#: Ids of the source and provider of the in-memory registry built from command-line options.
FEED_SOURCE_ID = "feed"
FEED_PROVIDER_ID = "feed-provider"


class UsageError(ValueError):
    """The command line (or the registry it names) does not describe a usable source."""


def registry_formats() -> tuple[str, ...]:
    """The formats a registry source may declare."""
    return FORMATS


def parse_assignments(items: list[str] | None, flag: str) -> dict[str, Any]:
    """`key=value` pairs of a repeatable option. A value starting with `{` or `[` is YAML flow
    (`namespaces={cat: "https://..."}`); otherwise it is text, where `\\t` and `\\n` stand for
    a tab and a newline (`delimiter=\\t`)."""
    result: dict[str, Any] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"{flag} {item!r}: expected key=value")
        if value.lstrip().startswith(("{", "[")):
            try:
                result[key.strip()] = yaml.safe_load(value)
            except yaml.YAMLError as exc:
                raise UsageError(f"{flag} {item!r}: not valid YAML ({exc})") from None
        else:
            result[key.strip()] = value.replace("\\t", "\t").replace("\\n", "\n")
    return result


def _absolute(location: str) -> str:
    """A path given on the command line is relative to the working directory, not a registry."""
    return location if is_http_url(location) or "://" in location else str(Path(location).resolve())


def source_from_options(
    location: str,
    feed_format: str,
    mapping: dict[str, str] | None = None,
    options: dict[str, Any] | None = None,
    provider: str | None = None,
    country: str | None = None,
    values: dict[str, Any] | None = None,
    defaults: dict[str, Any] | None = None,
) -> tuple[Registry, Source]:
    """A one-source registry for a feed described on the command line, checked like any
    registry (crosswalks, expressions and credit units included). With `provider` and `country`
    the feed's default provider is registered as an agency would register it; with one of
    them, it is the source's default for that field."""
    provider_entry = {"id": FEED_PROVIDER_ID, "name": provider or "-", "country": country or "BE"}
    defaults = dict(defaults or {})
    if bool(provider) != bool(country):
        defaults.update({"provider_name": provider} if provider else {"provider_country": country})
    raw = {
        "providers": [provider_entry],
        "sources": [
            {
                "id": FEED_SOURCE_ID,
                "provider": FEED_PROVIDER_ID,
                "url": _absolute(location),
                "format": feed_format,
                "options": options or {},
                "mapping": mapping or {},
                "defaults": defaults,
                "values": values or {},
                # a feed checked on its own is not checked for whom it may speak
                "speaks_for": {"any": True},
            }
        ],
    }
    try:
        registry = parse_registry(raw, Path.cwd())
    except RegistryError as exc:
        raise UsageError(
            f"{exc}\n(from --format, --mapping, --option, --values, --default, --provider and "
            "--country)"
        ) from None
    if not (provider and country):
        # A registry needs a provider for each source, but none was given: the placeholder
        # goes, so that records which do not name their provider are refused, not given one.
        registry = registry.model_copy(update={"providers": ()})
    return registry, registry.sources[0]


def source_from_registry(
    registry_path: str | Path, source_id: str, location: str | None = None
) -> tuple[Registry, Source]:
    """The registry's providers and one of its sources, read from `location` when given."""
    try:
        registry = load_registry(registry_path)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    sources = {s.id: s for s in registry.sources}
    if source_id not in sources:
        raise UsageError(
            f"registry {registry_path}: no source {source_id!r} (sources: {', '.join(sources)})"
        )
    source = sources[source_id].model_dump(mode="json")
    if location is not None:
        source["url"] = _absolute(location)
    # Everything but the other sources: providers and any registry-wide settings.
    raw = {**registry.model_dump(mode="json", exclude={"base_dir"}), "sources": [source]}
    try:
        one_source = parse_registry(raw, registry.base_dir)
    except RegistryError as exc:
        raise UsageError(str(exc)) from None
    return one_source, one_source.sources[0]
