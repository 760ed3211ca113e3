"""The provider reports and the catalogue overview of a run: their numbers against DuckDB
queries on the same release, each provider's report holding only its own data, the fixes in
validate-feed's words, and the pages as Chromium shows them."""

import json
import re
from pathlib import Path

import duckdb
import lxml.html
import pytest
import yaml

from pipelines.lib.safe_text import escape_markdown
from pipelines.reading.registry import load_registry
from pipelines.reports.overview import ECTS_BANDS, NO_ECTS, NOT_STATED
from pipelines.validate_feed import validate_feed
from pipelines.validate_feed.fixes import element_fix, suggest_fix
from schemas.canonical import CONSTITUTIVE_ELEMENTS
from tests.support.browser import browser_page
from tests.support.dagster_ui import DagsterUI

SAMPLE = Path(__file__).parent.parent / "data" / "providers.yaml"
ELEMENTS = list(CONSTITUTIVE_ELEMENTS)


def release_folder(out: Path) -> Path:
    return out / "reports" / (out / "parquet").resolve().name


def provider_sources(registry_path: Path = SAMPLE) -> dict[str, list[str]]:
    sources: dict[str, list[str]] = {}
    for source in load_registry(registry_path).sources:
        sources.setdefault(source.provider, []).append(source.id)
    return sources


def load(folder: Path, name: str) -> dict:
    return json.loads((folder / f"{name}.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def sample(bundled_catalogue):
    con = duckdb.connect(str(bundled_catalogue / "catalogue.duckdb"), read_only=True)
    yield bundled_catalogue, release_folder(bundled_catalogue), con
    con.close()


def shares(con, where: str, params: list) -> dict[str, float]:
    """Share of active rows holding each element, as an analyst would query it."""
    columns = ", ".join(
        f"avg(CASE WHEN list_contains(missing_elements, '{e}') THEN 0 ELSE 1 END) AS {e}"
        for e in ELEMENTS
    )
    row = con.execute(
        f"SELECT {columns} FROM microcredentials WHERE status = 'active' AND {where}", params
    ).fetchone()
    return dict(zip(ELEMENTS, row, strict=True))


def test_every_provider_has_a_report_in_html_and_json(sample):
    _, folder, con = sample
    expected = {
        p
        for (p,) in con.execute(
            "SELECT DISTINCT provider_id FROM microcredentials WHERE provider_id IS NOT NULL"
        ).fetchall()
    } | set(provider_sources())
    written = {p.stem for p in (folder / "providers").glob("*.json")}
    assert written == expected
    assert {p.stem for p in (folder / "providers").glob("*.html")} == expected
    assert len(expected) == 18  # 17 registered providers publish; Saxion is named by the register


def test_provider_report_numbers_match_duckdb(sample):
    """Every figure of every provider's report, against a DuckDB query on the same release."""
    _, folder, con = sample
    for provider, sources in provider_sources().items():
        report = load(folder / "providers", provider)
        s = report["summary"]
        read, accepted, rejected, dropped = con.execute(
            "SELECT sum(records_read), sum(records_accepted), sum(records_rejected), "
            "sum(values_dropped) FROM latest_feed_status WHERE source_id IN (SELECT unnest(?))",
            [sources],
        ).fetchone()
        assert (s["records_read"], s["records_accepted"]) == (read, accepted), provider
        assert (s["records_rejected"], s["values_dropped"]) == (rejected, dropped), provider
        assert [x["source_id"] for x in report["sources"]] == sorted(sources)

        problems = con.execute(
            "SELECT source_id, source_record_id, field, reason, severity FROM rejects "
            "WHERE source_id IN (SELECT unnest(?))",
            [sources],
        ).fetchall()
        assert sorted(problems) == sorted(
            (p["source_id"], p["record_id"], p["field"], p["reason"], p["severity"])
            for p in report["record_problems"]
        )

        ids = con.execute(
            "SELECT credential_id FROM microcredentials WHERE provider_id = ? AND status = 'active'",
            [provider],
        ).fetchall()
        assert sorted(i for (i,) in ids) == sorted(
            r["credential_id"] for r in report["micro_credentials"]
        )
        missing = con.execute(
            "SELECT count(*) FROM (SELECT unnest(missing_elements) FROM microcredentials "
            "WHERE provider_id = ? AND status = 'active')",
            [provider],
        ).fetchone()[0]
        found = [p for p in report["element_problems"] if p["reason"].startswith("constitutive")]
        assert len(found) == missing

        completeness = report["completeness"]
        country = completeness["country"]
        national = shares(con, "provider_country = ?", [country])
        europe = shares(con, "true", [])
        own = shares(con, "provider_id = ?", [provider])
        for element in completeness["elements"]:
            name = element["element"]
            assert element["national"] == pytest.approx(national[name], abs=1e-4)
            assert element["european"] == pytest.approx(europe[name], abs=1e-4)
            if completeness["rows"]:
                assert element["provider"] == pytest.approx(own[name], abs=1e-4), (provider, name)
            else:
                assert element["provider"] is None

        coverage = con.execute(
            "SELECT l.source_id, count(*), avg(coalesce(m.eqf_level_origin = 'given', false)::INT), "
            "avg(coalesce(m.ects_origin LIKE 'derived%', false)::INT) FROM lineage l JOIN microcredentials m "
            "USING (credential_id) WHERE l.active AND l.source_id IN (SELECT unnest(?)) "
            "GROUP BY 1 ORDER BY 1",
            [sources],
        ).fetchall()
        assert [
            (c["source_id"], c["records"], c["eqf_given"], c["ects_derived"])
            for c in report["code_coverage"]
        ] == [
            (s, n, pytest.approx(e, abs=1e-3), pytest.approx(d, abs=1e-3))
            for s, n, e, d in coverage
        ]

        merged = con.execute(
            "SELECT source_id, source_record_id, merge_reason FROM lineage WHERE active AND "
            "merge_reason <> 'own record' AND source_id IN (SELECT unnest(?))",
            [sources],
        ).fetchall()
        assert sorted(merged) == sorted(
            (m["source_id"], m["record_id"], m["reason"]) for m in report["merges"]
        )

        changes = con.execute(
            "SELECT c.change, c.credential_id FROM latest_changes c JOIN microcredentials m "
            "ON m.credential_id = coalesce(c.merged_into, c.credential_id) WHERE m.provider_id = ?",
            [provider],
        ).fetchall()
        assert sorted(changes) == sorted(
            (c["change"], c["credential_id"]) for c in report["changes"]
        )


def test_the_sample_reports_say_what_the_feeds_readme_documents(sample):
    """The documented problems of data/feeds/README.md, as their providers read them."""
    _, folder, _ = sample
    tum = load(folder / "providers", "de-tum")
    by_record = {p["record_id"]: p for p in tum["record_problems"]}
    assert by_record["TUM-ILL-MC-0150"]["consequence"] == "record rejected"
    assert by_record["TUM-ILL-MC-0150"]["value"] == "75.0"
    assert "split it into smaller micro-credentials" in by_record["TUM-ILL-MC-0150"]["fix"]
    assert by_record["TUM-ILL-MC-0155"]["fix"].startswith(
        "give the EQF level as a number from 1 to 8"
    )
    delft = load(folder / "providers", "nl-tudelft")
    pairs = {(p["record_id"], p["other_record"]): p for p in delft["pairs_compared"]}
    assert pairs[("TUD-MC-2026-101", "nl-mc-register-json:NLMC-2026-0011")]["merged"] is True
    kept_apart = pairs[("TUD-MC-2026-110", "nl-mc-register-json:NLMC-2026-0014")]
    assert kept_apart["merged"] is False and "ects differs" in kept_apart["evidence"]
    only_register = [r for r in delft["micro_credentials"] if not r["from_own_feeds"]]
    assert [r["title"] for r in only_register] == ["Offshore Wind Energy"]  # NLMC-2026-0014
    register = load(folder / "providers", "nl-mc-register")
    assert register["summary"]["micro_credentials"] == 0  # it lists other providers' offers
    assert len(register["merges"]) == 5 and all(
        m["credential_id"] is None for m in register["merges"]
    )


def test_fixes_are_worded_as_validate_feed_words_them(sample):
    """A provider reads the same fix in its report as validate-feed gives it (validate-feed may
    add, for the agency, the registry key to change)."""
    _, folder, _ = sample
    tum = load(folder / "providers", "de-tum")
    checked = validate_feed(None, registry_path=str(SAMPLE), source_id="de-tum-json")
    errors = {(r.record_id, f.field, f.reason): f.fix for r in checked.records for f in r.errors}
    problems = [p for p in tum["record_problems"] if p["source_id"] == "de-tum-json"]
    assert len(problems) == len(errors) == 2
    for problem in problems:
        fix = errors[(problem["record_id"], problem["field"], problem["reason"])]
        assert fix.startswith(problem["fix"])
    checked_missing = {
        (f.reason, f.fix) for r in checked.records for f in r.warnings if "constitutive" in f.reason
    }
    reported = {(p["reason"], p["fix"]) for p in tum["element_problems"]}
    assert checked_missing and checked_missing <= reported
    for report_path in (folder / "providers").glob("*.json"):
        report = json.loads(report_path.read_text(encoding="utf-8"))
        for p in report["record_problems"]:
            assert p["fix"] == suggest_fix(
                p["field"], p["reason"], p["value"], provider_flags=False
            )
        for e in report["completeness"]["elements"]:
            assert e["fix"] == element_fix(e["element"])


def test_no_other_providers_data_in_a_provider_report(sample):
    """Another provider's name, rows and titles appear nowhere in a provider's report; another
    source's record is named only by source and id where it was merged with one of its own."""
    _, folder, con = sample
    rows = con.execute("SELECT provider_id, credential_id, title FROM microcredentials").fetchall()
    names = dict(con.execute("SELECT provider_id, name FROM providers").fetchall())
    titles: dict[str, set[str]] = {}
    for provider, _, title in rows:
        titles.setdefault(title, set()).add(provider)
    for path in (folder / "providers").glob("*.json"):
        provider = path.stem
        html = (folder / "providers" / f"{provider}.html").read_text(encoding="utf-8")
        for text in (path.read_text(encoding="utf-8"), html):
            for other, name in names.items():
                if other != provider and name != names[provider]:
                    assert name not in text, (provider, name)
            for owner, credential_id, title in rows:
                if owner != provider:
                    assert credential_id not in text, (provider, credential_id)
                    if provider not in titles[title] and len(title) > 12:
                        assert title not in text and title.replace("&", "&amp;") not in text, (
                            provider,
                            title,
                        )


def _code(label: str) -> str:
    found = re.search(r"\(([A-Z]{2})\)$", label)
    return found.group(1) if found else label


def test_overview_numbers_match_duckdb(sample):
    _, folder, con = sample
    overview = load(folder / "overview", "index")
    counts = overview["counts"]

    def query(sql: str) -> dict:
        return {(NOT_STATED if k is None else str(k)): v for k, v in con.execute(sql).fetchall()}

    active = "FROM microcredentials WHERE status = 'active'"
    assert (
        overview["totals"]["micro_credentials"]
        == con.execute(f"SELECT count(*) {active}").fetchone()[0]
    )
    assert {_code(c["value"]): c["rows"] for c in counts["country"]} == query(
        f"SELECT provider_country, count(*) {active} GROUP BY 1"
    )
    assert {c["value"].removeprefix("EQF "): c["rows"] for c in counts["eqf_level"]} == query(
        f"SELECT eqf_level, count(*) {active} GROUP BY 1"
    )
    assert {
        c["value"][:2] if c["value"] != NOT_STATED else NOT_STATED: c["rows"]
        for c in counts["isced_f_broad"]
    } == query(f"SELECT left(isced_f_code, 2), count(*) {active} GROUP BY 1")
    bands = " ".join(
        f"WHEN ects <= {edge} THEN '{label}'"
        for edge, label in zip((2.5, 5, 10, 20, 59), ECTS_BANDS, strict=True)
    )
    assert {c["value"]: c["rows"] for c in counts["ects_band"]} == query(
        f"SELECT CASE WHEN ects IS NULL THEN '{NO_ECTS}' {bands} END, count(*) {active} GROUP BY 1"
    )
    assert {c["value"]: c["rows"] for c in counts["participation_form"]} == query(
        f"SELECT participation_form, count(*) {active} GROUP BY 1"
    )
    languages = query(
        f"SELECT l, count(*) FROM (SELECT unnest(languages) AS l {active}) GROUP BY 1"
    )
    languages[NOT_STATED] = con.execute(
        f"SELECT count(*) {active} AND (languages IS NULL OR len(languages) = 0)"
    ).fetchone()[0]
    assert {re.sub(r".*\((\w+)\)$", r"\1", c["value"]): c["rows"] for c in counts["language"]} == {
        k: v for k, v in languages.items() if v
    }

    by_country = {c["key"]: c for c in overview["completeness_by_country"]}
    for country, entry in by_country.items():
        expected = shares(con, "provider_country IS NOT DISTINCT FROM ?", [country])
        assert {e: entry[e] for e in ELEMENTS} == pytest.approx(expected, abs=1e-4)
    means = [c["mean"] for c in overview["completeness_by_provider"]]
    assert means == sorted(means)  # worst first
    worst = overview["completeness_by_provider"][0]
    assert worst["mean"] == pytest.approx(
        con.execute(
            f"SELECT min(c) FROM (SELECT avg(completeness) c {active} GROUP BY provider_id)"
        ).fetchone()[0],
        abs=1e-4,
    )

    status = dict(
        (s, (r, a, j))
        for s, r, a, j in con.execute(
            "SELECT source_id, records_read, records_accepted, records_rejected FROM latest_feed_status"
        ).fetchall()
    )
    assert {
        s["source_id"]: (s["records_read"], s["records_accepted"], s["records_rejected"])
        for s in overview["sources"]
    } == status
    problems = con.execute(
        "SELECT count(*), count(DISTINCT (source_id, record_index)) FROM rejects"
    ).fetchone()
    assert sum(r["problems"] for r in overview["rejects_by_reason"]) == problems[0]
    by_reason = {(r["field"], r["reason"]): r for r in overview["rejects_by_reason"]}
    assert (
        by_reason[("ects", "ECTS must be 1 to 59")]["records"]
        == con.execute(
            "SELECT count(*) FROM rejects WHERE field = 'ects' AND reason LIKE 'ECTS must be 1 to 59%'"
        ).fetchone()[0]
    )
    latest = overview["trends"][-1]
    assert latest["rows"] == overview["totals"]["micro_credentials"]
    assert (
        latest["added"]
        == con.execute("SELECT count(*) FROM latest_changes WHERE change = 'added'").fetchone()[0]
    )
    assert (
        latest["records_rejected"]
        == overview["totals"]["records_rejected"]
        == con.execute("SELECT sum(records_rejected) FROM latest_feed_status").fetchone()[0]
    )


def test_national_overviews_hold_their_country_only(sample):
    _, folder, con = sample
    countries = [
        c
        for (c,) in con.execute(
            "SELECT DISTINCT provider_country FROM microcredentials WHERE provider_country IS NOT NULL"
        ).fetchall()
    ]
    assert sorted(p.stem for p in (folder / "overview").glob("??.json")) == sorted(countries)
    nl = load(folder / "overview", "NL")
    assert nl["scope"] == "NL"
    assert (
        nl["totals"]["micro_credentials"]
        == con.execute(
            "SELECT count(*) FROM microcredentials WHERE status = 'active' AND provider_country = 'NL'"
        ).fetchone()[0]
    )
    assert {c["value"]: c["rows"] for c in nl["counts"]["provider"]} == dict(
        con.execute(
            "SELECT p.name, count(*) FROM microcredentials m JOIN providers p USING (provider_id) "
            "WHERE m.status = 'active' AND m.provider_country = 'NL' GROUP BY 1"
        ).fetchall()
    )
    nl_sources = {s for p, ss in provider_sources().items() if p.startswith("nl-") for s in ss}
    assert {s["source_id"] for s in nl["sources"]} == nl_sources
    assert [c["key"] for c in nl["completeness_by_country"]] == ["NL"]


def test_reports_open_in_chromium_without_errors_and_show_the_release_figures(sample):
    """The index, the overviews and a provider report as a browser shows them: no console
    error, no request leaving the disk, every link leading to a file, and the figures on the
    page those of DuckDB."""
    _, folder, con = sample
    active = con.execute(
        "SELECT count(*) FROM microcredentials WHERE status = 'active'"
    ).fetchone()[0]
    read = con.execute(
        "SELECT sum(records_read) FROM latest_feed_status WHERE source_id IN ('nl-tudelft-xml')"
    ).fetchone()[0]
    pages = [
        folder / "index.html",
        folder / "overview" / "index.html",
        folder / "overview" / "NL.html",
        folder / "providers" / "nl-tudelft.html",
        folder / "providers" / "nl-mc-register.html",
    ]
    with browser_page() as (page, visit):
        for path in pages:
            page.goto(path.as_uri())
            assert page.locator("svg, table").count() > 0, path
            for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
                assert (
                    href.startswith("file://")
                    and Path(href.removeprefix("file://").split("#")[0]).exists()
                ), href
            if path.parent.name == "overview":
                assert page.locator("svg").count() >= 9  # counts, completeness, sources, trends
        page.goto(pages[1].as_uri())
        assert page.locator(".card .n").first.inner_text() == str(active)
        page.goto(pages[3].as_uri())
        assert page.locator(".card .n").first.inner_text() == str(read)
        assert page.get_by_text("not an http(s) URL").count() == 1
    assert visit.problems == []


def test_hostile_feed_text_is_shown_as_text_and_runs_nothing(catalogue):
    """A title, a provider name and a value holding HTML and script are shown as written; no
    script runs and nothing is fetched when the reports are opened."""
    run, out, feeds, _ = catalogue
    path = feeds / "nested.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    items = document["data"]["items"]
    items[0]["title"] = "<script>alert('title')</script><img src=x onerror=alert('img')>"
    items[1]["provider"]["name"] = "Evil <b onmouseover=alert(1)>Academy</b> $x^2$"
    items[2]["languages"] = ["<svg onload=alert('lang')>"]
    path.write_text(json.dumps(document), encoding="utf-8")
    run()
    folder = release_folder(out)
    html_pages = sorted(folder.rglob("*.html"))
    assert html_pages
    for page_path in html_pages:
        tree = lxml.html.fromstring(page_path.read_bytes())
        assert not tree.xpath("//script | //img | //iframe | //object | //embed"), page_path
        handlers = [
            a for e in tree.iter() for a in getattr(e, "attrib", {}) if a.lower().startswith("on")
        ]
        assert handlers == [], page_path
    with browser_page() as (page, visit):
        for page_path in html_pages:
            page.goto(page_path.as_uri())
            assert page.locator("script, img, iframe, object, embed").count() == 0, page_path
        page.goto((folder / "providers" / "nl-register.html").as_uri())
        assert page.get_by_text("<svg onload=alert('lang')>", exact=False).count() >= 1
        page.goto((folder / "overview" / "index.html").as_uri())
        assert page.locator("text=Evil <b onmouseover=alert(1)>Academy</b>").count() >= 1
    assert visit.problems == [] and visit.dialogs == []


def test_the_next_run_reports_what_changed_and_the_trend(catalogue):
    run, out, feeds, _ = catalogue
    run()
    path = feeds / "nested.json"
    document = json.loads(path.read_text(encoding="utf-8"))
    items = document["data"]["items"]
    items[0]["title"] = "Machine Learning Basics for Engineers"
    del items[2]  # Ethics of AI: rejected before, so nothing is withdrawn for it
    path.write_text(json.dumps(document), encoding="utf-8")
    graz = feeds / "graz.csv"
    lines = graz.read_text(encoding="cp1252").splitlines(keepends=True)
    graz.write_text("".join(lines[:-1]), encoding="cp1252")  # the last course is gone
    run()
    folder = release_folder(out)
    con = duckdb.connect(str(out / "catalogue.duckdb"), read_only=True)
    try:
        delft = load(folder / "providers", "nl-delft")
        assert [(c["change"], c["fields"]) for c in delft["changes"]] == [("changed", ["title"])]
        graz_changes = load(folder / "providers", "at-graz")["changes"]
        withdrawn = con.execute(
            "SELECT c.credential_id FROM latest_changes c JOIN microcredentials m USING (credential_id) "
            "WHERE c.change = 'withdrawn' AND m.provider_id = 'at-graz'"
        ).fetchall()
        assert [c["credential_id"] for c in graz_changes if c["change"] == "withdrawn"] == [
            w for (w,) in withdrawn
        ]
        assert len(withdrawn) == 1
        assert load(folder / "providers", "at-graz")["summary"]["withdrawn"] == 1
        history = load(folder / "providers", "at-graz")["sources"][0]["history"]
        assert [h["records_read"] for h in history] == [4, 5]  # newest first

        trends = load(folder / "overview", "index")["trends"]
        assert len(trends) == 2
        assert [t["rows"] for t in trends] == [13, 12]
        assert trends[-1]["withdrawn"] == 1 and trends[-1]["changed"] == 1
        assert (
            trends[-1]["rows"]
            == con.execute(
                "SELECT count(*) FROM microcredentials WHERE status = 'active'"
            ).fetchone()[0]
        )
    finally:
        con.close()
    assert len([p for p in (out / "reports").iterdir() if not p.name.startswith(".")]) == 2


def test_registry_fixture_has_the_providers_the_tests_name():
    raw = yaml.safe_load((Path(__file__).parent / "fixtures" / "registry.yaml").read_text())
    assert {p["id"] for p in raw["providers"]} >= {"nl-delft", "at-graz", "nl-register"}


LATEST_METADATA = """
query ($keys: [AssetKeyInput!]) {
  assetNodes(assetKeys: $keys) {
    assetKey { path }
    assetMaterializations(limit: 1) {
      metadataEntries {
        label
        ... on PathMetadataEntry { path }
        ... on IntMetadataEntry { intValue }
        ... on MarkdownMetadataEntry { mdStr }
      }
    }
  }
}
"""


def test_the_dagster_ui_links_each_asset_to_what_it_wrote(catalogue, tmp_path):
    """Asked through the real webserver as the UI asks: each report asset's latest
    materialisation names the files of that run, and they are there."""
    from dagster import DagsterInstance

    from pipelines.definitions import build_definitions
    from pipelines.defs.resources import CatalogueSettings

    _, out, _, registry = catalogue
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    settings = CatalogueSettings(registry_path=str(registry), catalogue_dir=str(out))
    with DagsterInstance.from_config(str(home)) as instance:
        job = build_definitions(settings).resolve_job_def("aggregate_catalogue")
        assert job.execute_in_process(instance=instance).success
    env = {"CATALOGUE_REGISTRY": str(registry), "CATALOGUE_DIR": str(out)}
    keys = [
        ["reports", "provider_reports"],
        ["reports", "catalogue_overview"],
        ["export", "elm_export"],
    ]
    ui = DagsterUI(home, env)
    try:
        ui.wait_until_loaded()
        nodes = ui.graphql(LATEST_METADATA, {"keys": [{"path": k} for k in keys]})["assetNodes"]
    finally:
        ui.stop()
    metadata = {
        "/".join(n["assetKey"]["path"]): {
            e["label"]: e for e in n["assetMaterializations"][0]["metadataEntries"]
        }
        for n in nodes
    }
    folder = release_folder(out)
    reports = metadata["reports/provider_reports"]
    assert reports["index"]["path"] == str(folder / "index.html")
    assert reports["providers"]["intValue"] == len(list((folder / "providers").glob("*.html"))) == 5
    for provider in ("at-graz", "nl-delft", "nl-register", "fr-exemple"):
        path = folder / "providers" / f"{provider}.html"
        assert escape_markdown(str(path)) in reports["reports"]["mdStr"]
    overview = metadata["reports/catalogue_overview"]
    assert overview["overview"]["path"] == str(folder / "overview" / "index.html")
    export = metadata["export/elm_export"]
    assert Path(export["folder"]["path"]) == out / "export" / "elm"
    documents = list((out / "export" / "elm").glob("loq-*.xml"))
    assert documents and export["exported"]["intValue"] >= len(documents)
    for entry in (reports["index"], reports["folder"], overview["overview"], export["folder"]):
        assert Path(entry["path"]).exists()


def test_an_empty_catalogue_still_gets_its_reports_and_export(tmp_path):
    """A registry whose sources gave nothing yet: every provider's report, the overview and an
    export without documents, all readable (no NaN in the JSON)."""
    from datetime import UTC, datetime

    from pipelines.catalogue.build import build_catalogue, validate_sources
    from pipelines.export.write import write_country_exports
    from pipelines.publish.release import publish_release, write_release
    from pipelines.reports.provider import report_providers
    from pipelines.reports.write import published_release, write_overviews, write_provider_reports

    registry_path = Path(__file__).parent / "fixtures" / "registry.yaml"
    registry = load_registry(registry_path)
    tables = build_catalogue(validate_sources([], registry), [], registry, datetime.now(UTC))
    publish_release(tmp_path, write_release(tables.as_dict(), tmp_path, "empty"))
    release = published_release(tmp_path, {s.id: s.provider for s in registry.sources})
    providers = write_provider_reports(tmp_path, release)
    overview = write_overviews(tmp_path, release, report_providers(release))
    exports = write_country_exports(tmp_path, release.tables["microcredentials"], release.name)
    assert sorted(providers.pages) == ["at-graz", "fr-exemple", "nl-delft", "nl-register"]
    for path in (tmp_path / "reports" / "empty").rglob("*.json"):
        json.loads(path.read_text(encoding="utf-8"), parse_constant=lambda c: pytest.fail(c))
    report = load(tmp_path / "reports" / "empty" / "providers", "nl-delft")
    assert report["summary"]["micro_credentials"] == 0
    assert {e["european"] for e in report["completeness"]["elements"]} == {None}
    assert list(overview.pages) == ["Europe"]
    assert exports.documents == {} and exports.excluded.empty
