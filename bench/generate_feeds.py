"""Synthetic provider feeds and a registry for benchmarking the catalogue pipeline.

`generate(out_dir, sources, records, seed)` writes `out_dir/registry.yaml`, the feeds under
`out_dir/feeds/` and `out_dir/manifest.json` (what was generated, and which records are invalid
on purpose). Formats rotate over the sources:

  csv          CSV, utf-8, ',' delimiter, ';' between list items
  csv-cp1252   CSV, cp1252, ';' delimiter, decimal commas, '|' between list items, German headers
  json         a flat JSON list of records
  json-nested  records under data.items, fields in nested objects, outcomes as a list of objects
  json-paged   pages of 500 records linked by relative `links.next`
  xml          namespaced XML, attributes and repeated elements

About 2 % of the records are invalid (ECTS 75, no title, or a start date that is not a date);
everything else is valid under the spec, so rejects = invalid records. Values are drawn with
numpy, per source from its own seeded generator: the same seed gives the same bytes, and
source i is the same whatever the number of sources.

CLI: python bench/generate_feeds.py OUT_DIR --sources 100 --records 1000 [--seed 0] [--base-url URL]
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
import sys
import time
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pv
import yaml

FORMATS = ("csv", "csv-cp1252", "json", "json-nested", "json-paged", "xml")
PAGE_SIZE = 500
INVALID_SHARE = 0.02
DEFECTS = ("ects_75", "missing_title", "bad_date")
XML_NS = "urn:example:microcredentials:1.0"
BASE_DATE = np.datetime64("2025-01-06")

# country: (main language, currency, cities)
COUNTRIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "AT": ("de", "EUR", ("Graz", "Wien", "Linz", "Innsbruck", "Salzburg")),
    "BE": ("nl", "EUR", ("Leuven", "Gent", "Antwerpen", "Liège", "Hasselt")),
    "DE": ("de", "EUR", ("München", "Berlin", "Hamburg", "Köln", "Dresden")),
    "ES": ("es", "EUR", ("Valencia", "Madrid", "Sevilla", "Bilbao", "Granada")),
    "FI": ("fi", "EUR", ("Helsinki", "Tampere", "Oulu", "Turku", "Jyväskylä")),
    "FR": ("fr", "EUR", ("Paris", "Lyon", "Lille", "Grenoble", "Toulouse")),
    "IE": ("en", "EUR", ("Dublin", "Cork", "Galway", "Limerick", "Maynooth")),
    "IT": ("it", "EUR", ("Milano", "Bologna", "Torino", "Padova", "Napoli")),
    "NL": ("nl", "EUR", ("Delft", "Utrecht", "Wageningen", "Groningen", "Eindhoven")),
    "PL": ("pl", "PLN", ("Warszawa", "Kraków", "Wrocław", "Gdańsk", "Poznań")),
}
COUNTRY_CODES = tuple(COUNTRIES)
PROVIDER_KINDS = (
    "University of Technology",
    "University of Applied Sciences",
    "University",
    "Business School",
    "Open University",
    "Academy of Continuing Education",
)

# topic, ISCED-F 2013 code
TOPICS = (
    ("Data Analytics", "0542"),
    ("Machine Learning", "0613"),
    ("Circular Economy", "0521"),
    ("Project Management", "0413"),
    ("Cybersecurity", "0612"),
    ("Sustainable Agriculture", "0811"),
    ("Digital Marketing", "0414"),
    ("Renewable Energy Systems", "0713"),
    ("Public Health", "0919"),
    ("Supply Chain Management", "041"),
    ("Software Testing", "0613"),
    ("Cloud Computing", "061"),
    ("Entrepreneurship", "0413"),
    ("Academic Writing", "0232"),
    ("Climate Adaptation", "0532"),
    ("Urban Mobility", "1041"),
    ("Food Safety", "0721"),
    ("Financial Literacy", "0412"),
    ("User Experience Design", "0212"),
    ("Quantum Computing", "0533"),
    ("Bioinformatics", "0688"),
    ("Water Management", "052"),
    ("Robotics", "0714"),
    ("Leadership", "0417"),
    ("Intercultural Communication", "0314"),
    ("Blockchain Applications", "0613"),
    ("Geographic Information Systems", "0688"),
    ("Teaching with Technology", "0114"),
    ("Smart Manufacturing", "0715"),
    ("Data Protection & Privacy", "0421"),
    ("Occupational Safety", "1022"),
    ("Sustainable Tourism", "1015"),
)
TITLE_PREFIXES = (
    "",
    "",
    "Introduction to",
    "Foundations of",
    "Advanced",
    "Applied",
    "Essentials of",
    "Professional Certificate in",
    "Hands-on",
    "Principles of",
)
TITLE_SUFFIXES = (
    "",
    "",
    "",
    " I",
    " II",
    " for Professionals",
    " in Practice",
    ": Methods and Tools",
    " for Beginners",
    " (Online)",
)
OUTCOME_VERBS = (
    "Apply",
    "Analyse",
    "Design",
    "Evaluate",
    "Explain",
    "Implement",
    "Compare",
    "Communicate",
    "Assess",
    "Develop",
)
OUTCOME_PHRASES = (
    "the key methods of",
    "the main concepts of",
    "current tools for",
    "ethical issues in",
    "practical solutions in",
    "quality criteria for",
    "data-driven decisions in",
    "a small project in",
)
PARTICIPATION = (  # synonyms the pipeline must map to online / onsite / blended
    "online",
    "Online",
    "e-learning",
    "distance learning",
    "en ligne",
    "Fernstudium",
    "MOOC",
    "on campus",
    "face-to-face",
    "in person",
    "Präsenz",
    "présentiel",
    "presencial",
    "in presenza",
    "blended",
    "blended learning",
    "hybrid",
    "Hybride",
    "mixed mode",
    "semipresencial",
)
ASSESSMENTS = (
    "written exam",
    "project work",
    "portfolio",
    "oral exam",
    "online quiz",
    "peer review",
)
QUALITY = ("internal quality assurance", "accredited programme", "institutional accreditation")
ACCESS = (
    "none",
    "bachelor's degree",
    "EQF level 4 qualification",
    "basic programming skills",
    "two years of professional experience",
)
ECTS_VALUES = (1, 1.5, 2, 2.5, 3, 3.5, 4, 5, 6, 7.5, 10, 12.5, 15, 20, 30)
EQF_LEVELS = np.array([4, 5, 6, 7, 8])
EQF_WEIGHTS = np.array([0.1, 0.25, 0.3, 0.25, 0.1])
PRICES = (0, 0, 0, 49, 99, 149.99, 250, 390, 495, 750, 1200, 1450, 2500)
DURATIONS_DAYS = np.array([14, 28, 42, 56, 84, 120, 180])
BAD_DATES = ("2025-02-30", "2025-13-01", "next spring")
LANGUAGE_NAMES = {
    "de": "German",
    "en": "English",
    "es": "Spanish",
    "fi": "Finnish",
    "fr": "French",
    "it": "Italian",
    "nl": "Dutch",
    "pl": "Polish",
}
LANGUAGE_ALPHA3 = {
    "de": "deu",
    "en": "eng",
    "es": "spa",
    "fi": "fin",
    "fr": "fra",
    "it": "ita",
    "nl": "nld",
    "pl": "pol",
}


def _arr(values) -> np.ndarray:
    """An object array (so that + concatenates and None survives)."""
    values = list(values)
    out = np.empty(len(values), dtype=object)
    out[:] = values
    return out


_TOPIC_NAMES = _arr(t for t, _ in TOPICS)
_TOPIC_LOWER = _arr(t.lower() for t, _ in TOPICS)
_TOPIC_ISCED = _arr(c for _, c in TOPICS)
_PREFIXES = _arr(p + " " if p else "" for p in TITLE_PREFIXES)
_SUFFIXES = _arr(TITLE_SUFFIXES)
_VERBS = _arr(v + " " for v in OUTCOME_VERBS)
_PHRASES = _arr(p + " " for p in OUTCOME_PHRASES)
_PARTICIPATION = _arr(PARTICIPATION)
_ASSESSMENTS = _arr(ASSESSMENTS)
_QUALITY = _arr(QUALITY)
_ACCESS = _arr(ACCESS)
_BAD_DATES = _arr(BAD_DATES)
_ECTS = np.array(ECTS_VALUES, dtype=float)
_PRICES = np.array(PRICES, dtype=float)


def _mask(rng: np.random.Generator, m: int, share: float) -> np.ndarray:
    return rng.random(m) < share


def _where(mask: np.ndarray, values: np.ndarray) -> np.ndarray:
    """values where mask, None elsewhere (object array)."""
    out = np.full(len(values), None, dtype=object)
    out[mask] = values[mask]
    return out


class Records:
    """One source's records, column-wise, as canonical-ish raw values (formats render them)."""

    def __init__(self, rng: np.random.Generator, source_index: int, country: str, m: int) -> None:
        local, currency, _ = COUNTRIES[country]
        self.m = m
        self.country = country
        self.ids = _arr(f"MC-{source_index:04d}-{k:06d}" for k in range(m))
        topic = rng.integers(0, len(TOPICS), m)
        self.topic_name = _TOPIC_NAMES[topic]
        title = (
            _PREFIXES[rng.integers(0, len(_PREFIXES), m)]
            + _TOPIC_NAMES[topic]
            + _SUFFIXES[rng.integers(0, len(_SUFFIXES), m)]
        )
        self.title: np.ndarray = title
        self.title_language = np.where(_mask(rng, m, 0.7), "en", local).astype(object)
        self.description = _where(
            _mask(rng, m, 0.85),
            "A short course on " + _TOPIC_LOWER[topic] + " for learners and professionals.",
        )
        self.url_path = _arr(f"/courses/{k:06d}" for k in range(m))
        self.has_url = _mask(rng, m, 0.9)
        self.n_outcomes = rng.integers(1, 4, m)
        self.outcomes = [
            _VERBS[rng.integers(0, len(_VERBS), m)]
            + _PHRASES[rng.integers(0, len(_PHRASES), m)]
            + _TOPIC_LOWER[topic]
            for _ in range(3)
        ]
        self.ects_index = rng.integers(0, len(_ECTS), m)
        self.ects = _ECTS[self.ects_index]
        self.hours = np.where(
            _mask(rng, m, 0.5), self.ects * rng.choice([25, 27, 28, 30], m), np.nan
        )
        self.eqf = rng.choice(EQF_LEVELS, m, p=EQF_WEIGHTS)
        self.isced = _TOPIC_ISCED[topic]
        self.participation = _PARTICIPATION[rng.integers(0, len(_PARTICIPATION), m)]
        second = rng.random(m)
        self.lang1 = np.where(second < 0.15, "en", local).astype(object)
        self.lang2 = _where((second >= 0.15) & (second < 0.4) & (local != "en"), _arr(["en"] * m))
        dated = _mask(rng, m, 0.85)
        start = BASE_DATE + rng.integers(0, 540, m).astype("timedelta64[D]")
        end = start + rng.choice(DURATIONS_DAYS, m).astype("timedelta64[D]")
        self.start = _where(dated, np.datetime_as_string(start, unit="D").astype(object))
        self.end = _where(dated, np.datetime_as_string(end, unit="D").astype(object))
        self.price_index = rng.integers(0, len(_PRICES), m)
        self.price = _PRICES[self.price_index] * (4 if currency == "PLN" else 1)
        self.has_price = _mask(rng, m, 0.8)
        self.currency = currency
        self.assessment = _where(_mask(rng, m, 0.7), _ASSESSMENTS[rng.integers(0, 6, m)])
        self.quality = _where(_mask(rng, m, 0.6), _QUALITY[rng.integers(0, 3, m)])
        self.access = _where(_mask(rng, m, 0.5), _ACCESS[rng.integers(0, 5, m)])

        # About 2 % invalid on purpose, one defect each.
        invalid = _mask(rng, m, INVALID_SHARE)
        kind = rng.integers(0, len(DEFECTS), m)
        self.defect = np.where(invalid, kind, -1)
        self.ects_75 = self.defect == 0
        self.ects = np.where(self.ects_75, 75.0, self.ects)
        self.title = _where(self.defect != 1, self.title)
        bad_date = self.defect == 2
        self.start = np.where(bad_date, _BAD_DATES[rng.integers(0, 3, m)], self.start)

    def invalid_counts(self) -> dict[str, int]:
        return {name: int((self.defect == k).sum()) for k, name in enumerate(DEFECTS)}

    # -- renderings shared by formats
    def ects_text(self, decimal: str = ".") -> np.ndarray:
        text = _arr(f"{v:g}" for v in self.ects)
        return _arr(t.replace(".", ",") for t in text) if decimal == "," else text

    def ects_json(self) -> list:
        return [int(v) if float(v).is_integer() else float(v) for v in self.ects]

    def outcome_lists(self) -> list[list[str]]:
        o1, o2, o3 = (o.tolist() for o in self.outcomes)
        return [
            [a, b, c][:n] for a, b, c, n in zip(o1, o2, o3, self.n_outcomes.tolist(), strict=True)
        ]

    def outcomes_joined(self, separator: str) -> np.ndarray:
        o1, o2, o3 = self.outcomes
        n = self.n_outcomes
        return (
            o1
            + np.where(n >= 2, separator + o2, "").astype(object)
            + np.where(n >= 3, separator + o3, "").astype(object)
        )

    def language_lists(self, render=lambda code: code) -> list[list[str]]:
        return [
            [render(a)] if b is None else [render(a), render(b)]
            for a, b in zip(self.lang1.tolist(), self.lang2.tolist(), strict=True)
        ]

    def languages_joined(self, separator: str, render=lambda code: code) -> np.ndarray:
        return _arr(separator.join(items) for items in self.language_lists(render))

    def urls(self, domain: str) -> np.ndarray:
        return _where(self.has_url, f"https://{domain}" + self.url_path)

    def price_text(self, decimal: str = ".") -> np.ndarray:
        if decimal == ".":
            text = _arr(f"{v:.2f}" for v in self.price)
        else:  # 1.250,00
            text = _arr(
                f"{v:,.2f}".replace(",", "\x00").replace(".", ",").replace("\x00", ".")
                for v in self.price
            )
        return _where(self.has_price, text)

    def hours_text(self) -> np.ndarray:
        return _where(~np.isnan(self.hours), _arr(f"{v:g}" for v in self.hours))


# ---------------------------------------------------------------- writers, one per format


def _csv_bytes(columns: dict[str, np.ndarray], delimiter: str) -> bytes:
    table = pa.table({name: pa.array(values, type=pa.string()) for name, values in columns.items()})
    sink = io.BytesIO()
    pv.write_csv(table, sink, pv.WriteOptions(delimiter=delimiter))
    return sink.getvalue()


def _write_csv(rec: Records, feeds: Path, sid: str, domain: str) -> tuple[list[str], dict]:
    columns = {
        "id": rec.ids,
        "title": rec.title,
        "description": rec.description,
        "url": rec.urls(domain),
        "ects": rec.ects_text(),
        "workload_hours": rec.hours_text(),
        "eqf": _arr(str(v) for v in rec.eqf),
        "isced_f": rec.isced,
        "mode": rec.participation,
        "languages": rec.languages_joined(";"),
        "outcomes": rec.outcomes_joined(";"),
        "start": rec.start,
        "end": rec.end,
        "price": rec.price_text(),
        "currency": _arr([rec.currency] * rec.m),
        "title_lang": rec.title_language,
        "assessment": rec.assessment,
        "qa": rec.quality,
        "access": rec.access,
    }
    name = f"{sid}.csv"
    (feeds / name).write_bytes(_csv_bytes(columns, ","))
    entry = {
        "format": "csv",
        "options": {"list_separator": ";"},
        "mapping": {
            "source_record_id": "id",
            "title": "title",
            "title_language": "title_lang",
            "description": "description",
            "url": "url",
            "ects": "ects",
            "workload_hours": "workload_hours",
            "eqf_level": "eqf",
            "isced_f_code": "isced_f",
            "participation_form": "mode",
            "languages": "languages",
            "learning_outcomes": "outcomes",
            "start_date": "start",
            "end_date": "end",
            "price_amount": "price",
            "price_currency": "currency",
            "assessment_type": "assessment",
            "quality_assurance": "qa",
            "access_requirements": "access",
        },
    }
    return [name], entry


def _write_csv_cp1252(rec: Records, feeds: Path, sid: str, domain: str) -> tuple[list[str], dict]:
    local = COUNTRIES[rec.country][0]
    columns = {
        "Kursnummer": rec.ids,
        "Titel": rec.title,
        "Beschreibung": rec.description,
        "Link": rec.urls(domain),
        "ECTS": rec.ects_text(","),
        "Stunden": _arr(None if v is None else v.replace(".", ",") for v in rec.hours_text()),
        "EQR-Niveau": _arr(f"EQF {v}" for v in rec.eqf),
        "ISCED-F": rec.isced,
        "Lernform": rec.participation,
        "Sprachen": rec.languages_joined("|", LANGUAGE_NAMES.get),
        "Lernergebnisse": rec.outcomes_joined("|"),
        "Beginn": rec.start,
        "Ende": rec.end,
        "Preis": rec.price_text(","),
        "Währung": _arr(["€" if rec.currency == "EUR" else rec.currency] * rec.m),
        "Prüfungsform": rec.assessment,
        "Zugangsvoraussetzungen": rec.access,
    }
    name = f"{sid}.csv"
    text = _csv_bytes(columns, ";").decode("utf-8")
    (feeds / name).write_bytes(text.encode("cp1252"))
    entry = {
        "format": "csv",
        "options": {"delimiter": ";", "encoding": "cp1252", "decimal": ",", "list_separator": "|"},
        "mapping": {
            "source_record_id": "Kursnummer",
            "title": "Titel",
            "description": "Beschreibung",
            "url": "Link",
            "ects": "ECTS",
            "workload_hours": "Stunden",
            "eqf_level": "EQR-Niveau",
            "isced_f_code": "ISCED-F",
            "participation_form": "Lernform",
            "languages": "Sprachen",
            "learning_outcomes": "Lernergebnisse",
            "start_date": "Beginn",
            "end_date": "Ende",
            "price_amount": "Preis",
            "price_currency": "Währung",
            "assessment_type": "Prüfungsform",
            "access_requirements": "Zugangsvoraussetzungen",
        },
        "defaults": {"title_language": local, "quality_assurance": "internal quality assurance"},
    }
    return [name], entry


def _dump_json(document) -> bytes:
    return json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _write_json(rec: Records, feeds: Path, sid: str, domain: str) -> tuple[list[str], dict]:
    keys = (
        "id",
        "title",
        "title_language",
        "description",
        "url",
        "ects",
        "eqf_level",
        "isced_f",
        "participation",
        "languages",
        "learning_outcomes",
        "start_date",
        "end_date",
        "price",
        "currency",
        "assessment",
    )
    price = _where(rec.has_price, rec.price.astype(object)).tolist()
    values = zip(
        rec.ids.tolist(),
        rec.title.tolist(),
        rec.title_language.tolist(),
        rec.description.tolist(),
        rec.urls(domain).tolist(),
        rec.ects_json(),
        rec.eqf.tolist(),
        rec.isced.tolist(),
        rec.participation.tolist(),
        rec.language_lists(),
        rec.outcome_lists(),
        rec.start.tolist(),
        rec.end.tolist(),
        price,
        [rec.currency] * rec.m,
        rec.assessment.tolist(),
        strict=True,
    )
    document = [dict(zip(keys, row, strict=True)) for row in values]
    name = f"{sid}.json"
    (feeds / name).write_bytes(_dump_json(document))
    mapping = {
        "source_record_id": "id",
        "title": "title",
        "title_language": "title_language",
        "description": "description",
        "url": "url",
        "ects": "ects",
        "eqf_level": "eqf_level",
        "isced_f_code": "isced_f",
        "participation_form": "participation",
        "languages": "languages",
        "learning_outcomes": "learning_outcomes",
        "start_date": "start_date",
        "end_date": "end_date",
        "price_amount": "price",
        "price_currency": "currency",
        "assessment_type": "assessment",
    }
    return [name], {"format": "json", "mapping": mapping}


def _write_json_nested(
    rec: Records, feeds: Path, sid: str, domain: str, provider_name: str
) -> tuple[list[str], dict]:
    country = rec.country
    tag = {code: f"{code}-{country if code != 'en' else 'GB'}" for code in LANGUAGE_NAMES}
    items = []
    rows = zip(
        rec.ids.tolist(),
        rec.title.tolist(),
        rec.title_language.tolist(),
        rec.description.tolist(),
        rec.urls(domain).tolist(),
        rec.ects_json(),
        rec.hours.tolist(),
        rec.eqf.tolist(),
        rec.isced.tolist(),
        rec.participation.tolist(),
        rec.language_lists(tag.get),
        rec.outcome_lists(),
        rec.start.tolist(),
        rec.end.tolist(),
        _where(rec.has_price, rec.price.astype(object)).tolist(),
        rec.assessment.tolist(),
        rec.access.tolist(),
        strict=True,
    )
    for row in rows:
        (rid, title, tlang, desc, url, ects, hours, eqf, isced, mode, langs, outs) = row[:12]
        (start, end, price, assessment, access) = row[12:]
        credits = {"ects": ects}
        if hours == hours:  # not NaN
            credits["hours"] = hours
        items.append(
            {
                "id": rid,
                "title": {"value": title, "lang": tlang},
                "provider": {"name": provider_name, "country": country},
                "summary": {"description": desc, "url": url},
                "credits": credits,
                "level": {
                    "eqf": f"EQF level {eqf}",
                    "iscedF": f"http://data.europa.eu/snb/isced-f/{isced}",
                },
                "outcomes": [{"text": o, "type": "knowledge"} for o in outs],
                "delivery": {"mode": mode, "languages": langs},
                "schedule": {"start": start, "end": end},
                "price": None if price is None else {"amount": price, "currency": rec.currency},
                "assessment": {"type": assessment},
                "entry": {"requirements": access},
            }
        )
    document = {"meta": {"provider": provider_name, "count": len(items)}, "data": {"items": items}}
    name = f"{sid}.json"
    (feeds / name).write_bytes(_dump_json(document))
    mapping = {
        "source_record_id": "id",
        "title": "title.value",
        "title_language": "title.lang",
        "provider_name": "provider.name",
        "description": "summary.description",
        "url": "summary.url",
        "ects": "credits.ects",
        "workload_hours": "credits.hours",
        "eqf_level": "level.eqf",
        "isced_f_code": "level.iscedF",
        "learning_outcomes": "outcomes.text",
        "participation_form": "delivery.mode",
        "languages": "delivery.languages",
        "start_date": "schedule.start",
        "end_date": "schedule.end",
        "price_amount": "price.amount",
        "price_currency": "price.currency",
        "assessment_type": "assessment.type",
        "access_requirements": "entry.requirements",
    }
    return [name], {"format": "json", "options": {"records": "data.items"}, "mapping": mapping}


def _write_json_paged(rec: Records, feeds: Path, sid: str, domain: str) -> tuple[list[str], dict]:
    keys = (
        "code",
        "courseTitle",
        "ects",
        "eqf",
        "iscedF",
        "mode",
        "lang",
        "outcomes",
        "start",
        "end",
        "fee",
        "qa",
    )
    price = _where(rec.has_price, rec.price.astype(object)).tolist()
    rows = zip(
        rec.ids.tolist(),
        rec.title.tolist(),
        rec.ects_json(),
        (f"http://data.europa.eu/snb/eqf/{v}" for v in rec.eqf.tolist()),
        rec.isced.tolist(),
        rec.participation.tolist(),
        rec.language_lists(LANGUAGE_ALPHA3.get),
        rec.outcome_lists(),
        rec.start.tolist(),
        rec.end.tolist(),
        price,
        rec.quality.tolist(),
        strict=True,
    )
    # absent values are left out of the record rather than written as null
    records = [{k: v for k, v in zip(keys, row, strict=True) if v is not None} for row in rows]
    n_pages = max(1, -(-rec.m // PAGE_SIZE))
    names = [f"{sid}-p{p + 1}.json" for p in range(n_pages)]
    for p, name in enumerate(names):
        page = {
            "items": records[p * PAGE_SIZE : (p + 1) * PAGE_SIZE],
            "total": rec.m,
            "links": {"self": name, "next": names[p + 1] if p + 1 < n_pages else None},
        }
        (feeds / name).write_bytes(_dump_json(page))
    mapping = {
        "source_record_id": "code",
        "title": "courseTitle",
        "ects": "ects",
        "eqf_level": "eqf",
        "isced_f_code": "iscedF",
        "participation_form": "mode",
        "languages": "lang",
        "learning_outcomes": "outcomes",
        "start_date": "start",
        "end_date": "end",
        "price_amount": "fee",
        "quality_assurance": "qa",
    }
    entry = {
        "format": "json",
        "options": {"records": "items", "next": "links.next"},
        "mapping": mapping,
        "defaults": {"price_currency": rec.currency, "title_language": "en"},
    }
    return names, entry


def _xml_escape(values: np.ndarray) -> list:
    return [
        None
        if v is None
        else v.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        for v in values.tolist()
    ]


def _write_xml(rec: Records, feeds: Path, sid: str, domain: str) -> tuple[list[str], dict]:
    def element(tag: str, values: list) -> list[str]:
        return ["" if v is None else f"<mc:{tag}>{v}</mc:{tag}>" for v in values]

    titles = [
        "" if t is None else f'<mc:title xml:lang="{lang}">{t}</mc:title>'
        for t, lang in zip(_xml_escape(rec.title), rec.title_language.tolist(), strict=True)
    ]
    descriptions = element("description", _xml_escape(rec.description))
    urls = element("url", _xml_escape(rec.urls(domain)))
    credits = [f'<mc:credits unit="ECTS">{v}</mc:credits>' for v in rec.ects_text().tolist()]
    hours = element("workload", rec.hours_text().tolist())
    levels = [f'<mc:level framework="EQF">Level {v}</mc:level>' for v in rec.eqf.tolist()]
    fields = [
        f'<mc:field scheme="ISCED-F">http://data.europa.eu/snb/isced-f/{v}</mc:field>'
        for v in rec.isced.tolist()
    ]
    modes = element("mode", _xml_escape(rec.participation))
    languages = [
        "".join(f"<mc:language>{code}</mc:language>" for code in items)
        for items in rec.language_lists()
    ]
    outcomes = [
        "<mc:outcomes>" + "".join(f"<mc:outcome>{o}</mc:outcome>" for o in items) + "</mc:outcomes>"
        for items in ([o.replace("&", "&amp;") for o in items] for items in rec.outcome_lists())
    ]
    periods = [
        "" if s is None else (f'<mc:period start="{s}"' + (f' end="{e}"/>' if e else "/>"))
        for s, e in zip(_xml_escape(rec.start), rec.end.tolist(), strict=True)
    ]
    prices = element(
        "price",
        _where(rec.has_price, _arr(f"{v:.2f}" for v in rec.price)).tolist(),
    )
    prices = [p.replace("<mc:price>", f'<mc:price currency="{rec.currency}">') for p in prices]
    assessments = element("assessment", _xml_escape(rec.assessment))
    parts = zip(
        rec.ids.tolist(),
        titles,
        descriptions,
        urls,
        credits,
        hours,
        levels,
        fields,
        modes,
        languages,
        outcomes,
        periods,
        prices,
        assessments,
        strict=True,
    )
    body = "\n".join(f'<mc:course id="{p[0]}">' + "".join(p[1:]) + "</mc:course>" for p in parts)
    text = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<mc:catalogue xmlns:mc="{XML_NS}" generated="bench">\n{body}\n</mc:catalogue>\n'
    )
    name = f"{sid}.xml"
    (feeds / name).write_bytes(text.encode("utf-8"))
    mapping = {
        "source_record_id": "@id",
        "title": "mc:title",
        "title_language": "mc:title/@xml:lang",
        "description": "mc:description",
        "url": "mc:url",
        "ects": "mc:credits",
        "workload_hours": "mc:workload",
        "eqf_level": "mc:level",
        "isced_f_code": "mc:field",
        "participation_form": "mc:mode",
        "languages": "mc:language",
        "learning_outcomes": "mc:outcomes/mc:outcome",
        "start_date": "mc:period/@start",
        "end_date": "mc:period/@end",
        "price_amount": "mc:price",
        "price_currency": "mc:price/@currency",
        "assessment_type": "mc:assessment",
    }
    entry = {
        "format": "xml",
        "options": {"record": "mc:course", "namespaces": {"mc": XML_NS}},
        "mapping": mapping,
    }
    return [name], entry


# ---------------------------------------------------------------- registry and driver


def _providers(sources: int, seed: int) -> list[dict]:
    rng = np.random.default_rng([seed, 1_000_003])
    seen: dict[str, int] = {}
    providers = []
    for i in range(sources):
        country = COUNTRY_CODES[i % len(COUNTRY_CODES)]
        city = COUNTRIES[country][2][int(rng.integers(0, 5))]
        kind = PROVIDER_KINDS[int(rng.integers(0, len(PROVIDER_KINDS)))]
        name = f"{city} {kind}"
        seen[name] = seen.get(name, 0) + 1
        if seen[name] > 1:
            name = f"{name} {seen[name]}"
        providers.append(
            {
                "id": f"p{i:04d}-{country.lower()}",
                "name": name,
                "country": country,
                "trusted": bool(rng.random() < 0.7),
            }
        )
    return providers


def generate(
    out_dir: Path,
    sources: int,
    records: int,
    seed: int = 0,
    *,
    base_url: str | None = None,
) -> Path:
    """Write `sources` feeds of `records` records each, and the registry; return its path.

    Feeds go to out_dir/feeds (replaced). The registry's URLs are paths relative to it, or
    `base_url` + "feeds/<file>" when given (to serve out_dir over HTTP).
    """
    out_dir = Path(out_dir)
    feeds = out_dir / "feeds"
    shutil.rmtree(feeds, ignore_errors=True)
    feeds.mkdir(parents=True)
    providers = _providers(sources, seed)
    registry_sources = []
    manifest_sources = []
    totals = dict.fromkeys(DEFECTS, 0)
    for i, provider in enumerate(providers):
        kind = FORMATS[i % len(FORMATS)]
        sid = f"s{i:04d}-{kind}"
        rng = np.random.default_rng([seed, i])
        rec = Records(rng, i, provider["country"], records)
        domain = f"www.{provider['id']}.example.eu"
        if kind == "csv":
            files, entry = _write_csv(rec, feeds, sid, domain)
        elif kind == "csv-cp1252":
            files, entry = _write_csv_cp1252(rec, feeds, sid, domain)
        elif kind == "json":
            files, entry = _write_json(rec, feeds, sid, domain)
        elif kind == "json-nested":
            files, entry = _write_json_nested(rec, feeds, sid, domain, provider["name"])
        elif kind == "json-paged":
            files, entry = _write_json_paged(rec, feeds, sid, domain)
        else:
            files, entry = _write_xml(rec, feeds, sid, domain)
        url = f"feeds/{files[0]}"
        if base_url:
            url = base_url.rstrip("/") + "/" + url
        registry_sources.append({"id": sid, "provider": provider["id"], "url": url, **entry})
        invalid = rec.invalid_counts()
        for name, count in invalid.items():
            totals[name] += count
        manifest_sources.append(
            {"id": sid, "format": kind, "files": files, "records": records, "invalid": invalid}
        )

    registry_path = out_dir / "registry.yaml"
    header = f"# Generated by bench/generate_feeds.py: {sources} sources x {records} records, seed {seed}\n"
    body = yaml.dump(
        {"providers": providers, "sources": registry_sources},
        Dumper=getattr(yaml, "CSafeDumper", yaml.SafeDumper),
        sort_keys=False,
        allow_unicode=True,
        width=120,
    )
    registry_path.write_text(header + body, encoding="utf-8")
    manifest = {
        "sources": sources,
        "records_per_source": records,
        "seed": seed,
        "records_generated": sources * records,
        "records_invalid": sum(totals.values()),
        "invalid_by_defect": totals,
        "per_source": manifest_sources,
    }
    (out_dir / "manifest.json").write_text(json.dumps(manifest, indent=1), encoding="utf-8")
    return registry_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--sources", type=int, default=100)
    parser.add_argument("--records", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--base-url", default=None, help="serve-from URL instead of file paths")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    registry = generate(args.out_dir, args.sources, args.records, args.seed, base_url=args.base_url)
    manifest = json.loads((registry.parent / "manifest.json").read_text(encoding="utf-8"))
    size = sum(p.stat().st_size for p in (registry.parent / "feeds").iterdir())
    print(
        f"{manifest['records_generated']} records in {args.sources} sources "
        f"({manifest['records_invalid']} invalid: {manifest['invalid_by_defect']}), "
        f"{size / 2**20:.1f} MiB of feeds, in {time.perf_counter() - started:.2f} s"
    )
    print(f"registry: {registry}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
