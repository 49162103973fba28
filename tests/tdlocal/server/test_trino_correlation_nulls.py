"""corr, regr_slope and regr_intercept are NULL where their value is not a finite double, as in
Trino 423, through the `trino` client against a strict server.

Expected values: Trino's DoubleCorrelationAggregation.corr and DoubleRegressionAggregation
.regrSlope / .regrIntercept write the result only `if (Double.isFinite(result))` and append NULL
otherwise: a constant x (zero variance) or a NaN among the inputs gives NULL. DuckDB answered NaN.
Where the value is finite both agree: y = 2x has correlation 1.0 and slope 2.0 (Trino docs,
Aggregate functions: corr is the correlation coefficient, regr_slope the linear regression slope).
"""

from __future__ import annotations

import pytest

_CONSTANT_X = "(VALUES (1e0, 2e0), (1e0, 3e0)) t(x, y)"
_NAN_Y = "(VALUES (1e0, 2e0), (2e0, nan())) t(x, y)"


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT corr(y, x), regr_slope(y, x), regr_intercept(y, x) FROM {_CONSTANT_X}",
        f"SELECT corr(y, x), regr_slope(y, x), regr_intercept(y, x) FROM {_NAN_Y}",
        f"SELECT max(c), max(s), max(i) FROM (SELECT corr(y, x) OVER () AS c, regr_slope(y, x) OVER () AS s, "
        f"regr_intercept(y, x) OVER () AS i FROM {_CONSTANT_X})",
        f"SELECT corr(y, x) FILTER (WHERE x > 0), regr_slope(y, x) FILTER (WHERE x > 0), "
        f"regr_intercept(y, x) FILTER (WHERE x > 0) FROM {_CONSTANT_X}",
    ],
)
def test_non_finite_correlation_and_regression_are_null(td_connect, sql) -> None:
    cursor = td_connect().cursor()
    cursor.execute(sql)
    assert cursor.fetchall() == [[None, None, None]]


def test_finite_correlation_and_regression_are_values(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT corr(y, x), regr_slope(y, x), regr_intercept(y, x) FROM (VALUES (1, 2), (2, 4), (3, 6)) t(x, y)"
    )
    assert cursor.fetchall() == [[1.0, 2.0, 0.0]]
