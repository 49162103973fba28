"""skewness and kurtosis follow Trino's CentralMomentsAggregation, through the `trino` client
against a strict server.

Expected values: Trino's CentralMomentsAggregation writes skewness as sqrt(n) * M3 / M2^1.5 and
kurtosis as (n-1)n(n+1) / ((n-2)(n-3)) * M4 / M2^2 - 3(n-1)^2 / ((n-2)(n-3)), with Mk the sum of
the k-th powers of the deviations from the mean, NULL below 3 (skewness) or 4 (kurtosis) values;
constant values divide 0 by 0 (NaN). For 1, 2, 3, 4, 10 (mean 4): M2 = 50, M3 = 180, M4 = 1394,
so skewness = sqrt(5) * 180 / 50^1.5 = 1.1384199576606167 and kurtosis = 20 * 1394 / 2500 - 8 =
3.152. DuckDB's skewness is the sample-adjusted coefficient (1.697...) and it gave NULL for
constant values.
"""

from __future__ import annotations

import math

import pytest

_VALUES = "(VALUES 1, 2, 3, 4, 10) t(x)"


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT skewness(x), kurtosis(x) FROM {_VALUES}",
        f"SELECT max(s), max(k) FROM (SELECT skewness(x) OVER () AS s, kurtosis(x) OVER () AS k FROM {_VALUES})",
        f"SELECT skewness(x) FILTER (WHERE x < 100), kurtosis(x) FILTER (WHERE x < 100) FROM {_VALUES}",
    ],
)
def test_skewness_is_the_population_coefficient(td_connect, sql) -> None:
    cursor = td_connect().cursor()
    cursor.execute(sql)
    skewness, kurtosis = cursor.fetchall()[0]
    assert skewness == pytest.approx(1.1384199576606167, rel=1e-12)
    assert kurtosis == pytest.approx(3.152, rel=1e-12)


def test_too_few_or_constant_values(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT skewness(x), kurtosis(x), (SELECT skewness(y) FROM (VALUES 1, 2) u(y)) FROM (VALUES 1, 1, 1, 1) t(x)"
    )
    skewness, kurtosis, too_few = cursor.fetchall()[0]
    assert math.isnan(skewness) and math.isnan(kurtosis)
    assert too_few is None
