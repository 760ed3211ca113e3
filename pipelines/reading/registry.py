"""Reading an agency's registry file into the registry model (`schemas.registry`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from pipelines.codes.lookups import country_code
from schemas.registry import Registry, RegistryError, registry_from_document


def _countries_as_codes(raw: Any) -> Any:
    """Providers' countries named in any language the code lists know ('Deutschland') as their
    ISO code; what no list knows is left for the model to refuse, naming the provider."""
    if not isinstance(raw, dict) or not isinstance(raw.get("providers"), list):
        return raw
    providers = []
    for entry in raw["providers"]:
        country = entry.get("country") if isinstance(entry, dict) else None
        code = country_code(country) if isinstance(country, str) else None
        providers.append({**entry, "country": code} if code else entry)
    return {**raw, "providers": providers}


def parse_registry(raw: Any, base_dir: Path) -> Registry:
    """Check a registry document (already parsed from YAML); raise RegistryError listing every
    problem, each naming the source or provider and the key."""
    return registry_from_document(_countries_as_codes(raw), base_dir)


def load_registry(path: str | Path) -> Registry:
    """Load and check the YAML registry at `path`; relative feed paths resolve against its folder."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RegistryError(f"registry {path}: cannot be read ({exc.strerror})") from None
    try:
        raw = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as exc:
        raise RegistryError(f"registry {path}: not valid YAML ({exc})") from None
    return parse_registry(raw, path.resolve().parent)
