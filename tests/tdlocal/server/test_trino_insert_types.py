"""An INSERT ... SELECT accepts what Trino 423 accepts, writes the values Trino writes, and refuses
what Trino refuses, through the `trino` client against a strict server.

Expected behaviour (Trino 423 source): StatementAnalyzer.typesMatchForInsert accepts a query column
when TypeCoercion.isCompatible(query, table): the types have a common supertype (numbers among
themselves, date and timestamps among themselves, varchar and char). LogicalPlanner then casts the
value to the table's type: a double into an integer column rounds HALF_UP
(DoubleOperators.castToLong: DoubleMath.roundToLong(value, HALF_UP); castToInteger:
MathFunctions.round, half away from zero), a double into a decimal is BigDecimal.valueOf(double)
set to the scale HALF_UP (DecimalConversions.internalDoubleToLongDecimal), a decimal into an
integer rounds HALF_UP, a timestamp into a date is its date, a timestamp with time zone into a date
or timestamp its wall clock in its zone. Trino's own testInsertWithCoercion
(AbstractDistributedEngineOnlyQueries) inserts 1e0..4e0 into tinyint, integer, decimal(5,3) and
real columns and TIMESTAMP '2019-11-18 22:13:40' into a date column. Without a common supertype
the statement fails with TYPE_MISMATCH "Insert query has mismatched column types: Table: [...],
Query: [...]" (the text Trino's connector tests assert). DuckDB's insert cast rounds a double half
to even (2.5e0 into bigint was 2) and reads a double's binary value into a decimal (1.005e0 into
decimal(5,2) was 1.00; Trino 1.01).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest

from tests.tdlocal.server.conftest import trino_failure


@pytest.fixture(scope="module")
def typed_table(td_connect):
    cursor = td_connect().cursor()
    cursor.execute(
        "CREATE TABLE raw.insert_types (k integer, a bigint, b varchar, c double, d decimal(5,2), e date, "
        "f boolean, g integer, h real, i tinyint, ts timestamp)"
    )
    cursor.fetchall()
    yield "raw.insert_types"
    cursor.execute("DROP TABLE raw.insert_types")
    cursor.fetchall()


@pytest.mark.parametrize(
    ("columns", "query", "types"),
    [
        ("b", "SELECT 12", "Table: [varchar], Query: [integer]"),
        ("b", "SELECT 1.5e0", "Table: [varchar], Query: [double]"),
        ("c", "SELECT '1.5'", "Table: [double], Query: [varchar]"),
        ("e", "SELECT CAST('2024-01-05' AS varchar)", "Table: [date], Query: [varchar]"),
        ("f", "SELECT CAST('true' AS varchar)", "Table: [boolean], Query: [varchar]"),
        ("f", "SELECT 1", "Table: [boolean], Query: [integer]"),
        ("a", "SELECT true", "Table: [bigint], Query: [boolean]"),
        ("e", "SELECT 20240105", "Table: [date], Query: [integer]"),
    ],
)
def test_insert_of_types_without_a_common_supertype_is_refused(
    td_connect, typed_table, columns, query, types
) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"INSERT INTO {typed_table} ({columns}) {query}")
    assert raised.error_name == "TYPE_MISMATCH"
    assert raised.message == f"Insert query has mismatched column types: {types}"


@pytest.mark.parametrize(
    ("columns", "query", "expected"),
    [
        # DoubleOperators.castToLong: HALF_UP; castToInteger / castToTinyint: MathFunctions.round
        # (half away from zero).
        ("a, g, i", "SELECT 2.5e0, -2.5e0, 1e0", [3, -3, 1]),
        ("a, g", "SELECT sum(x), REAL '3.5' FROM (VALUES 1.25e0, 1.25e0) v(x)", [3, 4]),
        # DecimalCasts: decimal to integer HALF_UP.
        ("a, g", "SELECT 2.5, -2.5", [3, -3]),
        # DecimalConversions: BigDecimal.valueOf(1.005e0) is 1.005, HALF_UP to scale 2 -> 1.01.
        ("d, h", "SELECT 1.005e0, 1.5e0", [Decimal("1.01"), 1.5]),
        ("d", "SELECT 1.125", [Decimal("1.13")]),
        # realToShortDecimal: new BigDecimal(String.valueOf(1.005f)) is 1.005 -> 1.01.
        ("d", "SELECT REAL '1.005'", [Decimal("1.01")]),
        # testInsertWithCoercion: a timestamp into a date column is its date.
        (
            "e, ts",
            "SELECT TIMESTAMP '2024-01-05 10:00:00', DATE '2024-01-06'",
            [date(2024, 1, 5), datetime(2024, 1, 6)],
        ),
        # A zoned value's date and wall clock are in its own zone (23:59:59 UTC is the next day
        # in Tokyo).
        (
            "e, ts",
            "SELECT from_unixtime(86399, 'Asia/Tokyo'), from_unixtime(0, 'Asia/Tokyo')",
            [date(1970, 1, 2), datetime(1970, 1, 1, 9, 0)],
        ),
        ("e", "SELECT from_unixtime(0, 'UTC')", [date(1970, 1, 1)]),
    ],
)
def test_insert_of_compatible_types_writes_trinos_cast(
    td_connect, typed_table, columns, query, expected
) -> None:
    cursor = td_connect().cursor()
    key = abs(hash((columns, query))) % 1_000_000
    cursor.execute(f"INSERT INTO {typed_table} (k, {columns}) SELECT {key}, * FROM ({query})")
    assert cursor.fetchall() == [[1]]
    cursor.execute(f"SELECT {columns} FROM {typed_table} WHERE k = {key}")
    assert [list(row) for row in cursor.fetchall()] == [expected]


def test_insert_of_coercible_types_runs(td_connect, typed_table) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"INSERT INTO {typed_table} (a, c, d, b) SELECT 5, 1, 1.5, 'x'")
    assert cursor.fetchall() == [[1]]
    cursor.execute(f"SELECT a, b, c, d FROM {typed_table} WHERE a = 5")
    assert [list(row) for row in cursor.fetchall()] == [[5, "x", 1.0, pytest.approx(1.5)]]
