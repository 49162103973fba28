"""sum() of integers is a bigint that fails beyond bigint's range, as in Trino 423, through the
`trino` client against a strict server.

Expected behaviour: Trino docs, Aggregate functions (`sum(x)` of an integer type is a bigint);
Trino's LongSumAggregation adds with BigintOperators.add, which fails with NUMERIC_VALUE_OUT_OF_RANGE
"bigint addition overflow: 9223372036854775807 + 1" (the message trinodb/trino#30600 quotes for
`SELECT sum(a) FROM (VALUES BIGINT '9223372036854775807', BIGINT '1') t(a)`); in 423 the window form
used the same operators (its removeInput subtracted with BigintOperators.subtract, trinodb/trino#20947),
so it fails too. DuckDB sums integers into a 128-bit HUGEINT and answered 9223372036854775808.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.tdlocal.server.conftest import trino_failure

_TWO_BIGINTS = "(VALUES BIGINT '9223372036854775807', BIGINT '1') t(x)"


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT sum(x) FROM {_TWO_BIGINTS}",
        f"SELECT sum(x) OVER () FROM {_TWO_BIGINTS}",
        f"SELECT sum(x) FILTER (WHERE x > 0) FROM {_TWO_BIGINTS}",
        f"SELECT sum(x) FILTER (WHERE x > 0) OVER () FROM {_TWO_BIGINTS}",
        "SELECT sum(x) FROM (VALUES BIGINT '-9223372036854775807', BIGINT '-2') t(x)",
        # A sum in range, then bigint arithmetic on it: Trino's BigintOperators.multiply/add fail.
        "SELECT sum(x) * 2 FROM (VALUES BIGINT '5000000000000000000') t(x)",
        "SELECT sum(x) + 9223372036854775807 FROM (VALUES BIGINT '5') t(x)",
    ],
)
def test_integer_sum_beyond_bigint_is_an_overflow_error(td_connect, sql) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, sql)
    assert raised.error_name == "NUMERIC_VALUE_OUT_OF_RANGE"
    assert "bigint" in raised.message and "overflow" in raised.message


def test_integer_sums_in_range_are_bigints_with_the_exact_value(td_connect) -> None:
    # sum(integer) is a bigint (Trino docs), so 2147483647 + 1 fits; the bigint minimum is a value;
    # sums of decimals (decimal(38, s)) and doubles are not touched by the check.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT (SELECT sum(x) FROM (VALUES 2147483647, 1) t(x)), "
        "(SELECT max(s) FROM (SELECT sum(x) OVER () AS s FROM (VALUES 2147483647, 1) t(x))), "
        "(SELECT sum(y) FROM (VALUES BIGINT '-9223372036854775807', BIGINT '-1') u(y)), "
        "(SELECT sum(z) FROM (VALUES 1.5, 2.25) v(z)), (SELECT sum(w) FROM (VALUES 1e0, 2e0) v(w))"
    )
    assert cursor.fetchall() == [[2147483648, 2147483648, -9223372036854775808, Decimal("3.75"), 3.0]]
    assert [column[1] for column in cursor.description] == [
        "bigint",
        "bigint",
        "bigint",
        "decimal(38,2)",
        "double",
    ]
