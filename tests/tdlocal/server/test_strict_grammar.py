"""Strict mode reads SQL as Trino 423's parser does (issue 8, item 8): what sqlglot and DuckDB
accept but Trino's grammar or type registry rejects fails locally with Trino's error, and Trino's
own TABLESAMPLE runs.

Sources: Trino's SqlBase.g4 (`selectItem (',' selectItem)*`, `interval: INTERVAL sign? string
intervalField`, `setQuantifier: DISTINCT | ALL` with no ON, `groupBy: setQuantifier?
groupingElement (',' groupingElement)*`, `relationPrimary` with table functions only as
`TABLE(f(...))`, `sampleType: BERNOULLI | SYSTEM`, `->` only in lambdas); Trino's parser reports
`line L:C: mismatched input 'X'. Expecting: ...` (SYNTAX_ERROR). TypeRegistry registers the
type names (with `int` the only alias): ExpressionAnalyzer.visitCast raises TYPE_MISMATCH
`Unknown type: int64`, visitGenericLiteral TYPE_NOT_FOUND, CreateTableTask TYPE_NOT_FOUND
`Unknown type 'int64' for column 'x'`. StatementAnalyzer.visitSampledRelation
bounds the percentage to 0..100 (NUMERIC_VALUE_OUT_OF_RANGE). FunctionResolver's message for an
unknown name is `Function 'foo_bar' not registered` (FUNCTION_NOT_FOUND).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from trino.exceptions import TrinoUserError

from tests.tdlocal.server.conftest import trino_failure


def run(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    return cursor.fetchall()


def failure(connect, sql: str) -> TrinoUserError:
    return trino_failure(connect().cursor(), sql)


@pytest.fixture(scope="module")
def numbers(td_connect) -> str:
    """td.grammar.numbers: x = 1..200."""
    run(td_connect, "CREATE SCHEMA IF NOT EXISTS td.grammar")
    run(td_connect, "DROP TABLE IF EXISTS td.grammar.numbers")
    run(
        td_connect,
        "CREATE TABLE td.grammar.numbers AS SELECT x, 0 AS time FROM UNNEST(sequence(1, 200)) AS u (x)",
    )
    return "td.grammar.numbers"


SYNTAX_TRINO_REJECTS = [
    # (statement, offending token, line:column Trino reports)
    ("SELECT 1 AS a,, 2 AS b", ",", "1:15"),
    ("SELECT 1 AS a, FROM (VALUES 1) AS t (x)", "FROM", "1:16"),
    ("CREATE TABLE td.grammar.trailing AS SELECT 1 AS a, FROM (VALUES 1) AS t (x)", "FROM", "1:52"),
    ("SELECT INTERVAL 1 DAY", "1", "1:17"),
    ("SELECT DISTINCT ON (x) x FROM (VALUES 1) AS t (x)", "ON", "1:17"),
    ("SELECT x FROM (VALUES 1) AS t (x) GROUP BY ALL", "ALL", "1:44"),
    ("SELECT * FROM range(3)", "(", "1:20"),
    ("SELECT json_parse('{\"a\": 1}') ->> 'a'", "->>", "1:31"),
    ("SELECT json_parse('{\"a\": 1}') -> 'a'", "->", "1:31"),
    ("SELECT * FROM (VALUES 1) AS t (x) USING SAMPLE 50%", "USING", "1:35"),
    ("SELECT * FROM (VALUES 1) AS t (x) TABLESAMPLE RESERVOIR (5)", "RESERVOIR", "1:47"),
    ("SELECT * FROM (VALUES 1) AS t (x) TABLESAMPLE BERNOULLI (5 PERCENT)", "PERCENT", "1:60"),
    ("SELECT * FROM (VALUES 1) AS a (x) SEMI JOIN (VALUES 1) AS b (x) ON a.x = b.x", "SEMI", "1:35"),
    ("SELECT * FROM (VALUES 1) AS a (x) ANTI JOIN (VALUES 1) AS b (x) ON a.x = b.x", "ANTI", "1:35"),
    ("SELECT * FROM (VALUES 1) AS a (x) ASOF JOIN (VALUES 1) AS b (x) ON a.x >= b.x", "ASOF", "1:35"),
    # Operators: an allowlist of Trino's lexer tokens, so DuckDB's are refused unlisted.
    ("SELECT 2 ^ 3", "^", "1:10"),
    ("SELECT 1 == 1", "==", "1:10"),
    ("SELECT 5 & 3", "&", "1:10"),
    ("SELECT 'a' ~~ 'a'", "~~", "1:12"),
    ("SELECT 1 <=> 1", "<=>", "1:10"),
    ("SELECT 'a' GLOB 'a*'", "GLOB", "1:12"),
    ("SELECT 'a' LIKE ANY ('a', 'b')", "ANY", "1:17"),
    ("SELECT x FROM (VALUES 1) AS t (x) LIMIT 10%", "%", "1:43"),
    ("SELECT 1 AS x UNION BY NAME SELECT 2 AS x", "BY", "1:21"),
]


@pytest.mark.parametrize(("sql", "token", "where"), SYNTAX_TRINO_REJECTS)
def test_strict_mode_rejects_what_trinos_grammar_does_not_read(td_connect, sql, token, where) -> None:
    error = failure(td_connect, sql)
    assert error.error_name == "SYNTAX_ERROR"
    assert error.message.startswith(f"line {where}: mismatched input '{token}'. Expecting: "), error.message


@pytest.mark.parametrize(
    ("sql", "type_name", "error_name"),
    [
        ("SELECT CAST('1' AS int64)", "int64", "TYPE_MISMATCH"),
        ("SELECT CAST('1' AS string)", "string", "TYPE_MISMATCH"),
        ("SELECT TRY_CAST('1' AS hugeint)", "hugeint", "TYPE_MISMATCH"),
        ("SELECT CAST('2020-01-01' AS datetime)", "datetime", "TYPE_MISMATCH"),
        ("SELECT CAST('1' AS text)", "text", "TYPE_MISMATCH"),
        ("SELECT CAST('1' AS float8)", "float8", "TYPE_MISMATCH"),
        ("SELECT CAST(ROW(1) AS row(a int32))", "int32", "TYPE_MISMATCH"),
        ("SELECT int64 '1'", "int64", "TYPE_NOT_FOUND"),
    ],
)
def test_strict_mode_rejects_type_names_trino_does_not_register(
    td_connect, sql, type_name, error_name
) -> None:
    error = failure(td_connect, sql)
    assert error.error_name == error_name
    assert f"Unknown type: {type_name}" in error.message


def test_a_column_of_an_unknown_type_is_createtabletasks_error(td_connect) -> None:
    error = failure(td_connect, "CREATE TABLE td.grammar.typed (id bigint, x int64, time bigint)")
    assert error.error_name == "TYPE_NOT_FOUND"
    assert "Unknown type 'int64' for column 'x'" in error.message


def test_trinos_own_type_names_and_lambdas_still_run(td_connect) -> None:
    sql = (
        "SELECT CAST('7' AS int), CAST('2' AS double precision), CAST(ROW(1, 'a') AS row(a bigint, b varchar)).b, "
        "CAST('1.5' AS decimal(3, 1)), typeof(CAST(NULL AS timestamp(3) with time zone)), "
        "transform(ARRAY[1], v -> v + 1), DATE '2020-01-02', INTERVAL '1' DAY"
    )
    assert run(td_connect, sql) == [
        [7, 2.0, "a", Decimal("1.5"), "timestamp(3) with time zone", [2], date(2020, 1, 2), timedelta(days=1)]
    ]


def test_a_comma_list_and_group_by_ordinals_still_run(td_connect) -> None:
    assert run(td_connect, "SELECT x, count(*) FROM (VALUES 1, 1, 2) AS t (x) GROUP BY 1 ORDER BY 1") == [
        [1, 2],
        [2, 1],
    ]


def test_tablesample_bernoulli_keeps_all_rows_at_100_and_none_at_0(td_connect, numbers) -> None:
    # Trino docs (SELECT, TABLESAMPLE): BERNOULLI selects each row with the given probability.
    assert run(td_connect, f"SELECT count(*) FROM {numbers} TABLESAMPLE BERNOULLI (100)") == [[200]]
    assert run(td_connect, f"SELECT count(*) FROM {numbers} TABLESAMPLE BERNOULLI (0)") == [[0]]
    assert run(td_connect, f"SELECT count(*) FROM {numbers} TABLESAMPLE SYSTEM (100)") == [[200]]
    # Half of 200 rows: outside 40..160 has a probability below 1e-17.
    [[sampled]] = run(td_connect, f"SELECT count(*) FROM {numbers} TABLESAMPLE BERNOULLI (50)")
    assert 40 <= sampled <= 160


@pytest.mark.parametrize(
    ("percentage", "message"),
    [
        ("150", "Sample percentage must be less than or equal to 100"),
        ("100.5", "Sample percentage must be less than or equal to 100"),
    ],
)
def test_tablesample_percentage_outside_0_to_100_is_trinos_error(
    td_connect, numbers, percentage, message
) -> None:
    error = failure(td_connect, f"SELECT count(*) FROM {numbers} TABLESAMPLE BERNOULLI ({percentage})")
    assert error.error_name == "NUMERIC_VALUE_OUT_OF_RANGE"
    assert message in error.message


def test_a_syntax_error_inside_ctas_is_a_syntax_error(td_connect) -> None:
    error = failure(td_connect, "create table td.grammar.bad as (select count(*)) as c from (values 1) t(x))")
    assert error.error_name == "SYNTAX_ERROR"
    assert error.message.startswith("line 1:55: mismatched input 'from'"), error.message


def test_unknown_functions_are_called_duckdbs_only_when_duckdb_has_them(td_connect) -> None:
    unknown = failure(td_connect, "SELECT foo_bar(1)")
    assert unknown.error_name == "FUNCTION_NOT_FOUND"
    assert unknown.message.startswith("line 1:8: Function 'foo_bar' not registered")
    assert "DuckDB" not in unknown.message
    duckdb_only = failure(td_connect, "SELECT list_value(1)")
    assert "it is DuckDB's" in duckdb_only.message


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT 1 AS a,, 2 AS b",
        "SELECT INTERVAL 1 DAY",
        "SELECT CAST('1' AS int64)",
        "SELECT x FROM (VALUES 1) AS t (x) GROUP BY ALL",
    ],
)
def test_lenient_mode_still_reads_them(lenient_connect, sql) -> None:
    assert len(run(lenient_connect, sql)) == 1
