"""European Learning Model (ELM v3): LOQ XML as published to Europass, and JSON-LD.

The content decides: a document starting with `<` is LOQ XML (learning opportunities and the
specifications, organisations, outcomes they reference by `idref`), anything else JSON-LD (a
European Digital Credential, a list of them, an `@graph`, learning opportunities or
specifications). From a credential only its claims' specifications are read, never its
`credentialSubject`'s person: see docs/formats/elm.md.
"""

from __future__ import annotations

from typing import Any

from lxml import etree

from connectors.formats.documents import (
    FeedFormatError,
    load_json,
    load_xml,
    repeated_key,
    repeated_key_reason,
)
from connectors.profiles.rules import Records, Rule, concept_id, get, iter_dicts, json_ld_types
from connectors.profiles.text import choose_language, language_entries
from connectors.profiles.transforms import (
    compose,
    first_item,
    iso_date,
    iso_duration_hours,
    nqf_label,
    participation_forms,
    uri_tail,
)
from connectors.profiles.vocabularies import ECTS_FRAMEWORK, assessment_labels, participation_modes

LOQ_NAMESPACE = "http://data.europa.eu/snb/model/ap/loq-constraints/"
_SPEC_TYPES = {"Qualification", "LearningAchievementSpecification"}


# --- shared readers ------------------------------------------------------------------------


def _ects(view: dict[str, Any], preferred: str | None) -> str | None:
    """The point of the specification's creditPoint in the ECTS framework (ECVET and other
    frameworks are not ECTS and are left out)."""
    for credit in iter_dicts(get(view, "spec.creditPoint")):
        frameworks = [concept_id(f) for f in iter_dicts(credit.get("framework"))]
        if isinstance(credit.get("framework"), str):
            frameworks.append(credit["framework"])
        if ECTS_FRAMEWORK in frameworks:
            points = [p for p in _texts(credit.get("point")) if p]
            if points:
                return points[0]
    return None


def _texts(value: Any) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [str(v).strip() for v in items if isinstance(v, str | int | float)]


def _label(concept: dict[str, Any], preferred: str | None) -> str | None:
    return choose_language(language_entries(concept.get("prefLabel")), preferred)[1]


def _assessment(view: dict[str, Any], preferred: str | None) -> str | None:
    """Each assessment specification's type (EU assessment vocabulary label, else the label
    the document gives), else its title; several are joined with '; '."""
    found = []
    for spec in iter_dicts([get(view, "spec.provenBy"), get(view, "claim.assessments")]):
        kinds = [k for k in iter_dicts([spec.get("dcType"), spec.get("type")])]
        label = None
        for kind in kinds:
            label = assessment_labels().get(concept_id(kind) or "") or _label(kind, preferred)
            if label:
                break
        label = label or choose_language(language_entries(spec.get("title")), preferred)[1]
        if label:
            found.append(label)
    return "; ".join(dict.fromkeys(found)) or None


def _quality_assurance(view: dict[str, Any], preferred: str | None) -> str | None:
    """The accreditations of the specification or of its provider: title, else type label."""
    found = []
    for path in (
        "spec.accreditation",
        "opportunity.providedBy.accreditation",
        "claim.awardingBody.accreditation",
    ):
        for accreditation in iter_dicts(get(view, path)):
            text = choose_language(language_entries(accreditation.get("title")), preferred)[1]
            for kind in iter_dicts([accreditation.get("dcType"), accreditation.get("type")]):
                text = text or _label(kind, preferred)
            if text:
                found.append(text)
    return "; ".join(dict.fromkeys(found)) or None


def _stackable(view: dict[str, Any], preferred: str | None) -> list[str] | None:
    """What the specification is part of: its title where the document gives one, else its id."""
    found = []
    for part in iter_dicts(get(view, "spec.isPartOf")):
        title = choose_language(language_entries(part.get("title")), preferred)[1]
        found.append(title or concept_id(part))
    for part in _texts(get(view, "spec.isPartOf")):
        found.append(part)
    return [f for f in found if f] or None


def _workload(view: dict[str, Any], preferred: str | None) -> Any:
    """The workload as an ISO 8601 duration: a learning activity's own `workload` (the hours a
    learner spent); else the specification's `volumeOfLearning`. An activity specification's
    `volumeOfLearning` is not read: it may be the period the activity runs over (`P2M`), and a
    period is no workload to turn into hours or ECTS."""
    claim = view.get("claim") or {}
    spec = view.get("spec") or {}
    if claim.get("activity") or "LearningActivitySpecification" in json_ld_types(spec):
        return claim.get("workload")
    return get(view, "spec.volumeOfLearning")


_participation = participation_forms(participation_modes())
_first_tail = compose(first_item, uri_tail)


def _rules(paths: dict[str, tuple[str, ...]]) -> tuple[Rule, ...]:
    """The rules of one serialisation; `paths` names where each element is."""
    return (
        Rule("source_record_id", paths["id"], "text", first_item),
        Rule("title", paths["title"], "lang"),
        Rule("title_language", paths["title"], "lang_code"),
        Rule("description", paths["description"], "lang"),
        Rule("url", paths["url"], "text", first_item),
        Rule("provider_name", paths["provider"], "lang"),
        Rule("provider_country", paths["provider_country"], "concept", uri_tail),
        Rule("learning_outcomes", paths["outcomes"], "lang_list", item="title"),
        Rule("ects", (), "custom", function=_ects),
        Rule("workload_hours", (), "custom", compose(first_item, iso_duration_hours), _workload),
        Rule("assessment_type", (), "custom", function=_assessment),
        Rule("quality_assurance", (), "custom", function=_quality_assurance),
        Rule("nqf_level", paths["nqf"], "concepts", nqf_label),
        Rule("eqf_level", paths["eqf"], "concept"),
        Rule("isced_f_code", paths["isced"], "concepts", first_item),
        Rule("participation_form", ("opportunity.mode", "spec.mode"), "concepts", _participation),
        Rule("access_requirements", ("spec.entryRequirement.noteLiteral",), "lang"),
        Rule("languages", ("spec.language", "opportunity.language"), "concepts", uri_tail),
        Rule("start_date", ("opportunity.temporal.startDate",), "text", iso_date),
        Rule("end_date", ("opportunity.temporal.endDate",), "text", iso_date),
        Rule("price_amount", ("opportunity.priceDetail.amount.value",), "text", first_item),
        Rule("price_currency", ("opportunity.priceDetail.amount.unit",), "concepts", _first_tail),
        Rule("stackable_into", (), "custom", function=_stackable),
    )


JSONLD_RULES = _rules(
    {
        "id": ("opportunity.id", "spec.id"),
        "title": ("opportunity.title", "spec.title", "claim.title"),
        "description": ("opportunity.description", "spec.description", "claim.description"),
        "url": ("opportunity.homepage.contentURL", "spec.homepage.contentURL"),
        "provider": (
            "opportunity.providedBy.legalName",
            "claim.awardingBody.legalName",
            "issuer.legalName",
        ),
        "provider_country": (
            "opportunity.providedBy.location.address.countryCode",
            "claim.awardingBody.location.address.countryCode",
            "issuer.location.address.countryCode",
        ),
        "outcomes": ("spec.learningOutcome",),
        "nqf": ("spec.nqfLevel",),
        "eqf": ("spec.eqfLevel",),
        "isced": ("spec.thematicArea",),
    }
)
XML_RULES = _rules(
    {
        "id": ("opportunity.@id", "spec.@id"),
        "title": ("opportunity.title", "spec.title"),
        "description": ("opportunity.description", "spec.description"),
        "url": ("opportunity.homepage.contentUrl", "spec.homepage.contentUrl"),
        "provider": ("opportunity.providedBy.legalName",),
        "provider_country": ("opportunity.providedBy.location.address.countryCode",),
        "outcomes": ("spec.learningOutcome",),
        "nqf": ("spec.NQFLevel",),
        "eqf": ("spec.EQFLevel",),
        "isced": ("spec.ISCEDFCode",),
    }
)


# --- JSON-LD -------------------------------------------------------------------------------


def _claim_view(claim: dict[str, Any]) -> dict[str, Any]:
    """What a claim says about the offering: its title and description (else its learning
    activity's), the awarding body and the assessments' specifications; for a learning activity
    (a certificate of participation) also its own `workload`. Not its id, dates, grades or
    evidence: those are the learner's."""
    awarded = [a.get("awardingBody") for a in iter_dicts(claim.get("awardedBy"))]
    proven = [p.get("specifiedBy") for p in iter_dicts(claim.get("provenBy"))]
    activities = [a.get("description") for a in iter_dicts(claim.get("influencedBy"))]
    activity = "LearningActivity" in json_ld_types(claim)
    return {
        "title": claim.get("title"),
        "description": claim.get("description") or next(iter(filter(None, activities)), None),
        "awardingBody": next(iter_dicts(awarded), None),
        "assessments": list(iter_dicts(proven)) or None,
        "activity": activity or None,
        "workload": claim.get("workload") if activity else None,
    }


def _jsonld_views(document: Any) -> Records:
    if isinstance(document, dict) and isinstance(document.get("@graph"), list):
        document = document["@graph"]
    items = document if isinstance(document, list) else [document]
    views: list[dict[str, Any]] = []
    problems: list[tuple[str, str]] = []
    for item in items:
        if not isinstance(item, dict):
            problems.append(("record is not a JSON object", str(item)))
            continue
        repeated = repeated_key(item)
        if repeated:
            problems.append((repeated_key_reason(repeated), str(item)))
            continue
        kinds = json_ld_types(item)
        if "LearningOpportunity" in kinds:
            spec = item.get("learningAchievementSpecification") or item.get("specifiedBy")
            found = [{"opportunity": item, "spec": next(iter_dicts(spec), {})}]
        elif isinstance(item.get("credentialSubject"), dict):
            claims = item["credentialSubject"].get("hasClaim")
            found = [
                {
                    "spec": claim.get("specifiedBy") or {},
                    "claim": _claim_view(claim),
                    "issuer": item.get("issuer"),
                }
                for claim in iter_dicts(claims)
            ]
            if not found:
                problems.append(
                    ("credential without a claim: no achievement to read", str(item.get("id")))
                )
        elif kinds & _SPEC_TYPES:
            found = [{"spec": item}]
        else:
            problems.append(
                (
                    "neither a credential, a learning opportunity nor a specification",
                    str(item)[:200],
                )
            )
            continue
        views.extend(found)  # several learners' credentials for one specification: folded later
    return Records(views, problems, rules=JSONLD_RULES)


# --- LOQ XML -------------------------------------------------------------------------------

#: References followed when a record is read (the others, e.g. hasPart, would pull in the
#: whole graph); at most `_DEPTH` deep, never twice on one path.
_FOLLOW = {
    "learningAchievementSpecification",
    "providedBy",
    "location",
    "learningOutcome",
    "provenBy",
    "accreditation",
    "isPartOf",
}
_DEPTH = 4
_PREFIXES = {
    "http://www.w3.org/2004/02/skos/core#": "skos",
    "http://purl.org/dc/terms/": "dc",
    "http://www.w3.org/ns/locn#": "locn",
    "http://data.europa.eu/m8g/": "clv",
}


def _name(node: etree._Element) -> str:
    qname = etree.QName(node)
    prefix = _PREFIXES.get(qname.namespace or "")
    return f"{prefix}:{qname.localname}" if prefix else qname.localname


def _as_dict(
    node: etree._Element, index: dict[str, etree._Element], depth: int, path: frozenset
) -> Any:
    """An element as a JSON-like value: attributes as `@name`, text as `#text` (a leaf without
    attributes is its text), children by name as lists; followed `idref`s replaced by the
    element they name."""
    idref = node.get("idref")
    if idref is not None and len(node) == 0:
        target = index.get(idref)
        if target is None or depth <= 0 or idref in path or _name(node) not in _FOLLOW:
            return {"@idref": idref}
        return _as_dict(target, index, depth - 1, path | {idref})
    attributes = {f"@{etree.QName(k).localname}": v for k, v in node.attrib.items()}
    if len(node) == 0:
        text = (node.text or "").strip()
        if not attributes:
            return text or None
        return {**attributes, "#text": text} if text else attributes
    out: dict[str, Any] = dict(attributes)
    for child in node:
        if isinstance(child.tag, str):
            out.setdefault(_name(child), []).append(_as_dict(child, index, depth, path))
    return out


def _record(node: etree._Element, index: dict[str, etree._Element]) -> dict[str, Any]:
    """A record element as a dict (an empty element is an empty record, kept to be reported)."""
    record = _as_dict(node, index, _DEPTH, frozenset({node.get("id")}))
    return record if isinstance(record, dict) else {}


def _xml_views(root: etree._Element) -> Records:
    if etree.QName(root).namespace != LOQ_NAMESPACE:
        raise FeedFormatError(f"the root element is not in the ELM LOQ namespace {LOQ_NAMESPACE}")
    index = {
        node.get("id"): node
        for container in root
        if isinstance(container.tag, str)
        for node in container
        if isinstance(node.tag, str) and node.get("id")
    }
    opportunities = root.findall(
        f"{{{LOQ_NAMESPACE}}}learningOpportunityReferences/{{{LOQ_NAMESPACE}}}learningOpportunity"
    )
    views = []
    if opportunities:
        for node in opportunities:
            opportunity = _record(node, index)
            spec = next(iter_dicts(opportunity.get("learningAchievementSpecification")), {})
            views.append({"opportunity": opportunity, "spec": spec})
    else:  # a register of specifications only: each one is an offering
        container = f"{{{LOQ_NAMESPACE}}}learningAchievementSpecificationReferences"
        for node in root.findall(f"{container}/*"):
            views.append({"spec": _record(node, index)})
    return Records(views, rules=XML_RULES)


def read(body: bytes, location: str | None = None) -> Records:
    """The offerings of one ELM document (XML or JSON-LD, by its first character)."""
    if body.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<"):
        return _xml_views(load_xml(body))
    return _jsonld_views(load_json(body))
