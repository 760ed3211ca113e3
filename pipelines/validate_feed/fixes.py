"""Suggested fixes: for each reason the pipeline gives, what the provider should change."""

from __future__ import annotations

import re

from schemas.canonical import CONSTITUTIVE_ELEMENTS, LIST_FIELDS
from schemas.records import END_BEFORE_START
from schemas.registry import Source

_LEVEL_FIX = (
    "give the EQF level as a number from 1 to 8 or its EU URI (http://data.europa.eu/snb/eqf/6)"
)
_DATE_FIX = "use YYYY-MM-DD, e.g. 2026-10-01"
_NUMBER_FIX = (
    "write a plain number such as 125 or 7.5 (a decimal comma needs the option decimal=',')"
)

#: (field or None for any field, pattern of the reason) -> fix; the first match wins.
_FIXES: tuple[tuple[str | None, str, str], ...] = (
    (
        "ects",
        r"^ECTS must be 1 to 59",
        "micro-credentials are 1 to 59 ECTS (framework footnote 5); {ects_advice}",
    ),
    (
        "ects",
        r"^not a number",
        "write ECTS as a number such as 5 or 7.5, or with its unit (e.g. '20 SCQF credits')",
    ),
    (
        "ects",
        r"^unknown credit unit",
        "state ECTS, or credits in a unit the catalogue converts (data/reference/credit-systems.csv)",
    ),
    (None, r"^EQF level must be 1 to 8", _LEVEL_FIX),
    ("eqf_level", r"^not a level number", _LEVEL_FIX),
    (
        None,
        r"^ISCED 2011 level must be 0 to 8|^not a level number",
        "give the ISCED 2011 level as a number from 0 to 8",
    ),
    (
        None,
        r"^unknown ISCED-F",
        "use a 4-digit ISCED-F 2013 code such as 0613 or its EU URI "
        "(http://data.europa.eu/snb/isced-f/0613)",
    ),
    (
        None,
        r"^unknown country|^not an ISO 3166-1 country",
        "use an ISO 3166-1 alpha-2 country code such as DE, NL or FR",
    ),
    (
        None,
        r"^unknown language",
        "use ISO 639-1 language codes such as en, de or fr (several: the list separator)",
    ),
    (None, r"^unknown currency", "use an ISO 4217 currency code such as EUR, GBP or PLN"),
    (
        None,
        r"^unknown form of participation|^not online, onsite or blended",
        "use online, onsite or blended",
    ),
    (None, r"^not a QF-EHEA cycle", "use short, first, second or third"),
    (None, r"^not a date", _DATE_FIX),
    (
        None,
        rf"^{re.escape(END_BEFORE_START)}",
        "the end date must not be before the start date: check both (YYYY-MM-DD)",
    ),
    (
        None,
        r"^not an ISO 8601 date or duration",
        "use a date (YYYY-MM-DD) or an ISO 8601 duration such as P3Y",
    ),
    (None, r"^not an http\(s\) URL", "give the web page as an http:// or https:// address"),
    (None, r"^hours must be > 0", "give the notional workload in hours, more than 0"),
    (None, r"^price must be >= 0", "give the price as 0 (free) or more"),
    (None, r"^not a (finite )?number", _NUMBER_FIX),
    (
        None,
        r"^unknown qualifications framework",
        "name a framework the catalogue knows in nqf_framework, e.g. SCQF, NFQ-IE, DQR "
        "(data/reference/nqf-frameworks.csv), or give eqf_level",
    ),
    (None, r"^level .* is not in", "use one of the framework's levels listed, or give eqf_level"),
    (
        None,
        r"^no framework given",
        "say which framework the level belongs to (nqf_framework), or give eqf_level",
    ),
    (None, r"is not referenced to the EQF", "give the EQF level (eqf_level) as well"),
    (
        None,
        r"^duplicate record id",
        "give every record its own id (only the first record with this id is kept)",
    ),
    (
        None,
        r"^id .* is given to records",
        "give every record its own id (these records were kept apart under ids derived from it)",
    ),
    (
        None,
        r"^looks like a spreadsheet formula",
        "do not start text with =, +, @ or a '-' calculation; reword its beginning",
    ),
    (
        None,
        r"^not a registered provider id",
        "use the provider's id in the agency's registry, or name the provider instead",
    ),
    (
        "record",
        r"several values where one is expected",
        "give a single value for that field in this record",
    ),
    (
        "record",
        r"NUL character|lone surrogate",
        "remove the control character or broken character; save the feed as valid UTF-8",
    ),
    (
        "record",
        r"fields, the header has",
        "every row needs as many cells as the header: quote cells holding the delimiter or a line break",
    ),
    ("record", r"not a JSON object", "each record in the list must be a JSON object {...}"),
    ("title", r"^required|^not empty", "give every record a title"),
)


def suggest_fix(field: str, reason: str, value: str | None, provider_flags: bool = True) -> str:
    """A fix for a reason the pipeline gives (falls back to the field's rule in the README)."""
    if field in ("provider_name", "provider_country") and reason.startswith("required"):
        if provider_flags:
            return (
                "the feed does not name the provider: map provider_name and provider_country, "
                "or pass --provider NAME --country XX"
            )
        return "name the provider (provider_name) and its country (provider_country) in the record"
    for fix_field, pattern, fix in _FIXES:
        if (fix_field is None or fix_field == field) and re.search(pattern, reason):
            return fix.format(ects_advice=_ects_advice(value))
    if field == "record":
        return f"correct the record so that it can be read ({reason})"
    if reason.startswith("required"):
        return f"give a value for {field}"
    return f"see the rule for {field} in README.md (the canonical record)"


def _ects_advice(value: str | None) -> str:
    try:
        ects = float(str(value).replace(",", "."))
    except ValueError:
        return "correct the value"
    if ects > 59:
        return "split it into smaller micro-credentials or correct the value"
    return "correct the value (is it hours?) or combine it with others into one of 1 ECTS or more"


_ELEMENT_FIXES = {
    "provider": "name the provider and its country (provider_name, provider_country)",
    "title": "give every record a title",
    "learning_outcomes": "list what a learner knows and can do at the end (learning_outcomes), "
    "one statement per item",
    "workload": "state the workload in ECTS (ects) or notional hours (workload_hours)",
    "assessment": "say how learning is assessed (assessment_type), e.g. written exam or project",
    "quality_assurance": "name the form of quality assurance (quality_assurance), e.g. the "
    "institution's internal QA or an accreditation",
    "qf_level": "give the EQF level (eqf_level, 1 to 8) or a national level (nqf_level, with "
    "nqf_framework)",
    "subject_area": "give the ISCED-F 2013 field (isced_f_code), e.g. 0613 or its EU URI",
    "participation_form": "say whether it is online, onsite or blended (participation_form)",
    "access_requirements": "state the access requirements (access_requirements), or 'none'",
}


def element_fix(element: str) -> str:
    """How to supply a constitutive element (framework's 'Constitutive elements')."""
    columns = CONSTITUTIVE_ELEMENTS.get(element, ())
    return _ELEMENT_FIXES.get(element, f"map {' or '.join(columns) or element}")


def flag_field(flag: str) -> str:
    """`eqf_level 6 (given) contradicts ...`, `ects not derived: ...` -> the field named."""
    match = re.match(r"[a-z_]+", flag)
    return match.group(0) if match else "code_flags"


def missing_element_reason(element: str) -> str:
    """What validate-feed and the provider report say of a constitutive element a record lacks."""
    return f"constitutive element '{element}' is missing"


def flag_fix(flag: str) -> str:
    if flag.startswith("ects not derived"):
        return "the hours come to less than 1 ECTS: state ects, or check workload_hours"
    return "the stated value is kept, but contradicts the one derived: correct whichever is wrong"


#: Reasons that say a value is not in a vocabulary the catalogue reads: the feed may be right in
#: its own terms, and a crosswalk (`values`) says what they mean.
_CROSSWALKABLE = re.compile(
    r"^unknown (form of participation|ISCED-F|language|country|currency)|^not a level number"
    r"|^not a QF-EHEA cycle|^not online, onsite or blended|^EQF level must be"
)
#: Example canonical values for a crosswalk, per field.
_EXAMPLE_TARGET = {
    "participation_form": "online",
    "isced_f_code": "0613",
    "languages": "en",
    "eqf_level": "6",
    "qf_ehea_cycle": "first",
}


def registry_fix(
    field: str, reason: str, value: str | None, source: Source, command_line: bool = False
) -> str | None:
    """When the registry's configuration of `source`, not the feed, may be what to change: the
    key to change, named with the source (or the command-line option that stands for it);
    None when the feed is at fault."""
    where = (
        "on the command line (--mapping, --values, --default are the registry's keys)"
        if command_line
        else f"in the registry, source {source.id!r}"
    )
    if field in source.expressions:
        return (
            f"the value is computed by mapping.{field} {{sql: {source.expressions[field]}}} "
            f"({where}): correct the expression"
        )
    if reason.startswith("unknown credit unit"):
        return (
            f"declare the unit of the credits {where}: defaults.credit_unit (ECTS, SCQF, CATS, US "
            "credit hours, hours) or a crosswalk values.credit_unit"
        )
    if field == "ects" and reason.startswith("ECTS must be 1 to 59") and "derived" not in reason:
        unit = source.defaults.get("credit_unit") or (source.paths.get("credit_unit"))
        if not unit:
            return (
                f"if the numbers are not ECTS, declare their unit {where}: defaults.credit_unit: "
                "SCQF (or CATS: 2 credits are 1 ECTS; US credit hours: 1 is 2 ECTS)"
            )
    if re.match(
        r"^no framework given|^level .* is not in|^unknown qualifications framework", reason
    ):
        return f"say which framework the levels are in {where}: defaults.nqf_framework (e.g. SCQF)"
    if value and _CROSSWALKABLE.search(reason):
        item = value.split(" | ")[0] if field in LIST_FIELDS else value
        target = _EXAMPLE_TARGET.get(field, "<canonical value>")
        return f"if {item!r} is the feed's own term, map it {where}: values.{field}: {{{item!r}: {target}}}"
    return None
