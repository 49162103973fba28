"""Trino's array and map functions where DuckDB would answer differently.

Sources: Trino docs, Array functions and operators / Map functions and operators, and Trino's
TestArrayOperators / TestMapOperators for the error texts.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.expressions import apply_index_offset

from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import macro

MACROS: dict[str, str] = {
    # array_distinct keeps the first occurrence of each value, in order, and one NULL (DuckDB's
    # list_distinct reorders and drops NULLs). `IS NOT DISTINCT FROM` makes NULL equal NULL.
    "trino_array_distinct": (
        "(a) AS list_filter(a, lambda x, i: i = 1 OR NOT list_bool_or(list_transform(a[1:i - 1], "
        "lambda y: y IS NOT DISTINCT FROM x)))"
    ),
    # a[i] fails outside the array and for a missing map key (element_at gives NULL). DuckDB
    # binds every CASE branch, so each branch must bind for arrays and maps alike: cardinality()
    # and to_json() take both; typeof() is constant, so only the branch for a's type runs. A key
    # whose value is NULL is told from a missing key through the map's JSON, only when a[i] is NULL.
    "trino_subscript": (
        "(a, i) AS CASE WHEN typeof(a) LIKE 'MAP(%' THEN "
        "CASE WHEN a[i] IS NOT NULL THEN a[i] "
        "WHEN json_exists(to_json(a), '$.' || to_json(CAST(i AS VARCHAR))) THEN a[i] "
        "ELSE error('Key not present in map: ' || CAST(i AS VARCHAR)) END "
        "WHEN i IS NULL THEN NULL "
        "WHEN TRY_CAST(i AS BIGINT) = 0 THEN error('SQL array indices start at 1') "
        "WHEN TRY_CAST(i AS BIGINT) < 0 THEN error('Array subscript is negative: ' || CAST(i AS VARCHAR)) "
        "WHEN TRY_CAST(i AS BIGINT) > cardinality(a) THEN error('Array subscript must be less than or "
        "equal to array length: ' || CAST(i AS VARCHAR) || ' > ' || CAST(cardinality(a) AS VARCHAR)) "
        "ELSE a[i] END"
    ),
}


def array_distinct(node: exp.ArrayDistinct, context: TranslationContext) -> exp.Expression:
    """array_distinct(a): first-seen order, one NULL kept."""
    return exp.Anonymous(this=macro("trino_array_distinct"), expressions=[node.this])


def subscript(node: exp.Bracket, context: TranslationContext) -> exp.Expression:
    """a[i] / m[k]: an error where Trino raises one; element_at (safe) keeps DuckDB's NULL."""
    if node.args.get("safe") or len(node.expressions) != 1:
        return node
    if node.args.get("json_access"):
        return node
    # sqlglot stores Trino's 1-based index 0-based and adds the offset back when writing DuckDB.
    index = _one_based_index(node)
    return exp.Anonymous(this=macro("trino_subscript"), expressions=[node.this, index])


def _one_based_index(node: exp.Bracket) -> exp.Expression:
    # What sqlglot's DuckDB generator writes inside a[...], taken as an expression of its own.
    offset = 1 - (node.args.get("offset") or 0)
    return apply_index_offset(node.this, [node.expressions[0]], offset, dialect="duckdb")[0]
