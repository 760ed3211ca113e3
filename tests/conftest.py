"""Shared fixtures: the fixture feeds served over HTTP on 127.0.0.1, and a job runner."""

from pathlib import Path

import pytest
import yaml
from dagster import DagsterInstance

from pipelines.definitions import build_definitions
from pipelines.defs.resources import CatalogueSettings
from tests.support.feeds import FIXTURES, served_fixture_feeds


@pytest.fixture
def feed_server(tmp_path):
    with served_fixture_feeds(tmp_path / "served") as served:
        yield served


@pytest.fixture
def catalogue(tmp_path, feed_server):
    """A registry pointing at the feed server, and a function running the job once."""
    feeds, base_url = feed_server
    raw = yaml.safe_load((FIXTURES / "registry.yaml").read_text(encoding="utf-8"))
    for source in raw["sources"]:
        source["url"] = f"{base_url}/{Path(source['url']).name}"
    registry = tmp_path / "providers.yaml"
    registry.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "catalogue"
    settings = CatalogueSettings(registry_path=str(registry), catalogue_dir=str(out))
    instance = DagsterInstance.ephemeral()

    def run(expect_success: bool = True):
        job = build_definitions(settings).resolve_job_def("aggregate_catalogue")
        result = job.execute_in_process(instance=instance, raise_on_error=False)
        assert result.success is expect_success
        return result

    run.instance = instance  # the instance the runs are recorded in
    return run, out, feeds, registry


SAMPLE_REGISTRY = Path(__file__).parent.parent / "data" / "providers.yaml"


@pytest.fixture(scope="session")
def bundled_catalogue(tmp_path_factory):
    """The bundled sample registry (what `make run` aggregates) run once through the whole job:
    the catalogue folder with its release, reports and ELM export."""
    out = tmp_path_factory.mktemp("bundled") / "catalogue"
    settings = CatalogueSettings(registry_path=str(SAMPLE_REGISTRY), catalogue_dir=str(out))
    job = build_definitions(settings).resolve_job_def("aggregate_catalogue")
    with DagsterInstance.ephemeral() as instance:
        result = job.execute_in_process(instance=instance, raise_on_error=False)
    assert result.success
    return out
