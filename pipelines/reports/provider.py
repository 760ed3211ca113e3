"""The report an agency sends each provider after a run, as plain data (the JSON file; the HTML
page is rendered from it).

A provider's report holds what its own feeds sent (the registry's sources publishing for it:
their health, every problem found in their records, how their records were merged) and the
catalogue rows of which it is the provider (completeness against the national and European
averages, what changed). Other providers' rows, names and values never appear: a record of
another source is named only by its source and record id where it was merged with one of the
provider's records. The wording of problems and fixes is validate-feed's.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from pipelines.catalogue.coverage import COVERED, code_coverage
from pipelines.reports.catalogue import (
    ELEMENTS,
    Release,
    element_shares,
    plain,
    plain_records,
)
from pipelines.validate_feed.fixes import (
    element_fix,
    flag_field,
    flag_fix,
    missing_element_reason,
    suggest_fix,
)
from schemas.canonical import CONSTITUTIVE_ELEMENTS
from schemas.matching import COMPARISONS

#: Runs of each source's history shown.
HISTORY_RUNS = 5
CONSEQUENCE = {"error": "record rejected", "warning": "value dropped, record kept"}
STATUS_COLUMNS = [
    "source_id",
    "status",
    "stale",
    "error",
    "warnings",
    "records_read",
    "records_accepted",
    "records_rejected",
    "values_dropped",
    "pages",
    "seconds",
]
COUNTS = ["records_read", "records_accepted", "records_rejected", "values_dropped"]
PROBLEM_COLUMNS = ["provider_id", "credential_id", "title", "field", "value", "reason", "fix"]
COVERAGE_COLUMNS = ["source_id", "credential_id", *COVERED.values()]


def report_providers(release: Release) -> list[str]:
    """Providers with a report: those with a registered source or a row in the catalogue."""
    with_rows = set(release.tables["microcredentials"]["provider_id"].dropna())
    with_sources = set(release.source_providers.values())
    known = set(release.providers.index)
    return sorted((with_rows | with_sources) & known)


def provider_reports(release: Release) -> dict[str, dict[str, Any]]:
    """Every provider's report of this release, by provider id."""
    shared = _Shared(release)
    return {p: provider_report(release, p, shared) for p in report_providers(release)}


class _Shared:
    """Figures computed once for all providers' reports, and the tables split by provider or
    source so that each report takes its part without scanning them again."""

    def __init__(self, release: Release) -> None:
        rows, presence = release.rows, release.presence
        self.by_provider = element_shares(presence, rows["provider_id"])
        self.by_country = element_shares(presence, rows["provider_country"])
        self.europe = element_shares(presence).reindex(["all"]).iloc[0].fillna({"rows": 0})
        self.rows = _split(rows, "provider_id")
        self.element_problems = _split(_element_problems(rows), "provider_id")
        mc = release.tables["microcredentials"]
        self.row_provider = mc.set_index("credential_id")["provider_id"]
        self.withdrawn = mc[mc["status"] == "withdrawn"].groupby("provider_id").size()
        lineage = release.tables["lineage"]
        lineage = lineage[lineage["active"]]
        self.lineage = _split(lineage, "source_id")
        origins = rows[["credential_id", *COVERED.values()]]
        self.coverage = _split(
            lineage[["source_id", "credential_id"]].merge(origins, on="credential_id"),
            "source_id",
        )
        matches = release.tables["matches"]
        self.matches_left = _split(matches, "left_source_id")
        self.matches_right = _split(matches, "right_source_id")
        self.rejects = _split(release.tables["rejects"], "source_id")
        self.history = _split(release.tables["feed_status"], "source_id")
        self.changes = _split(_latest_changes(release, self.row_provider), "provider_id")

    def part(self, name: str, keys: list[str] | str, empty: pd.DataFrame) -> pd.DataFrame:
        """The rows of table `name` for these keys (an empty frame like `empty` for none)."""
        groups: dict[str, pd.DataFrame] = getattr(self, name)
        found = [groups[k] for k in ([keys] if isinstance(keys, str) else keys) if k in groups]
        return pd.concat(found) if found else empty.iloc[0:0]


def _split(frame: pd.DataFrame, column: str) -> dict[str, pd.DataFrame]:
    return dict(tuple(frame.groupby(column, sort=False)))


def provider_report(
    release: Release, provider_id: str, shared: _Shared | None = None
) -> dict[str, Any]:
    """One provider's report as plain data (JSON-ready)."""
    shared = shared or _Shared(release)
    provider = release.providers.loc[provider_id]
    sources = release.sources_of({provider_id})
    rows = shared.part("rows", provider_id, release.rows)
    status = release.latest_status[release.latest_status["source_id"].isin(sources)]
    own_lineage = shared.part("lineage", sources, release.tables["lineage"])
    problems = shared.part("element_problems", provider_id, pd.DataFrame(columns=PROBLEM_COLUMNS))
    return {
        "kind": "provider report",
        "release": release.name,
        "run_at": plain(release.run_at),
        "provider": {
            "id": provider_id,
            "name": provider["name"],
            "country": plain(provider["country"]),
            "registered": bool(provider["registered"]),
            "trusted": bool(provider["trusted"]),
        },
        "summary": {
            "sources": len(sources),
            **{c: int(status[c].sum()) for c in COUNTS},
            "micro_credentials": len(rows),
            "withdrawn": int(shared.withdrawn.get(provider_id, 0)),
            "mean_completeness": plain(rows["completeness"].mean()) if len(rows) else None,
        },
        "sources": _sources(shared.part("history", sources, release.tables["feed_status"]), status),
        "record_problems": _record_problems(
            shared.part("rejects", sources, release.tables["rejects"])
        ),
        "element_problems": plain_records(problems[PROBLEM_COLUMNS[1:]]),
        "completeness": _completeness(shared, provider_id, plain(provider["country"]), len(rows)),
        "code_coverage": plain_records(
            code_coverage(shared.part("coverage", sources, pd.DataFrame(columns=COVERAGE_COLUMNS)))
        ),
        "changes": plain_records(
            shared.part("changes", provider_id, pd.DataFrame(columns=CHANGE_COLUMNS))[
                CHANGE_COLUMNS
            ]
        ),
        "merges": _merges(own_lineage, shared, provider_id),
        "pairs_compared": _pairs(release, sources, shared),
        "micro_credentials": _rows(rows, own_lineage),
    }


def _sources(history: pd.DataFrame, status: pd.DataFrame) -> list[dict[str, Any]]:
    """Each source's latest status, with its counts in the last runs (newest first)."""
    history = history.sort_values("run_at", ascending=False)
    runs = {
        source: plain_records(frame.head(HISTORY_RUNS)[["run_at", "status", *COUNTS]])
        for source, frame in history.groupby("source_id")
    }
    latest = plain_records(status[STATUS_COLUMNS])
    for entry in latest:
        entry["history"] = runs.get(entry["source_id"], [])
    return latest


def _record_problems(rejects: pd.DataFrame) -> list[dict[str, Any]]:
    """Every problem found in the records of the provider's sources, with validate-feed's fix."""
    rejects = rejects.sort_values(["source_id", "record_index", "field"])
    problems = []
    for r in rejects.itertuples(index=False):
        value = plain(r.value)
        problems.append(
            {
                "source_id": r.source_id,
                "record_id": plain(r.source_record_id),
                "record_number": int(r.record_index) + 1,
                "field": r.field,
                "value": value,
                "reason": r.reason,
                "severity": r.severity,
                "consequence": CONSEQUENCE.get(r.severity, r.severity),
                "fix": suggest_fix(r.field, r.reason, value, provider_flags=False),
            }
        )
    return problems


def _element_problems(rows: pd.DataFrame) -> pd.DataFrame:
    """Per active row: each constitutive element it lacks and each contradiction between a
    stated and a derived code, worded as validate-feed words them."""
    missing = rows[["provider_id", "credential_id", "title", "missing_elements"]].explode(
        "missing_elements"
    )
    missing = missing[missing["missing_elements"].notna()]
    element = missing["missing_elements"]
    missing = missing.assign(
        field=element.map({e: " or ".join(c) for e, c in CONSTITUTIVE_ELEMENTS.items()}),
        value=None,
        reason=element.map({e: missing_element_reason(e) for e in ELEMENTS}),
        fix=element.map({e: element_fix(e) for e in ELEMENTS}),
    )
    flags = rows[["provider_id", "credential_id", "title", "code_flags"]].explode("code_flags")
    flags = flags[flags["code_flags"].notna()]
    flagged = flags["code_flags"].map(flag_field)
    values = [
        plain(rows.at[i, f]) if f in rows.columns else None
        for i, f in zip(flagged.index, flagged, strict=True)
    ]
    flags = flags.assign(
        field=flagged,
        value=[None if v is None else str(v) for v in values],
        reason=flags["code_flags"],
        fix=flags["code_flags"].map(flag_fix),
    )
    columns = PROBLEM_COLUMNS
    return pd.concat([missing[columns], flags[columns]], ignore_index=True).sort_values(
        ["credential_id", "field"], kind="stable"
    )


def _completeness(
    shared: _Shared, provider_id: str, country: str | None, rows: int
) -> dict[str, Any]:
    """Share of the provider's rows holding each element, beside the national (the provider's
    country) and European shares; None where there is nothing to compare with."""
    own = shared.by_provider.loc[provider_id] if rows else None
    national = (
        shared.by_country.loc[country]
        if country is not None and country in shared.by_country.index
        else None
    )
    europe = shared.europe

    def share(frame: pd.Series | None, element: str) -> float | None:
        return None if frame is None or pd.isna(frame[element]) else round(float(frame[element]), 4)

    return {
        "rows": rows,
        "country": country,
        "national_rows": int(national["rows"]) if national is not None else 0,
        "european_rows": int(europe["rows"]),
        "elements": [
            {
                "element": element,
                "provider": share(own, element),
                "national": share(national, element),
                "european": share(europe, element),
                "fix": element_fix(element),
            }
            for element in ELEMENTS
        ],
        "mean": {
            "provider": share(own, "mean"),
            "national": share(national, "mean"),
            "european": share(europe, "mean"),
        },
    }


CHANGE_COLUMNS = ["change", "credential_id", "title", "fields", "merged_into"]


def _latest_changes(release: Release, row_provider: pd.Series) -> pd.DataFrame:
    """What the latest run changed, with the provider of each row (a merged row counts for the
    row that now holds its records)."""
    changes = release.tables["changes"]
    latest = changes[changes["run_at"] == changes["run_at"].max()] if len(changes) else changes
    row = latest["merged_into"].where(latest["merged_into"].notna(), latest["credential_id"])
    latest = latest.assign(provider_id=row.map(row_provider).to_numpy())
    return latest.sort_values(["change", "credential_id"])


def _merges(own_lineage: pd.DataFrame, shared: _Shared, provider_id: str) -> list[dict[str, Any]]:
    """The provider's records that share a row with other records, and why (lineage). The row
    is named only when it is the provider's own."""
    merged = own_lineage[own_lineage["merge_reason"] != "own record"]
    own_row = merged["credential_id"].map(shared.row_provider).eq(provider_id)
    frame = pd.DataFrame(
        {
            "source_id": merged["source_id"],
            "record_id": merged["source_record_id"],
            "credential_id": merged["credential_id"].where(own_row, None),
            "reason": merged["merge_reason"],
        }
    )
    return plain_records(frame.sort_values(["source_id", "record_id"]))


def _pairs(release: Release, sources: list[str], shared: _Shared) -> list[dict[str, Any]]:
    """Pairs the matching compared where one record is the provider's: the other record (by
    source and id), the weight, whether they were merged, and the evidence per field. A pair
    of two of the provider's records is listed once, from its left record."""
    matches = release.tables["matches"]
    left = shared.part("matches_left", sources, matches)
    right = shared.part("matches_right", sources, matches)
    right = right[~right["left_source_id"].isin(sources)]
    sides = []
    for part, own, other in ((left, "left", "right"), (right, "right", "left")):
        sides.append(
            pd.DataFrame(
                {
                    "source_id": part[f"{own}_source_id"],
                    "record_id": part[f"{own}_source_record_id"],
                    "other_record": part[f"{other}_source_id"]
                    + ":"
                    + part[f"{other}_source_record_id"],
                    "weight": part["weight"],
                    "merged": part["merged"],
                    "evidence": _evidence(part),
                }
            )
        )
    pairs = pd.concat(sides, ignore_index=True)
    return plain_records(pairs.sort_values(["source_id", "record_id", "other_record"]))


def _evidence(matches: pd.DataFrame) -> pd.Series:
    """`title equal; url equal; ects differs` from the evidence columns of `matches`."""
    parts = ["title " + matches["title"].astype("object").fillna("unknown")]
    parts += [
        c.name + " " + matches[c.name].astype("object").fillna("unknown") for c in COMPARISONS
    ]
    evidence = parts[0]
    for part in parts[1:]:
        evidence = evidence + "; " + part
    return evidence


def _rows(rows: pd.DataFrame, own_lineage: pd.DataFrame) -> list[dict[str, Any]]:
    """The provider's active rows: completeness, what they lack, and whether one of its own
    feeds publishes them (else only another source, e.g. a national register, does)."""
    from_own = rows["credential_id"].isin(own_lineage["credential_id"])
    frame = pd.DataFrame(
        {
            "credential_id": rows["credential_id"],
            "title": rows["title"],
            "completeness": rows["completeness"].round(4),
            "missing_elements": rows["missing_elements"],
            "source_count": rows["source_count"],
            "from_own_feeds": from_own,
        }
    )
    return plain_records(frame.sort_values(["completeness", "credential_id"]))
