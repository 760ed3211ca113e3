"""How every feed document is loaded, by the generic parsers and the standard profiles alike:
one JSON loader that marks repeated keys, one XML parser policy, and the error both raise.

XML policy (the one defusedxml applies): no DTD loading, no entity resolution, no network, no
huge trees, and a document whose DTD declares entities is refused outright. libxml2 keeps an
entity reference in text unexpanded but expands it when an attribute is read, so a declared
entity is never safe to keep.
"""

from __future__ import annotations

import json
from typing import Any

from lxml import etree


class FeedFormatError(ValueError):
    """The document as a whole cannot be read in its declared format. The message never
    quotes the document: a server's content is not repeated in errors."""


class TooManyRecords(FeedFormatError):
    """The document holds more records than its source may send (refused before they are
    built: a flood of tiny records costs memory out of proportion to its bytes)."""

    def __init__(self, limit: int) -> None:
        super().__init__(f"more than {limit} records")
        self.limit = limit


def check_record_count(count: int, limit: int | None) -> None:
    if limit is not None and count > limit:
        raise TooManyRecords(limit)


#: libxml2 errors whose message holds nothing of the document (others quote its names).
_MESSAGES_WITHOUT_CONTENT = frozenset(
    {"ERR_RESOURCE_LIMIT", "ERR_ENTITY_LOOP", "ERR_DOCUMENT_EMPTY", "ERR_DOCUMENT_END"}
)


def xml_syntax_reason(exc: etree.XMLSyntaxError) -> str:
    """Where an XML document is not well-formed and what kind of error it is, without
    quoting the document: libxml2's own words only where they hold none of it."""
    error = exc.error_log.last_error if exc.error_log else None
    line, column = exc.position if exc.position else (0, 0)
    where = f"line {line}, column {column}" if line else "at its start"
    if error is None:
        return f"not well-formed XML ({where})"
    if error.type_name in _MESSAGES_WITHOUT_CONTENT:
        kind = error.message.strip()
    else:
        kind = error.type_name.removeprefix("ERR_").replace("_", " ").lower()
    return f"not well-formed XML ({where}: {kind})"


# --- JSON ------------------------------------------------------------------------------------


class RepeatedKeys(dict):
    """A JSON object naming a key more than once (json.loads silently keeps the last value)."""

    repeated: list[str]


def _objects(pairs: list[tuple[str, Any]], found: list[RepeatedKeys]) -> dict[str, Any]:
    """object_pairs_hook: a dict, or a `RepeatedKeys` (also listed in `found`)."""
    obj = dict(pairs)
    if len(obj) == len(pairs):
        return obj
    seen: set[str] = set()
    repeated = RepeatedKeys(obj)
    repeated.repeated = []
    for key, _ in pairs:
        if key in seen and key not in repeated.repeated:
            repeated.repeated.append(key)
        seen.add(key)
    found.append(repeated)
    return repeated


def load_json(body: bytes, repeated: list[RepeatedKeys] | None = None) -> Any:
    """A JSON document; objects with a repeated key are `RepeatedKeys` (and appended to
    `repeated` when given). Bytes that are not JSON, or JSON nested too deeply, are refused."""
    found: list[RepeatedKeys] = [] if repeated is None else repeated
    try:
        return json.loads(body, object_pairs_hook=lambda pairs: _objects(pairs, found))
    except RecursionError:
        raise FeedFormatError("JSON nested too deeply") from None
    except (UnicodeDecodeError, ValueError) as exc:
        raise FeedFormatError(f"not a JSON document: {exc}") from None


def repeated_within(value: Any) -> list[RepeatedKeys]:
    """Objects with a repeated key inside `value`, in document order (iterative: no recursion)."""
    todo, found = [value], []
    while todo:
        item = todo.pop()
        if isinstance(item, RepeatedKeys):
            found.append(item)
        if isinstance(item, dict):
            todo.extend(reversed(item.values()))
        elif isinstance(item, list):
            todo.extend(reversed(item))
    return found


def repeated_key(item: Any) -> str | None:
    """The first key given twice in one object inside `item` (which value is meant?), or None."""
    within = repeated_within(item)
    return within[0].repeated[0] if within else None


def repeated_key_reason(key: str) -> str:
    return f"key {key!r} given twice in one JSON object: which value?"


# --- XML -------------------------------------------------------------------------------------

#: How every XML document is parsed: no DTD loading, no entity resolution, no network, no huge
#: trees (with lxml's limits), and no comments or processing instructions.
XML_PARSER_OPTIONS = {
    "resolve_entities": False,
    "load_dtd": False,
    "no_network": True,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
}
_PREDEFINED = {"lt", "gt", "amp", "apos", "quot"}


def refuse_declared_entities(element: etree._Element) -> None:
    """Refuse the document of `element` when its internal DTD declares entities."""
    dtd = element.getroottree().docinfo.internalDTD
    if dtd is None:
        return
    names = sorted({entity.name for entity in dtd.iterentities()} - _PREDEFINED)
    if names:
        shown = ", ".join(f"&{name};" for name in names[:3])
        raise FeedFormatError(f"the document declares entities ({shown}): never expanded, refused")


def load_xml(body: bytes) -> etree._Element:
    """The root of a whole XML document, parsed by the policy above."""
    parser = etree.XMLParser(**XML_PARSER_OPTIONS)
    try:
        root = etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:
        raise FeedFormatError(xml_syntax_reason(exc)) from None
    if root is None:
        raise FeedFormatError("not well-formed XML: no root element")
    refuse_declared_entities(root)
    return root
