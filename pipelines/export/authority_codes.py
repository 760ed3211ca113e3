"""Regenerate connectors/profiles/vocabularies/eu-authority-codes.csv from the ELM XSD code lists:

    python -m pipelines.export.authority_codes PATH/TO/elm-v3/xsd/cv

For each EU authority country, language and currency URI (AUTHORITY) of `country.xsd`, `language.xsd` and
`currency.xsd`, the code the pipeline reads it as (`pipelines.codes.lookups`); one URI per code
(the one whose last segment is the code's ISO 639-2/T, ISO 3166-1 alpha-3 or ISO 4217 form
where there are several), so that the ELM export can write each catalogue code as the URI the
schema allows, and knows which codes have none.
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Callable
from pathlib import Path

import langcodes
import pycountry
from lxml import etree

from connectors.profiles.vocabularies import VOCABULARIES
from pipelines.codes.lookups import country_code, currency_code, language_code

OUTPUT = VOCABULARIES / "eu-authority-codes.csv"
#: An EU authority URI: the kind's table and the code in it.
AUTHORITY = "http://publications.europa.eu/resource/authority/{kind}/{code}"
_XS = "{http://www.w3.org/2001/XMLSchema}enumeration"


def _enumeration(path: Path) -> list[str]:
    return sorted({e.get("value") for e in etree.parse(str(path)).iter(_XS)})


def _preferred_language(code: str) -> str:
    return langcodes.Language.get(code).to_alpha3().upper()


def _preferred_country(code: str) -> str:
    found = pycountry.countries.get(alpha_2=code)
    return found.alpha_3 if found is not None else code


KINDS: dict[str, tuple[str, Callable[[str], str | None], Callable[[str], str]]] = {
    "country": ("country.xsd", country_code, _preferred_country),
    "language": ("language.xsd", language_code, _preferred_language),
    "currency": ("currency.xsd", currency_code, lambda code: code),
}


def authority_codes(cv_folder: Path) -> list[dict[str, str]]:
    rows = []
    for kind, (filename, read, preferred) in KINDS.items():
        by_code: dict[str, list[str]] = {}
        for uri in _enumeration(cv_folder / filename):
            if not uri.startswith(AUTHORITY.format(kind=kind, code="")):
                continue
            authority = uri.rsplit("/", 1)[-1]
            code = read(authority)
            if code:
                by_code.setdefault(code, []).append(authority)
        for code, authorities in sorted(by_code.items()):
            tail = preferred(code)
            chosen = tail if tail in authorities else authorities[0]
            rows.append({"kind": kind, "code": code, "authority": chosen})
    return rows


def write(rows: list[dict[str, str]], path: Path = OUTPUT) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(
            handle, fieldnames=["kind", "code", "authority"], lineterminator="\n"
        )
        writer.writeheader()
        writer.writerows(rows)


if __name__ == "__main__":
    write(authority_codes(Path(sys.argv[1])))
