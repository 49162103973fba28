"""Strict mode is strict both ways: it refuses DuckDB-only SQL that TD would refuse, with
Trino's errors, and still runs Trino's and TD's own functions; lenient mode runs both.

Trino's wording: an unknown function is `line 1:8: Function 'list_value' not registered`
(FUNCTION_NOT_FOUND, from Trino's function resolver); syntax Trino's grammar lacks is
`line L:C: mismatched input '::'` (SYNTAX_ERROR, from Trino's parser). The allowlist is Trino's
"List of functions and operators" plus TD's documented functions (tdlocal/sql/trino_functions.py).
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError

from tdlocal.sql.td_functions import _REWRITERS, _WINDOW_FUNCTIONS
from tdlocal.sql.trino_functions import TD_FUNCTIONS, TRINO_FUNCTIONS


def run(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    return cursor.fetchall()


DUCKDB_ONLY_FUNCTIONS = [
    ("SELECT list_value(1, 2)", "list_value", 8),
    ("SELECT strftime(current_timestamp, '%Y')", "strftime", 8),
    ("SELECT len('abc')", "len", 8),
    ("SELECT ifnull(NULL, 1)", "ifnull", 8),
    ("SELECT string_agg(x, ',') FROM (VALUES 'a') AS t (x)", "string_agg", 8),
    ("SELECT 1, regexp_matches('a', 'a')", "regexp_matches", 11),
    ("SELECT epoch_ms(0)", "epoch_ms", 8),
    # (`struct_pack(a := 1)` is a SYNTAX_ERROR first: Trino's lexer has no `:=`.)
    ("SELECT struct_pack(1)", "struct_pack", 8),
    ("SELECT\n  list_contains(ARRAY[1], 1)", "list_contains", 3),
]


@pytest.mark.parametrize(("sql", "name", "column"), DUCKDB_ONLY_FUNCTIONS)
def test_strict_mode_refuses_duckdb_functions_as_trino_does(td_connect, sql, name, column) -> None:
    with pytest.raises(TrinoUserError) as error:
        run(td_connect, sql)
    assert error.value.error_name == "FUNCTION_NOT_FOUND"
    assert f"Function '{name}' not registered" in error.value.message
    line = 2 if "\n" in sql else 1
    assert error.value.message.startswith(f"line {line}:{column}: ")


DUCKDB_ONLY_SYNTAX = [
    ("SELECT 1::varchar", "::"),
    ("SELECT [1, 2]", "["),
    ("SELECT {'a': 1}", "{"),
    ("SELECT 'a' ILIKE 'A'", "ILIKE"),
    ("SELECT * EXCLUDE (x) FROM (VALUES 1) AS t (x)", "EXCLUDE"),
    ("FROM (VALUES 1) AS t (x) SELECT x", "FROM"),
    ("SELECT x FROM (VALUES 1) AS t (x) QUALIFY row_number() OVER () = 1", "QUALIFY"),
]


@pytest.mark.parametrize(("sql", "token"), DUCKDB_ONLY_SYNTAX)
def test_strict_mode_refuses_duckdb_syntax_as_a_syntax_error(td_connect, sql, token) -> None:
    with pytest.raises(TrinoUserError) as error:
        run(td_connect, sql)
    assert error.value.error_name == "SYNTAX_ERROR"
    assert f"mismatched input '{token}'" in error.value.message or "Unexpected token" in error.value.message


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # Trino docs examples (Array, Map, String, Conditional, Conversion pages).
        ("SELECT array_join(ARRAY[1, 2, 3], ',')", [["1,2,3"]]),
        ("SELECT cardinality(ARRAY[1, 2]), element_at(ARRAY[1, 2], 2)", [[2, 2]]),
        ("SELECT coalesce(NULL, 1), if(true, 'a', 'b'), nullif(1, 1)", [[1, "a", None]]),
        ("SELECT try_cast('x' AS integer), CAST('7' AS bigint)", [[None, 7]]),
        ("SELECT substring('abc', 2), trim('  a  '), position('b' IN 'abc')", [["bc", "a", 2]]),
        ("SELECT extract(YEAR FROM DATE '2024-05-01'), year(DATE '2024-05-01')", [[2024, 2024]]),
        ("SELECT split('a,b', ',')[2], ARRAY[ARRAY[1]][1][1]", [["b", 1]]),
        ("SELECT TD_TIME_STRING(0, 'd!', 'UTC')", [["1970-01-01"]]),
        ("WITH c (a) AS (SELECT 1) SELECT c.a, u.y FROM c, UNNEST(ARRAY[5]) AS u (y)", [[1, 5]]),
        ("SELECT lower('A') -- strftime( in a comment is not a call", [["a"]]),
        ("SELECT 'len(' AS \"ifnull(\"", [["len("]]),
    ],
)
def test_strict_mode_runs_trinos_and_tds_own_functions(td_connect, sql, expected) -> None:
    assert run(td_connect, sql) == expected


def test_strict_mode_lets_table_names_stand_before_parentheses(td_connect) -> None:
    run(td_connect, "CREATE SCHEMA IF NOT EXISTS td.strictness")
    run(td_connect, "CREATE TABLE td.strictness.len (strftime bigint, time bigint)")
    run(td_connect, "INSERT INTO td.strictness.len (strftime, time) VALUES (1, 0)")
    assert run(td_connect, "SELECT strftime FROM td.strictness.len") == [[1]]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT list_value(1, 2)",
        "SELECT 1::varchar",
        "SELECT len('abc'), ifnull(NULL, 1)",
        "SELECT string_agg(x, ',') FROM (VALUES 'a') AS t (x)",
    ],
)
def test_lenient_mode_still_runs_duckdb_spellings(lenient_connect, sql) -> None:
    assert len(run(lenient_connect, sql)) == 1


def test_the_allowlist_holds_every_td_function_tdlocal_implements() -> None:
    implemented = {name.lower() for name in [*_REWRITERS, *_WINDOW_FUNCTIONS]}
    assert implemented <= TD_FUNCTIONS
    assert all(name == name.lower() for name in TRINO_FUNCTIONS | TD_FUNCTIONS)
    # DuckDB's spellings must never sneak into the list.
    assert not {"list_value", "strftime", "len", "ifnull", "string_agg", "regexp_matches"} & TRINO_FUNCTIONS
