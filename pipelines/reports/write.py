"""Reports written under the catalogue folder, one folder per release:

  reports/<release>/index.html              links to everything below
  reports/<release>/providers/<id>.html     a provider's report (and <id>.json, the same content)
  reports/<release>/overview/index.html     the European overview (and index.json)
  reports/<release>/overview/<CC>.html      a country's (national) overview (and <CC>.json)

Each subfolder is written beside and renamed into place, so a reader never sees half of it;
the reports of the releases the catalogue keeps are kept, older ones removed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.publish.release import KEEP_RELEASES, read_published
from pipelines.reports.catalogue import Release
from pipelines.reports.overview import country_label, overview
from pipelines.reports.provider import provider_reports
from pipelines.reports.render import render_index, render_overview, render_provider

_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,120}$")


def published_release(catalogue_dir: Path, source_providers: dict[str, str]) -> Release:
    """The release `parquet` points at, for the reports."""
    name = (catalogue_dir / "parquet").resolve().name
    return Release(read_published(catalogue_dir), source_providers, name)


def reports_folder(catalogue_dir: Path, release: Release) -> Path:
    return catalogue_dir / "reports" / release.name


@dataclass(frozen=True)
class Written:
    folder: Path
    pages: dict[str, Path]  # provider id or scope -> HTML page


def _file_name(key: str) -> str:
    if not _SAFE.match(key):
        raise ValueError(f"{key!r} cannot name a report file")
    return key


def _dump(content: dict[str, Any]) -> str:
    """Compact JSON: with an indent, Python's json encodes in Python rather than C (a
    provider's report of a thousand rows took 0.16 s instead of about 0.02 s)."""
    return json.dumps(content, ensure_ascii=False)


def _replace_folder(staging: Path, folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)


def _staging(folder: Path) -> Path:
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    return staging


def write_provider_reports(catalogue_dir: Path, release: Release) -> Written:
    """Every provider's report of the release, HTML and JSON."""
    folder = reports_folder(catalogue_dir, release) / "providers"
    staging = _staging(folder)
    pages = {}
    for provider_id, content in provider_reports(release).items():
        name = _file_name(provider_id)
        (staging / f"{name}.json").write_text(_dump(content), encoding="utf-8")
        (staging / f"{name}.html").write_text(render_provider(content), encoding="utf-8")
        pages[provider_id] = folder / f"{name}.html"
    _replace_folder(staging, folder)
    prune_reports(catalogue_dir)
    return Written(folder, pages)


def write_overviews(catalogue_dir: Path, release: Release, provider_ids: list[str]) -> Written:
    """The European overview, one per country, and the index of the release's reports."""
    root = reports_folder(catalogue_dir, release)
    folder = root / "overview"
    staging = _staging(folder)
    countries = sorted(release.rows["provider_country"].dropna().unique())
    links = [{"href": "index.html", "text": "European catalogue"}] + [
        {"href": f"{_file_name(c)}.html", "text": country_label(c)} for c in countries
    ]
    provider_pages = {p: f"../providers/{_file_name(p)}.html" for p in provider_ids}
    pages = {}
    for scope in [None, *countries]:
        content = overview(release, scope)
        name = "index" if scope is None else _file_name(scope)
        (staging / f"{name}.json").write_text(_dump(content), encoding="utf-8")
        html = render_overview(content, links, provider_pages)
        (staging / f"{name}.html").write_text(html, encoding="utf-8")
        pages[scope or "Europe"] = folder / f"{name}.html"
    _replace_folder(staging, folder)
    _write_index(root, release, links, provider_ids)
    prune_reports(catalogue_dir)
    return Written(folder, pages)


def _write_index(
    root: Path, release: Release, links: list[dict[str, str]], provider_ids: list[str]
) -> None:
    providers = release.providers
    summaries = {}
    for provider_id in provider_ids:
        path = root / "providers" / f"{_file_name(provider_id)}.json"
        if path.exists():
            summaries[provider_id] = json.loads(path.read_text(encoding="utf-8"))["summary"]
    content = {
        "release": release.name,
        "run_at": None if release.run_at is None else release.run_at.isoformat(),
        "overviews": [{"href": f"overview/{link['href']}", "text": link["text"]} for link in links],
        "providers": [
            {
                "name": providers.at[p, "name"],
                "country": providers.at[p, "country"],
                "html": f"providers/{_file_name(p)}.html",
                "json": f"providers/{_file_name(p)}.json",
                **{key: "–" for key in ("micro_credentials", "records_rejected", "values_dropped")},
                **summaries.get(p, {}),
            }
            for p in provider_ids
        ],
    }
    tmp = root / ".index.html.tmp"
    tmp.write_text(render_index(content), encoding="utf-8")
    os.replace(tmp, root / "index.html")


def prune_reports(catalogue_dir: Path) -> list[Path]:
    """Remove the reports of all but the newest KEEP_RELEASES releases."""
    base = catalogue_dir / "reports"
    folders = sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
    old = folders[:-KEEP_RELEASES]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    return old
