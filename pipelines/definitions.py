"""The code location: each concern's Definitions merged, with the shared settings resource."""

from dagster import Definitions

from pipelines.catalogue.definitions import defs as catalogue_defs
from pipelines.feeds.definitions import defs as feeds_defs
from pipelines.settings import CatalogueSettings

defs = Definitions.merge(
    feeds_defs,
    catalogue_defs,
    Definitions(resources={"settings": CatalogueSettings.from_env()}),
)
