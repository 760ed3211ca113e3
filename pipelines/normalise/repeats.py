"""Records of one feed that share an id: the same offering repeated, or different offerings
under one id. Nothing is dropped and nothing is collapsed without a trace."""

from __future__ import annotations

import hashlib

import pandas as pd

from schemas.canonical import RECORD_KEYS, REPEAT_OF
from schemas.problems import Problems

_KEYS = ["source_id", "source_record_id"]


def _statements(rows: pd.DataFrame) -> list[frozenset[str]]:
    """What each record says: `field=value` for every field it gives (its id and position
    aside), so that columns no record fills change nothing."""
    said = sorted(c for c in rows.columns if c not in (*RECORD_KEYS, REPEAT_OF))
    return [
        frozenset(
            f"{field}={chr(0x1E).join(map(str, value)) if isinstance(value, list) else value}"
            for field, value in zip(said, values, strict=True)
            if isinstance(value, list) or not pd.isna(value)
        )
        for values in rows[said].itertuples(index=False, name=None)
    ]


def _content_hash(statements: frozenset[str]) -> str:
    text = "\x1f".join(sorted(statements))
    return hashlib.blake2b(text.encode(), digest_size=8).hexdigest()[:6]


def _fold(positions: list[int], statements: list[frozenset[str]]) -> dict[int, int]:
    """For the records of one id (by position, in feed order): each record whose every
    statement another record also makes (an identical or a less complete repeat) -> the
    record it repeats (the first of the most complete ones that cover it)."""
    folded = {}
    for p in positions:
        covering = [
            q
            for q in positions
            if q != p
            and statements[p] <= statements[q]
            and (statements[p] < statements[q] or q < p)
        ]
        if covering:
            folded[p] = min(covering, key=lambda q: (-len(statements[q]), q))
    for p, q in folded.items():  # follow chains to a record that is not folded itself
        while q in folded:
            q = folded[q]
        folded[p] = q
    return folded


def repeated_ids(frame: pd.DataFrame, problems: Problems) -> None:
    """Records of one feed sharing an id (in place). A record that says nothing another one
    with its id does not also say (an identical repeat, or an abbreviated one, as credentials
    of several learners embed one achievement) is folded into that record: `repeat_of` holds
    its record index. Records saying different things under one id are kept apart, each under
    the id made distinct (`ID~<6 hex of its content>`, whatever the order of the feed), with a
    warning naming the others."""
    frame[REPEAT_OF] = pd.Series(pd.NA, index=frame.index, dtype="Int64")
    shared = frame[frame.duplicated(_KEYS, keep=False) & frame["source_record_id"].notna()]
    if shared.empty:
        return
    statements = _statements(shared)
    labels = shared.index.to_list()
    record_index = shared["record_index"].to_list()
    renamed: dict[object, str] = {}
    for _, group in shared.groupby(_KEYS, sort=False):
        positions = [labels.index(label) for label in group.index]
        folded = _fold(positions, statements)
        for p, q in folded.items():
            frame.loc[labels[p], REPEAT_OF] = record_index[q]
        kept = [p for p in positions if p not in folded]
        if len(kept) < 2:
            continue
        for p in positions:
            home = folded.get(p, p)
            renamed[labels[p]] = f"{shared.at[labels[p], 'source_record_id']}~" + _content_hash(
                statements[home]
            )
    if not renamed:
        return
    differ = pd.Index(list(renamed))
    new_ids = pd.Series(renamed)
    others = (
        shared.loc[differ]
        .groupby(_KEYS)["record_index"]
        .transform(lambda r: ", ".join(f"#{i + 1}" for i in sorted(r)))
    )
    problems.add(
        differ,
        "source_record_id",
        "id "
        + shared.loc[differ, "source_record_id"].map(repr)
        + " is given to records "
        + others
        + " with different content: kept apart as "
        + new_ids.map(repr),
        frame["source_record_id"],
        "breaks_rule",
    )
    frame.loc[differ, "source_record_id"] = new_ids
