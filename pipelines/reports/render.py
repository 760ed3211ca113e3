"""Reports as HTML pages: the plain data of a report through Jinja2 templates that escape every
value (a title from a feed may hold HTML or a script), with the charts inline as SVG."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from pipelines.reports import charts
from pipelines.reports.catalogue import ELEMENTS
from pipelines.reports.overview import country_label

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: Rows of a completeness heatmap (the least complete first); the table beside it has all.
HEATMAP_ROWS = 30


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _when(value: str | None) -> str:
    return "–" if not value else pd.Timestamp(value).strftime("%Y-%m-%d %H:%M UTC")


def _shown(value: str | None, limit: int = 200) -> str:
    if value is None:
        return "(empty)"
    return value if len(value) <= limit else value[: limit - 1] + "…"


def _element(name: str) -> str:
    return name.replace("_", " ")


class _PlainDataEnvironment(Environment):
    """Templates read plain data (dicts from JSON-ready reports): `row.title` looks the key up
    first, rather than trying an attribute and failing (an exception per cell: a third of the
    time of a provider's page of a thousand rows)."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)


@cache
def environment() -> Environment:
    env = _PlainDataEnvironment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        pct=_pct,
        when=_when,
        shown=_shown,
        element=_element,
        country=lambda code: country_label(code) if code else "–",
    )
    return env


def _svg(svg: str) -> Markup:
    """Trusted markup: matplotlib wrote it and escaped every text it draws."""
    return Markup(svg)


def render_provider(content: dict[str, Any]) -> str:
    """The provider report page (its bars are plain HTML: the page is mailed as it is)."""
    return (
        environment()
        .get_template("provider.html.j2")
        .render(content=content, problem_groups=_problem_groups(content["element_problems"]))
    )


def _problem_groups(problems: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Element problems grouped by field and reason (one fix, the rows it concerns)."""
    groups: dict[tuple[str, str], dict[str, Any]] = {}
    for problem in problems:
        key = (problem["field"], problem["reason"])
        group = groups.setdefault(
            key,
            {
                "field": key[0],
                "reason": key[1],
                "fix": problem["fix"],
                "items": [],
                "has_value": False,
            },
        )
        group["items"].append(problem)
        group["has_value"] |= problem["value"] is not None
    return sorted(groups.values(), key=lambda g: (-len(g["items"]), g["field"], g["reason"]))


def render_overview(
    content: dict[str, Any],
    links: Sequence[dict[str, str]] = (),
    provider_pages: dict[str, str] | None = None,
) -> str:
    """The overview page; `provider_pages` links providers to their reports (relative paths)."""
    pages = provider_pages or {}
    counts = _count_charts(content)
    completeness = [
        _completeness_block(content, "country", "By country", "country", {}),
        _completeness_block(content, "provider", "By provider", "provider", pages),
    ]
    if content["scope"] != "Europe":
        completeness = completeness[1:]
    sources = [{**s, "href": pages.get(s["provider_id"])} for s in content["sources"]]
    chart_set = _overview_charts(sources, content["rejects_by_reason"], content["trends"])
    return (
        environment()
        .get_template("overview.html.j2")
        .render(
            content={**content, "sources": sources},
            counts=counts,
            completeness=completeness,
            elements=ELEMENTS,
            charts=chart_set,
            links=list(links),
        )
    )


def _overview_charts(
    sources: list[dict[str, Any]], rejects: list[dict[str, Any]], trends: list[dict[str, Any]]
) -> dict[str, Markup | str]:
    """The charts of the sources' health, the rejects by reason and the trends."""
    health = charts.stacked_bar_chart(
        "sources",
        "Records per source in this run",
        [
            s["source_id"] + ("" if s["status"] in ("ok", "unchanged") else f" ({s['status']})")
            for s in sources
        ],
        {
            "accepted": [s["records_accepted"] for s in sources],
            "rejected": [s["records_rejected"] for s in sources],
        },
    )
    by_reason = charts.bar_chart(
        "rejects",
        "Problems by reason",
        [f"{r['field']}: {r['reason']}" for r in rejects],
        [r["problems"] for r in rejects],
        unit="problems",
    )
    trend = charts.trend_chart(
        "trends",
        "Micro-credentials and changes per run",
        [_when(t["run_at"])[:16] for t in trends],
        [t["rows"] for t in trends],
        {
            "added": [t["added"] for t in trends],
            "withdrawn": [t["withdrawn"] for t in trends],
            "records rejected": [t["records_rejected"] for t in trends],
        },
    )
    return {
        "sources": _svg(health),
        "rejects": _svg(by_reason) if rejects else "",
        "trends": _svg(trend),
    }


_COUNTS = (
    ("country", "Micro-credentials by country", "country"),
    ("provider", "Micro-credentials by provider", "provider"),
    ("eqf_level", "By EQF level", "EQF level"),
    ("isced_f_broad", "By ISCED-F broad field", "ISCED-F broad field"),
    ("ects_band", "By ECTS", "ECTS"),
    ("participation_form", "By form of participation", "form of participation"),
    ("language", "By language of instruction", "language"),
)


def _count_charts(content: dict[str, Any]) -> list[dict[str, Any]]:
    national = content["scope"] != "Europe"
    blocks = []
    for key, title, label in _COUNTS:
        if (key == "country" and national) or (key == "provider" and not national):
            continue
        items = content["counts"][key]
        chart = charts.bar_chart(
            f"count-{key}", title, [i["value"] for i in items], [i["rows"] for i in items]
        )
        blocks.append({"title": title, "label": label, "items": items, "chart": _svg(chart)})
    return blocks


def _completeness_block(
    content: dict[str, Any], key: str, title: str, label: str, pages: dict[str, str]
) -> dict[str, Any]:
    items = [{**item, "href": pages.get(item["key"])} for item in content[f"completeness_by_{key}"]]
    shown = items[:HEATMAP_ROWS]
    grid = np.array([[item[e] for e in ELEMENTS] for item in shown], dtype=float).reshape(
        len(shown), len(ELEMENTS)
    )
    chart = (
        _svg(
            charts.heatmap(
                f"completeness-{key}",
                f"{title}, least complete first",
                [f"{item['label']} ({item['rows']})" for item in shown],
                list(ELEMENTS),
                grid,
            )
        )
        if shown
        else ""
    )
    return {"title": title, "label": label, "items": items, "shown": len(shown), "chart": chart}


def render_index(content: dict[str, Any]) -> str:
    return environment().get_template("index.html.j2").render(content=content)
