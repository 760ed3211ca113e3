"""Where the registry and the catalogue are: `CATALOGUE_REGISTRY` and `CATALOGUE_DIR`."""

from __future__ import annotations

import os
from pathlib import Path

from dagster import ConfigurableResource, InitResourceContext
from pydantic import PrivateAttr

from connectors.cache import DropConfirmations, FeedCache
from connectors.http import FeedClient
from pipelines.publish.lock import CatalogueLock
from pipelines.reading.registry import load_registry
from schemas.registry import Registry

PROJECT_DIR = Path(__file__).resolve().parents[2]
DEFAULT_REGISTRY = PROJECT_DIR / "data" / "providers.yaml"
DEFAULT_CATALOGUE_DIR = PROJECT_DIR / "data" / "catalogue"


def registry_path_from_env() -> Path:
    return Path(os.environ.get("CATALOGUE_REGISTRY") or DEFAULT_REGISTRY).resolve()


def catalogue_dir_from_env() -> Path:
    return Path(os.environ.get("CATALOGUE_DIR") or DEFAULT_CATALOGUE_DIR).resolve()


class CatalogueSettings(ConfigurableResource):
    """The registry to read, the folder to publish into, and how many feeds to read at once."""

    registry_path: str
    catalogue_dir: str
    max_concurrent_feeds: int = 16
    _lock: CatalogueLock | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: InitResourceContext) -> None:
        """Hold the catalogue folder for the whole run: two runs at once would interleave."""
        self._lock = CatalogueLock(self.directory)
        self._lock.acquire(f"Dagster run {context.run_id}")

    def teardown_after_execution(self, context: InitResourceContext) -> None:
        if self._lock is not None:
            self._lock.release()

    @classmethod
    def from_env(cls) -> CatalogueSettings:
        return cls(
            registry_path=str(registry_path_from_env()), catalogue_dir=str(catalogue_dir_from_env())
        )

    @property
    def directory(self) -> Path:
        return Path(self.catalogue_dir)

    def registry(self) -> Registry:
        return load_registry(self.registry_path)

    def feed_cache(self) -> FeedCache:
        return FeedCache(self.directory / "state" / "feeds")

    def drop_confirmations(self) -> DropConfirmations:
        return DropConfirmations(self.directory / "state" / "confirmed-drops.json")

    def feed_client(self) -> FeedClient:
        return FeedClient(pool_size=self.max_concurrent_feeds)
