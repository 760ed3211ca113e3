"""The catalogue, or one country of it, as ELM v3 learning opportunities (LOQ XML, the document
Europass takes), with EU vocabulary URIs for EQF, ISCED-F, languages, modes, countries,
currencies and credit points.

Each active row is a `learningOpportunity` (title, description, homepage, dates, mode, price,
provider, default language) with its `learningAchievementSpecification` (title, ISCED-F field,
workload, ECTS, EQF level as `educationLevel`, languages, mode, entry requirements, learning
outcomes, assessment); providers are `organisation`s at a `location` in their country. The
schema requires a homepage, a provider country, an ISCED-F field, a language of instruction, a
learning outcome and a language for every text: a row lacking one is not exported but listed
with the reasons. What ELM cannot carry as the catalogue states it (quality assurance as free
text, stackability as titles, a price without a currency) is left out of the document.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from lxml import etree

from connectors.profiles.elm import LOQ_NAMESPACE
from pipelines.export.vocabularies import (
    CREDIT_FRAMEWORK_URI,
    EQF_URI,
    ISCED_F_URI,
    authority_codes,
    mode_uris,
)
from pipelines.lib.lists import explode_items

XSD_VERSION = "3.1.0"
#: The ids of the document's elements start with this (`<base>opportunity:<credential_id>`).
DEFAULT_BASE = "urn:microcredential-catalogue:"
#: Characters an XML 1.0 document cannot hold.
_NOT_XML = r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]"
_TEXT_FIELDS = ("title", "description", "provider_name", "access_requirements", "assessment_type")
EXCLUDED_COLUMNS = ["credential_id", "title", "provider_id", "provider_country", "reasons"]


@dataclass(frozen=True)
class ElmExport:
    """The LOQ document, the rows in it, and the rows left out with the reasons."""

    document: bytes
    exported: pd.DataFrame
    excluded: pd.DataFrame


def text_language(rows: pd.DataFrame) -> pd.Series:
    """The language the row's texts are tagged with: its title's, else its only language of
    instruction (None when it has several or none: that would be a guess)."""
    languages = rows["languages"].map(lambda v: v[0] if v is not None and len(v) == 1 else None)
    return rows["title_language"].where(rows["title_language"].notna(), languages)


def missing_requirements(rows: pd.DataFrame) -> pd.Series:
    """Per row, why it cannot be written as a valid LOQ learning opportunity (empty: it can)."""
    countries, languages = authority_codes("country"), authority_codes("language")
    country = rows["provider_country"]
    language = text_language(rows)
    items = explode_items(rows["languages"])
    outcomes = explode_items(rows["learning_outcomes"]).astype(str)
    checks: list[pd.Series] = [
        _where(rows["url"].isna(), "no web page (url): ELM requires the opportunity's homepage"),
        _where(
            country.isna(),
            "no provider country (provider_country): ELM requires the provider's address country",
        ),
        _where(
            country.notna() & ~country.isin(list(countries)),
            "provider country " + country.astype(str) + " is not in the EU country vocabulary",
        ),
        _where(
            rows["isced_f_code"].isna(),
            "no ISCED-F field (isced_f_code): ELM requires the specification's ISCEDFCode",
        ),
        _where(
            ~_has(rows, items),
            "no language of instruction (languages): ELM requires the specification's language",
        ),
        _per_row(
            items[~items.isin(list(languages))],
            "language {} is not in the EU language vocabulary",
            rows.index,
        ),
        _where(
            ~_has(rows, outcomes),
            "no learning outcomes (learning_outcomes): ELM requires a learningOutcome",
        ),
        _where(
            language.isna(),
            "no language for its texts (title_language, or a single language of instruction): "
            "ELM tags every text with its language",
        ),
        _where(
            language.notna() & ~language.isin(list(languages)),
            "text language " + language.astype(str) + " is not in the EU language vocabulary",
        ),
        *_unwritable_characters(rows, outcomes),
    ]
    reasons = pd.concat(checks, axis=1)
    stacked = reasons.stack()
    stacked = stacked[stacked.notna()]
    lists = stacked.groupby(level=0).agg(list)
    return pd.Series([[] for _ in range(len(rows))], index=rows.index, dtype="object").where(
        ~rows.index.isin(lists.index), lists
    )


def _unwritable_characters(rows: pd.DataFrame, outcomes: pd.Series) -> list[pd.Series]:
    """A reason per text field holding a character an XML document cannot hold."""
    reason = "{} holds a character XML cannot carry"
    checks = [
        _where(rows[f].astype("object").fillna("").str.contains(_NOT_XML), reason.format(f))
        for f in _TEXT_FIELDS
    ]
    bad_outcomes = outcomes[outcomes.str.contains(_NOT_XML)]
    checks.append(_where(_has(rows, bad_outcomes), reason.format("learning_outcomes")))
    return checks


def _has(rows: pd.DataFrame, items: pd.Series) -> pd.Series:
    """Rows having at least one of the (exploded) items."""
    return pd.Series(rows.index.isin(items.index), index=rows.index)


def _where(mask: pd.Series, reason: str | pd.Series) -> pd.Series:
    return pd.Series(reason, index=mask.index).where(mask, None)


def _per_row(items: pd.Series, template: str, index: pd.Index) -> pd.Series:
    """One reason per row from the items at fault (several joined)."""
    text = items.astype(str).map(lambda v: template.format(repr(v)))
    joined = text.groupby(level=0).agg("; ".join)
    return joined.reindex(index)


def exportable_rows(
    microcredentials: pd.DataFrame, country: str | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The active rows (of `country`, an ISO 3166-1 code, or all) that can be written, and
    those that cannot with the reasons (`EXCLUDED_COLUMNS`), in credential id order."""
    rows = microcredentials[microcredentials["status"] == "active"]
    if country is not None:
        rows = rows[rows["provider_country"] == country]
    rows = rows.sort_values("credential_id").reset_index(drop=True)
    reasons = missing_requirements(rows)
    ok = (reasons.map(len) == 0).to_numpy()
    excluded = rows.loc[~ok, EXCLUDED_COLUMNS[:-1]].assign(reasons=reasons[~ok])
    return rows[ok].reset_index(drop=True), excluded.reset_index(drop=True)


def export_elm(
    microcredentials: pd.DataFrame, country: str | None = None, base: str = DEFAULT_BASE
) -> ElmExport:
    """The active rows (of `country`, or all) as one LOQ document."""
    rows, excluded = exportable_rows(microcredentials, country)
    return ElmExport(serialise(loq_document(rows, base)), rows[EXCLUDED_COLUMNS[:-1]], excluded)


def serialise(document: etree._Element) -> bytes:
    return etree.tostring(document, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _element(
    parent: etree._Element, name: str, text: str | None = None, **attributes
) -> etree._Element:
    node = etree.SubElement(parent, f"{{{LOQ_NAMESPACE}}}{name}", attributes)
    if text is not None:
        node.text = text
    return node


def _number(value: float) -> str:
    return f"{value:.4f}".rstrip("0").rstrip(".")


def _duration(hours: float) -> str:
    """Hours as an xs:duration (`PT62H30M`: only seconds may have a fraction)."""
    seconds = round(hours * 3600)
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return (
        "PT"
        + (f"{h}H" if h else "")
        + (f"{m}M" if m else "")
        + (f"{s}S" if s or not (h or m) else "")
    )


_CONTAINERS = (
    "learningOpportunityReferences",
    "learningAchievementSpecificationReferences",
    "learningOutcomeReferences",
    "learningAssessmentSpecificationReferences",
    "agentReferences",
    "locationReferences",
)


class _Writer:
    """Writes rows into a `Courses` document: each ELM class in its reference list, the
    elements of each in the order the schema's sequences require."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.root = etree.Element(f"{{{LOQ_NAMESPACE}}}Courses", nsmap={None: LOQ_NAMESPACE})
        self.root.set("xsdVersion", XSD_VERSION)
        self.lists = {name: _element(self.root, name) for name in _CONTAINERS}
        self.languages = authority_codes("language")
        self.currencies = authority_codes("currency")
        self.modes = mode_uris()
        self.organisations: dict[str, tuple[str, str, str]] = {}

    def id(self, kind: str, key: str) -> str:
        return f"{self.base}{kind}:{key}"

    def opportunity(self, row, lang: str) -> None:
        node = _element(
            self.lists["learningOpportunityReferences"],
            "learningOpportunity",
            id=self.id("opportunity", row.credential_id),
        )
        _element(node, "title", row.title, language=lang)
        if _given(row.description):
            _element(node, "description", row.description, language=lang)
        _element(_element(node, "homepage"), "contentUrl", row.url)
        if _given(row.start_date) or _given(row.end_date):
            temporal = _element(node, "temporal")
            for name, value in (("startDate", row.start_date), ("endDate", row.end_date)):
                if _given(value):
                    _element(temporal, name, f"{pd.Timestamp(value):%Y-%m-%d}T00:00:00")
        if _given(row.participation_form):
            _element(node, "mode", uri=self.modes[row.participation_form])
        if _given(row.price_amount) and row.price_currency in self.currencies:
            amount = _element(_element(node, "priceDetail"), "amount")
            _element(amount, "unit", uri=self.currencies[row.price_currency])
            _element(amount, "value", f"{row.price_amount:.2f}")
        _element(node, "providedBy", idref=self.id("organisation", row.org_key))
        spec = self.id("specification", row.credential_id)
        _element(node, "learningAchievementSpecification", idref=spec)
        _element(node, "defaultLanguage", uri=self.languages[lang])
        self.organisations.setdefault(row.org_key, (row.provider_name, row.provider_country, lang))

    def specification(self, row, lang: str) -> None:
        cid = row.credential_id
        spec = _element(
            self.lists["learningAchievementSpecificationReferences"],
            "learningAchievementSpecification",
            id=self.id("specification", cid),
        )
        _element(spec, "title", row.title, language=lang)
        _element(spec, "ISCEDFCode", uri=ISCED_F_URI.format(code=row.isced_f_code))
        if _given(row.workload_hours):
            _element(spec, "volumeOfLearning", _duration(row.workload_hours))
        if _given(row.ects):
            credit = _element(spec, "creditPoint")
            _element(credit, "framework", uri=CREDIT_FRAMEWORK_URI)
            _element(credit, "point", _number(row.ects))
        if _given(row.eqf_level):
            _element(spec, "educationLevel", uri=EQF_URI.format(level=int(row.eqf_level)))
        for code in row.languages:
            _element(spec, "language", uri=self.languages[code])
        if _given(row.participation_form):
            _element(spec, "mode", uri=self.modes[row.participation_form])
        if _given(row.access_requirements):
            note = _element(spec, "entryRequirement")
            _element(note, "noteLiteral", row.access_requirements, language=lang)
        for n, outcome in enumerate(row.learning_outcomes, start=1):
            outcome_id = self.id("outcome", f"{cid}:{n}")
            _element(spec, "learningOutcome", idref=outcome_id)
            node = _element(
                self.lists["learningOutcomeReferences"], "learningOutcome", id=outcome_id
            )
            _element(node, "title", str(outcome), language=lang)
        if _given(row.assessment_type):
            assessment_id = self.id("assessment", cid)
            _element(spec, "provenBy", idref=assessment_id)
            node = _element(
                self.lists["learningAssessmentSpecificationReferences"],
                "learningAssessmentSpecification",
                id=assessment_id,
            )
            _element(node, "title", row.assessment_type, language=lang)

    def providers(self) -> None:
        """Each provider as an organisation at a location in its country."""
        countries = authority_codes("country")
        for key, (name, country, lang) in self.organisations.items():
            organisation = _element(
                self.lists["agentReferences"], "organisation", id=self.id("organisation", key)
            )
            _element(organisation, "legalName", name, language=lang)
            _element(organisation, "location", idref=self.id("location", key))
            location = _element(
                self.lists["locationReferences"], "location", id=self.id("location", key)
            )
            _element(_element(location, "address"), "countryCode", uri=countries[country])


def loq_document(rows: pd.DataFrame, base: str = DEFAULT_BASE) -> etree._Element:
    """The `Courses` document of rows that meet the requirements (`missing_requirements`)."""
    writer = _Writer(base)
    frame = rows.assign(text_lang=text_language(rows), org_key=_organisation_keys(rows))
    # Text as Python objects at once: iterating Arrow-backed text boxes value by value (slow).
    text = [c for c, dtype in frame.dtypes.items() if isinstance(dtype, pd.StringDtype)]
    frame = frame.astype(dict.fromkeys(text, object))
    for row in frame.itertuples(index=False):
        writer.opportunity(row, row.text_lang)
        writer.specification(row, row.text_lang)
    writer.providers()
    for container in writer.lists.values():  # the schema allows no empty reference list
        if len(container) == 0:
            writer.root.remove(container)
    return writer.root


def _given(value: object) -> bool:
    return value is not None and not (not isinstance(value, str) and pd.isna(value))


def _organisation_keys(rows: pd.DataFrame) -> pd.Series:
    """One organisation per provider and country (its location is that country)."""
    provider = (
        rows["provider_id"]
        .astype("object")
        .fillna(
            "unnamed-"
            + rows["provider_name"]
            .astype(str)
            .str.lower()
            .str.replace(r"[^a-z0-9]+", "-", regex=True)
        )
    )
    return provider + ":" + rows["provider_country"].astype(str)


def write_document(document: bytes, path: Path) -> Path:
    """Write the document atomically (a reader never sees half of it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(document)
    os.replace(tmp, path)
    return path


def schema_errors(document: bytes, xsd: Path) -> list[str]:
    """What the ELM XSD (`loq.xsd` with its `cv/` and `external/` imports) finds wrong with the
    document; empty when it is valid."""
    schema = etree.XMLSchema(etree.parse(str(xsd)))
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    if schema.validate(etree.fromstring(document, parser)):
        return []
    return [f"line {e.line}: {e.message}" for e in schema.error_log]
