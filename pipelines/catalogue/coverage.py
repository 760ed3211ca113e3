"""How well each source states its codes: EQF level, ISCED-F field and ECTS, given or derived."""

from __future__ import annotations

import pandas as pd

COVERED = {"eqf": "eqf_level_origin", "isced_f": "isced_f_code_origin", "ects": "ects_origin"}

#: The same figures as a DuckDB view over the published tables.
COVERAGE_VIEW_SQL = (
    "CREATE VIEW code_coverage AS SELECT l.source_id, count(*) AS records, "
    + ", ".join(
        f"round(avg(coalesce({col} = 'given', false)::INT), 3) AS {name}_given, "
        f"round(avg(coalesce({col} LIKE 'derived%', false)::INT), 3) AS {name}_derived"
        for name, col in COVERED.items()
    )
    + " FROM lineage l JOIN microcredentials m USING (credential_id) GROUP BY l.source_id ORDER BY l.source_id"
)


def code_coverage(accepted: pd.DataFrame) -> pd.DataFrame:
    """One row per source: accepted records and the share with each code given or derived."""
    origins = accepted[["source_id", *COVERED.values()]]
    frame = pd.DataFrame({"records": origins.groupby("source_id").size()})
    for name, column in COVERED.items():
        origin = origins[column].astype("object")
        given = (origin == "given").groupby(origins["source_id"]).mean()
        derived = origin.str.startswith("derived", na=False).groupby(origins["source_id"]).mean()
        frame[f"{name}_given"] = given.round(3)
        frame[f"{name}_derived"] = derived.round(3)
    return frame.reset_index()
