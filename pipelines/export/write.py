"""The ELM export of a run under the catalogue folder, replaced as a whole:

export/elm/loq-<CC>.xml     one LOQ document per country (what Europass takes)
export/elm/excluded.json    the rows not exported, with the reasons
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from pipelines.export.elm import exportable_rows, loq_document, serialise


@dataclass(frozen=True)
class CountryExports:
    folder: Path
    documents: dict[str, tuple[Path, int]]  # country -> (document, learning opportunities)
    excluded: pd.DataFrame
    excluded_by_country: dict[str, int]

    @property
    def exported(self) -> int:
        return sum(n for _, n in self.documents.values())


def write_country_exports(
    catalogue_dir: Path, microcredentials: pd.DataFrame, release: str
) -> CountryExports:
    """One LOQ document per country of the active rows, and the list of rows left out."""
    folder = catalogue_dir / "export" / "elm"
    staging = folder.with_name(f".{folder.name}.partial")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    rows, excluded = exportable_rows(microcredentials)
    documents = {}
    for country, part in rows.groupby("provider_country", sort=True):
        name = f"loq-{country}.xml"
        (staging / name).write_bytes(serialise(loq_document(part.reset_index(drop=True))))
        documents[str(country)] = (folder / name, len(part))
    listing = {
        "release": release,
        "excluded": [
            {
                **r,
                "provider_country": r["provider_country"]
                if isinstance(r["provider_country"], str)
                else None,
            }
            for r in excluded.astype("object").where(excluded.notna(), None).to_dict("records")
        ],
    }
    # compact: with an indent, Python's json encodes in Python rather than C
    (staging / "excluded.json").write_text(
        json.dumps(listing, ensure_ascii=False), encoding="utf-8"
    )
    shutil.rmtree(folder, ignore_errors=True)
    os.replace(staging, folder)
    by_country = excluded["provider_country"].fillna("unknown").value_counts().to_dict()
    return CountryExports(
        folder, documents, excluded, {str(k): int(v) for k, v in by_country.items()}
    )
