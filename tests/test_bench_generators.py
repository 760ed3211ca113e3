"""The independent labelled-feed generator (bench/generate_independent.py) and the error report
of the deduplication benchmark (bench/dedup_errors.py)."""

import re
import sys
from pathlib import Path

import pandas as pd
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

from dedup_errors import error_frame, print_missed_copies, print_wrong_merges
from generate_independent import generate

from connectors.cache import FeedCache
from connectors.http import FeedClient
from pipelines.catalogue.build import validate_sources
from pipelines.reading.registry import load_registry
from pipelines.reading.sources import read_sources

RECORDS = 2_000
KEY = ["source_id", "source_record_id"]


@pytest.fixture(scope="module")
def generated(tmp_path_factory):
    out = tmp_path_factory.mktemp("independent")
    manifest = generate(RECORDS, out, seed=1000)
    registry = load_registry(out / "registry.yaml")
    client = FeedClient()
    try:
        reads = read_sources(registry, client, FeedCache(out / "state"))
    finally:
        client.close()
    result = validate_sources(reads, registry)
    return out, manifest, reads, result


def test_pipeline_accepts_every_record_and_every_record_is_labelled(generated):
    out, manifest, reads, result = generated
    labels = pd.read_parquet(out / "labels.parquet")
    assert [r.source_id for r in reads if r.status == "failed"] == []
    assert sum(r.records_read for r in reads) == RECORDS == manifest["records"] == len(labels)
    assert result.rejects.empty, result.rejects.head().to_string()
    accepted = result.accepted[KEY].astype(str)
    assert not labels.duplicated(KEY).any()
    pairs = accepted.merge(labels, on=KEY, how="outer", indicator=True)
    assert (pairs["_merge"] == "both").all()


def test_labels_name_true_micro_credentials_and_their_families(generated):
    out, _manifest, _, _ = generated
    labels = pd.read_parquet(out / "labels.parquet")
    clusters = pd.read_parquet(out / "clusters.parquet")
    assert set(labels["cluster"]) == set(clusters["cluster"])
    assert clusters["cluster"].is_unique
    assert set(labels["kind"]) == {"own", "register", "platform", "alliance"}
    kinds = set(clusters["family_kind"].dropna())
    assert kinds == {
        "series",
        "module_vs_qualification",
        "regional_variant",
        "ects_volume",
        "one_word",
        "sibling_provider",
        "other_provider",
    }
    # a family is at least two micro-credentials, all of one provider unless it is about providers
    family = clusters.dropna(subset=["family"]).groupby("family")
    assert (family.size() >= 2).all()
    per_provider = family.agg(kind=("family_kind", "first"), providers=("provider_id", "nunique"))
    about_providers = per_provider["kind"].isin(("sibling_provider", "other_provider"))
    assert (per_provider.loc[~about_providers, "providers"] == 1).all()
    assert (per_provider.loc[about_providers, "providers"] == 2).all()
    # the same micro-credential is published several times, with changes
    assert labels.groupby("cluster").size().max() >= 3
    assert (labels.loc[labels["kind"] != "own", "noise"] != "").mean() > 0.5


def test_titles_in_the_languages_and_scripts_of_the_catalogues(generated):
    _, _, _, result = generated
    records = result.accepted
    languages = set(records["languages"].explode().dropna())
    assert {"en", "pl", "it", "pt", "sv", "cs", "fi", "el"} <= languages
    titles = records["title"]
    assert titles.str.contains("[α-ωΑ-Ω]", regex=True).any()  # Greek script
    assert titles.str.contains("ą|ę|ł|ż|ś", regex=True).any()  # Polish
    assert titles.str.contains("ř|ů|č", regex=True).any()  # Czech (read from cp1250 CSV)
    assert titles.str.isupper().any()  # capitals of ESSE3-like feeds and registers
    assert set(records["provider_country"]) >= {"PL", "IT", "PT", "SE", "CZ", "FI", "GR", "GB"}


def test_same_seed_same_feeds_other_seed_other_feeds(generated, tmp_path):
    out, _, _, _ = generated
    again = generate(RECORDS, tmp_path / "again", seed=1000)
    assert (
        again["records_by_noise"]
        == pd.read_json(out / "manifest.json", typ="series")["records_by_noise"]
    )
    for name in ("labels.parquet", "clusters.parquet", "registry.yaml"):
        assert (tmp_path / "again" / name).read_bytes() == (out / name).read_bytes()
    other = generate(RECORDS, tmp_path / "other", seed=1001)
    assert other["records"] == RECORDS
    assert (tmp_path / "other" / "labels.parquet").read_bytes() != (
        out / "labels.parquet"
    ).read_bytes()


def _frame() -> pd.DataFrame:
    records = pd.DataFrame({
        "source_id": ["a", "a", "b", "b", "c"],
        "source_record_id": ["1", "2", "1", "2", "1"],
        "title": ["Data Analysis 1", "Data Analysis 2", "Data Analysis 1", "X", "Y (5 ECTS)"],
        "ects": [5.0, 5.0, float("nan"), 3.0, 5.0],
        "url": ["https://u/1", "https://u/2", None, None, None],
        "match_provider": ["p", "p", "p", "p", "p"],
    })  # fmt: skip
    labels = records[KEY].assign(
        kind=["own", "own", "register", "own", "register"],
        noise=["", "", "marker_restyled", "", "credit_suffix"],
    )
    truth = pd.Series(["s1", "s2", "s1", "x", "x"])
    predicted = pd.Series([1, 1, 1, 2, 3])  # s1 and s2 merged; x split
    families = pd.DataFrame({
        "cluster": ["s1", "s2", "x"],
        "family": ["f1", "f1", None],
        "family_kind": ["series", "series", None],
    })  # fmt: skip
    return error_frame(records, truth, predicted, labels, families)


def test_error_report_counts_wrong_merges_by_family_and_missed_copies_by_change(capsys):
    frame = _frame()
    print_wrong_merges(frame, examples=1)
    print_missed_copies(frame, examples=1, min_records=1)
    out = capsys.readouterr().out
    # three records in one predicted cluster mixing two members of a series
    assert re.search(r"^series\s+3$", out, re.MULTILINE)
    assert "1 mixed predicted clusters, 1 of them within one family" in out
    assert "copies missed: 1 of 4 records" in out
    # the missed record is the changed one: the unchanged record stands for its micro-credential
    assert re.search(r"credit_suffix\s+1\s+1\s+100.0%", out)
    assert re.search(r"register\s+1\s+2\s+50.0%", out)
    assert "- c: 'Y (5 ECTS)', 5 ECTS, provider p  [register: credit_suffix]" in out
