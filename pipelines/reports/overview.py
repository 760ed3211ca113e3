"""The catalogue overview of a run, as plain data: the European catalogue, or one country's
(national) catalogue, in counts, completeness, sources' health, rejects and trends."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pycountry

from pipelines.codes.lookups import isced_f_labels
from pipelines.lib.lists import explode_items
from pipelines.reports.catalogue import ELEMENTS, Release, element_shares, plain, plain_records

NOT_STATED = "not stated"
#: ECTS bands: (lower, upper] edges and their labels.
ECTS_EDGES = (0.0, 2.5, 5.0, 10.0, 20.0, 59.0)
ECTS_BANDS = ("up to 2.5", "over 2.5 to 5", "over 5 to 10", "over 10 to 20", "over 20 to 59")
NO_ECTS = "no ECTS"
#: Runs shown in the trends.
TREND_RUNS = 10
CHANGE_KINDS = ("added", "changed", "withdrawn", "reactivated", "merged")
STATUS_ORDER = {"failed": 0, "held": 1, "ok": 2, "unchanged": 3}


def overview(release: Release, country: str | None = None) -> dict[str, Any]:
    """The overview of the European catalogue (`country` None) or of one country's."""
    rows = release.rows
    in_scope = rows["provider_country"].eq(country) if country else pd.Series(True, rows.index)
    rows = rows[in_scope.to_numpy()]
    presence = release.presence[in_scope.to_numpy()]
    sources = [
        s
        for s in release.latest_status["source_id"]
        if country is None or release.source_countries.get(s) == country
    ]
    status = release.latest_status[release.latest_status["source_id"].isin(sources)]
    rejects = release.tables["rejects"]
    rejects = rejects[rejects["source_id"].isin(sources)]
    return {
        "kind": "catalogue overview",
        "scope": country or "Europe",
        "scope_name": country_name(country) if country else "European catalogue",
        "release": release.name,
        "run_at": plain(release.run_at),
        "totals": _totals(release, rows, status, country),
        "counts": {
            "country": _counts(rows["provider_country"].map(country_label, na_action="ignore")),
            "provider": _counts(_provider_labels(release, rows)),
            "eqf_level": _counts(rows["eqf_level"].map(lambda v: f"EQF {v}", na_action="ignore")),
            "isced_f_broad": _counts(_broad_fields(rows["isced_f_code"])),
            "ects_band": _counts(_ects_bands(rows["ects"]), order=[*ECTS_BANDS, NO_ECTS]),
            "participation_form": _counts(rows["participation_form"]),
            "language": _language_counts(rows["languages"]),
        },
        "completeness_by_country": _completeness(presence, rows["provider_country"], release),
        "completeness_by_provider": _completeness(presence, rows["provider_id"], release),
        "sources": _sources(release, status),
        "rejects_by_reason": _rejects_by_reason(rejects),
        "trends": _trends(release, sources, country),
    }


def country_name(code: str | None) -> str:
    found = pycountry.countries.get(alpha_2=code) if code else None
    return found.name if found is not None else (code or NOT_STATED)


def country_label(code: str) -> str:
    return f"{country_name(code)} ({code})"


def _totals(
    release: Release, rows: pd.DataFrame, status: pd.DataFrame, country: str | None
) -> dict[str, Any]:
    mc = release.tables["microcredentials"]
    withdrawn = mc["status"].eq("withdrawn") & (
        mc["provider_country"].eq(country) if country else True
    )
    return {
        "micro_credentials": len(rows),
        "withdrawn": int(withdrawn.sum()),
        "providers": int(rows["provider_id"].nunique()),
        "countries": int(rows["provider_country"].nunique()),
        "sources": len(status),
        "sources_failed": int(status["status"].eq("failed").sum()),
        "sources_held": int(status["status"].eq("held").sum()),
        "records_read": int(status["records_read"].sum()),
        "records_accepted": int(status["records_accepted"].sum()),
        "records_rejected": int(status["records_rejected"].sum()),
        "values_dropped": int(status["values_dropped"].sum()),
        "records_merged": int((rows["source_count"] - 1).clip(lower=0).sum()),
        "mean_completeness": round(float(rows["completeness"].mean()), 4) if len(rows) else None,
    }


def _counts(labels: pd.Series, order: list[str] | None = None) -> list[dict[str, Any]]:
    """Rows per value, largest first (or in `order`); null is 'not stated'."""
    counts = labels.astype("object").fillna(NOT_STATED).value_counts(sort=False)
    if order is None:
        counts = counts.sort_index().sort_values(ascending=False, kind="stable")
        if NOT_STATED in counts.index:  # unknown last
            counts = pd.concat([counts.drop(NOT_STATED), counts[[NOT_STATED]]])
    else:
        counts = counts.reindex([o for o in order if o in counts.index])
    return [{"value": str(k), "rows": int(v)} for k, v in counts.items()]


def _provider_labels(release: Release, rows: pd.DataFrame) -> pd.Series:
    names = release.providers["name"]
    return (
        rows["provider_id"]
        .map(names)
        .where(rows["provider_id"].isin(names.index), rows["provider_name"])
    )


def _broad_fields(codes: pd.Series) -> pd.Series:
    labels = isced_f_labels()
    broad = codes.str.slice(0, 2)
    return broad.map(lambda c: f"{c} {labels.get(c, '')}".strip(), na_action="ignore")


def _ects_bands(ects: pd.Series) -> pd.Series:
    bands = pd.cut(ects, bins=list(ECTS_EDGES), labels=list(ECTS_BANDS), right=True)
    return bands.astype("object").where(ects.notna(), NO_ECTS)


def _language_counts(languages: pd.Series) -> list[dict[str, Any]]:
    """Rows taught in each language (a row taught in two counts for both)."""
    items = explode_items(languages)
    names = {code: _language_name(code) for code in items.unique()}
    labels = items.map(names)
    unstated = languages.index.difference(items.index)
    return _counts(pd.concat([labels, pd.Series(None, index=unstated, dtype="object")]))


def _language_name(code: str) -> str:
    key = "alpha_2" if len(code) == 2 else "alpha_3"
    found = pycountry.languages.get(**{key: code})
    return f"{found.name} ({code})" if found is not None else code


def _completeness(presence: pd.DataFrame, groups: pd.Series, release: Release) -> list[dict]:
    """Share of rows holding each element per group (country or provider), worst first."""
    shares = element_shares(presence, groups.astype("object"))
    shares = shares.reset_index(names="key").sort_values(
        ["mean", "rows", "key"], ascending=[True, False, True]
    )
    out = []
    for entry in plain_records(shares):
        key = entry.pop("key")
        if groups.name == "provider_country":
            entry["label"] = country_label(key) if key else NOT_STATED
        else:
            provider = release.providers.loc[key] if key in release.providers.index else None
            entry["label"] = provider["name"] if provider is not None else str(key)
            entry["country"] = plain(provider["country"]) if provider is not None else None
        entry["key"] = key
        entry["mean"] = round(entry["mean"], 4)
        for element in ELEMENTS:
            entry[element] = round(entry[element], 4)
        out.append(entry)
    return out


def _sources(release: Release, status: pd.DataFrame) -> list[dict[str, Any]]:
    """Every source's latest status, the unhealthy first."""
    frame = status.assign(
        provider_id=status["source_id"].map(release.source_providers),
        _order=status["status"].map(STATUS_ORDER).fillna(len(STATUS_ORDER)),
    )
    frame = frame.sort_values(
        ["_order", "records_rejected", "source_id"], ascending=[True, False, True]
    )
    columns = [
        "source_id",
        "provider_id",
        "status",
        "stale",
        "records_read",
        "records_accepted",
        "records_rejected",
        "values_dropped",
        "error",
        "warnings",
    ]
    return plain_records(frame[columns])


def reason_kind(reasons: pd.Series) -> pd.Series:
    """A reason without the values it quotes (`id '…' is given to records #n, #n …`), so that
    the same problem in many records counts as one reason."""
    kind = reasons.str.split(":", n=1).str[0]
    kind = kind.str.replace(r"'[^']*'", "'…'", regex=True)
    return kind.str.replace(r"#\d+", "#n", regex=True)


def _rejects_by_reason(rejects: pd.DataFrame) -> list[dict[str, Any]]:
    """Problems per field and reason: how many, in how many records and sources, most first."""
    frame = rejects.assign(
        reason_kind=reason_kind(rejects["reason"]),
        record=rejects["source_id"] + "\x1f" + rejects["record_index"].astype(str),
    )
    grouped = frame.groupby(["field", "reason_kind", "severity"], dropna=False)
    counts = grouped.agg(
        problems=("record", "size"), records=("record", "nunique"), sources=("source_id", "nunique")
    ).reset_index()
    counts = counts.sort_values(["problems", "field"], ascending=[False, True])
    return plain_records(counts.rename(columns={"reason_kind": "reason"}))


def _trends(release: Release, sources: list[str], country: str | None) -> list[dict[str, Any]]:
    """Per run (the last TREND_RUNS): active rows after the run, what the run changed, and the
    records read and rejected."""
    changes = release.tables["changes"]
    mc = release.tables["microcredentials"].set_index("credential_id")
    if country:
        row = changes["merged_into"].where(changes["merged_into"].notna(), changes["credential_id"])
        changes = changes[row.map(mc["provider_country"]).eq(country).to_numpy()]
    per_run = pd.crosstab(changes["run_at"], changes["change"]).reindex(
        columns=list(CHANGE_KINDS), fill_value=0
    )
    status = release.tables["feed_status"]
    status = status[status["source_id"].isin(sources)]
    reads = status.groupby("run_at")[["records_read", "records_rejected"]].sum()
    runs = per_run.index.union(reads.index).sort_values()
    per_run = per_run.reindex(runs, fill_value=0)
    delta = per_run["added"] + per_run["reactivated"] - per_run["withdrawn"] - per_run["merged"]
    frame = per_run.assign(rows=delta.cumsum()).join(reads.reindex(runs, fill_value=0))
    frame = frame.reset_index(names="run_at").tail(TREND_RUNS)
    return plain_records(
        frame[["run_at", "rows", *CHANGE_KINDS, "records_read", "records_rejected"]]
    )
