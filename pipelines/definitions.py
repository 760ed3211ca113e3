"""The code location: each concern's Definitions merged, with the shared settings resource.

Every job, the asset graph's "Materialize all" included, runs in one process: a run's steps
share its catalogue lock, and a thousand sources cost one step, not one process each."""

from dagster import Definitions, in_process_executor

from pipelines.defs import alerts
from pipelines.defs.catalogue import definitions as catalogue
from pipelines.defs.feeds import definitions as feeds
from pipelines.defs.io_manager import CatalogueIOManager
from pipelines.defs.reports import definitions as reports
from pipelines.defs.resources import CatalogueSettings


def build_definitions(settings: CatalogueSettings) -> Definitions:
    """All definitions bound to one registry and catalogue folder (tests pass their own)."""
    io_manager = CatalogueIOManager(base_dir=str(settings.directory / "state" / "assets"))
    resources = {"settings": settings, "io_manager": io_manager}
    return Definitions.merge(
        feeds.defs,
        catalogue.defs,
        reports.defs,
        Definitions(
            sensors=[alerts.alert_on_run_failure, alerts.alert_on_check_failure],
            resources=resources,
            executor=in_process_executor,
        ),
    )


defs = build_definitions(CatalogueSettings.from_env())
