"""Result types and values where DuckDB's typing differs from Trino 423's, through the client.

Sources: Trino's DecimalOperators (multiply: decimal(min(38, p1 + p2), s1 + s2); docs, Decimal
functions and operators), TypeCoercion (an integer beside a decimal is a decimal(10,0)).
"""

from __future__ import annotations

from decimal import Decimal

import pytest


def _row(connect, sql: str) -> tuple[list, list[str]]:
    cursor = connect().cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return rows[0], [column[1] for column in cursor.description]


@pytest.mark.parametrize(
    ("expression", "value", "trino_type"),
    [
        # DuckDB said decimal(18,5), and overflowed on the second.
        ("CAST(1 AS decimal(10,2)) * CAST(1 AS decimal(10,3))", Decimal("1.00000"), "decimal(20,5)"),
        (
            "CAST(99999999.99 AS decimal(10,2)) * CAST(9999999.999 AS decimal(10,3))",
            Decimal("999999999800000.00001"),
            "decimal(20,5)",
        ),
        (
            "CAST(1.5 AS decimal(30,10)) * CAST(2 AS decimal(20,5))",
            Decimal("3.000000000000000"),
            "decimal(38,15)",
        ),
        ("DECIMAL '1.5' * 2", Decimal("3.0"), "decimal(12,1)"),
        ("x * y", Decimal("37.5"), "decimal(14,1)"),
        # Not decimals: DuckDB's product is Trino's.
        ("y * y", 9, "integer"),
        ("y * 1e0", 3.0, "double"),
    ],
)
def test_decimal_products_have_trinos_type(td_connect, expression, value, trino_type):
    row, types = _row(
        td_connect,
        f"SELECT {expression}, typeof({expression}) FROM (VALUES (CAST(12.5 AS decimal(4,1)), 3)) AS v(x, y)",
    )
    assert row == [value, trino_type]
    assert types[0] == trino_type
