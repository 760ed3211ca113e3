"""Blocking: which pairs of records are compared at all (DuckDB joins, so a million records
never become a trillion pairs)."""

from __future__ import annotations

import duckdb
import pandas as pd

from schemas.matching import MatchSettings


def candidate_pairs(keys: pd.DataFrame, settings: MatchSettings) -> pd.DataFrame:
    """Pairs (left < right) of one awarding provider that share two of their titles'
    `blocking_words` rarest words (the whole title when it has one word) or a page URL.

    Rare words say what a course is about ('hydrogen', 'photovoltaics'); common ones ('to',
    'introduction') would put a provider's whole catalogue in one block. Pairs of them keep
    blocks small, and a typo in one word leaves the other pairs intact. A block larger than
    `max_block_size` is skipped: its words say too little."""
    con = duckdb.connect()
    try:
        con.execute("SET threads TO 2")
        con.execute("SET preserve_insertion_order = false")
        con.register("k", keys[["row", "owner", "title", "url"]])
        return con.execute(
            """
            WITH words AS (
                SELECT DISTINCT row, owner, unnest(string_split(title, ' ')) AS word
                FROM k WHERE title IS NOT NULL AND title <> ''
            ),
            counted AS (
                SELECT row, owner, word, count(*) OVER (PARTITION BY word) AS frequency FROM words
            ),
            rare AS (
                SELECT row, owner, word,
                       row_number() OVER (PARTITION BY row ORDER BY frequency, word) AS rank,
                       count(*) OVER (PARTITION BY row) AS words
                FROM counted QUALIFY rank <= $count
            ),
            block_keys AS (
                SELECT a.row, a.owner, least(a.word, b.word) || chr(31) || greatest(a.word, b.word)
                       AS key
                FROM rare a JOIN rare b ON a.row = b.row AND a.rank < b.rank
                UNION ALL
                SELECT row, owner, word FROM rare WHERE words = 1
            ),
            usable AS (
                SELECT * FROM block_keys
                QUALIFY count(*) OVER (PARTITION BY owner, key) <= $max_block
            )
            SELECT l.row AS left_row, r.row AS right_row
            FROM usable l JOIN usable r ON l.owner = r.owner AND l.key = r.key AND l.row < r.row
            UNION
            SELECT l.row, r.row FROM k l JOIN k r
            ON l.owner = r.owner AND l.url = r.url AND l.url >= 0 AND l.row < r.row
            """,
            {"count": settings.blocking_words, "max_block": settings.max_block_size},
        ).df()
    finally:
        con.close()
