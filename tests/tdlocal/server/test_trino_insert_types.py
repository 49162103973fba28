"""An INSERT ... SELECT whose query types Trino would not coerce to the table's is refused as
Trino refuses it, through the `trino` client against a strict server.

Expected behaviour: Trino's StatementAnalyzer.visitInsert fails with TYPE_MISMATCH "Insert query
has mismatched column types: Table: [...], Query: [...]" unless every query column coerces
implicitly to its table column (TypeCoercion: integers to wider numbers and decimals, decimals to
decimals and doubles, date to timestamp; never a double or decimal to an integer, a number to
varchar, text to a number or a date, a timestamp to a date). The message is the one Trino's
connector tests assert ("Insert query has mismatched column types: Table: [integer, integer],
Query: [integer, integer, integer]"). DuckDB cast instead: 2.5e0 into a bigint became 2.
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError


@pytest.fixture(scope="module")
def typed_table(td_connect):
    cursor = td_connect().cursor()
    cursor.execute("CREATE TABLE raw.insert_types (a bigint, b varchar, c double, d decimal(5,2), e date)")
    cursor.fetchall()
    yield "raw.insert_types"
    cursor.execute("DROP TABLE raw.insert_types")
    cursor.fetchall()


@pytest.mark.parametrize(
    ("columns", "query", "types"),
    [
        ("a", "SELECT 2.5e0", "Table: [bigint], Query: [double]"),
        ("a", "SELECT 2.5", "Table: [bigint], Query: [decimal(2,1)]"),
        ("b", "SELECT 12", "Table: [varchar], Query: [integer]"),
        ("c", "SELECT '1.5'", "Table: [double], Query: [varchar]"),
        ("e", "SELECT TIMESTAMP '2024-01-05 10:00:00'", "Table: [date], Query: [timestamp(0)]"),
    ],
)
def test_insert_of_types_trino_does_not_coerce_is_refused(
    td_connect, typed_table, columns, query, types
) -> None:
    cursor = td_connect().cursor()
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute(f"INSERT INTO {typed_table} ({columns}) {query}")
        cursor.fetchall()
    assert raised.value.error_name == "TYPE_MISMATCH"
    assert raised.value.message == f"Insert query has mismatched column types: {types}"


def test_insert_of_coercible_types_runs(td_connect, typed_table) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"INSERT INTO {typed_table} (a, c, d, b) SELECT 5, 1, 1.5, 'x'")
    assert cursor.fetchall() == [[1]]
    cursor.execute(f"SELECT a, b, c, d FROM {typed_table} WHERE a = 5")
    assert [list(row) for row in cursor.fetchall()] == [[5, "x", 1.0, pytest.approx(1.5)]]
