"""Decimal arithmetic, averages and IEEE doubles answer as Trino 423 does, through the `trino` client.

Expected values: Trino's TestDecimalOperators.testDivide (a decimal quotient has scale
max(s1, s2) and is rounded HALF_UP; DECIMAL '9' / DECIMAL '5' is 2, DECIMAL '100.00' / DECIMAL
'0.3' is 333.33; a zero divisor is DIVISION_BY_ZERO); Trino's DecimalAverageAggregation and
TestShortDecimalAverageAggregation (avg of a decimal(p, s) is a decimal(p, s), the sum divided by
the count at scale s, HALF_UP); Trino docs, Aggregate functions (sum of a decimal(p, s) is a
decimal(38, s)); TestDoubleOperators (NaN equals nothing and orders against nothing: nan() =
nan() is false, nan() <> nan() is true); Trino docs, Mathematical operators (integer overflow is
an error). Casts of doubles to integers and doubles divided by zero are in
test_trino_arrays_numbers.py.
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from trino.exceptions import TrinoUserError


def _select(connect, expressions: str) -> tuple[list, list[str]]:
    cursor = connect().cursor()
    cursor.execute(f"SELECT {expressions}")
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return rows[0], [column[1] for column in cursor.description]


# (expression, Trino's value, Trino's type). Values: TestDecimalOperators.testDivide. Types: Trino's
# DecimalOperators signature for DIVIDE, decimal(min(38, p1 + s2 + max(s2 - s1, 0)), max(s1, s2)),
# with DECIMAL '0.30' a decimal(2,2) (its digits) and an integer a decimal(10,0) (TypeCoercion).
@pytest.mark.parametrize(
    ("expression", "text", "trino_type"),
    [
        ("DECIMAL '1.0' / DECIMAL '3'", "0.3", "decimal(2,1)"),
        ("DECIMAL '9' / DECIMAL '5'", "2", "decimal(1,0)"),
        ("DECIMAL '7' / DECIMAL '5'", "1", "decimal(1,0)"),
        ("DECIMAL '-9' / DECIMAL '5'", "-2", "decimal(1,0)"),
        ("DECIMAL '9' / DECIMAL '-5'", "-2", "decimal(1,0)"),
        ("DECIMAL '1.0' / DECIMAL '0.1'", "10.0", "decimal(3,1)"),
        ("DECIMAL '100.00' / DECIMAL '0.3'", "333.33", "decimal(6,2)"),
        ("DECIMAL '200.00000' / DECIMAL '-0.3'", "-666.66667", "decimal(9,5)"),
        ("DECIMAL '10' / DECIMAL '.000000001'", "10000000000.000000000", "decimal(20,9)"),
        ("DECIMAL '-.20' / DECIMAL '0.30'", "-0.67", "decimal(4,2)"),
        (
            "DECIMAL '200000000000000000000000000000000000' / DECIMAL '0.30'",
            "666666666666666666666666666666666666.67",
            "decimal(38,2)",
        ),
        # The reading of Trino: an integer is a decimal(10,0) beside a decimal.
        ("1 / 3.0", "0.3", "decimal(12,1)"),
        ("1 * 1.0 / 3", "0.3", "decimal(12,1)"),
        # Each step HALF_UP at its own type: 66.67 decimal(6,2), 44.45 decimal(7,2), then:
        ("DECIMAL '100.00' / DECIMAL '1.5' / DECIMAL '1.5' / DECIMAL '1.5'", "29.63", "decimal(8,2)"),
    ],
)
def test_decimal_division_has_trinos_scale_precision_and_rounding(
    td_connect, expression, text, trino_type
) -> None:
    (value, type_name), (kind, _) = _select(td_connect, f"{expression}, typeof({expression})")
    assert isinstance(value, Decimal)
    assert str(value) == text
    assert (kind, type_name) == (trino_type, trino_type)


# Trino's DecimalOperators signature for MODULUS: decimal(min(p1 - s1, p2 - s2) + max(s1, s2),
# max(s1, s2)); the remainder has the dividend's sign (TestDecimalOperators.testModulus). ADD,
# SUBTRACT: decimal(min(38, max(p1 - s1, p2 - s2) + max(s1, s2) + 1), max(s1, s2)); MULTIPLY:
# decimal(min(38, p1 + p2), s1 + s2); sum(decimal(p, s)) is decimal(38, s) (docs: Aggregate
# functions). DuckDB already types +, -, * and sum this way; these pin it.
@pytest.mark.parametrize(
    ("expression", "text", "trino_type"),
    [
        ("DECIMAL '-10.5' % DECIMAL '3'", "-1.5", "decimal(2,1)"),
        ("DECIMAL '10.00' % DECIMAL '3.5'", "3.00", "decimal(3,2)"),
        ("DECIMAL '1.5' % 2", "1.5", "decimal(2,1)"),
        ("DECIMAL '100.00' % DECIMAL '0.3'", "0.10", "decimal(2,2)"),
        ("DECIMAL '1.00' + DECIMAL '3'", "4.00", "decimal(4,2)"),
        ("DECIMAL '1.00' - DECIMAL '99.5'", "-98.50", "decimal(5,2)"),
        ("DECIMAL '1.00' * DECIMAL '3.5'", "3.500", "decimal(5,3)"),
        ("1 + DECIMAL '1.5'", "2.5", "decimal(12,1)"),
        ("BIGINT '2' * DECIMAL '1.5'", "3.0", "decimal(21,1)"),
    ],
)
def test_decimal_arithmetic_has_trinos_result_types(td_connect, expression, text, trino_type) -> None:
    (value, type_name), (kind, _) = _select(td_connect, f"{expression}, typeof({expression})")
    assert (str(value), kind, type_name) == (text, trino_type, trino_type)


def test_decimal_quotients_and_remainders_of_columns_keep_trinos_types_in_ctas(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("CREATE SCHEMA IF NOT EXISTS decimal_types")
    cursor.fetchall()
    cursor.execute(
        "CREATE TABLE decimal_types.quotients AS SELECT x / y AS q, x % y AS r, sum(x) / count(*) AS a "
        "FROM (VALUES (DECIMAL '100.00', DECIMAL '0.3')) t(x, y) GROUP BY x, y"
    )
    cursor.fetchall()
    cursor.execute("SELECT q, r, a, typeof(q), typeof(r), typeof(a) FROM decimal_types.quotients")
    row = cursor.fetchall()[0]
    # (5,2) / (1,1) is decimal(6,2); (5,2) % (1,1) is decimal(2,2); sum's decimal(38,2) over
    # count(*)'s bigint (a decimal(19,0)) is decimal(38,2).
    assert [str(value) for value in row[:3]] == ["333.33", "0.10", "100.00"]
    assert row[3:] == ["decimal(6,2)", "decimal(2,2)", "decimal(38,2)"]
    assert [column[1] for column in cursor.description[:3]] == [
        "decimal(6,2)",
        "decimal(2,2)",
        "decimal(38,2)",
    ]


# Trino's DecimalToDecimalCasts / DecimalCasts: a value that does not fit the target decimal is
# INVALID_CAST_ARGUMENT "Cannot cast DECIMAL(5, 2) '123.45' to DECIMAL(3, 1)" (tdlocal cannot name
# the source precision), "Cannot cast INTEGER '12345' to DECIMAL(3, 1)", "Cannot cast VARCHAR
# '12345' to DECIMAL(3, 1). Value too large."; a value that fits is rounded HALF_UP.
@pytest.mark.parametrize(
    ("expression", "start", "end"),
    [
        (
            "CAST(x AS DECIMAL(3,1)) FROM (VALUES DECIMAL '123.45') t(x)",
            "Cannot cast DECIMAL",
            "'123.45' to DECIMAL(3, 1)",
        ),
        ("CAST(x AS DECIMAL(3,1)) FROM (VALUES 12345) t(x)", "Cannot cast", "'12345' to DECIMAL(3, 1)"),
        (
            "CAST(x AS DECIMAL(3,1)) FROM (VALUES '12345') t(x)",
            "Cannot cast VARCHAR '12345' to DECIMAL(3, 1)",
            "",
        ),
    ],
)
def test_decimal_cast_out_of_range_is_trinos_error(td_connect, expression, start, end) -> None:
    with pytest.raises(TrinoUserError) as raised:
        _select(td_connect, expression)
    assert raised.value.error_name == "INVALID_CAST_ARGUMENT"
    assert raised.value.message.startswith(start) and raised.value.message.endswith(end), raised.value.message


def test_decimal_cast_rounds_half_up(td_connect) -> None:
    row, types = _select(
        td_connect, "CAST(DECIMAL '12.35' AS DECIMAL(3,1)), CAST(DECIMAL '-12.35' AS DECIMAL(4,1))"
    )
    assert ([str(value) for value in row], types) == (["12.4", "-12.4"], ["decimal(3,1)", "decimal(4,1)"])


def test_decimal_division_of_a_column(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("SELECT x / 4.0 FROM (VALUES 1, 2, 3) t(x) ORDER BY x")
    # 0.25 -> 0.3, 0.5, 0.75 -> 0.8: HALF_UP at scale 1.
    assert [str(value) for (value,) in cursor.fetchall()] == ["0.3", "0.5", "0.8"]


@pytest.mark.parametrize(
    ("expression", "error_name"),
    [
        ("DECIMAL '1' / DECIMAL '0'", "DIVISION_BY_ZERO"),
        ("DECIMAL '12345678901234567890123456789012345678' / DECIMAL '.1'", "NUMERIC_VALUE_OUT_OF_RANGE"),
    ],
)
def test_decimal_division_errors(td_connect, expression, error_name) -> None:
    with pytest.raises(TrinoUserError) as raised:
        _select(td_connect, expression)
    assert raised.value.error_name == error_name


def test_sum_and_avg_of_decimals_stay_decimal(td_connect) -> None:
    row, types = _select(
        td_connect,
        "sum(x), avg(x), avg(DISTINCT x) FROM (VALUES DECIMAL '1.10', DECIMAL '2.25', DECIMAL '3.00', "
        "DECIMAL '3.00') t(x)",
    )
    # sum 9.35; avg 9.35 / 4 = 2.3375 -> 2.34; distinct avg 6.35 / 3 = 2.11666... -> 2.12.
    assert [str(value) for value in row] == ["9.35", "2.34", "2.12"]
    assert types == ["decimal(38,2)", "decimal(3,2)", "decimal(3,2)"]
    row, types = _select(td_connect, "avg(x) FROM (VALUES DECIMAL '1', DECIMAL '2') t(x)")
    assert (str(row[0]), types) == ("2", ["decimal(1,0)"])  # 1.5 rounds HALF_UP to 2


def test_avg_of_integers_and_doubles_is_a_double(td_connect) -> None:
    row, types = _select(td_connect, "avg(x), avg(y) FROM (VALUES (1, 1.5E0), (2, 2.5E0)) t(x, y)")
    assert (row, types) == ([1.5, 2.0], ["double", "double"])


def test_avg_of_a_decimal_over_a_window_is_refused_not_a_double(td_connect) -> None:
    with pytest.raises(TrinoUserError) as raised:
        _select(td_connect, "avg(x) OVER () FROM (VALUES DECIMAL '1.10') t(x)")
    assert raised.value.error_name == "NOT_SUPPORTED"
    assert "avg()" in raised.value.message


def test_nan_equals_nothing_and_orders_against_nothing(td_connect) -> None:
    row, _ = _select(
        td_connect,
        "nan() = nan(), nan() <> nan(), nan() < 1e0, nan() > 1e0, nan() >= nan(), 1e0 < nan()",
    )
    assert row == [False, True, False, False, False, False]
    cursor = td_connect().cursor()
    cursor.execute("SELECT count(*) FROM (VALUES 1e0, nan(), 3e0) t(x) WHERE x > 2e0")
    assert cursor.fetchall() == [[1]]


# NaN held in columns. Trino's DoubleOperators (TestDoubleOperators): equal, notEqual, lessThan,
# ... follow IEEE 754 (NaN equals nothing, itself included; it is neither less nor greater than
# anything; NaN <> x is true); NULL on either side gives NULL. A join's equality, IN (a chain of
# equalities), BETWEEN (low <= x AND x <= high) and CASE conditions use those same operators.
# DuckDB holds NaN equal to itself and above every number.
NAN_PAIRS = (
    "(VALUES (1, nan(), nan()), (2, nan(), 1e0), (3, 1e0, nan()), (4, 1e0, 1e0), (5, nan(), NULL)) t(k, a, b)"
)


def test_nan_in_columns_compares_as_trino(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT a = b, a <> b, a < b, a <= b, a > b, a >= b FROM {NAN_PAIRS} ORDER BY k")
    assert cursor.fetchall() == [
        [False, True, False, False, False, False],  # NaN, NaN
        [False, True, False, False, False, False],  # NaN, 1
        [False, True, False, False, False, False],  # 1, NaN
        [True, False, False, True, False, True],  # 1, 1
        [None, None, None, None, None, None],  # NaN, NULL
    ]


def test_nan_in_columns_in_where_join_in_between_and_case(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT k FROM {NAN_PAIRS} WHERE a = b OR a < b OR a > b ORDER BY k")
    assert cursor.fetchall() == [[4]]
    cursor.execute(
        "SELECT count(*) FROM (VALUES nan(), 1e0, 2e0) l(x) JOIN (VALUES nan(), 1e0, 3e0) r(y) ON l.x = r.y"
    )
    assert cursor.fetchall() == [[1]]  # only 1 = 1: NaN joins nothing
    cursor.execute(
        f"SELECT a IN (b, 5e0), a IN (5e0, NULL), a NOT IN (b), a BETWEEN 0e0 AND b, "
        f"CASE WHEN a < b THEN 'less' WHEN a >= b THEN 'not less' ELSE 'neither' END FROM {NAN_PAIRS} ORDER BY k"
    )
    assert cursor.fetchall() == [
        [False, None, True, False, "neither"],  # NaN, NaN
        [False, None, True, False, "neither"],  # NaN, 1
        [False, None, True, False, "neither"],  # 1, NaN: 1 <= NaN is false
        [True, None, False, True, "not less"],  # 1, 1
        [None, None, None, False, "neither"],  # NaN, NULL: 0 <= NaN is false, so BETWEEN is false
    ]


# Trino's MinMaxCompare (max compares with NaN first, min with NaN last), TestMathFunctions:
# greatest(nan(), 5, 4, 3) is 5.0 and greatest(nan()) is NaN; max and min skip NaN unless every
# value is NaN. DuckDB's greatest and max return NaN when one is present.
def test_greatest_and_max_skip_nan_unless_all_are_nan(td_connect) -> None:
    row, _ = _select(
        td_connect,
        "greatest(nan(), 5e0, 4e0, 3e0), greatest(a, b), least(a, b), greatest(a) "
        "FROM (VALUES (nan(), 1e0)) t(a, b)",
    )
    assert row[:3] == [5.0, 1.0, 1.0] and math.isnan(row[3])
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT k, max(x), min(x), max(DISTINCT x) FROM (VALUES (1, nan()), (1, 2e0), (2, nan())) t(k, x) "
        "GROUP BY k ORDER BY k"
    )
    first, second = cursor.fetchall()
    assert first == [1, 2.0, 2.0, 2.0]
    assert second[0] == 2 and all(math.isnan(value) for value in second[1:])
    cursor.execute(
        "SELECT k, max(x) OVER (PARTITION BY k), max(x) FILTER (WHERE k = 1) OVER (), "
        "max(x) FILTER (WHERE k = 1) FROM (VALUES (1, nan()), (1, 2e0), (2, nan())) t(k, x) GROUP BY k, x "
        "ORDER BY k, x"
    )
    rows = cursor.fetchall()
    assert [row[:3] for row in rows[:2]] == [[1, 2.0, 2.0], [1, 2.0, 2.0]]
    assert rows[2][0] == 2 and math.isnan(rows[2][1]) and rows[2][2] == 2.0


def test_text_nan_is_still_text(td_connect) -> None:
    # The NaN tests apply to doubles only: the varchar 'NaN' equals itself.
    row, _ = _select(td_connect, "s = t, s < 'z' FROM (VALUES ('NaN', 'NaN')) v(s, t)")
    assert row == [True, True]


@pytest.mark.parametrize("expression", ["2147483647 + 1", "9223372036854775807 + 1", "-2147483648 - 1"])
def test_integer_overflow_is_an_error(td_connect, expression) -> None:
    with pytest.raises(TrinoUserError) as raised:
        _select(td_connect, expression)
    assert raised.value.error_name == "NUMERIC_VALUE_OUT_OF_RANGE"


# --- intervals -----------------------------------------------------------------------------------
# Trino docs, Date and time functions and operators: interval year to month and interval day to
# second are separate types; the Trino reading: interval '3' year + interval '5' month is
# `3-5`, and to_milliseconds(date '2023-09-10' - date '2023-09-01') is 777600000 (date - date is an
# interval day to second). The trino client reads `3-5` as relativedelta(years=3, months=5).


def test_year_to_month_intervals_stay_year_to_month(td_connect) -> None:
    from dateutil.relativedelta import relativedelta

    row, types = _select(
        td_connect,
        "interval '3' year + interval '5' month, -interval '14' month, "
        "CAST(interval '3' year + interval '5' month AS varchar), typeof(interval '3' year), "
        "date '2020-01-31' + interval '1' month",
    )
    assert types[:2] == ["interval year to month", "interval year to month"]
    assert row[:2] == [relativedelta(years=3, months=5), relativedelta(years=-1, months=-2)]
    assert row[2:4] == ["3-5", "interval year to month"]
    assert str(row[4]) == "2020-02-29"


def test_date_minus_date_is_an_interval_day_to_second(td_connect) -> None:
    row, types = _select(
        td_connect,
        "to_milliseconds(date '2023-09-10' - date '2023-09-01'), date '2023-09-10' - date '2023-09-01', "
        "to_milliseconds(interval '1' day + interval '2' second)",
    )
    assert types == ["bigint", "interval day to second", "bigint"]
    assert row[0] == 777600000 and row[2] == 86402000
    assert row[1].days == 9 and row[1].seconds == 0


# Trino keeps interval year to month through a CTE, a derived table and a UNION (it is a type of
# its own: docs, Date and time functions and operators); the Trino reading: interval '3'
# year + interval '5' month is `3-5`, typeof `interval year to month`. The trino client reads
# `3-5` as relativedelta(years=3, months=5).
@pytest.mark.parametrize(
    "query",
    [
        "WITH c AS (SELECT interval '3' year + interval '5' month AS i) SELECT i, typeof(i), CAST(i AS varchar) FROM c",
        "SELECT t.i, typeof(t.i), CAST(t.i AS varchar) FROM (SELECT interval '3' year + interval '5' month AS i) t",
        "WITH c AS (SELECT interval '41' month AS m), d AS (SELECT m AS i FROM c) "
        "SELECT i, typeof(i), CAST(i AS varchar) FROM d",
    ],
)
def test_year_to_month_intervals_stay_year_to_month_through_ctes_and_subqueries(td_connect, query) -> None:
    from dateutil.relativedelta import relativedelta

    cursor = td_connect().cursor()
    cursor.execute(query)
    assert cursor.fetchall() == [[relativedelta(years=3, months=5), "interval year to month", "3-5"]]
    assert cursor.description[0][1] == "interval year to month"


@pytest.mark.parametrize(
    "query",
    [
        "SELECT interval '3' year AS i UNION ALL SELECT interval '5' month ORDER BY 1",
        "WITH u AS (SELECT interval '3' year AS i UNION ALL SELECT interval '5' month) SELECT i FROM u ORDER BY 1",
        "SELECT i FROM (SELECT interval '5' month AS i UNION ALL SELECT interval '3' year) t ORDER BY 1",
    ],
)
def test_year_to_month_intervals_stay_year_to_month_through_unions(td_connect, query) -> None:
    from dateutil.relativedelta import relativedelta

    cursor = td_connect().cursor()
    cursor.execute(query)
    assert cursor.fetchall() == [[relativedelta(months=5)], [relativedelta(years=3)]]
    assert cursor.description[0][1] == "interval year to month"


def test_date_plus_a_year_to_month_column_is_a_date(td_connect) -> None:
    # Trino docs: date '2012-08-08' + interval '2' month is a date; so through a CTE column.
    row, types = _select(td_connect, "d + i FROM (SELECT date '2020-01-31' AS d, interval '1' month AS i) t")
    assert (str(row[0]), types) == ("2020-02-29", ["date"])


# TD's tables are Hive-like: Trino's Hive connector refuses an interval column type with
# NOT_SUPPORTED "Unsupported Hive type: interval year to month" (HiveTypeTranslator). tdlocal
# refuses it too, rather than store a year-month interval as a day-second one.
@pytest.mark.parametrize(
    ("statement", "type_name"),
    [
        (
            "CREATE TABLE {t} AS SELECT 1 AS k, interval '3' year + interval '5' month AS i",
            "interval year to month",
        ),
        (
            "CREATE TABLE {t} AS WITH c AS (SELECT interval '3' year AS i) SELECT i FROM c",
            "interval year to month",
        ),
        ("CREATE TABLE {t} AS SELECT date '2020-01-02' - date '2020-01-01' AS i", "interval day to second"),
        ("CREATE TABLE {t} (k bigint, i interval year to month)", "interval year to month"),
        ("CREATE TABLE {t} (i interval day to second)", "interval day to second"),
    ],
)
def test_a_table_cannot_hold_an_interval_column(td_connect, statement, type_name) -> None:
    cursor = td_connect().cursor()
    cursor.execute("CREATE SCHEMA IF NOT EXISTS interval_tables")
    cursor.fetchall()
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute(statement.format(t="interval_tables.refused"))
        cursor.fetchall()
    assert raised.value.error_name == "NOT_SUPPORTED"
    assert raised.value.message.startswith(f"Unsupported Hive type: {type_name} (column i)")
    cursor.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'interval_tables'")
    assert cursor.fetchall() == [[0]]  # nothing left behind
