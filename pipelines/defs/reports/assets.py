"""Reports people read after a run (a report per provider, the catalogue overview) and the
catalogue as Europass takes it (ELM LOQ XML), from the release the run published."""

import pandas as pd
from dagster import AssetKey, MaterializeResult, MetadataValue, asset

from pipelines.defs.resources import CatalogueSettings
from pipelines.export.write import write_country_exports
from pipelines.lib.safe_text import markdown_table
from pipelines.reports.catalogue import Release
from pipelines.reports.provider import report_providers
from pipelines.reports.write import (
    published_release,
    reports_folder,
    write_overviews,
    write_provider_reports,
)

PARQUET_RELEASE = AssetKey(["catalogue", "parquet_release"])


def _release(settings: CatalogueSettings) -> Release:
    sources = {s.id: s.provider for s in settings.registry().sources}
    return published_release(settings.directory, sources)


def _index(settings: CatalogueSettings, release: Release) -> MetadataValue:
    """The page linking every report of the release."""
    return MetadataValue.path(str(reports_folder(settings.directory, release) / "index.html"))


def _table(header: list[str], rows: list[list[object]]) -> str:
    return markdown_table(pd.DataFrame(rows, columns=header))


@asset(
    key_prefix="reports",
    group_name="reports",
    deps=[PARQUET_RELEASE],
    description="A report per provider (HTML to send as it is, and the same content as JSON) "
    "under reports/<release>/providers/: its sources' health, every problem in its records with "
    "the fix, completeness against the national and European averages, code coverage, what "
    "changed and which records were merged.",
)
def provider_reports(settings: CatalogueSettings) -> MaterializeResult:
    release = _release(settings)
    written = write_provider_reports(settings.directory, release)
    rows = [[p, str(path)] for p, path in sorted(written.pages.items())]
    return MaterializeResult(
        metadata={
            "index": _index(settings, release),
            "folder": MetadataValue.path(str(written.folder)),
            "providers": len(written.pages),
            "reports": MetadataValue.md(_table(["provider", "report"], rows)),
        }
    )


@asset(
    key_prefix="reports",
    group_name="reports",
    deps=[provider_reports],
    description="The catalogue overview with charts (European, and one page per country) "
    "under reports/<release>/overview/, and the index of the release's reports.",
)
def catalogue_overview(settings: CatalogueSettings) -> MaterializeResult:
    release = _release(settings)
    written = write_overviews(settings.directory, release, report_providers(release))
    rows = [[scope, str(path)] for scope, path in written.pages.items()]
    return MaterializeResult(
        metadata={
            "overview": MetadataValue.path(str(written.pages["Europe"])),
            "index": _index(settings, release),
            "pages": MetadataValue.md(_table(["scope", "page"], rows)),
        }
    )


@asset(
    key_prefix="export",
    group_name="export",
    deps=[PARQUET_RELEASE],
    description="The catalogue as ELM v3 learning opportunities (LOQ XML, as Europass takes "
    "them), one document per country under export/elm/; rows lacking what the ELM schema "
    "requires are listed in export/elm/excluded.json with the reasons.",
)
def elm_export(settings: CatalogueSettings) -> MaterializeResult:
    release = _release(settings)
    written = write_country_exports(
        settings.directory, release.tables["microcredentials"], release.name
    )
    per_country = [
        [c, n, written.excluded_by_country.get(c, 0), str(p)]
        for c, (p, n) in sorted(written.documents.items())
    ]
    excluded = written.excluded
    return MaterializeResult(
        metadata={
            "folder": MetadataValue.path(str(written.folder)),
            "exported": written.exported,
            "excluded": len(excluded),
            "countries": MetadataValue.md(
                _table(["country", "exported", "excluded", "document"], per_country)
            ),
            "excluded_rows": MetadataValue.md(
                _table(
                    ["credential_id", "provider", "country", "reasons"],
                    [
                        [
                            r.credential_id,
                            r.provider_id,
                            r.provider_country or "",
                            "; ".join(r.reasons),
                        ]
                        for r in excluded.itertuples()
                    ][:50],
                )
            ),
        }
    )
