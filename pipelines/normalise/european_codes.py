"""Qualification and subject codes in European terms, with their provenance.

Runs after the basic normalisation, on all records at once. Each mapped field gets an `*_origin`
column ('given', or 'derived from ...') and contradictions between stated and derived values are
listed in `code_flags`; unknown codes are problems (rejects), never guesses.
"""

from __future__ import annotations

import pandas as pd

from pipelines.codes import levels
from pipelines.codes import lookups as codes
from pipelines.lib.lists import collect_lists
from schemas.problems import Problems

ORIGIN_FIELDS = ("eqf_level", "qf_ehea_cycle", "isced_level", "isced_f_code", "ects")


def _given(values: pd.Series) -> pd.Series:
    return pd.Series("given", index=values.index, dtype="object").where(values.notna(), None)


class _Flags:
    def __init__(self) -> None:
        self._parts: list[pd.Series] = []

    def add(self, rows: pd.Series) -> None:
        """`rows`: text of the flag for each flagged row (index = row)."""
        if len(rows):
            self._parts.append(rows.astype("str"))

    def lists(self, index: pd.Index) -> pd.Series:
        if not self._parts:
            return pd.Series([None] * len(index), index=index, dtype="object")
        return collect_lists(pd.concat(self._parts).sort_index(kind="stable"), index)


def _ects(frame: pd.DataFrame, problems: Problems, flags: _Flags) -> None:
    """ECTS from the credit number in its unit (`credit_unit`, else one written with it, else
    ECTS), or from hours; a derived value outside 1 to 59 is not a micro-credential."""
    raw = frame["ects"]
    parsed = codes.lookup_distinct(
        frame, ["ects", "credit_unit"], _credits, ["value", "origin", "problem", "hours"]
    )
    bad = parsed["problem"].notna()
    problems.add(frame.index[bad], "ects", parsed["problem"], raw)
    value = pd.to_numeric(parsed["value"], errors="coerce").astype("float64")
    outside = value.notna() & parsed["origin"].ne("given") & ~value.between(1, 59)
    problems.add(
        frame.index[outside],
        "ects",
        "ECTS must be 1 to 59: "
        + value.map("{:g}".format).astype("str")
        + " ECTS "
        + parsed["origin"].astype("str")
        + " is not a micro-credential",
        raw,
        "breaks_rule",
    )
    frame["ects"] = value.where(~outside)
    frame["ects_origin"] = parsed["origin"].where(frame["ects"].notna(), None)
    _hours_stated_as_credits(frame, pd.to_numeric(parsed["hours"], errors="coerce"), flags)
    hours = pd.to_numeric(frame["workload_hours"], errors="coerce")
    from_hours = frame["ects"].isna() & ~bad & hours.gt(0)
    if from_hours.any():
        ects, origin = levels.ects_from_hours(
            hours[from_hours], frame.loc[from_hours, "provider_country"]
        )
        # Hours are a valid statement of workload even when they come to less than a
        # micro-credential's 1 ECTS: then no ECTS is derived and the record says why.
        in_range = ects.between(1, 59)
        keep = in_range[in_range].index
        frame.loc[keep, "ects"] = ects[keep]
        frame.loc[keep, "ects_origin"] = origin[keep]
        out = in_range[~in_range].index
        flags.add(
            "ects not derived: "
            + ects[out].astype("str")
            + " ECTS is outside 1 to 59 ("
            + origin[out].str.replace("derived from ", "", regex=False)
            + ")"
        )


def _hours_stated_as_credits(frame: pd.DataFrame, hours: pd.Series, flags: _Flags) -> None:
    """A credit number whose unit is hours is the workload: it fills `workload_hours` (from which
    ECTS follow); a different stated `workload_hours` is kept and the contradiction flagged."""
    stated = hours.notna()
    if not stated.any():
        return
    current = pd.to_numeric(frame["workload_hours"], errors="coerce")
    fill = stated & current.isna()
    frame.loc[fill, "workload_hours"] = hours[fill]
    clash = stated & current.notna() & (current != hours)
    flags.add(
        "workload_hours "
        + current[clash].map("{:g}".format).astype("str")
        + " (given) contradicts "
        + hours[clash].map("{:g}".format).astype("str")
        + " hours stated as credits (credit_unit)"
    )


def _credits(text: str, unit: str | None) -> tuple:
    result = levels.parse_credits(str(text), unit)
    return result.ects, result.origin, result.problem, result.hours


def _eqf(frame: pd.DataFrame, problems: Problems, flags: _Flags) -> None:
    given = frame["eqf_level"]
    frame["eqf_level_origin"] = _given(given)
    nqf = codes.lookup_distinct(
        frame,
        ["nqf_level", "nqf_framework", "provider_country"],
        _nqf,
        ["framework", "level", "eqf", "problem"],
    )
    bad = nqf["problem"].notna()
    problems.add(frame.index[bad], "nqf_level", nqf["problem"], frame["nqf_level"])
    frame.loc[bad, ["nqf_level", "nqf_framework"]] = None  # a level and its framework go together
    resolved = nqf["eqf"].notna()
    frame.loc[resolved, "nqf_framework"] = nqf.loc[resolved, "framework"]
    frame.loc[resolved, "nqf_level"] = nqf.loc[resolved, "level"]
    derived = pd.to_numeric(nqf["eqf"], errors="coerce").astype("Int64")
    source = (
        "derived from "
        + frame["nqf_framework"].astype("str")
        + " "
        + frame["nqf_level"].astype("str")
    )
    _fill_or_flag(frame, "eqf_level", derived, source, flags)

    cycle = frame["qf_ehea_cycle"]
    stated_cycle = codes.map_distinct(cycle, levels.qf_ehea_cycle)
    problems.add(
        frame.index[cycle.notna() & stated_cycle.isna()],
        "qf_ehea_cycle",
        "not a QF-EHEA cycle (short, first, second, third)",
        cycle,
    )
    frame["qf_ehea_cycle"] = stated_cycle
    frame["qf_ehea_cycle_origin"] = _given(stated_cycle)
    cycle_eqf = stated_cycle.map(
        dict(zip(levels.eqf_table()["qf_ehea_cycle"], levels.eqf_table().index, strict=True))
    )
    _fill_or_flag(
        frame,
        "eqf_level",
        pd.to_numeric(cycle_eqf, errors="coerce").astype("Int64"),
        "derived from QF-EHEA " + stated_cycle.astype("str") + " cycle",
        flags,
    )


def _nqf(level: str, framework: str | None, country: str | None) -> tuple:
    result = levels.resolve_nqf(framework, str(level), country)
    return result.framework, result.level, result.eqf_level, result.problem


def _fill_or_flag(
    frame: pd.DataFrame, field: str, derived: pd.Series, source: pd.Series | str, flags: _Flags
) -> None:
    """Fill `field` where it is empty from `derived`; where both exist and differ, keep the
    stated value and flag the contradiction."""
    current = frame[field]
    source = source if isinstance(source, pd.Series) else pd.Series(source, index=frame.index)
    fill = current.isna() & derived.notna()
    frame.loc[fill, field] = derived[fill]
    frame.loc[fill, f"{field}_origin"] = source[fill]
    clash = (
        current.notna() & derived.notna() & (current.astype("object") != derived.astype("object"))
    )
    flags.add(
        f"{field} "
        + current[clash].astype("str")
        + " ("
        + frame.loc[clash, f"{field}_origin"].astype("str")
        + ") contradicts "
        + derived[clash].astype("str")
        + " "
        + source[clash].astype("str")
    )


def _from_eqf(frame: pd.DataFrame, flags: _Flags) -> None:
    """QF-EHEA cycle and ISCED 2011 level where the EQF level decides them (5 to 8)."""
    table = levels.eqf_table()
    eqf = frame["eqf_level"].astype("Int64")
    source = "derived from EQF " + eqf.astype("str")
    cycle = eqf.map(table["qf_ehea_cycle"].replace("", None).to_dict()).astype("object")
    _fill_or_flag(frame, "qf_ehea_cycle", cycle.where(cycle.notna(), None), source, flags)
    isced = pd.to_numeric(
        eqf.map(table["isced_level"].replace("", None).to_dict()), errors="coerce"
    ).astype("Int64")
    frame["isced_level_origin"] = _given(frame["isced_level"])
    _fill_or_flag(frame, "isced_level", isced, source, flags)


def _isced_f(frame: pd.DataFrame, problems: Problems) -> None:
    raw = frame["isced_f_code"]
    found = codes.lookup_distinct(
        frame, ["isced_f_code"], lambda v: codes.isced_f_code(v) or (None, None), ["code", "origin"]
    )
    problems.add(
        frame.index[raw.notna() & found["code"].isna()],
        "isced_f_code",
        "unknown ISCED-F 2013 code",
        raw,
    )
    frame["isced_f_code"] = found["code"]
    frame["isced_f_code_origin"] = found["origin"]
    label = found["code"].map(codes.isced_f_labels())
    frame["isced_f_label"] = label.where(
        label.notna(), frame["isced_f_label"].where(raw.isna(), None)
    )


def map_codes(frame: pd.DataFrame, problems: Problems) -> None:
    """Levels, fields and credits of every record in European terms (in place)."""
    flags = _Flags()
    _ects(frame, problems, flags)
    _eqf(frame, problems, flags)
    _from_eqf(frame, flags)
    _isced_f(frame, problems)
    frame["code_flags"] = flags.lists(frame.index)
