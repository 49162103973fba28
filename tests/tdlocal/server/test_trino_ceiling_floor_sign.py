"""ceiling, floor and sign have Trino's result types and sign follows Math.signum, through the
`trino` client against a strict server.

Expected values: Trino docs, Mathematical functions (`ceiling(x) -> [same as input]`, `floor(x)
-> [same as input]`, `sign(x) -> [same as input]`); Trino's MathFunctions: ceiling/floor of
tinyint..bigint return their argument in its type, sign of an integer type or double/real is
that type (`Math.signum`: NaN for NaN, -0.0 for -0.0), sign of a decimal is a decimal(1,0).
DuckDB's ceiling/floor of an integer is a double and its sign a tinyint (0 for NaN).
"""

from __future__ import annotations

import math


def test_ceiling_and_floor_of_integers_keep_the_integer_type(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT ceiling(5), floor(BIGINT '5'), ceil(TINYINT '5'), ceiling(1.2e0), floor(CAST(-1.5 AS real))"
    )
    assert cursor.fetchall() == [[5, 5, 5, 2.0, -2.0]]
    assert [column[1] for column in cursor.description] == ["integer", "bigint", "tinyint", "double", "real"]


def test_sign_has_the_argument_type_and_signum_values(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT sign(-5), sign(BIGINT '7'), sign(1.5e0), sign(-2.5), sign(CAST(3 AS real)), sign(nan()), sign(-0.0e0)"
    )
    row = cursor.fetchall()[0]
    assert [column[1] for column in cursor.description] == [
        "integer",
        "bigint",
        "double",
        "decimal(1,0)",
        "real",
        "double",
        "double",
    ]
    assert row[:5] == [-1, 1, 1.0, -1, 1.0]
    assert math.isnan(row[5])
    assert row[6] == 0.0 and math.copysign(1.0, row[6]) == -1.0
