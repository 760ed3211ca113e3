"""Computed fields: a registry `mapping` value `{sql: ...}` is a DuckDB SQL expression over the
record's source fields, evaluated column-wise for all records of a feed in one query.

The expression is the select list of `SELECT <expression> FROM source`, where `source` has one
text column per source field the expression names (in double quotes, as the mapping names a
path: `"Effort"`, `"effort.hours"`, `"cat:credits/cat:ects"`); an empty text is NULL, a field
holding several values is a list of text. Besides DuckDB's own functions (`coalesce`,
`concat_ws`, `||`, `regexp_extract`, `TRY_CAST`, `CASE`, list functions) three macros read a
number or a range out of text: `lower_bound('2-4 hours per week')` is 2, `upper_bound` 4,
`mean_bound` 3, and each is 6 for '6 Weeks'.

One expression, nothing else: no subquery, no table, no window, no aggregate, no parameter;
the connection that evaluates it has no access to files or the network. An expression that
cannot be parsed or bound is refused when the registry loads (`check_expression`).
"""

from __future__ import annotations

import json
from functools import cache
from typing import Any

import duckdb
import pyarrow as pa
import pyarrow.compute as pc

#: The number or range a text starts to state: '2-4', '2 – 4', '2 to 4', '6', '7,5'.
_RANGE = r"(\d+(?:[.,]\d+)?)(?:\s*(?:-|–|—|to|bis|à)\s*(\d+(?:[.,]\d+)?))?"
MACROS = {
    "lower_bound": f"""TRY_CAST(replace(nullif(regexp_extract(CAST(t AS VARCHAR), '{_RANGE}', 1),
        ''), ',', '.') AS DOUBLE)""",
    "upper_bound": f"""coalesce(TRY_CAST(replace(nullif(regexp_extract(CAST(t AS VARCHAR),
        '{_RANGE}', 2), ''), ',', '.') AS DOUBLE), lower_bound(t))""",
    "mean_bound": "(lower_bound(t) + upper_bound(t)) / 2",
}
#: Expression node classes (DuckDB's parse tree) an expression may hold.
_ALLOWED = {
    "FUNCTION",
    "COLUMN_REF",
    "CONSTANT",
    "OPERATOR",
    "COMPARISON",
    "CONJUNCTION",
    "CASE",
    "CAST",
    "BETWEEN",
    "LAMBDA",
    "COLLATE",
    "TYPE",
}
TABLE = "source"


class ExpressionError(ValueError):
    """An expression that cannot be used, or that failed on a feed's values."""


def _connection() -> duckdb.DuckDBPyConnection:
    """A private in-memory database with the macros, and no access outside it."""
    con = duckdb.connect(":memory:", config={"threads": 1})
    for name, body in MACROS.items():
        con.execute(f"CREATE MACRO {name}(t) AS {body}")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    return con


def _parse_tree(sql: str) -> dict[str, Any]:
    """The select node of `SELECT <sql> FROM source`, refused unless it is exactly that."""
    con = duckdb.connect(":memory:")
    try:
        tree = json.loads(
            con.execute("SELECT json_serialize_sql(?)", [f"SELECT {sql} FROM {TABLE}"]).fetchone()[
                0
            ]
        )
    finally:
        con.close()
    if tree.get("error"):
        raise ExpressionError(f"not an SQL expression: {tree.get('error_message')}")
    statements = tree.get("statements") or []
    node = statements[0].get("node", {}) if len(statements) == 1 else {}
    table = node.get("from_table") or {}
    if (
        node.get("type") != "SELECT_NODE"
        or len(node.get("select_list") or []) != 1
        or table.get("type") != "BASE_TABLE"
        or table.get("table_name") != TABLE
        or any(node.get(k) for k in ("where_clause", "having", "qualify", "group_expressions"))
        or node.get("modifiers")
        or (node.get("cte_map") or {}).get("map")
    ):
        raise ExpressionError("one expression only (no FROM, WHERE, ORDER BY, ';' or the like)")
    return node["select_list"][0]


def _walk(node: Any, found: dict[str, set[str]]) -> None:
    """Collect column names and lambda parameters; refuse node classes outside `_ALLOWED`."""
    if isinstance(node, list):
        for item in node:
            _walk(item, found)
        return
    if not isinstance(node, dict):
        return
    kind = node.get("class")
    if kind is not None and "type" in node:
        if kind not in _ALLOWED:
            raise ExpressionError(f"{kind.lower()} is not allowed in a computed field")
        if kind == "COLUMN_REF":
            found["columns"].add(".".join(node.get("column_names") or []))
        if kind == "LAMBDA":
            _lambda_parameters(node.get("lhs"), found["parameters"])
        if kind == "FUNCTION" and node.get("filter"):
            raise ExpressionError("an aggregate FILTER is not allowed in a computed field")
    for key, value in node.items():
        if key not in ("query_location", "literal"):
            _walk(value, found)


def _lambda_parameters(lhs: Any, parameters: set[str]) -> None:
    if isinstance(lhs, dict) and lhs.get("class") == "COLUMN_REF":
        parameters.add(".".join(lhs.get("column_names") or []))
    elif isinstance(lhs, dict):
        for child in lhs.get("children") or []:
            _lambda_parameters(child, parameters)


@cache
def expression_columns(sql: str) -> tuple[str, ...]:
    """The source fields an expression names, in the order it names them first."""
    found: dict[str, set[str]] = {"columns": set(), "parameters": set()}
    _walk(_parse_tree(sql), found)
    columns = found["columns"] - found["parameters"]
    return tuple(sorted(columns))


def check_expression(sql: str) -> str | None:
    """Why `sql` cannot be a computed field (parse, node kinds, binding against text columns,
    one value per record), or None when it can."""
    try:
        columns = expression_columns(sql)
        empty = {c: pa.array([], pa.string()) for c in columns}
        result = _evaluate(sql, pa.table(empty) if empty else None, 0)
    except ExpressionError as exc:
        return str(exc)
    if len(result):
        return "an aggregate gives one value for all records, not one per record"
    return None


def _evaluate(sql: str, table: pa.Table | None, n: int) -> pa.Array:
    con = _connection()
    try:
        if table is None:  # a constant: one row per record all the same
            table = pa.table({"_row": pa.array(range(n), pa.int64())})
        con.register(TABLE, table)
        try:
            result = con.sql(f"SELECT {sql} FROM {TABLE}").to_arrow_table()
        except duckdb.Error as exc:
            raise ExpressionError(str(exc).strip().split("\n")[0]) from None
        return result.column(0).combine_chunks()
    finally:
        con.close()


def _text_column(values: list[Any]) -> pa.Array:
    """Source values as DuckDB sees them: text (NULL when empty after trimming), or lists of
    text where the field holds several values. Converted by Arrow in C; only a column mixing
    text and lists is first made all lists."""
    try:
        array = pa.array(values, pa.string())
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        lists = [v if isinstance(v, list) or v is None else [v] for v in values]
        array = pa.array(lists, pa.list_(pa.string()))
        items = pc.utf8_trim_whitespace(pc.list_flatten(array))
        kept = pc.if_else(pc.equal(items, ""), pa.scalar(None, pa.string()), items)
        return pa.ListArray.from_arrays(array.offsets, kept, mask=array.is_null())
    trimmed = pc.utf8_trim_whitespace(array)
    return pc.if_else(pc.equal(trimmed, ""), pa.scalar(None, pa.string()), trimmed)


def _as_text(array: pa.Array) -> list[Any]:
    """The expression's result as mapped values are: text (numbers as Arrow writes them, `24`,
    `2.5`; booleans `true`/`false`), lists of text, or None."""
    if pa.types.is_list(array.type) or pa.types.is_large_list(array.type):
        return array.cast(pa.list_(pa.string())).to_pylist()
    return array.cast(pa.string()).to_pylist()


def evaluate(sql: str, columns: dict[str, list[Any]], n: int) -> list[Any]:
    """The expression's value for each of the `n` records, as text (lists of text where it
    gives lists); `columns` holds the source fields it names (`expression_columns`)."""
    names = expression_columns(sql)
    table = pa.table({name: _text_column(columns[name]) for name in names}) if names else None
    return _as_text(_evaluate(sql, table, n))
