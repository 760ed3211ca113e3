"""What the deduplication got wrong on labelled feeds: wrong merges and missed copies.

Used by bench/dedup_quality.py after scoring. Wrong merges are predicted clusters holding records
of more than one true micro-credential, counted by the family of hard non-duplicates the mixed
records belong to (clusters.parquet `family_kind`). Missed copies are the records of a true
micro-credential outside the predicted cluster holding most of its records, counted by the kind
of source and, when labels.parquet says what was done to each record (`kind`, `noise`), by each
change. A few examples of each are printed with their titles, so that the matcher can be improved
from the examples without reading the generator.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def error_frame(
    records: pd.DataFrame,
    truth: pd.Series,
    predicted: pd.Series,
    labels: pd.DataFrame,
    families: pd.DataFrame | None,
) -> pd.DataFrame:
    """One row per record: true and predicted cluster, family kind, source kind, noise, and the
    fields a reader needs to judge an error (title, ECTS, URL, awarding provider)."""
    key = ["source_id", "source_record_id"]
    frame = records[[*key, "title", "ects", "url", "match_provider"]].reset_index(drop=True)
    frame["truth"] = truth.to_numpy()
    frame["pred"] = predicted.to_numpy()
    extra = [c for c in ("kind", "noise") if c in labels]
    if extra:
        frame = frame.merge(labels[[*key, *extra]], on=key, how="left")
    frame["family_kind"] = "none"
    if families is not None and "family_kind" in families:
        table = families.set_index("cluster")
        frame["family_kind"] = frame["truth"].map(table["family_kind"]).fillna("none")
        if "family" in table:
            frame["family"] = frame["truth"].map(table["family"])
    return frame


def print_wrong_merges(frame: pd.DataFrame, examples: int = 6) -> None:
    mixed = frame.groupby("pred")["truth"].transform("nunique") > 1
    wrong = frame[mixed]
    print("\nrecords in predicted clusters that mix true micro-credentials, by family kind:")
    if not len(wrong):
        print("  none")
        return
    print(wrong["family_kind"].value_counts().to_string())
    if "family" in wrong:
        one_family = wrong.groupby("pred")["family"].transform(
            lambda f: f.notna().all() and f.nunique() == 1
        )
        clusters = wrong.groupby("pred").ngroups
        same = wrong[one_family.astype(bool)]["pred"].nunique()
        print(
            f"  {clusters:,} mixed predicted clusters, {same:,} of them within one family of "
            f"hard non-duplicates, {clusters - same:,} mixing unrelated micro-credentials"
        )
    rng = np.random.default_rng(0)
    chosen = rng.permutation(wrong["pred"].unique())[:examples]
    print(f"\nexamples of wrong merges ({len(chosen)} predicted clusters):")
    for pred in chosen:
        rows = wrong[wrong["pred"] == pred].sort_values("truth")
        print(f"  predicted {pred}:")
        for row in rows.itertuples(index=False):
            print(f"    {_describe(row)}  [true {row.truth}, {row.family_kind}]")


def print_missed_copies(frame: pd.DataFrame, examples: int = 10, min_records: int = 20) -> None:
    size = frame.groupby("truth")["truth"].transform("size")
    multi = frame[size > 1].copy()
    # the part holding most records; on a tie, the one holding the least changed record
    changes = (
        multi["noise"].fillna("").str.count(r"\+") + (multi["noise"].fillna("") != "")
        if "noise" in multi
        else pd.Series(0, index=multi.index)
    )
    counts = (
        multi.assign(changes=changes)
        .groupby(["truth", "pred"])
        .agg(n=("truth", "size"), least=("changes", "min"))
        .reset_index()
        .sort_values(["truth", "n", "least", "pred"], ascending=[True, False, True, True])
    )
    main = counts.drop_duplicates("truth").set_index("truth")["pred"]
    multi["main"] = multi["truth"].map(main)
    missed = multi[multi["pred"] != multi["main"]]
    print(
        f"\ncopies missed: {len(missed):,} of {len(multi):,} records of micro-credentials "
        f"published more than once are outside the predicted cluster holding most of its records"
    )
    if not len(missed):
        return
    provider = multi.groupby("truth")["match_provider"].agg(lambda p: p.mode().iat[0])
    other_provider = missed["match_provider"] != missed["truth"].map(provider)
    print(
        f"  {int(other_provider.sum()):,} of them were given another awarding provider than the "
        "rest of their micro-credential (never compared: blocking is per provider)"
    )
    if "kind" in multi:
        rate = pd.DataFrame({"missed": missed["kind"].value_counts(),
                             "records": multi["kind"].value_counts()}).fillna(0)  # fmt: skip
        rate["share"] = rate["missed"] / rate["records"]
        print("  by kind of source:")
        print(_indent(rate.sort_values("share", ascending=False).to_string(
            formatters={"share": "{:.1%}".format, "missed": "{:,.0f}".format,
                        "records": "{:,.0f}".format})))  # fmt: skip
    if "noise" in multi:
        _print_noise_rates(multi, missed, min_records)
    _print_missed_examples(multi, missed, examples)


def _print_noise_rates(multi: pd.DataFrame, missed: pd.DataFrame, min_records: int) -> None:
    def tags(frame: pd.DataFrame) -> pd.Series:
        exploded = frame["noise"].fillna("").str.split("+").explode()
        return exploded[exploded != ""].value_counts()

    rate = pd.DataFrame({"missed": tags(missed), "records": tags(multi)}).fillna(0)
    rate = rate[rate["records"] >= min_records]
    rate["share"] = rate["missed"] / rate["records"]
    clean = multi["noise"].fillna("") == ""
    clean_share = (missed["noise"].fillna("") == "").sum() / max(int(clean.sum()), 1)
    print(
        f"  records without any change missed: {clean_share:.1%}; "
        f"by change ({min_records}+ records):"
    )
    if rate.empty:
        return
    print(_indent(rate.sort_values("share", ascending=False).head(25).to_string(
        formatters={"share": "{:.1%}".format, "missed": "{:,.0f}".format,
                    "records": "{:,.0f}".format})))  # fmt: skip


def _print_missed_examples(multi: pd.DataFrame, missed: pd.DataFrame, examples: int) -> None:
    rng = np.random.default_rng(0)
    chosen = missed.iloc[rng.permutation(len(missed))[:examples]]
    kept = multi[multi["pred"] == multi["main"]].drop_duplicates("truth").set_index("truth")
    print(
        f"\nexamples of missed copies ({len(chosen)}): the missed record, then one it belongs with"
    )
    for row in chosen.itertuples(index=False):
        other = kept.loc[row.truth] if row.truth in kept.index else None
        noise = getattr(row, "noise", "") or ""
        said = f"  [{row.kind}: {noise or 'no change'}]" if hasattr(row, "kind") else ""
        print(f"  - {_describe(row)}{said}")
        if other is not None:
            print(f"    {_describe(other)}")


def _describe(row) -> str:
    ects = "" if row.ects != row.ects or row.ects is None else f", {row.ects:g} ECTS"
    url = f", {row.url}" if isinstance(row.url, str) else ""
    return f"{row.source_id}: {row.title!r}{ects}, provider {row.match_provider}{url}"


def _indent(text: str) -> str:
    return "\n".join("    " + line for line in text.splitlines())
