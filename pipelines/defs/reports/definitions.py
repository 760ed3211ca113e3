from dagster import Definitions

from pipelines.defs.reports.assets import catalogue_overview, elm_export, provider_reports

defs = Definitions(assets=[provider_reports, catalogue_overview, elm_export])
