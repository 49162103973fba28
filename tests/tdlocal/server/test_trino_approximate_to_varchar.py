"""CAST of a double or real to varchar, and array_join of such values, print Trino 423's
scientific notation, through the `trino` client against a strict server.

Expected values: Trino's DoubleOperators.castToVarchar formats with DecimalFormat
"0.0###################E0" (zeros as 0E0 / -0E0) and RealOperators with "0.0#####E0" (at most seven
significant digits); the notation follows the SQL standard since trinodb/trino#10657 ("Follow the
SQL standard in cast from double or real to varchar", merged January 2022, before Trino 423).
Values from TestDoubleOperators.testCastToVarchar (37.7E0 -> 3.77E1, 12e2 -> 1.2E3, 12345678.9e0 ->
1.23456789E7) and TestRealOperators (REAL '754.1985' -> 7.541985E2, REAL '12345678.9e0' ->
1.234568E7). Trino's ArrayJoin casts each element with that same cast, and has no cast from an
array to varchar (TYPE_MISMATCH). tdlocal used to print Java's Double.toString ('1.5', '100.0').
"""

from __future__ import annotations

import pytest

from tests.tdlocal.server.conftest import trino_failure


def test_doubles_and_reals_cast_to_varchar_in_scientific_notation(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT CAST(37.7E0 AS varchar), CAST(12e2 AS varchar), CAST(12345678.9e0 AS varchar), "
        "CAST(1.5e0 AS varchar), CAST(0e0 AS varchar), CAST(-0e0 AS varchar), CAST(nan() AS varchar), "
        "CAST(REAL '754.1985' AS varchar), CAST(REAL '12345678.9e0' AS varchar), CAST(CAST(0.1 AS real) AS varchar)"
    )
    assert cursor.fetchall() == [
        [
            "3.77E1",
            "1.2E3",
            "1.23456789E7",
            "1.5E0",
            "0E0",
            "-0E0",
            "NaN",
            "7.541985E2",
            "1.234568E7",
            "1.0E-1",
        ]
    ]


def test_a_double_column_and_array_join_use_the_same_text(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT CAST(x AS varchar), array_join(ARRAY[x, 100e0], ','), array_join(ARRAY[1, NULL], '-', 'N') "
        "FROM (VALUES 2.5e0) t(x)"
    )
    assert cursor.fetchall() == [["2.5E0", "2.5E0,1.0E2", "1-N"]]


def test_an_array_does_not_cast_to_varchar(td_connect) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, "SELECT CAST(ARRAY[1, 2] AS varchar)")
    assert raised.error_name == "TYPE_MISMATCH"
    assert raised.message == "Cannot cast array(integer) to varchar"


def test_cast_to_bounded_varchar_truncates_text_and_refuses_longer_values(td_connect) -> None:
    # A varchar keeps its first n code points (VarcharToVarcharCast truncates); any other value
    # whose text is longer fails (Trino's TestExpressionInterpreter: "Value 12.4 cannot be
    # represented as varchar(3)", "Value 2013-02-02 cannot be represented as varchar(9)").
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT CAST('abc' AS varchar(2)), CAST(x AS varchar(2)), CAST(DATE '2013-02-02' AS varchar(10)), "
        "CAST(12e2 AS varchar(5)) FROM (VALUES '日本語') t(x)"
    )
    assert cursor.fetchall() == [["ab", "日本", "2013-02-02", "1.2E3"]]
    for expression, text in [("DECIMAL '12.4'", "12.4"), ("DATE '2013-02-02'", "2013-02-02"), ("12", "12")]:
        length = len(text) - 1
        raised = trino_failure(cursor, f"SELECT CAST({expression} AS varchar({length}))")
        assert raised.error_name == "INVALID_CAST_ARGUMENT"
        assert raised.message == f"Value {text} cannot be represented as varchar({length})"


def test_try_cast_to_bounded_varchar_is_null_where_cast_fails(td_connect) -> None:
    # Trino docs, Conversion functions: try_cast is like cast but returns NULL if the cast fails.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT try_cast(12 AS varchar(1)), try(CAST(12 AS varchar(1))), try_cast(12 AS varchar(2))"
    )
    assert cursor.fetchall() == [[None, None, "12"]]


def test_cast_of_timestamps_and_booleans_to_bounded_varchar_keeps_the_whole_text(td_connect) -> None:
    # Trino 423's TimestampToVarcharCast.cast, TimestampWithTimeZoneToVarcharCast and
    # BooleanOperators.castToVarchar return the text without comparing it with n (only the
    # integer, decimal, double, real and date casts check the length).
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT CAST(TIMESTAMP '2024-01-05 10:00:00' AS varchar(10)), CAST(true AS varchar(1)), "
        "try_cast(false AS varchar(1)), CAST(from_unixtime(0, 'UTC') AS varchar(4))"
    )
    assert cursor.fetchall() == [["2024-01-05 10:00:00", "true", "false", "1970-01-01 00:00:00.000 UTC"]]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        # DoubleOperators.castToVarchar (line 210): "Value %s (%s)" of Java's Double.toString and
        # Trino's text; RealOperators the same with Float.toString.
        ("1200e0", "Value 1200.0 (1.2E3) cannot be represented as varchar(2)"),
        ("1.2e7", "Value 1.2E7 (1.2E7) cannot be represented as varchar(2)"),
        ("REAL '1.1'", "Value 1.1 (1.1E0) cannot be represented as varchar(2)"),
    ],
)
def test_cast_of_doubles_to_short_varchar_names_java_text(td_connect, expression, message) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"SELECT CAST({expression} AS varchar(2))")
    assert raised.error_name == "INVALID_CAST_ARGUMENT"
    assert raised.message == message


def test_a_row_does_not_cast_to_varchar(td_connect) -> None:
    # Trino 423 has no cast from row to varchar: TYPE_MISMATCH "Cannot cast row(integer,
    # varchar(1)) to varchar" (tdlocal types the text column varchar; DuckDB printed '(1, a)').
    cursor = td_connect().cursor()
    raised = trino_failure(
        cursor, "SELECT CAST(r AS varchar) FROM (SELECT row(1, CAST('a' AS varchar)) AS r)"
    )
    assert raised.error_name == "TYPE_MISMATCH"
    assert raised.message == "Cannot cast row(integer, varchar) to varchar"
