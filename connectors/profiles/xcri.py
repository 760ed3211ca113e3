"""XCRI-CAP 1.2: the course-advertising feeds of UK universities and colleges (EN 15982).

A document is a `catalog` of `provider`s, each offering `course`s, each presented as any number
of `presentation`s (an instance with its dates, venue, attendance mode, language and cost); a
`provider` or a single `course` may also be the root. Each presentation is one record; a course
without presentations is one record. Descriptive elements are inherited: a presentation without
its own title, description, outcomes, prerequisites or assessment takes its course's (the
specification's inheritance rule). Texts may be XHTML (`<div xmlns="...xhtml">`): their text is
read, and a list in a learning outcome gives one outcome per item.

A record view is `{"provider": ..., "course": ..., "presentation": ...}`, each element as a dict:
children by qualified name (`dc:title`, `mlo:credit`, `learningOutcome` for XCRI's own),
attributes as `@name` (`@dtf`, `@identifier`, `@type` for xsi:type, `@language` for xml:lang),
text as `#text`; a leaf without attributes is its text. See docs/formats/xcri.md.
"""

from __future__ import annotations

import csv
import re
from functools import cache
from typing import Any

import pandas as pd
from lxml import etree

from connectors.formats.documents import FeedFormatError, load_xml
from connectors.profiles.rules import Records, Rule, get, iter_dicts
from connectors.profiles.text import choose_language
from connectors.profiles.transforms import first_item, iso_date, join_texts, on_text
from connectors.profiles.vocabularies import VOCABULARIES
from pipelines.codes.levels import frameworks
from pipelines.codes.lookups import isced_f_code

XCRI_NAMESPACE = "http://xcri.org/profiles/1.2/catalog"
XHTML = "http://www.w3.org/1999/xhtml"
_XSI_TYPE = "{http://www.w3.org/2001/XMLSchema-instance}type"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
#: Namespace -> the prefix of its elements in a record view (XCRI's own have none).
PREFIXES = {
    XCRI_NAMESPACE: "",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/net/mlo": "mlo",
    "http://purl.org/net/cm": "credit",
    "http://xcri.org/profiles/catalog/terms": "xcriTerms",
    "http://xcri.co.uk": "courseDataProgramme",
}
#: The same, a trailing '/' ignored (feeds write `http://purl.org/net/mlo/` too).
_BY_NAMESPACE = {namespace.rstrip("/"): prefix for namespace, prefix in PREFIXES.items()}
#: Credit schemes whose levels are a framework's levels: SCQF, CATS (the FHEQ levels in
#: England, Wales and Northern Ireland) and CQFW.
SCHEME_FRAMEWORKS = {"scqf": "SCQF", "cats": "FHEQ", "cqfw": "CQFW"}


# --- the document as record views ----------------------------------------------------------


def _name(node: etree._Element) -> str:
    qname = etree.QName(node)
    prefix = _BY_NAMESPACE.get((qname.namespace or "").rstrip("/"))
    if prefix is None:
        return f"{{{qname.namespace}}}{qname.localname}" if qname.namespace else qname.localname
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def _text(node: etree._Element) -> str:
    """The text of an element and its XHTML content, with spaces between text nodes folded."""
    return " ".join(part.strip() for part in node.itertext() if part.strip())


def _attributes(node: etree._Element) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in node.attrib.items():
        if key == _XSI_TYPE:
            found["@type"] = value
        elif key in (_XML_LANG, "lang"):
            found["@language"] = value
        else:
            found[f"@{etree.QName(key).localname}"] = value
    return found


def _element(node: etree._Element) -> Any:
    """An element as a JSON-like value (see the module docstring)."""
    attributes = _attributes(node)
    children = [c for c in node if isinstance(c.tag, str) and etree.QName(c).namespace != XHTML]
    if not children:
        items = [_text(li) for li in node.iter(f"{{{XHTML}}}li")]
        text = _text(node)
        if not attributes and not items:
            return text or None
        leaf = {"@language": attributes.pop("@language", None), **attributes, "#text": text}
        return {**leaf, "#items": [i for i in items if i]} if items else leaf
    out: dict[str, Any] = dict(attributes)
    for child in children:
        out.setdefault(_name(child), []).append(_element(child))
    return out


def _without(node: etree._Element, child_name: str) -> dict[str, Any]:
    value = _element(node)
    if isinstance(value, dict):
        value.pop(child_name, None)
        return value
    return {}


def _course_views(course: etree._Element, provider: dict[str, Any]) -> list[dict[str, Any]]:
    presentations = course.findall(f"{{{XCRI_NAMESPACE}}}presentation")
    own = _without(course, "presentation")
    if not presentations:
        return [{"provider": provider, "course": own, "presentation": {}, "presentations": 0}]
    return [
        {
            "provider": provider,
            "course": own,
            "presentation": _without(presentation, ""),
            "presentations": len(presentations),
        }
        for presentation in presentations
    ]


def read(body: bytes, location: str | None = None) -> Records:
    """The presentations (or courses) of one XCRI-CAP 1.2 document."""
    root = load_xml(body)
    qname = etree.QName(root)
    if qname.namespace != XCRI_NAMESPACE or qname.localname not in (
        "catalog",
        "provider",
        "course",
    ):
        raise FeedFormatError(
            f"not an XCRI-CAP 1.2 document: the root is <{qname.localname}> in "
            f"{qname.namespace or 'no namespace'}, not a catalog, provider or course in "
            f"{XCRI_NAMESPACE}"
        )
    providers = (
        [root]
        if qname.localname == "provider"
        else root.findall(f"{{{XCRI_NAMESPACE}}}provider")
        if qname.localname == "catalog"
        else []
    )
    views: list[dict[str, Any]] = []
    for provider in providers:
        own = _without(provider, "course")
        for course in provider.findall(f"{{{XCRI_NAMESPACE}}}course"):
            views += _course_views(course, own)
    if qname.localname == "course":
        views = _course_views(root, {})
    return Records(views, rules=RULES)


# --- readers --------------------------------------------------------------------------------


def _both(name: str) -> tuple[str, str]:
    """A presentation's own element first, then its course's (inheritance)."""
    return (f"presentation.{name}", f"course.{name}")


def _entries(value: Any, typed: bool = False) -> list[tuple[str | None, str, Any]]:
    """(language, text, element) of each element of a list; typed elements (`xsi:type`, a
    refinement such as a target audience or an internal code) only when `typed`."""
    found = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and item.strip():
            found.append((None, item.strip(), item))
        elif isinstance(item, dict) and (typed or not item.get("@type")):
            text = str(item.get("#text") or "").strip()
            if text:
                found.append((item.get("@language"), text, item))
    return found


def _first_text(*names: str) -> Any:
    """The first of `names` (presentation, then course) holding untyped text, in one language."""

    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        for name in names:
            for path in _both(name):
                entries = _entries(get(view, path))
                if entries:
                    return choose_language([(lang, text) for lang, text, _ in entries], preferred)[
                        1
                    ]
        return None

    return read


def _language(view: dict[str, Any], preferred: str | None) -> str | None:
    """The chosen title's `xml:lang`; an untagged title is in the presentation's language of
    instruction when it has exactly one."""
    for path in _both("dc:title"):
        entries = _entries(get(view, path))
        if entries:
            language = choose_language([(lang, text) for lang, text, _ in entries], preferred)[0]
            taught = [
                t for _, t, _ in _entries(get(view, "presentation.mlo:languageOfInstruction"))
            ]
            return language or (taught[0] if len(taught) == 1 else None)
    return None


def _all_texts(name: str) -> Any:
    """Every text of `name` (presentation's, else course's); a list in XHTML is one per item."""

    def read(view: dict[str, Any], preferred: str | None) -> list[str] | None:
        for path in _both(name):
            entries = _entries(get(view, path))
            if entries:
                chosen = choose_language([(lang, text) for lang, text, _ in entries], preferred)[0]
                texts = []
                for lang, text, element in entries:
                    if lang == chosen or lang is None or chosen is None:
                        items = element.get("#items") if isinstance(element, dict) else None
                        texts += items or [text]
                return list(dict.fromkeys(texts)) or None
        return None

    return read


def _record_id(view: dict[str, Any], preferred: str | None) -> str | None:
    """The presentation's identifier (the untyped one, a URI); else the course's when the
    course has at most one presentation; else none, and the pipeline derives one."""
    own = _entries(get(view, "presentation.dc:identifier"))
    if own:
        return own[0][1]
    course = _entries(get(view, "course.dc:identifier"))
    return course[0][1] if course and view.get("presentations", 0) <= 1 else None


def _provider_name(view: dict[str, Any], preferred: str | None) -> str | None:
    entries = _entries(get(view, "provider.dc:title"))
    return choose_language([(lang, text) for lang, text, _ in entries], preferred)[1]


def _ukprn(view: dict[str, Any], preferred: str | None) -> str | None:
    """The provider's UK Provider Reference Number (an identifier typed `...:ukprn`)."""
    for _, text, element in _entries(get(view, "provider.dc:identifier"), typed=True):
        kind = element.get("@type", "") if isinstance(element, dict) else ""
        if kind.rsplit(":", 1)[-1].casefold() == "ukprn":
            return text
    return None


def _scheme(credit: dict[str, Any]) -> str | None:
    """A credit's scheme as a unit name: `http://purl.org/net/cm/terms/ECTS` -> `ECTS`."""
    schemes = [t for _, t, _ in _entries(credit.get("credit:scheme"), typed=True)]
    if len(schemes) != 1:  # none, or several: the credit is in error (XCRI-CAP 1.2)
        return None
    return re.split(r"[/#]", schemes[0].rstrip("/#"))[-1].strip() or None


def _credit(view: dict[str, Any]) -> tuple[str, str, str | None] | None:
    """(value, scheme, level) of the course's credit: the ECTS one where there is one, else the
    first. A credit without one scheme or without a value is in error and not read."""
    found = []
    for credit in iter_dicts(get(view, "course.mlo:credit")):
        scheme = _scheme(credit)
        values = [t for _, t, _ in _entries(credit.get("credit:value"), typed=True)]
        levels = [t for _, t, _ in _entries(credit.get("credit:level"), typed=True)]
        if scheme and len(values) == 1:
            found.append((values[0], scheme, levels[0] if len(levels) == 1 else None))
    ects = [c for c in found if c[1].casefold() == "ects"]
    return (ects or found or [None])[0]


def _credit_value(view: dict[str, Any], preferred: str | None) -> str | None:
    credit = _credit(view)
    return credit[0] if credit else None


def _credit_unit(view: dict[str, Any], preferred: str | None) -> str | None:
    credit = _credit(view)
    return credit[1] if credit else None


def _national_level(view: dict[str, Any]) -> tuple[str | None, str | None]:
    """(framework, level): the level of an SCQF, CATS or CQFW credit given as a number; else the
    qualification's `dcterms:educationLevel` where it names a framework (`SCQF level 7`)."""
    credit = _credit(view)
    if credit and credit[2] and credit[1].casefold() in SCHEME_FRAMEWORKS:
        level = credit[2].strip()
        if re.fullmatch(r"(?i)(?:level\s*)?\d{1,2}", level):
            return SCHEME_FRAMEWORKS[credit[1].casefold()], level
    for qualification in iter_dicts(get(view, "course.mlo:qualification")):
        for _, text, _ in _entries(qualification.get("dcterms:educationLevel"), typed=True):
            framework, _rest = frameworks().split_prefix(text)
            if framework is not None:
                return None, text
    return None, None


def _nqf_framework(view: dict[str, Any], preferred: str | None) -> str | None:
    return _national_level(view)[0]


def _nqf_level(view: dict[str, Any], preferred: str | None) -> str | None:
    return _national_level(view)[1]


_EQF = re.compile(r"(?i)^(?:http://data\.europa\.eu/snb/eqf/\d|eqf\s*(?:level\s*)?\d)$")


def _eqf(view: dict[str, Any], preferred: str | None) -> str | None:
    """The qualification's `dcterms:educationLevel` where it is an EQF level (an EU URI, `EQF
    level 4`), as the specification recommends."""
    for qualification in iter_dicts(get(view, "course.mlo:qualification")):
        for _, text, _ in _entries(qualification.get("dcterms:educationLevel"), typed=True):
            if _EQF.match(text.strip()):
                return text.strip()
    return None


def _qualification(part: str) -> Any:
    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        for qualification in iter_dicts(get(view, "course.mlo:qualification")):
            entries = _entries(qualification.get(part))
            if entries:
                return entries[0][1]
        return None

    return read


def _isced(view: dict[str, Any], preferred: str | None) -> str | None:
    """A `dc:subject` that is an ISCED-F field: typed as ISCED, or a code or label the catalogue
    knows. Other subjects (JACS, HECoS, keywords) are no ISCED-F code and are not read."""
    for path in _both("dc:subject"):
        for _, text, element in _entries(get(view, path), typed=True):
            code = element.get("@identifier") if isinstance(element, dict) else None
            kind = str(element.get("@type", "")) if isinstance(element, dict) else ""
            if "isced" in kind.casefold():
                return str(code or text)
            if isced_f_code(text):
                return text
    return None


def _attendance(view: dict[str, Any], preferred: str | None) -> str | None:
    """The attendance mode's code (`@identifier`) where it is one of XCRI's, else its label."""
    for element in get(view, "presentation.attendanceMode") or []:
        if isinstance(element, dict):
            code = str(element.get("@identifier") or "").strip().upper()
            if code in attendance_modes():
                return code
            text = str(element.get("#text") or "").strip()
        else:
            text = str(element).strip()
        if text:
            return text
    return None


@cache
def attendance_modes() -> dict[str, str | None]:
    """XCRI attendance mode code and label (folded) -> online/onsite/blended or None."""
    table: dict[str, str | None] = {}
    with (VOCABULARIES / "xcri-attendance-modes.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            form = row["participation_form"] or None
            table[row["code"]] = form
            table[row["label"].casefold()] = form
    return table


@on_text
def _participation(values: pd.Series) -> pd.Series:
    """XCRI's attendance modes -> online/onsite/blended (work-based: none); any other text
    passes as written, for a crosswalk or the catalogue's synonyms to read or report."""
    modes = attendance_modes()
    key = values.str.strip()
    known = key.str.upper().isin(modes) | key.str.casefold().isin(modes)
    mapped = key.str.upper().map(modes).fillna(key.str.casefold().map(modes))
    return values.where(~known, mapped)


def _start(name: str) -> Any:
    """A temporal element's machine-readable date (`@dtf`, a full date): the text ('September
    2027', 'as soon as enough students have enrolled') is for people and is not read."""

    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        for element in get(view, f"presentation.{name}") or []:
            dtf = element.get("@dtf") if isinstance(element, dict) else None
            if isinstance(dtf, str) and re.match(r"^\d{4}-\d{2}-\d{2}", dtf.strip()):
                return dtf.strip()
        return None

    return read


_CURRENCY = {"£": "GBP", "€": "EUR", "$": "USD"}
_AMOUNT = re.compile(
    r"(?:(?P<symbol>[£€$])\s*|\b(?P<code>GBP|EUR|USD)\s*)?(?P<amount>\d{1,3}(?:,\d{3})+|\d+)"
    r"(?:\.(?P<pence>\d{2}))?(?:\s*(?P<after>GBP|EUR|USD)\b)?",
    re.IGNORECASE,
)


def _price(view: dict[str, Any]) -> tuple[str, str] | None:
    """(amount, currency) of `mlo:cost` when it states one amount with its currency and nothing
    else: "£950", "GBP 1,250.00". Free text with several amounts or a rate ("£800 per semester")
    is no price of the offering and is not read; "free" is 0."""
    texts = [t for _, t, _ in _entries(get(view, "presentation.mlo:cost"), typed=True)]
    if len(texts) != 1:
        return None
    text = texts[0]
    if re.fullmatch(r"(?i)\s*(?:free|no (?:fee|charge|cost))\.?\s*", text):
        return "0", ""
    amounts = [
        m
        for m in _AMOUNT.finditer(text)
        if m.group("symbol") or m.group("code") or m.group("after")
    ]
    if len(amounts) != 1 or re.search(r"(?i)\bper\b|/\s*(?:year|semester|term|month|credit)", text):
        return None
    match = amounts[0]
    currency = (
        _CURRENCY.get(match.group("symbol") or "")
        or (match.group("code") or match.group("after")).upper()
    )
    amount = match.group("amount").replace(",", "")
    return (f"{amount}.{match.group('pence')}" if match.group("pence") else amount), currency


def _price_part(position: int) -> Any:
    def read(view: dict[str, Any], preferred: str | None) -> str | None:
        price = _price(view)
        return (price[position] or None) if price else None

    return read


RULES = (
    Rule("source_record_id", (), "custom", function=_record_id),
    Rule("title", (), "custom", function=_first_text("dc:title")),
    Rule("title_language", (), "custom", function=_language),
    Rule("description", (), "custom", function=_first_text("dc:description", "abstract")),
    Rule("url", _both("mlo:url"), "text", first_item),
    Rule("provider_id", (), "custom", function=_ukprn),
    Rule("provider_name", (), "custom", function=_provider_name),
    Rule("awarding_body_name", (), "custom", function=_qualification("awardedBy")),
    Rule("learning_outcomes", (), "custom", function=_all_texts("learningOutcome")),
    Rule("ects", (), "custom", function=_credit_value),
    Rule("credit_unit", (), "custom", function=_credit_unit),
    Rule("assessment_type", (), "custom", join_texts, _all_texts("mlo:assessment")),
    Rule("quality_assurance", (), "custom", function=_qualification("accreditedBy")),
    Rule("nqf_framework", (), "custom", function=_nqf_framework),
    Rule("nqf_level", (), "custom", function=_nqf_level),
    Rule("eqf_level", (), "custom", function=_eqf),
    Rule("isced_f_code", (), "custom", function=_isced),
    Rule("participation_form", (), "custom", _participation, _attendance),
    Rule("access_requirements", (), "custom", join_texts, _all_texts("mlo:prerequisite")),
    Rule("languages", _both("mlo:languageOfInstruction"), "list"),
    Rule("start_date", (), "custom", iso_date, _start("mlo:start")),
    Rule("end_date", (), "custom", iso_date, _start("end")),
    Rule("price_amount", (), "custom", function=_price_part(0)),
    Rule("price_currency", (), "custom", function=_price_part(1)),
)
