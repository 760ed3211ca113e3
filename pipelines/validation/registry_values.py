"""Values an agency writes in the registry checked by the rules records are checked by: a
crosswalk's target is refused when a record holding it would be rejected for that field."""

from __future__ import annotations

import pandas as pd

from pipelines.mapping.fields import default_value
from pipelines.normalise.records import normalise_records
from pipelines.validation.validate import validate_records
from schemas.canonical import LIST_FIELDS
from schemas.registry import Registry


def invalid_crosswalk_targets(registry: Registry) -> list[str]:
    """Every crosswalk target (`values: {field: {feed value: target}}`) that is not a valid value
    of its field, each named with its source and key. Each target is checked as a record of its
    source would hold it: one record per target, the source's defaults applied, through the
    normalisation and the schema of every run (all targets of all sources in one pass)."""
    rows, keys = [], []
    for source in registry.sources:
        for field, table in source.values.items():
            if field == "credit_unit":
                continue  # a unit, checked against the credit units (pipelines.reading)
            for written, target in table.items():
                record = {f: default_value(f, v) for f, v in source.defaults.items()}
                record.update(source_id=source.id, title="crosswalk target check")
                record[field] = [target] if field in LIST_FIELDS else target
                rows.append(record)
                keys.append((source.id, field, written, target))
    if not rows:
        return []
    frame = pd.DataFrame(rows).astype("object")
    frame["record_index"] = range(len(frame))
    frame["source_record_id"] = [f"target-{i}" for i in range(len(frame))]
    normalised, problems = normalise_records(frame, registry)
    rejects = validate_records(normalised, problems).rejects
    found = []
    for reject in rejects.itertuples(index=False):
        source_id, field, written, target = keys[int(reject.record_index)]
        if reject.field == field:
            found.append(
                f"source {source_id!r}: key 'values.{field}.{written}': {target!r} is not a "
                f"valid {field} ({reject.reason})"
            )
    return sorted(dict.fromkeys(found))
