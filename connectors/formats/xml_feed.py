"""XML feeds, streamed with lxml under the one XML policy (connectors.formats.documents)."""

from __future__ import annotations

import io
from typing import Any

from lxml import etree

from connectors.formats.documents import (
    XML_PARSER_OPTIONS,
    FeedFormatError,
    check_record_count,
    refuse_declared_entities,
    xml_syntax_reason,
)
from schemas.reads import ParsedFeed

XML_NAMESPACE = "http://www.w3.org/XML/1998/namespace"


def _qualify(name: str, namespaces: dict[str, str]) -> str:
    """`prefix:local` -> Clark notation `{uri}local`, as lxml names elements and attributes."""
    if ":" not in name:
        return name
    prefix, local = name.split(":", 1)
    if prefix == "xml":
        return f"{{{XML_NAMESPACE}}}{local}"
    if prefix not in namespaces:
        raise FeedFormatError(f"prefix {prefix!r} is not declared in options.namespaces")
    return f"{{{namespaces[prefix]}}}{local}"


class _FieldPath:
    """A `/`-separated path relative to the record; a final `@name` selects an attribute."""

    def __init__(self, path: str, namespaces: dict[str, str]) -> None:
        steps, _, attribute = path.partition("@")
        self.elements = steps.rstrip("/") or "."
        self.attribute = _qualify(attribute, namespaces) if attribute else None
        self.namespaces = namespaces
        if self.elements != ".":  # bad syntax or an undeclared prefix: refused now, not per record
            etree.Element("_").findall(self.elements, namespaces)

    def values(self, record: etree._Element) -> list[str]:
        nodes = record.findall(self.elements, self.namespaces) if self.elements != "." else [record]
        if self.attribute:
            found = (node.get(self.attribute) for node in nodes)
        else:
            found = ("".join(node.itertext()) for node in nodes)
        return [v for v in found if v is not None and v.strip()]


def _collapse(values: list[str]) -> Any:
    if not values:
        return None
    return values[0] if len(values) == 1 else values


def parse_xml_feed(
    body: bytes,
    *,
    record: str,
    namespaces: dict[str, str] | None = None,
    fields: list[str],
    max_records: int | None = None,
) -> ParsedFeed:
    """Stream the `record` elements of an XML document and read `fields` from each (at most
    `max_records` of them: one more and the document is refused)."""
    namespaces = dict(namespaces or {})
    tag = _qualify(record, namespaces)
    try:
        paths = {f: _FieldPath(f, namespaces) for f in dict.fromkeys(fields)}
    except SyntaxError as exc:
        raise FeedFormatError(f"bad field path: {exc}") from None
    columns: dict[str, list[Any]] = {f: [] for f in paths}
    if not body.strip():
        return ParsedFeed(columns, 0)
    parser = etree.iterparse(io.BytesIO(body), events=("end",), tag=tag, **XML_PARSER_OPTIONS)
    n = 0
    try:
        for _, element in parser:
            if n == 0:  # the DTD, if any, precedes the first record
                refuse_declared_entities(element)
            check_record_count(n + 1, max_records)
            for name, path in paths.items():
                columns[name].append(_collapse(path.values(element)))
            n += 1
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
        if n == 0 and parser.root is not None:
            refuse_declared_entities(parser.root)
    except etree.XMLSyntaxError as exc:
        raise FeedFormatError(xml_syntax_reason(exc)) from None
    except SyntaxError as exc:
        raise FeedFormatError(f"bad field path: {exc}") from None
    return ParsedFeed(columns, n)
