"""XML feeds, streamed with lxml: no DTD loading, no entity resolution, no network."""

from __future__ import annotations

import io
import re
from typing import Any

from lxml import etree

from connectors.formats.base import FeedFormatError, ParsedFeed

#: How every XML document is parsed: no DTD loading, no entity resolution, no network, no huge
#: trees (with lxml's limits), and no comments or processing instructions.
HARDENED_PARSER = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}


def _qualify(name: str, namespaces: dict[str, str]) -> str:
    """`prefix:local` -> Clark notation `{uri}local`, as lxml names elements and attributes."""
    if ":" not in name:
        return name
    prefix, local = name.split(":", 1)
    if prefix == "xml":
        return f"{{http://www.w3.org/XML/1998/namespace}}{local}"
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

    def values(self, record: etree._Element, entities: tuple[bytes, ...] = ()) -> list[str]:
        nodes = record.findall(self.elements, self.namespaces) if self.elements != "." else [record]
        if self.attribute:
            if entities:
                _refuse_entity_references(nodes, self.attribute, entities)
            found = (node.get(self.attribute) for node in nodes)
        else:
            found = ("".join(node.itertext()) for node in nodes)
        return [v for v in found if v is not None and v.strip()]


_PREDEFINED = {"lt", "gt", "amp", "apos", "quot"}


def _declared_entities(element: etree._Element) -> tuple[bytes, ...]:
    """References (`&name;`) to the general entities the document's internal DTD declares."""
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is None:
        return ()
    names = {entity.name for entity in dtd.iterentities()} - _PREDEFINED
    return tuple(f"&{name};".encode() for name in sorted(names))


_ATTRIBUTE = re.compile(rb'([^\s=]+)="([^"]*)"')


def _refuse_entity_references(
    nodes: list[etree._Element], attribute: str, entities: tuple[bytes, ...]
) -> None:
    """libxml2 keeps entity references in text unexpanded, but reading an attribute expands
    them (attribute-value normalisation, bounded only by its amplification limit). The tree
    still holds the reference, and serialising the node shows it: refuse rather than expand."""
    for node in nodes:
        start_tag = etree.tostring(node, encoding="utf-8", with_tail=False).split(b">", 1)[0]
        for name, value in _ATTRIBUTE.findall(start_tag):
            if b"&" not in value or _clark(name.decode(), node) != attribute:
                continue
            for reference in entities:
                if reference in value:
                    raise FeedFormatError(
                        f"entity reference {reference.decode()} in attribute {name.decode()!r}"
                        f" of <{etree.QName(node).localname}>: entities are never expanded"
                    )


def _clark(name: str, node: etree._Element) -> str:
    """A serialised attribute name (`p:local`) in Clark notation, by the node's namespaces."""
    prefix, _, local = name.rpartition(":")
    if not prefix:
        return name
    uri = "http://www.w3.org/XML/1998/namespace" if prefix == "xml" else node.nsmap.get(prefix)
    return f"{{{uri}}}{local}"


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
) -> ParsedFeed:
    """Stream the `record` elements of an XML document and read `fields` from each."""
    namespaces = dict(namespaces or {})
    tag = _qualify(record, namespaces)
    try:
        paths = {f: _FieldPath(f, namespaces) for f in dict.fromkeys(fields)}
    except SyntaxError as exc:
        raise FeedFormatError(f"bad field path: {exc}") from None
    columns: dict[str, list[Any]] = {f: [] for f in paths}
    if not body.strip():
        return ParsedFeed(columns, 0)
    parser = etree.iterparse(io.BytesIO(body), events=("end",), tag=tag, **HARDENED_PARSER)
    n = 0
    entities: tuple[bytes, ...] | None = None
    try:
        for _, element in parser:
            if entities is None:  # the DTD, if any, precedes the first record
                entities = _declared_entities(element)
            for name, path in paths.items():
                columns[name].append(_collapse(path.values(element, entities)))
            n += 1
            element.clear(keep_tail=False)
            while element.getprevious() is not None:
                del element.getparent()[0]
    except etree.XMLSyntaxError as exc:
        raise FeedFormatError(f"not well-formed XML: {exc}") from None
    except SyntaxError as exc:
        raise FeedFormatError(f"bad field path: {exc}") from None
    return ParsedFeed(columns, n)
