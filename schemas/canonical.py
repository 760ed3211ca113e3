"""The canonical record: one declaration of its columns that the pandera schema, Parquet and
DuckDB share, and the framework's constitutive elements it holds."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pyarrow as pa

#: An http(s) URL: the rule of the `url` column, and what a registry `url` must be unless it
#: is a path.
HTTP_URL = r"(?i)^https?://[^\s/$.?#][^\s]*$"
_HTTP_URL = re.compile(HTTP_URL)


def is_http_url(text: str) -> bool:
    return _HTTP_URL.match(text) is not None


@dataclass(frozen=True)
class Column:
    name: str
    type: pa.DataType
    description: str
    element: str = ""
    mappable: bool = True

    @property
    def is_list(self) -> bool:
        return pa.types.is_list(self.type)


STRING_LIST = pa.list_(pa.string())
TIMESTAMP = pa.timestamp("us", tz="UTC")

COLUMNS: tuple[Column, ...] = (
    Column(
        "credential_id",
        pa.string(),
        "Stable identifier of the micro-credential in this catalogue",
        mappable=False,
    ),
    Column("title", pa.string(), "Title of the micro-credential, trimmed", "micro-credential"),
    Column("title_language", pa.string(), "Language of the title, ISO 639-1"),
    Column("description", pa.string(), "Free-text description"),
    Column("url", pa.string(), "Web page of the offering (http or https)"),
    Column(
        "provider_id",
        pa.string(),
        "Registry id of the provider; null for a provider the registry does not list",
        "provider",
    ),
    Column("provider_name", pa.string(), "Name of the provider", "provider"),
    Column(
        "provider_country",
        pa.string(),
        "Country of the provider, ISO 3166-1 alpha-2; null when neither the record nor the "
        "registry states it (never guessed; published under provider_country=unknown)",
        "provider",
    ),
    Column(
        "awarding_body_name", pa.string(), "Awarding body; the provider when not given", "provider"
    ),
    Column(
        "awarding_body_country",
        pa.string(),
        "Country of the awarding body, ISO 3166-1 alpha-2",
        "provider",
    ),
    Column(
        "learning_outcomes",
        STRING_LIST,
        "Learning outcomes, one statement per element",
        "learning experience",
    ),
    Column("ects", pa.float64(), "Workload in ECTS credits, 1 to 59", "learning experience"),
    Column(
        "workload_hours", pa.float64(), "Notional workload in hours, > 0", "learning experience"
    ),
    Column("assessment_type", pa.string(), "How learning is assessed", "learning experience"),
    Column("quality_assurance", pa.string(), "Form of quality assurance", "learning experience"),
    Column(
        "nqf_framework",
        pa.string(),
        "National qualifications framework, e.g. SCQF, NFQ-IE, DQR",
        "QF level",
    ),
    Column(
        "nqf_level",
        pa.string(),
        "Level in the national framework, as the framework writes it",
        "QF level",
    ),
    Column("eqf_level", pa.int8(), "European Qualifications Framework level, 1 to 8", "QF level"),
    Column(
        "qf_ehea_cycle", pa.string(), "QF-EHEA cycle: short, first, second or third", "QF level"
    ),
    Column("isced_level", pa.int8(), "ISCED 2011 level, 0 to 8", "QF level"),
    Column("isced_f_code", pa.string(), "ISCED-F 2013 field code, 2, 3 or 4 digits", "QF level"),
    Column("isced_f_label", pa.string(), "English label of the ISCED-F code", "QF level"),
    Column("sqf", pa.string(), "Sectoral qualifications framework and level", "QF level"),
    Column("participation_form", pa.string(), "online, onsite or blended", "form of participation"),
    Column("access_requirements", pa.string(), "Access requirements", "access requirements"),
    Column("languages", STRING_LIST, "Languages of instruction, ISO 639-1"),
    Column("start_date", pa.date32(), "First day of the offering"),
    Column("end_date", pa.date32(), "Last day of the offering, not before start_date"),
    Column("expiry", pa.string(), "Expiration: an ISO 8601 date or duration", "expiration"),
    Column("price_amount", pa.float64(), "Price, >= 0"),
    Column("price_currency", pa.string(), "Currency of the price, ISO 4217"),
    Column(
        "stackable_into", STRING_LIST, "Larger credentials this one combines into", "stackability"
    ),
    Column(
        "provider_trusted",
        pa.bool_(),
        "The provider is listed in a register of trustworthy providers",
        "quality assurance",
        mappable=False,
    ),
    Column(
        "missing_elements", STRING_LIST, "Constitutive elements the record lacks", mappable=False
    ),
    Column(
        "completeness",
        pa.float64(),
        "Share of constitutive elements present, 0 to 1",
        mappable=False,
    ),
    Column("status", pa.string(), "active or withdrawn", mappable=False),
    Column(
        "first_seen",
        TIMESTAMP,
        "Run (UTC) in which the micro-credential first appeared",
        mappable=False,
    ),
    Column("last_seen", TIMESTAMP, "Last run (UTC) in which a source published it", mappable=False),
    Column("source_count", pa.int32(), "Source records merged into this row", mappable=False),
    Column(
        "provider_id_origin",
        pa.string(),
        "How provider_id was found: 'given', 'resolved by' a name, alias, identifier or similar "
        "name, 'default of the source', or 'unregistered provider' (an id of its own)",
        mappable=False,
    ),
    Column(
        "eqf_level_origin",
        pa.string(),
        "How eqf_level was obtained: 'given', or 'derived from' a national level or QF-EHEA cycle",
        mappable=False,
    ),
    Column(
        "qf_ehea_cycle_origin",
        pa.string(),
        "How qf_ehea_cycle was obtained: 'given', or 'derived from EQF n'",
        mappable=False,
    ),
    Column(
        "isced_level_origin",
        pa.string(),
        "How isced_level was obtained: 'given', or 'derived from EQF n'",
        mappable=False,
    ),
    Column(
        "isced_f_code_origin",
        pa.string(),
        "How isced_f_code was obtained: 'given' (code or URI), or 'derived from' a label",
        mappable=False,
    ),
    Column(
        "ects_origin",
        pa.string(),
        "How ects was obtained: 'given', or 'derived from' national credits or hours (with the rate used)",
        mappable=False,
    ),
    Column(
        "code_flags",
        STRING_LIST,
        "Contradictions between stated and derived codes (the stated value is kept)",
        mappable=False,
    ),
)

COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in COLUMNS)
COLUMNS_BY_NAME: dict[str, Column] = {c.name: c for c in COLUMNS}

#: Fields a feed may state that qualify another field and are not stored themselves:
#: `credit_unit` is the unit of the `ects` number (ECTS when not stated, like `nqf_framework`
#: is the framework of `nqf_level`).
QUALIFIER_FIELDS: tuple[str, ...] = ("credit_unit",)
#: Fields a registry `mapping` may fill. `source_record_id` names the record inside its feed.
MAPPABLE_FIELDS: tuple[str, ...] = (
    "source_record_id",
    *(c.name for c in COLUMNS if c.mappable),
    *QUALIFIER_FIELDS,
)
LIST_FIELDS: frozenset[str] = frozenset(c.name for c in COLUMNS if c.is_list)
SCALAR_FIELDS: tuple[str, ...] = tuple(f for f in MAPPABLE_FIELDS if f not in LIST_FIELDS)
#: A source must say where these are (in `mapping` or `defaults`).
REQUIRED_SOURCE_FIELDS: tuple[str, ...] = ("title",)

#: The framework's constitutive elements that describe an offering (the learner's identity,
#: issuance date and signature belong to an issued credential, not to a catalogue entry).
#: An element is present when any of its columns holds a value.
CONSTITUTIVE_ELEMENTS: dict[str, tuple[str, ...]] = {
    "provider": ("provider_name", "provider_country"),
    "title": ("title",),
    "learning_outcomes": ("learning_outcomes",),
    "workload": ("ects", "workload_hours"),
    "assessment": ("assessment_type",),
    "quality_assurance": ("quality_assurance",),
    "qf_level": ("eqf_level", "nqf_level", "qf_ehea_cycle", "isced_level"),
    "subject_area": ("isced_f_code",),
    "participation_form": ("participation_form",),
    "access_requirements": ("access_requirements",),
}

#: Keys that tie a catalogue row back to the record it came from.
RECORD_KEYS: tuple[str, ...] = ("source_id", "source_record_id", "record_index")
#: Column of a record that repeats an earlier record of its feed word for word (same id, same
#: content): the earlier record's index. Such a record is folded into it, not compared again.
REPEAT_OF = "repeat_of"
#: Column naming the fields a derived record id was made from (null where the feed gave one).
ID_FROM = "record_id_from"


def arrow_schema() -> pa.Schema:
    return pa.schema([pa.field(c.name, c.type) for c in COLUMNS])
