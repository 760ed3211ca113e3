"""Reading an agency's registry file into the registry model (`schemas.registry`)."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import yaml

from pipelines.codes.levels import credit_unit_factor
from pipelines.codes.lookups import country_code
from pipelines.mapping.expressions import check_expression, expression_columns
from pipelines.validation.registry_values import invalid_crosswalk_targets
from schemas.registry import Registry, RegistryError, reads_learner_data, registry_from_document


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


def _expression_problems(registry: Registry) -> list[str]:
    """Computed fields that cannot be evaluated, or that read learner data."""
    problems = []
    for source in registry.sources:
        for field, sql in source.expressions.items():
            where = f"source {source.id!r}: key 'mapping.{field}.sql'"
            reason = check_expression(sql)
            if reason is not None:
                problems.append(f"{where}: invalid expression {sql!r}: {reason}")
                continue
            personal = [c for c in expression_columns(sql) if reads_learner_data(c)]
            if personal:
                problems.append(
                    f"{where}: {personal} reads learner data, which a catalogue never holds"
                )
    return problems


def _credit_unit_problems(registry: Registry) -> list[str]:
    """A declared credit unit (`defaults.credit_unit`, a crosswalk's target) the catalogue
    cannot convert to ECTS."""
    problems = []
    for source in registry.sources:
        declared = {"defaults.credit_unit": source.defaults.get("credit_unit")}
        for written, unit in source.values.get("credit_unit", {}).items():
            declared[f"values.credit_unit.{written}"] = unit
        for key, unit in declared.items():
            if unit is not None and credit_unit_factor(str(unit)) is None:
                problems.append(
                    f"source {source.id!r}: key {key!r}: unknown credit unit {unit!r} (ECTS, "
                    "SCQF, CATS, US credit hours, hours or a unit of "
                    "data/reference/credit-systems.csv)"
                )
    return problems


#: What the registry model cannot check by itself: it needs the SQL engine and the code lists.
REGISTRY_CHECKS = (_expression_problems, _credit_unit_problems, invalid_crosswalk_targets)


def parse_registry(raw: Any, base_dir: Path) -> Registry:
    """Check a registry document (already parsed from YAML); raise RegistryError listing every
    problem, each naming the source or provider and the key."""
    return registry_from_document(_countries_as_codes(raw), base_dir, REGISTRY_CHECKS)


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


def registry_fingerprint(registry: Registry) -> str:
    """Changes when the registry's content changes (not its comments or layout): the first 16
    hex digits of the SHA-256 of the checked registry, so a run says which registry it used."""
    content = registry.model_dump_json(exclude={"base_dir"})
    return hashlib.sha256(content.encode()).hexdigest()[:16]
