"""Arithmetic on aggregates and window functions answers as Trino 423 (values and types).

tdlocal's interval operators are DuckDB macros with a DATE overload; DuckDB chose it for any
operand holding an aggregate or window function, so `max(ts) - min(ts)` was silently 0 within a
day and `max(n) - min(n)` failed with a DATE cast error (tdlocal.sql.late_bound_operands). CAST(max(ts) AS date) failed the same way: the varchar
reading's try() refused the aggregate, and so did DuckDB's try() for Trino's TRY(max(n) / 0).

Sources (Trino 423):
- timestamp - timestamp: TimestampOperators.TimestampMinusTimestamp, an interval day to second;
  its text is SqlIntervalDayTime.formatMillis, `[-]D HH:MM:SS.mmm`.
- `date '2012-08-08' + interval '2' day` is `2012-08-10`, `... - interval '2' day` `2012-08-06`;
  `timestamp '2012-08-08 01:00' + interval '29' hour` is `2012-08-09 06:00:00.000`, `... -
  interval '29' hour` `2012-08-06 20:00:00.000` (docs, Date and time functions and operators).
- date + interval with hours: INVALID_FUNCTION_ARGUMENT `Cannot add hour, minutes or seconds to
  a date` (DateTimeOperators).
- CAST(timestamp AS date) is the timestamp's date, CAST(date AS timestamp) its midnight (docs,
  Conversion functions / TimestampOperators, DateOperators); CAST(varchar AS date) of a text
  that is no date fails with INVALID_CAST_ARGUMENT `Value cannot be cast to date: <text>`
  (DateOperators.castFromVarchar), TRY_CAST gives NULL.
- TRY(x): NULL where evaluating x fails with division by zero, an invalid cast ... (docs,
  Conditional expressions: TRY); its value otherwise.
- Result types of the aggregates (docs, Aggregate functions): max/min keep their argument's type
  (integer here), count / count_if / approx_distinct are bigint, sum of double is double, sum of
  integer is bigint; integer - integer is integer, bigint - bigint bigint, double - double double.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from trino.exceptions import TrinoUserError

# Three events; `time` is TD's bigint Unix-seconds column. ts: 01:00:00, 06:00:09, 03:00:00.
EVENTS = (
    "(VALUES (TIMESTAMP '2012-08-08 01:00:00', DATE '2012-08-08', 1, 1.5E0, 'a', BIGINT '1344387600'), "
    "(TIMESTAMP '2012-08-08 06:00:09', DATE '2012-08-10', 5, 2.5E0, 'b', BIGINT '1344405609'), "
    "(TIMESTAMP '2012-08-08 03:00:00', DATE '2012-08-09', 3, 3.0E0, 'a', BIGINT '1344394800')) "
    "AS e(ts, d, n, v, x, time)"
)
FIVE_HOURS_NINE_SECONDS = timedelta(hours=5, seconds=9)


def _rows(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    return cursor.fetchall()


@pytest.mark.parametrize(
    "select",
    [
        "max(ts) - min(ts), typeof(max(ts) - min(ts)), CAST(max(ts) - min(ts) AS varchar)",
        # The same difference as window aggregates over the whole input.
        "max(ts) OVER () - min(ts) OVER (), typeof(max(ts) OVER () - min(ts) OVER ()), "
        "CAST(max(ts) OVER () - min(ts) OVER () AS varchar)",
        "max_by(ts, n) - min_by(ts, n), typeof(max_by(ts, n) - min_by(ts, n)), "
        "CAST(max_by(ts, n) - min_by(ts, n) AS varchar)",
    ],
)
def test_timestamp_aggregates_subtract_to_the_interval_between_them(td_connect, select):
    rows = _rows(td_connect, f"SELECT DISTINCT {select} FROM {EVENTS}")
    assert rows == [[FIVE_HOURS_NINE_SECONDS, "interval day to second", "0 05:00:09.000"]]


def test_timestamp_aggregate_difference_per_group_in_having_and_order_by(td_connect):
    sql = (
        f"SELECT x, max(ts) - min(ts) FROM {EVENTS} GROUP BY x "
        "HAVING max(ts) - min(ts) < INTERVAL '3' HOUR ORDER BY max(ts) - min(ts) DESC"
    )
    assert _rows(td_connect, sql) == [["a", timedelta(hours=2)], ["b", timedelta(0)]]
    having = f"SELECT x FROM {EVENTS} GROUP BY x HAVING max(ts) - min(ts) > INTERVAL '1' HOUR"
    assert _rows(td_connect, having) == [["a"]]


def test_filtered_aggregates_and_a_row_minus_a_window(td_connect):
    filtered = f"SELECT max(ts) FILTER (WHERE n > 1) - min(ts) FILTER (WHERE n > 1) FROM {EVENTS}"
    assert _rows(td_connect, filtered) == [[timedelta(hours=3, seconds=9)]]
    window = f"SELECT ts - min(ts) OVER (), max(ts) OVER () - ts FROM {EVENTS} ORDER BY ts"
    assert _rows(td_connect, window) == [
        [timedelta(0), FIVE_HOURS_NINE_SECONDS],
        [timedelta(hours=2), timedelta(hours=3, seconds=9)],
        [FIVE_HOURS_NINE_SECONDS, timedelta(0)],
    ]


@pytest.mark.parametrize(
    ("expression", "value", "type_name"),
    [
        ("max(n) - min(n)", 4, "integer"),
        ("max(time) - min(time)", 18009, "bigint"),
        ("count(*) - count(DISTINCT x)", 1, "bigint"),
        ("count(*) - approx_distinct(x)", 1, "bigint"),
        ("count_if(n > 1) - count(*)", -1, "bigint"),
        ("sum(v) - min(v)", 5.5, "double"),
        ("sum(v) - sum(v)", 0.0, "double"),
        ("geometric_mean(v) - geometric_mean(v)", 0.0, "double"),
    ],
)
def test_number_aggregates_subtract_to_a_number(td_connect, expression, value, type_name):
    assert _rows(td_connect, f"SELECT {expression}, typeof({expression}) FROM {EVENTS}") == [
        [value, type_name]
    ]


def test_number_window_minus_a_row_and_grouped_number_differences(td_connect):
    running = f"SELECT sum(n) OVER (ORDER BY ts) - n, typeof(sum(n) OVER (ORDER BY ts) - n) FROM {EVENTS} ORDER BY ts"
    assert _rows(td_connect, running) == [[0, "bigint"], [1, "bigint"], [4, "bigint"]]
    grouped = f"SELECT x, max(time) - min(time) FROM {EVENTS} GROUP BY x ORDER BY max(n) - min(n) DESC"
    assert _rows(td_connect, grouped) == [["a", 7200], ["b", 0]]


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("min(ts) + INTERVAL '29' HOUR", datetime(2012, 8, 9, 6, 0, 0)),
        ("INTERVAL '29' HOUR + min(ts)", datetime(2012, 8, 9, 6, 0, 0)),
        ("min(ts) - INTERVAL '29' HOUR", datetime(2012, 8, 6, 20, 0, 0)),
        ("max(ts) + INTERVAL '1' HOUR", datetime(2012, 8, 8, 7, 0, 9)),
        ("min(ts) OVER () + INTERVAL '29' HOUR", datetime(2012, 8, 9, 6, 0, 0)),
    ],
)
def test_timestamp_aggregate_plus_or_minus_hours_is_a_timestamp(td_connect, expression, value):
    assert _rows(td_connect, f"SELECT DISTINCT {expression} FROM {EVENTS}") == [[value]]


def test_date_aggregates_keep_trinos_date_arithmetic(td_connect):
    # These answered right before (DuckDB's wrong guess was DATE); they check that the
    # operands' own types still choose the DATE overload.
    sql = (
        "SELECT min(d) + INTERVAL '2' DAY, min(d) - INTERVAL '2' DAY, typeof(min(d) + INTERVAL '2' DAY), "
        f"max(d) - min(d), typeof(max(d) - min(d)) FROM {EVENTS}"
    )
    assert _rows(td_connect, sql) == [
        [date(2012, 8, 10), date(2012, 8, 6), "date", timedelta(days=2), "interval day to second"]
    ]
    window = (
        f"SELECT DISTINCT min(d) OVER () + INTERVAL '2' DAY, max(d) OVER () - min(d) OVER () FROM {EVENTS}"
    )
    assert _rows(td_connect, window) == [[date(2012, 8, 10), timedelta(days=2)]]
    with pytest.raises(TrinoUserError) as caught:
        _rows(td_connect, f"SELECT min(d) + INTERVAL '1' HOUR FROM {EVENTS}")
    assert caught.value.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert "Cannot add hour, minutes or seconds to a date" in caught.value.message


@pytest.mark.parametrize(
    ("select", "row"),
    [
        (
            "CAST(max(ts) AS date), TRY_CAST(min(ts) AS date), CAST(max(d) AS timestamp)",
            [date(2012, 8, 8), date(2012, 8, 8), datetime(2012, 8, 10, 0, 0, 0)],
        ),
        (
            "CAST(max(ts) OVER () AS date), CAST(min(d) OVER () AS timestamp)",
            [date(2012, 8, 8), datetime(2012, 8, 8, 0, 0, 0)],
        ),
        ("TRY_CAST(max(x) AS date), TRY_CAST(max(x) AS timestamp)", [None, None]),
    ],
)
def test_casts_of_aggregates_to_date_and_timestamp(td_connect, select, row):
    assert _rows(td_connect, f"SELECT DISTINCT {select} FROM {EVENTS}") == [row]


def test_cast_of_an_aggregate_text_that_is_no_date_fails_as_trino(td_connect):
    with pytest.raises(TrinoUserError) as caught:
        _rows(td_connect, f"SELECT CAST(max(x) AS date) FROM {EVENTS}")
    assert caught.value.error_name == "INVALID_CAST_ARGUMENT"
    assert "Value cannot be cast to date: b" in caught.value.message


def test_try_over_aggregates_gives_null_for_an_error_and_the_value_otherwise(td_connect):
    sql = f"SELECT TRY(max(n) / 0), TRY(max(n) / min(n)), TRY(CAST(max(x) AS integer)) FROM {EVENTS}"
    assert _rows(td_connect, sql) == [[None, 5, None]]
    grouped = (
        f"SELECT x, TRY(count(*) / (max(n) - max(n))), TRY(max(time) - min(time)) FROM {EVENTS} "
        "GROUP BY x HAVING TRY(max(n) / 0) IS NULL ORDER BY x"
    )
    assert _rows(td_connect, grouped) == [["a", None, 7200], ["b", None, 0]]
    windowed = f"SELECT DISTINCT TRY(sum(n) OVER () / 0), TRY(sum(n) OVER () / 3) FROM {EVENTS}"
    assert _rows(td_connect, windowed) == [[None, 3]]
    with_subquery = f"SELECT TRY(max(n) / (SELECT count(*) - 3 FROM {EVENTS})) FROM {EVENTS}"
    assert _rows(td_connect, with_subquery) == [[None]]


def test_try_does_not_hide_a_sum_beyond_bigint(td_connect):
    # Trino 423 adds a bigint sum up in the aggregation (or window) operator, LongSumAggregation ->
    # BigintOperators.add: NUMERIC_VALUE_OUT_OF_RANGE "bigint addition overflow". TRY wraps only
    # the projection evaluated after it (TryFunction), so the error is not turned into NULL.
    overflowing = (
        "(VALUES ('a', BIGINT '9223372036854775807'), ('a', BIGINT '1'), ('b', BIGINT '5')) AS o(g, n)"
    )
    for sql in (
        f"SELECT g, TRY(sum(n)) FROM {overflowing} GROUP BY g",
        f"SELECT coalesce(TRY(sum(n) / 1), -1) FROM {overflowing} GROUP BY g",
        f"SELECT TRY(sum(n) OVER (PARTITION BY g)) FROM {overflowing}",
    ):
        with pytest.raises(TrinoUserError) as caught:
            _rows(td_connect, sql)
        assert caught.value.error_name == "NUMERIC_VALUE_OUT_OF_RANGE", sql
        assert "bigint addition overflow" in caught.value.message, sql
    # A sum within range still gives TRY's value.
    assert _rows(td_connect, f"SELECT g, TRY(sum(n) / 5) FROM {overflowing} WHERE g = 'b' GROUP BY g") == [
        ["b", 1]
    ]
