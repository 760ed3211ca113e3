"""Outputs cannot be used to attack their readers, and hold no secret: a hostile feed served on
127.0.0.1 goes through the whole job, then every place a person reads it is checked: the
summary and `make query` on a terminal, the CSV a spreadsheet opens, the Dagster metadata an
operator's browser renders, the logs, and the files of the catalogue."""

from __future__ import annotations

import csv
import io
import json
import re

import pandas as pd
import pytest
import yaml
from dagster import DagsterInstance
from pytest_httpserver import HTTPServer

from pipelines import cli
from pipelines.definitions import build_definitions
from pipelines.defs.resources import CatalogueSettings
from pipelines.lib.safe_text import (
    csv_text,
    escape_markdown,
    markdown_table,
    neutralise_formula,
    printable,
    redact_text,
)

#: What a terminal acts on: ESC (CSI sequences), the 8-bit CSI, and bidi overrides/isolates.
RAW_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\u200e\u200f]")
SECRET_IN_URL = "Url5ecretValue"
PASSWORD = "Pa55wordValue"
LONG_TITLE = "Very long title " * 100_000  # 1.6 MB

HOSTILE_ITEMS = [
    {
        "ref": "H1",
        "name": "Data \x1b[31mScience\x1b[0m \u202eevil\u202c for \x9b2J everyone",
        "ects": 5,
    },
    {
        "ref": "H2\n| forged | row |",
        "name": "![tracker](https://evil.example/pixel.png) Cloud <img src=x onerror=alert(1)>",
        "ects": 5,
    },
    {"ref": '=HYPERLINK("http://evil.example","open")', "name": "=1+1", "ects": 5},
    {"ref": "H4", "name": LONG_TITLE, "ects": 5},
]


def feed(items: list[dict], next_link: str | None = None) -> str:
    return json.dumps({"items": items, "links": {"next": next_link}})


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory):
    """The job run once on three sources: a hostile feed, a feed whose next link carries
    terminal escapes (and fails on it), and a feed registered with secrets in its URL."""
    tmp_path = tmp_path_factory.mktemp("hostile")
    server = HTTPServer(host="localhost", port=0)
    server.start()
    server.expect_request("/hostile.json").respond_with_data(feed(HOSTILE_ITEMS))
    server.expect_request("/p1.json").respond_with_data(
        feed([{"ref": "G1", "name": "Good course", "ects": 3}], "p2\x1b[2J\u202e.json")
    )
    server.expect_request("/denied.json").respond_with_data("no", status=403)
    mapping = {"source_record_id": "ref", "title": "name", "ects": "ects"}
    options = {"records": "items", "next": "links.next"}
    host = f"localhost:{server.port}"
    urls = {
        "hostile": f"http://{host}/hostile.json",
        "escapes": f"http://{host}/p1.json",
        "keyed": f"http://agency:{PASSWORD}@{host}/denied.json?api_key={SECRET_IN_URL}",
    }
    raw = {
        "providers": [{"id": "nl-delft", "name": "Delft Example University", "country": "NL"}],
        "sources": [
            {
                "id": i,
                "provider": "nl-delft",
                "url": u,
                "format": "json",
                "options": options,
                "mapping": mapping,
            }
            for i, u in urls.items()
        ],
    }
    registry = tmp_path / "providers.yaml"
    registry.write_text(yaml.safe_dump(raw), encoding="utf-8")
    out = tmp_path / "catalogue"
    settings = CatalogueSettings(registry_path=str(registry), catalogue_dir=str(out))
    job = build_definitions(settings).resolve_job_def("aggregate_catalogue")
    instance = DagsterInstance.ephemeral()
    try:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    finally:
        server.clear()
        server.stop()
    assert result.success
    logs = [entry.user_message for entry in instance.all_logs(result.run_id)]
    return result, out, logs, registry


@pytest.fixture
def published(hostile_run, monkeypatch):
    """The hostile run's catalogue, for the command line (CATALOGUE_DIR and _REGISTRY)."""
    _, out, _, registry = hostile_run
    monkeypatch.setenv("CATALOGUE_REGISTRY", str(registry))
    monkeypatch.setenv("CATALOGUE_DIR", str(out))
    return out


def metadata_texts(result) -> dict[str, str]:
    texts = {}
    nodes = (
        "feeds__raw_feeds",
        "catalogue__validated_records",
        "catalogue__staged_release",
        "catalogue__parquet_release",
    )
    for node in nodes:
        for materialization in result.asset_materializations_for_node(node):
            for key, value in materialization.metadata.items():
                texts[f"{node}.{key}"] = str(getattr(value, "value", value))
    for evaluation in result.get_asset_check_evaluations():
        for key, value in evaluation.metadata.items():
            texts[f"{evaluation.check_name}.{key}"] = str(getattr(value, "value", value))
    return texts


def test_the_summary_shows_escapes_not_controls_and_no_secret(published, capsys):
    assert cli.main(["summary"]) == 0
    out = capsys.readouterr().out
    assert not RAW_CONTROLS.search(out)
    assert "p2\\x1b[2J\\u202e.json" in out  # the next link of `escapes`, escaped
    assert SECRET_IN_URL not in out and PASSWORD not in out


def test_make_query_shows_escapes_not_controls(published, capfd):
    assert cli.main(["query", "SELECT title, provider_id FROM microcredentials"]) == 0
    out = capfd.readouterr().out
    assert not RAW_CONTROLS.search(out)
    assert "\\x1b[31mScience" in out and "\\u202eevil" in out


def test_query_to_csv_neutralises_formulas_in_every_field_ids_included(published, tmp_path):
    path = tmp_path / "rejects.csv"
    sql = "SELECT source_id, source_record_id, field, reason, value FROM rejects"
    assert cli.main(["query", "--csv", str(path), sql]) == 0
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    formula = next(r for r in rows if r["field"] == "title" and "formula" in r["reason"])
    assert formula["source_record_id"] == "'" + HOSTILE_ITEMS[2]["ref"]
    assert formula["value"] == "'=1+1"
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r.values())


def test_dagster_metadata_is_escaped_markdown_of_bounded_size(hostile_run):
    result, _, _, _ = hostile_run
    texts = metadata_texts(result)
    tables = {k: v for k, v in texts.items() if v.startswith("| ")}
    assert {"feeds__raw_feeds.sources_table", "catalogue__staged_release.preview"} <= set(tables)
    for key, text in tables.items():
        assert "![" not in text and not re.search(r"(?<!\\)<img", text), key
        assert not RAW_CONTROLS.search(text), key
        lines = text.split("\n")
        columns = _cells(lines[0])
        assert all(_cells(line) == columns for line in lines), key  # no forged cell or row
    preview = tables["catalogue__staged_release.preview"]
    assert "\\!\\[tracker\\]\\(https\\://evil.example/pixel.png\\)" in preview
    assert max(len(v) for v in texts.values()) < 20_000  # the 1.6 MB title is not in there


def _cells(line: str) -> int:
    """Cells of a markdown table row: the pipes that are not escaped, less one."""
    return len(re.findall(r"(?<!\\)\|", line)) - 1


def test_logs_show_escapes_and_no_secret(hostile_run):
    _, _, logs, _ = hostile_run
    failures = [m for m in logs if m.startswith("source ") and " failed: " in m]
    assert {m.split()[1] for m in failures} == {"escapes", "keyed"}
    for message in logs:
        assert not RAW_CONTROLS.search(message), message
        assert SECRET_IN_URL not in message and PASSWORD not in message


def test_no_secret_in_the_published_files(hostile_run):
    """The published catalogue (DuckDB and every Parquet release). `state/` is the run's own
    working copy of the registry, as private as the registry file itself."""
    _, out, _, _ = hostile_run
    published = [out / "catalogue.duckdb", *(out / "releases").rglob("*")]
    files = [p for p in published if p.is_file()]
    assert any(p.name == "catalogue.duckdb" for p in files)
    for path in files:
        data = path.read_bytes()
        assert SECRET_IN_URL.encode() not in data and PASSWORD.encode() not in data, path


def test_long_texts_are_rejected_with_a_bounded_value(hostile_run):
    _, out, _, _ = hostile_run
    rejects = pd.read_parquet(out / "parquet" / "rejects.parquet")
    long = rejects[rejects["source_record_id"] == "H4"]
    assert list(long["reason"]) == ["longer than 1000 characters"]
    assert len(long["value"].iloc[0]) <= 500


# --- the helpers, one by one ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("plain", "plain"),
        ("a\x1b[2Jb", "a\\x1b[2Jb"),
        ("8-bit \x9b31m", "8-bit \\x9b31m"),
        ("abc\u202edcba\u2066x\u2069", "abc\\u202edcba\\u2066x\\u2069"),
        ("line\nbreak\r", "line\\x0abreak\\x0d"),
        ("über café", "über café"),
    ],
)
def test_printable(text, shown):
    assert printable(text) == shown


def test_printable_table_escapes_text_in_lists_and_structs_too():
    import pyarrow as pa

    from pipelines.lib.safe_text import printable_table

    table = pa.table(
        {
            "text": ["ok", "a\x1bb", None],
            "items": [["x\u202e"], None, ["plain"]],
            "pair": [{"k": "\x9b"}, None, {"k": "v"}],
            "n": [1, 2, 3],
        }
    )
    assert printable_table(table).to_pylist() == [
        {"text": "ok", "items": ["x\\u202e"], "pair": {"k": "\\x9b"}, "n": 1},
        {"text": "a\\x1bb", "items": None, "pair": None, "n": 2},
        {"text": None, "items": ["plain"], "pair": {"k": "v"}, "n": 3},
    ]


def test_printable_bounds_and_keeps_newlines_when_asked():
    assert printable("x" * 10, 5) == "xxxx…"
    assert printable("a\nb\x1b", keep_newlines=True) == "a\nb\\x1b"


def test_markdown_table_cells_cannot_add_rows_columns_or_markup():
    frame = pd.DataFrame(
        {
            "title": ["![x](https://evil.example/x.png)", "ok\n| forged | row |", None],
            "n": [1, 2.5, float("nan")],
        }
    )
    text = markdown_table(frame)
    lines = text.split("\n")
    assert len(lines) == 5 and all(_cells(line) == 2 for line in lines)
    assert lines[2] == "| \\!\\[x\\]\\(https\\://evil.example/x.png\\) | 1 |"
    assert lines[3] == "| ok \\| forged \\| row \\| | 2.5 |"
    assert lines[4] == "|  |  |"
    assert escape_markdown("see www.evil.example or <b>x</b>") == (
        "see www\\.evil.example or \\<b\\>x\\</b\\>"
    )
    assert len(escape_markdown("y" * 10_000)) == 200


def test_csv_text_neutralises_formulas_in_text_never_numbers():
    frame = pd.DataFrame(
        {
            "=id": ["=cmd|' /C calc'!A0", "+1", "-2+3", "@SUM(A1)", " =x", "\tx", "plain", "- a"],
            "n": [-1.5, 2, 3, 4, 5, 6, 7, 8],
        }
    )
    rows = list(csv.reader(io.StringIO(csv_text(frame))))
    assert rows[0] == ["'=id", "n"]
    assert [r[0] for r in rows[1:]] == [
        "'=cmd|' /C calc'!A0",
        "'+1",
        "'-2+3",
        "'@SUM(A1)",
        "' =x",
        "'\tx",
        "plain",
        "'- a",
    ]
    assert rows[1][1] == "-1.5"
    assert neutralise_formula("fine") == "fine"


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        (
            "https://user:pw@host.example/f?api_key=abc&page=2: HTTP 403",
            "https://REDACTED@host.example/f?api_key=REDACTED&page=2: HTTP 403",
        ),
        ("Max retries exceeded with url: /f?access_token=xyz", "…url: /f?access_token=REDACTED"),
        ("http://h/x?sig=1&X-Amz-Signature=2", "http://h/x?sig=REDACTED&X-Amz-Signature=REDACTED"),
        ("http://h/x?q=python&page=3", "http://h/x?q=python&page=3"),
    ],
)
def test_redact_text(text, redacted):
    assert redact_text(text).endswith(redacted.lstrip("…"))


def test_redact_text_replaces_known_secrets_in_any_form():
    text = "sent s3 cr/et and s3%20cr%2Fet and s3+cr%2Fet"
    assert redact_text(text, ["s3 cr/et"]) == "sent REDACTED and REDACTED and REDACTED"


def test_validate_feed_escapes_ids_titles_and_values(httpserver, capsys):
    """A record id cannot forge an `[accepted]` line, nor colour or reorder the terminal."""
    items = [
        {"ref": "X1\nrecord #9  id FORGED  [accepted]", "name": "\x1b[2JWiped", "ects": 99},
        {"ref": "X2\u202e", "name": "Fine \x9b31m course", "ects": 5},
    ]
    httpserver.expect_request("/feed.json").respond_with_data(feed(items))
    url = httpserver.url_for("/feed.json")
    args = ["validate-feed", url, "--format", "json", "--option", "records=items"]
    args += ["--mapping", "source_record_id=ref", "--mapping", "title=name"]
    args += ["--mapping", "ects=ects", "--provider", "Delft Example University", "--country", "NL"]
    assert cli.main([*args, "--all"]) == 1
    out = capsys.readouterr().out
    assert not RAW_CONTROLS.search(out)
    assert not any(line.startswith("record #9  id FORGED") for line in out.splitlines())
    assert "id X1\\x0arecord #9  id FORGED  [accepted]" in out
    assert "id X2\\u202e" in out

    assert cli.main([*args, "--json"]) == 1
    text = capsys.readouterr().out
    assert not RAW_CONTROLS.search(text)
    report = json.loads(text)
    assert [r["record_id"] for r in report["records"]][:2] == [items[0]["ref"], items[1]["ref"]]
