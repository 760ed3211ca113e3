"""The feed parsers (connectors.formats) on bytes: CSV, JSON and XML, including hostile input."""

from __future__ import annotations

import json
import time

import pytest

from connectors.formats import FeedFormatError, parse_csv_feed, parse_json_feed, parse_xml_feed

# --------------------------------------------------------------------------------------------- CSV

GRAZ_CSV = (
    "Kursnummer;Titel;ECTS;Lernergebnisse\r\n"
    'K-1;"Einführung in\nQualitätssicherung";2,5;Versteht QS|Wendet Normen an\r\n'
    "K-2;Größenordnungen;5;Schätzt ab;zu viel\r\n"
    "K-3;Übungen;;\r\n"
).encode("cp1252")


def test_csv_semicolon_cp1252_and_quoted_newline():
    parsed = parse_csv_feed(
        GRAZ_CSV, delimiter=";", encoding="cp1252", fields=["Kursnummer", "Titel", "ECTS"]
    )
    assert parsed.n_records == 2
    assert parsed.columns["Kursnummer"] == ["K-1", "K-3"]
    assert parsed.columns["Titel"] == ["Einführung in\nQualitätssicherung", "Übungen"]
    assert parsed.columns["ECTS"] == ["2,5", None]  # text as written, empty -> None
    assert set(parsed.columns) == {"Kursnummer", "Titel", "ECTS"}


def test_csv_row_with_too_many_fields_is_a_problem_not_a_failure():
    parsed = parse_csv_feed(GRAZ_CSV, delimiter=";", encoding="cp1252", fields=["Titel"])
    assert len(parsed.problems) == 1
    problem = parsed.problems[0]
    assert "5 fields" in problem.reason and "4" in problem.reason
    assert "Größenordnungen" in problem.value  # decoded from cp1252, kept for `rejects`
    # the bad row is counted with the others and its index does not collide with a good record
    assert problem.record_index == parsed.n_records
    assert parsed.n_records + len(parsed.problems) == 3


def test_csv_row_with_too_few_fields_is_a_problem():
    parsed = parse_csv_feed(b"a,b,c\n1,2,3\n4\n5,6,7\n", fields=["a", "c"])
    assert parsed.columns == {"a": ["1", "5"], "c": ["3", "7"]}
    assert len(parsed.problems) == 1
    assert "1 fields" in parsed.problems[0].reason


def test_csv_header_missing_a_mapped_column_names_it():
    with pytest.raises(FeedFormatError, match="Preis"):
        parse_csv_feed(GRAZ_CSV, delimiter=";", encoding="cp1252", fields=["Titel", "Preis"])


def test_csv_repeated_header_column_is_refused():
    with pytest.raises(FeedFormatError, match="repeated"):
        parse_csv_feed(b"a,b,a\n1,2,3\n", fields=["a"])


@pytest.mark.parametrize("body", [b"", b"  \r\n\n"])
def test_csv_empty_body_has_no_records(body):
    parsed = parse_csv_feed(body, fields=["Titel"])
    assert parsed.n_records == 0
    assert parsed.columns == {"Titel": []}
    assert parsed.problems == []


def test_csv_header_only_has_no_records():
    parsed = parse_csv_feed(b"Titel,ECTS\n", fields=["Titel"])
    assert (parsed.n_records, parsed.columns) == (0, {"Titel": []})


def test_csv_utf8_bom_is_not_part_of_the_first_column_name():
    parsed = parse_csv_feed("\ufeffid,title\r\n1,Ä\r\n".encode(), fields=["id", "title"])
    assert parsed.columns == {"id": ["1"], "title": ["Ä"]}


def test_csv_bytes_invalid_in_declared_encoding_fail_the_document():
    with pytest.raises(FeedFormatError, match="utf-8"):
        parse_csv_feed(b"a,b\n\xff\xfe,2\n", fields=["a"])


# -------------------------------------------------------------------------------------------- JSON

REGISTER_JSON = json.dumps(
    {
        "data": {
            "items": [
                {
                    "id": "A1",
                    "title": "Machine Learning Basics",
                    "provider": {"name": "TU Delft", "country": "NL"},
                    "credits": {"ects": 4, "hours": 2.5},
                    "outcomes": [{"text": "Explains supervised learning"}, {"text": "Trains"}],
                    "online": True,
                    "paid": False,
                    "languages": ["en", "nl"],
                },
                "not a record",
                {"id": "A2", "title": "Urban Water", "outcomes": [{"text": "Models rain"}]},
                ["neither"],
            ]
        },
        "links": {"next": "https://example.org/feed?page=2"},
    }
).encode()

JSON_FIELDS = [
    "id",
    "title",
    "provider.name",
    "provider",
    "credits.ects",
    "credits.hours",
    "outcomes.text",
    "online",
    "paid",
    "languages",
    "missing.path",
]


def test_json_records_path_and_field_paths():
    parsed = parse_json_feed(
        REGISTER_JSON, records="data.items", next_path="links.next", fields=JSON_FIELDS
    )
    assert parsed.n_records == 2
    c = parsed.columns
    assert c["id"] == ["A1", "A2"]
    assert c["provider.name"] == ["TU Delft", None]
    # a path through a list collects every element's value
    assert c["outcomes.text"] == [["Explains supervised learning", "Trains"], ["Models rain"]]
    assert c["languages"] == [["en", "nl"], None]
    assert c["missing.path"] == [None, None]


def test_json_scalars_become_text():
    parsed = parse_json_feed(REGISTER_JSON, records="data.items", fields=JSON_FIELDS)
    c = parsed.columns
    assert c["credits.ects"] == ["4", None]
    assert c["credits.hours"] == ["2.5", None]
    assert c["online"] == ["true", None]
    assert c["paid"] == ["false", None]
    # an object where a scalar is expected stays JSON text, so that it can be reported
    assert json.loads(c["provider"][0]) == {"name": "TU Delft", "country": "NL"}


def test_json_non_object_records_are_problems():
    parsed = parse_json_feed(REGISTER_JSON, records="data.items", fields=["id"])
    assert [p.record_index for p in parsed.problems] == [2, 3]
    assert all("not a JSON object" in p.reason for p in parsed.problems)
    assert "not a record" in parsed.problems[0].value
    assert "neither" in parsed.problems[1].value


def test_json_next_link_is_read():
    parsed = parse_json_feed(
        REGISTER_JSON, records="data.items", next_path="links.next", fields=["id"]
    )
    assert parsed.next_page == "https://example.org/feed?page=2"
    last = parse_json_feed(
        b'{"items": [], "links": {}}', records="items", next_path="links.next", fields=["id"]
    )
    assert last.next_page is None


def test_json_next_link_that_is_not_text_is_refused():
    with pytest.raises(FeedFormatError, match="next"):
        parse_json_feed(
            b'{"items": [], "links": {"next": {"href": "x"}}}',
            records="items",
            next_path="links.next",
            fields=["id"],
        )


def test_json_document_that_is_the_list():
    parsed = parse_json_feed(b'[{"id": 1}, {"id": 2}]', fields=["id"])
    assert parsed.columns == {"id": ["1", "2"]}


def test_json_empty_body_has_no_records():
    parsed = parse_json_feed(b"  \n", records="items", fields=["id"])
    assert (parsed.n_records, parsed.columns) == (0, {"id": []})


@pytest.mark.parametrize("body", [b'{"items": [', b"{'items': []}", b"\xff\xfe\x00garbage"])
def test_json_invalid_document(body):
    with pytest.raises(FeedFormatError, match="not a JSON document"):
        parse_json_feed(body, records="items", fields=["id"])


@pytest.mark.parametrize(
    "body", [b'{"data": {"items": {"id": 1}}}', b'{"data": {"items": "A1"}}', b'{"id": 1}']
)
def test_json_records_path_that_is_not_a_list(body):
    with pytest.raises(FeedFormatError, match="not a list"):
        parse_json_feed(body, records="data.items" if b"data" in body else "", fields=["id"])


def test_json_deeply_nested_document_is_a_format_error():
    depth = 100_000
    with pytest.raises(FeedFormatError, match="nested"):
        parse_json_feed(b"[" * depth + b"]" * depth, fields=["id"])
    with pytest.raises(FeedFormatError, match="nested"):
        parse_json_feed(
            b'{"items": [{"id": ' + b"[" * depth + b"]" * depth + b"}]}",
            records="items",
            fields=["id"],
        )


@pytest.mark.parametrize("depth", [600, 900])
def test_json_deeply_nested_value_that_loads_is_a_format_error_not_a_crash(depth):
    # json.loads accepts this depth; walking and converting the value must not blow the stack
    body = b'{"items": [{"id": "A", "t": ' + b"[" * depth + b"]" * depth + b"}]}"
    with pytest.raises(FeedFormatError, match="nested"):
        parse_json_feed(body, records="items", fields=["id", "t"])


# --------------------------------------------------------------------------------------------- XML

COURSES_XML = b"""<?xml version="1.0" encoding="UTF-8"?>
<cat:catalogue xmlns:cat="https://example.org/ns/c" xmlns:o="https://example.org/ns/other">
  <cat:course id="X1">
    <cat:title>Cloud Security</cat:title>
    <cat:credits><cat:ects>6</cat:ects></cat:credits>
    <cat:outcomes><cat:outcome>Secures cloud workloads</cat:outcome><cat:outcome>Audits IAM</cat:outcome></cat:outcomes>
    <cat:provider country="FR">Universit\xc3\xa9 Exemple</cat:provider>
    <o:title>not the title</o:title>
  </cat:course>
  <o:course id="NOT-A-RECORD"><cat:title>other namespace</cat:title></o:course>
  <cat:course id="X2"><cat:title>R\xc3\xa9seaux</cat:title><cat:outcomes><cat:outcome>Routes</cat:outcome></cat:outcomes></cat:course>
</cat:catalogue>
"""

NS = {"c": "https://example.org/ns/c"}  # another prefix than the document's: URIs matter
XML_FIELDS = [
    "@id",
    "c:title",
    "c:credits/c:ects",
    "c:outcomes/c:outcome",
    "c:provider/@country",
    "c:provider",
]


def test_xml_namespaced_records_attributes_lists_and_missing():
    parsed = parse_xml_feed(COURSES_XML, record="c:course", namespaces=NS, fields=XML_FIELDS)
    assert parsed.n_records == 2
    c = parsed.columns
    assert c["@id"] == ["X1", "X2"]
    assert c["c:title"] == ["Cloud Security", "Réseaux"]
    assert c["c:credits/c:ects"] == ["6", None]
    assert c["c:outcomes/c:outcome"] == [["Secures cloud workloads", "Audits IAM"], "Routes"]
    assert c["c:provider/@country"] == ["FR", None]
    assert c["c:provider"] == ["Université Exemple", None]
    assert parsed.problems == []


def test_xml_many_records_are_streamed():
    items = b"".join(b'<r n="%d"><t>x%d</t></r>' % (i, i) for i in range(5000))
    parsed = parse_xml_feed(b"<feed>" + items + b"</feed>", record="r", fields=["@n", "t"])
    assert parsed.n_records == 5000
    assert parsed.columns["@n"][-1] == "4999" and parsed.columns["t"][0] == "x0"


def test_xml_empty_body_has_no_records():
    parsed = parse_xml_feed(b"\n", record="c:course", namespaces=NS, fields=["c:title"])
    assert (parsed.n_records, parsed.columns) == (0, {"c:title": []})


@pytest.mark.parametrize(
    ("record", "fields"),
    [
        ("x:course", ["c:title"]),  # the record element
        ("c:course", ["x:title"]),  # an element of a field path
        ("c:course", ["c:provider/@x:country"]),  # an attribute
    ],
)
def test_xml_undeclared_prefix_is_a_format_error(record, fields):
    with pytest.raises(FeedFormatError, match="'x'"):
        parse_xml_feed(COURSES_XML, record=record, namespaces=NS, fields=fields)


def test_xml_undeclared_prefix_is_refused_even_without_records():
    with pytest.raises(FeedFormatError, match="'x'"):
        parse_xml_feed(b"<catalogue/>", record="c:course", namespaces=NS, fields=["x:title"])


@pytest.mark.parametrize(
    "body",
    [
        b"<cat><course><title>open</course></cat>",
        b"<cat><course/>",
        b"not xml at all",
        b"<cat><course>&undefined;</course></cat>",
    ],
)
def test_xml_malformed_is_a_format_error(body):
    with pytest.raises(FeedFormatError, match="not well-formed"):
        parse_xml_feed(body, record="course", fields=["title"])


def _laughs(levels: int) -> bytes:
    entities = ['<!ENTITY lol0 "lol">'] + [
        f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(1, levels + 1)
    ]
    return (
        '<?xml version="1.0"?>\n<!DOCTYPE feed [\n'
        + "\n".join(entities)
        + f']>\n<feed><item id="1"><t>&lol{levels};</t><u>a &lol1; b</u></item></feed>'
    ).encode()


def test_xml_declaring_internal_entities_is_refused_not_expanded():
    # one XML policy for the feed parser and the profiles (as defusedxml): a document whose DTD
    # declares entities is refused, whether or not a field would read them
    with pytest.raises(FeedFormatError, match=r"declares entities \(&lol0;, &lol1;, &lol2;\)"):
        parse_xml_feed(_laughs(3), record="item", fields=["@id", "t", "u"])


def test_xml_billion_laughs_is_not_expanded_and_stops_quickly():
    started = time.monotonic()
    try:
        parsed = parse_xml_feed(_laughs(9), record="item", fields=["t", "u"])
    except FeedFormatError:
        pass  # libxml2 refusing the amplification is fine too
    else:
        assert all("lollol" not in str(v) for col in parsed.columns.values() for v in col)
    assert time.monotonic() - started < 2


def test_xml_external_entity_is_not_resolved():
    body = b"""<?xml version="1.0"?>
<!DOCTYPE feed [ <!ENTITY xxe SYSTEM "file:///etc/passwd"> ]>
<feed><item><t>&xxe;</t><u>x</u></item></feed>"""
    with pytest.raises(FeedFormatError, match="declares entities") as refused:
        parse_xml_feed(body, record="item", fields=["t", "u"])
    assert "root:" not in str(refused.value)


def test_xml_external_dtd_and_parameter_entity_are_not_loaded():
    for doctype in (
        b'<!DOCTYPE feed SYSTEM "file:///etc/passwd">',
        b'<!DOCTYPE feed [ <!ENTITY % p SYSTEM "file:///etc/passwd"> %p; ]>',
    ):
        body = b'<?xml version="1.0"?>\n' + doctype + b"\n<feed><item><t>x</t></item></feed>"
        try:
            parsed = parse_xml_feed(body, record="item", fields=["t"])
        except FeedFormatError as exc:
            assert "root:" not in str(exc)
        else:
            assert parsed.columns == {"t": ["x"]}


def test_xml_deeply_nested_document_is_a_format_error():
    body = b"<r>" + b"<a>" * 5000 + b"</a>" * 5000 + b"</r>"
    with pytest.raises(FeedFormatError):
        parse_xml_feed(body, record="a", fields=["@id"])
