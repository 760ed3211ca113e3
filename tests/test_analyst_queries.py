"""README's questions for analysts: each SQL block run on the bundled sample's catalogue, and its
answer checked against the published tables."""

import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from pipelines.publish.release import read_published

README = Path(__file__).parent.parent / "README.md"


def analyst_queries() -> dict[str, str]:
    """Question -> SQL, from README's section for analysts."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Analysts: questions and their SQL", 1)[1].split("\n## ", 1)[0]
    found = re.findall(r"\*\*(.+?)\*\*.*?```sql\n(.*?)```", section, flags=re.DOTALL)
    return {question: sql for question, sql in found}


@pytest.fixture(scope="module")
def answers(bundled_catalogue):
    con = duckdb.connect(str(bundled_catalogue / "catalogue.duckdb"), read_only=True)
    try:
        results = {q: con.execute(sql).df() for q, sql in analyst_queries().items()}
    finally:
        con.close()
    tables = read_published(bundled_catalogue)
    mc = tables["microcredentials"]
    return results, mc[mc["status"] == "active"], tables["changes"]


def answer(answers, question: str) -> pd.DataFrame:
    results = answers[0]
    return next(frame for q, frame in results.items() if q.startswith(question))


def test_readme_asks_the_five_questions():
    assert [q.split("?")[0] + "?" for q in analyst_queries()] == [
        "What does the national catalogue offer?",
        "Which providers publish the least complete records, and what do they leave out?",
        "Which offers have no learning outcomes?",
        "Which offers stack into a larger credential?",
        "What changed this week?",
    ]


def test_the_national_catalogue(answers):
    frame = answer(answers, "What does the national catalogue offer")
    nl = answers[1][answers[1]["provider_country"] == "NL"]
    expected = nl.groupby("eqf_level").size()
    assert dict(zip(frame["eqf_level"], frame["offers"], strict=True)) == expected.to_dict()
    assert frame["offers"].sum() == len(nl) == 29
    assert frame["online"].sum() == (nl["participation_form"] == "online").sum()


def test_the_least_complete_providers(answers):
    frame = answer(answers, "Which providers publish the least complete")
    means = answers[1].groupby("provider_id")["completeness"].mean().round(2).sort_values()
    assert list(frame["completeness"]) == sorted(frame["completeness"])
    assert frame["completeness"].iloc[0] == means.iloc[0]
    assert frame["provider_id"].iloc[0] == "gb-kelpie"  # two XCRI-CAP courses, one very sparse
    kelpie = answers[1][answers[1]["provider_id"] == "gb-kelpie"]
    assert list(frame["elements_missing"].iloc[0]) == sorted(
        set(kelpie["missing_elements"].explode().dropna())
    )


def test_offers_without_learning_outcomes(answers):
    frame = answer(answers, "Which offers have no learning outcomes")
    rows = answers[1]
    lacking = rows[rows["learning_outcomes"].map(lambda v: v is None or len(v) == 0)]
    assert sorted(frame["credential_id"]) == sorted(lacking["credential_id"])
    # data/feeds/README.md: TUG-MC-26-010, TUM-ILL-MC-0131, NLMC-2026-0041, GCU-MC-0018,
    # UPV-MC-2026-05, and five from the standard-profile feeds
    assert len(frame) == 10


def test_stackable_offers(answers):
    frame = answer(answers, "Which offers stack into a larger credential")
    rows = answers[1]
    stackable = rows[rows["stackable_into"].map(lambda v: v is not None and len(v) > 0)]
    assert sorted(frame["title"]) == sorted(stackable["title"]) and len(frame) == 15
    assert all(len(v) > 0 for v in frame["stackable_into"])


def test_what_changed_this_week(answers):
    frame = answer(answers, "What changed this week")
    changes = answers[2]
    recent = changes[changes["run_at"] >= pd.Timestamp.now(tz="UTC") - pd.Timedelta(days=7)]
    assert (
        dict(zip(frame["change"], frame["offers"], strict=True))
        == recent.groupby("change").size().to_dict()
    )
    assert dict(zip(frame["change"], frame["offers"], strict=True)) == {"added": 127}
