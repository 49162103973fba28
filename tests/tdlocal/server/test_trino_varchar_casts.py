"""CAST / TRY_CAST of varchar to numbers and booleans accept exactly what Trino 423 accepts.

Sources (Trino 423): io.trino.type.VarcharOperators (integers through Java's Byte/Short/Integer/
Long.parseX, untrimmed: Trino issue #23359 shows 423 failing `CAST(' 123' AS integer)` with
`Cannot cast ' 123' to INT`, trimming arrived later in PR #23375; doubles and reals through
Double/Float.parseDouble, which trims and reads `NaN`, `Infinity`, exponents and an `f`/`d`
suffix; booleans from t/f/1/0/true/false, ASCII case-insensitive), io.trino.type.DecimalCasts
(`new BigDecimal(text)`, HALF_UP to the scale; `Value is not a number.` / `Value too large.`).
A refused text is INVALID_CAST_ARGUMENT under CAST and NULL under TRY_CAST. Each case runs on a
literal (checked when translated) and on a column value (checked by SQL macros).
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from trino.exceptions import TrinoUserError


def _one(connect, sql: str):
    cursor = connect().cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1 and len(rows[0]) == 1, rows
    return rows[0][0]


def _both_ways(connect, text: str, target: str, function: str = "CAST") -> list:
    """The cast of `text` as a literal and as a column value."""
    literal = text.replace("'", "''")
    return [
        _one(connect, f"SELECT {function}('{literal}' AS {target})"),
        _one(connect, f"SELECT {function}(x AS {target}) FROM (VALUES ('{literal}')) AS v(x)"),
    ]


# (text, target, Trino's error message)
REFUSED = [
    ("1.9", "integer", "Cannot cast '1.9' to INT"),
    (" 12 ", "integer", "Cannot cast ' 12 ' to INT"),
    ("1e3", "bigint", "Cannot cast '1e3' to BIGINT"),
    ("0x10", "integer", "Cannot cast '0x10' to INT"),
    ("1_000", "smallint", "Cannot cast '1_000' to SMALLINT"),
    ("300", "tinyint", "Cannot cast '300' to TINYINT"),
    ("2147483648", "integer", "Cannot cast '2147483648' to INT"),
    ("abc", "integer", "Cannot cast 'abc' to INT"),
    ("yes", "boolean", "Cannot cast 'yes' to BOOLEAN"),
    (" true", "boolean", "Cannot cast ' true' to BOOLEAN"),
    ("inf", "double", "Cannot cast 'inf' to DOUBLE"),
    ("1_0", "double", "Cannot cast '1_0' to DOUBLE"),
    ("nan", "real", "Cannot cast 'nan' to REAL"),
    (" 1.5", "decimal(5,2)", "Cannot cast VARCHAR ' 1.5' to DECIMAL(5, 2). Value is not a number."),
    ("1,5", "decimal(5,2)", "Cannot cast VARCHAR '1,5' to DECIMAL(5, 2). Value is not a number."),
    ("12345.5", "decimal(5,2)", "Cannot cast VARCHAR '12345.5' to DECIMAL(5, 2). Value too large."),
]


@pytest.mark.parametrize(("text", "target", "message"), REFUSED)
def test_cast_of_text_trino_refuses_fails_with_trinos_message(td_connect, text, target, message):
    literal = text.replace("'", "''")
    for sql in (
        f"SELECT CAST('{literal}' AS {target})",
        f"SELECT CAST(x AS {target}) FROM (VALUES ('{literal}')) AS v(x)",
    ):
        with pytest.raises(TrinoUserError) as caught:
            _one(td_connect, sql)
        assert caught.value.error_name == "INVALID_CAST_ARGUMENT", sql
        assert caught.value.message == message, sql


@pytest.mark.parametrize(("text", "target", "message"), REFUSED)
def test_try_cast_of_text_trino_refuses_is_null(td_connect, text, target, message):
    assert _both_ways(td_connect, text, target, "TRY_CAST") == [None, None]


# (text, target, Trino's value)
ACCEPTED = [
    ("+5", "integer", 5),
    ("-0012", "bigint", -12),
    ("127", "tinyint", 127),
    ("T", "boolean", True),
    ("0", "boolean", False),
    ("FaLsE", "boolean", False),
    ("1e3", "double", 1000.0),
    (" 1.5 ", "double", 1.5),  # Double.parseDouble trims
    ("2.5d", "double", 2.5),  # Java's type suffix
    ("-Infinity", "double", -math.inf),
    (".5", "real", 0.5),
    ("1e3", "decimal(10,2)", Decimal("1000.00")),
    ("1.005", "decimal(10,2)", Decimal("1.01")),  # HALF_UP
    ("-1.005", "decimal(10,2)", Decimal("-1.01")),
]


@pytest.mark.parametrize(("text", "target", "value"), ACCEPTED)
def test_cast_of_text_trino_accepts_gives_trinos_value(td_connect, text, target, value):
    assert _both_ways(td_connect, text, target) == [value, value]
    assert _both_ways(td_connect, text, target, "TRY_CAST") == [value, value]


def test_nan_text_is_a_double_nan(td_connect):
    assert all(math.isnan(value) for value in _both_ways(td_connect, "NaN", "double"))


def test_casts_of_numbers_are_unchanged(td_connect):
    # Only varchar sources follow the text rules: doubles still round half away from zero
    # (Trino's DoubleOperators), integers cast to double and boolean as before.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT CAST(d AS integer), CAST(i AS double), CAST(i AS boolean) FROM (VALUES (2.5e0, 3)) v(d, i)"
    )
    assert cursor.fetchall() == [[3, 3.0, True]]
