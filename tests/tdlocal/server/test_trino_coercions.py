"""Strict mode refuses the implicit coercions Trino 423 refuses, with Trino's TYPE_MISMATCH texts.

Sources: Trino's io.trino.sql.analyzer.ExpressionAnalyzer (a comparison is located at its
operator and resolved as the EQUAL / LESS_THAN / LESS_THAN_OR_EQUAL operator of its operands,
in written order: `Cannot apply operator: integer = varchar(1)`; COALESCE operands and CASE
results go through coerceToSingleType, `All COALESCE operands must be the same type: integer`,
located at the operand with no common type; IF conditions, CASE WHEN clauses and NOT operands
through coerceType, `IF condition must evaluate to a boolean (actual: integer)`, located at the
operand) and io.trino.type.TypeCoercion (numbers coerce among themselves, varchar never to a
number, boolean or date; NULL to anything). A string literal is a varchar(length) in Trino.
DuckDB answered every refused statement below (`i = '1'` was true).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from trino.exceptions import TrinoUserError

T = "(VALUES (1, 'a', 1.5e0, DATE '2024-01-01')) AS t(i, s, d, dt)"

REFUSED = [
    (f"SELECT i FROM {T} WHERE i = '1'", "line 1:85: Cannot apply operator: integer = varchar(1)"),
    (f"SELECT i FROM {T} WHERE i <> '1'", "line 1:85: Cannot apply operator: integer = varchar(1)"),
    (f"SELECT i FROM {T} WHERE i > '1'", "line 1:85: Cannot apply operator: integer < varchar(1)"),
    (f"SELECT i FROM {T} WHERE s = 1", "line 1:85: Cannot apply operator: varchar = integer"),
    (f"SELECT i FROM {T} WHERE dt = '2024-01-01'", "line 1:86: Cannot apply operator: date = varchar(10)"),
    ("SELECT 1 = true", "line 1:10: Cannot apply operator: integer = boolean"),
    # Two literals are decided when translated; a TIMESTAMP literal's precision is its fraction's.
    ("SELECT DATE '2024-01-01' = 'x'", "line 1:26: Cannot apply operator: date = varchar(1)"),
    (
        "SELECT TIMESTAMP '2024-01-01 00:00:00' = 1",
        "line 1:40: Cannot apply operator: timestamp(0) = integer",
    ),
    ("SELECT coalesce(1, 'a')", "line 1:20: All COALESCE operands must be the same type: integer"),
    (
        "SELECT case when true then 1 else 'a' end",
        "line 1:35: All CASE results must be the same type: integer",
    ),
    ("SELECT if(1, 'a', 'b')", "line 1:11: IF condition must evaluate to a boolean (actual: integer)"),
    (
        f"SELECT if(i, 'a', 'b') FROM {T}",
        "line 1:11: IF condition must evaluate to a boolean (actual: integer)",
    ),
    (
        f"SELECT case when i then 1 end FROM {T}",
        "line 1:18: CASE WHEN clause must evaluate to a boolean (actual: integer)",
    ),
    (
        "SELECT not 1",
        "line 1:12: Value of logical NOT expression must evaluate to a boolean (actual: integer)",
    ),
    ("SELECT DATE '2024-01-01' + 1", "line 1:26: Cannot apply operator: date + integer"),
    (f"SELECT DATE '2024-01-01' + i FROM {T}", "line 1:26: Cannot apply operator: date + integer"),
    (f"SELECT dt - i FROM {T}", "line 1:11: Cannot apply operator: date - integer"),
    # Column types unify when DuckDB binds, before tdlocal's check: Trino's text, no position.
    (f"SELECT coalesce(i, s) FROM {T}", "All COALESCE operands must be the same type: integer"),
]


@pytest.mark.parametrize(("sql", "message"), REFUSED)
def test_coercion_trino_refuses_is_a_type_mismatch(td_connect, sql, message):
    with pytest.raises(TrinoUserError) as caught:
        td_connect().cursor().execute(sql).fetchall()
    assert caught.value.error_name == "TYPE_MISMATCH"
    assert caught.value.message == message


def test_coercions_trino_makes_still_run(td_connect):
    # Numbers among themselves, varchar with varchar, date with timestamp, NULL with anything,
    # date +/- interval and date - date (Trino docs: Date and time operators).
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT i = d, i < 2.5, s = 'a', dt < TIMESTAMP '2024-01-02 00:00:00', coalesce(i, 2, NULL), "
        "coalesce(NULL, s), CASE WHEN i = 1 THEN 1.5 ELSE 2 END, if(i = 1, s, NULL), NOT (i = 2), "
        "dt + INTERVAL '1' DAY, i + d "
        f"FROM {T}"
    )
    assert cursor.fetchall() == [
        [False, True, True, True, 1, "a", Decimal("1.5"), "a", True, date(2024, 1, 2), 2.5]
    ]


def test_lenient_mode_keeps_duckdbs_coercions(lenient_connect):
    cursor = lenient_connect().cursor()
    cursor.execute("SELECT 1 = '1', coalesce(1, 2)")
    assert cursor.fetchall() == [[True, 1]]


VALID = [
    # GROUP BY an expression the select list repeats (Trino docs, SELECT: GROUP BY takes
    # expressions); each holds a check of its operands' types.
    (
        f"SELECT CASE WHEN i >= 1 THEN 'big' ELSE 'small' END, count(*) FROM {T} "
        "GROUP BY CASE WHEN i >= 1 THEN 'big' ELSE 'small' END",
        [["big", 1]],
    ),
    (f"SELECT coalesce(s, 'none'), count(*) FROM {T} GROUP BY coalesce(s, 'none')", [["a", 1]]),
    (f"SELECT i = 1, count(*) FROM {T} GROUP BY i = 1", [[True, 1]]),
    (f"SELECT i + 1, count(*) FROM {T} GROUP BY i + 1 HAVING i + 1 > 0", [[2, 1]]),
    # The simple CASE compares a value with each WHEN (Trino docs, Conditional expressions: CASE).
    (f"SELECT CASE s WHEN 'a' THEN 1 ELSE 0 END, CASE i WHEN 1 THEN 'one' END FROM {T}", [[1, "one"]]),
    # Window specs take any deterministic expression (Trino docs, Window functions).
    (
        f"SELECT row_number() OVER (PARTITION BY coalesce(s, '-') ORDER BY CASE WHEN i = 1 THEN 0 END) FROM {T}",
        [[1]],
    ),
    # TRY turns a failed cast or a division by zero into NULL (Trino docs, Conditional
    # expressions: TRY, whose example is TRY(CAST(origin_zip AS BIGINT))).
    (
        f"SELECT try(CAST(s AS bigint)), try(CAST('x' AS integer)), try(i / (i - 1)) FROM {T}",
        [[None, None, None]],
    ),
]


@pytest.mark.parametrize(("sql", "rows"), VALID)
def test_valid_trino_around_checked_expressions_runs(td_connect, sql, rows):
    assert td_connect().cursor().execute(sql).fetchall() == rows
