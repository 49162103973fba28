"""Expressions whose Trino errors tdlocal raises at run time also work in window specs and TRY,
through the `trino` client against a strict server.

tdlocal raises those errors with DuckDB's error(), which is volatile, and DuckDB refuses a
volatile PARTITION BY / ORDER BY ("window expressions cannot be volatile") or TRY operand
(tdlocal.sql.unchecked_twins). In Trino 423 these are ordinary deterministic expressions: a window
partitions and orders rows by their values, and GROUP BY / DISTINCT / ORDER BY take them too.

Expected values (Trino 423 docs and source):
- CAST(bigint AS varchar) is its decimal text, CAST(double AS varchar) Trino's scientific text
  ('1.5E0'); `sum` of integers is bigint; date(ts) is CAST(ts AS date); date_trunc('hour', ts)
  keeps the hour; date_add('minute', 1, ts) adds a minute; date_diff('second', ts, ts) is 0;
  element_at(map, key) is the key's value, element_at(array, i) the i-th element (1-based)
  (docs: Conversion, Aggregate, Date and time, Map and Array functions).
- row_number() numbers each partition from 1 in its ORDER BY; rank() gives ties one rank;
  percent_rank() is (rank - 1) / (rows - 1) (docs: Window functions).
- TRY(x) is NULL where x fails with INVALID_FUNCTION_ARGUMENT (a subscript past the array's end:
  ArraySubscriptOperator, "Array subscript must be less than or equal to array length"), else x
  (docs: Conditional expressions, TRY); element_at past the end is NULL without TRY (docs, Array
  functions).
"""

from __future__ import annotations

from datetime import date, datetime

import pytest

# Rows: (x, d, ts, s, m); two rows share the date and hour 10, one is at 11:20.
ROWS = (
    "(VALUES (1, 1.5E0, TIMESTAMP '2024-01-05 10:20:00', 'a'), "
    "(2, 2.5E0, TIMESTAMP '2024-01-05 10:40:00', 'b'), "
    "(3, 3.5E0, TIMESTAMP '2024-01-05 11:20:00', 'b')) AS w(x, d, ts, s)"
)


def _rows(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    return cursor.fetchall()


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        # one partition per distinct text: every row is first in its own
        ("row_number() OVER (PARTITION BY CAST(x AS varchar) ORDER BY x)", [1, 1, 1]),
        ("row_number() OVER (PARTITION BY CAST(x AS varchar(5)) ORDER BY x)", [1, 1, 1]),
        # '1.5E0' < '2.5E0' < '3.5E0' as text
        ("row_number() OVER (ORDER BY CAST(d AS varchar) DESC)", [3, 2, 1]),
        # hours 10, 10, 11: the two 10:xx rows share a partition, ordered by their minute
        (
            "row_number() OVER (PARTITION BY date_trunc('hour', ts) ORDER BY date_add('minute', 1, ts))",
            [1, 2, 1],
        ),
        ("rank() OVER (ORDER BY date_diff('second', ts, ts))", [1, 1, 1]),
        ("row_number() OVER (PARTITION BY date(ts) ORDER BY x)", [1, 2, 3]),
        ("row_number() OVER (PARTITION BY date(from_unixtime(x)) ORDER BY x)", [1, 2, 3]),
        ("row_number() OVER (PARTITION BY element_at(map(ARRAY['k'], ARRAY[s]), 'k') ORDER BY x)", [1, 1, 2]),
        ("row_number() OVER (PARTITION BY element_at(ARRAY['p', 'p', 'q'], x) ORDER BY x)", [1, 2, 1]),
    ],
)
def test_window_specs_take_checked_expressions(td_connect, window, expected) -> None:
    assert _rows(td_connect, f"SELECT {window} FROM {ROWS} ORDER BY x") == [[value] for value in expected]


def test_window_ordered_by_an_aggregate(td_connect) -> None:
    sql = (
        f"SELECT s, sum(x), row_number() OVER (ORDER BY sum(x) DESC), rank() OVER (ORDER BY sum(x)), "
        f"percent_rank() OVER (ORDER BY sum(d)) FROM {ROWS} GROUP BY s ORDER BY s"
    )
    assert _rows(td_connect, sql) == [["a", 1, 2, 1, 0.0], ["b", 5, 1, 2, 1.0]]


def test_group_by_distinct_and_order_by_take_the_same_expressions(td_connect) -> None:
    grouped = (
        f"SELECT CAST(x AS varchar), date(ts), count(*) FROM {ROWS} "
        "GROUP BY CAST(x AS varchar), date(ts) ORDER BY CAST(x AS varchar)"
    )
    assert _rows(td_connect, grouped) == [
        ["1", date(2024, 1, 5), 1],
        ["2", date(2024, 1, 5), 1],
        ["3", date(2024, 1, 5), 1],
    ]
    distinct = f"SELECT DISTINCT date_trunc('hour', ts), element_at(map(ARRAY['k'], ARRAY[s]), 'k') FROM {ROWS} ORDER BY 1"
    assert _rows(td_connect, distinct) == [
        [datetime(2024, 1, 5, 10), "a"],
        [datetime(2024, 1, 5, 10), "b"],
        [datetime(2024, 1, 5, 11), "b"],
    ]
    ordered = f"SELECT s FROM {ROWS} GROUP BY s ORDER BY sum(x) DESC"
    assert _rows(td_connect, ordered) == [["b"], ["a"]]


def test_try_of_checked_expressions(td_connect) -> None:
    sql = f"SELECT TRY(CAST(x AS varchar)), TRY(date(ts)), TRY(ARRAY[10, 20][x]), element_at(ARRAY[10, 20], x) FROM {ROWS} ORDER BY x"
    assert _rows(td_connect, sql) == [
        ["1", date(2024, 1, 5), 10, 10],
        ["2", date(2024, 1, 5), 20, 20],
        ["3", date(2024, 1, 5), None, None],
    ]
