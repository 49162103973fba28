"""Date arithmetic and varchar -> date/timestamp casts answer as Trino 423, for columns too.

Sources (Trino 423):
- `date - date`: no operator of its own; TypeCoercion coerces date to timestamp(0) and
  TimestampOperators.TimestampMinusTimestamp returns an interval day to second, so
  `date '2023-09-10' - date '2023-09-01'` is 9 days (to_milliseconds 777600000, the issue's
  Trino reading). An interval day to second's text is SqlIntervalDayTime.formatMillis,
  `[-]D HH:MM:SS.mmm` (`9 00:00:00.000`).
- `date +/- interval day to second` (DateTimeOperators): a date; an interval with hours, minutes
  or seconds fails with INVALID_FUNCTION_ARGUMENT `Cannot add hour, minutes or seconds to a
  date` / `Cannot subtract hour, minutes or seconds from a date` (24 hours are whole days).
- CAST(varchar AS date) (DateOperators.castFromVarchar): trimmed, then Joda's
  ISODateTimeFormat.date() (1-2 digit month and day); else INVALID_CAST_ARGUMENT
  `Value cannot be cast to date: <text>`.
- CAST(varchar AS timestamp(p)) (VarcharToTimestampCast, DateTimes.DATETIME_PATTERN): trimmed,
  `yyyy-M-d[ H:m[:s[.f]]]` plus ignored trailing text (a zone), no `T`; fractions beyond p
  digits rounded half up; else `Value cannot be cast to timestamp: <text>`.
- CAST(varchar AS time(p)) (TimeOperators.castFromVarchar, DateTimes.parseTime): untrimmed,
  `H:m[:s[.f]]` and trailing whitespace, no offset, hour <= 23; rounded half up to p digits
  modulo a day (`time` is time(3)); else `Value cannot be cast to time: <text>`.
TRY_CAST gives NULL where CAST fails. Each case runs on literals and on column values.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from trino.exceptions import TrinoUserError

from tests.tdlocal.server.conftest import trino_failure


def _row(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def _error(connect, sql: str) -> TrinoUserError:
    return trino_failure(connect().cursor(), sql)


DATES = "(VALUES (DATE '2023-09-10', DATE '2023-09-01')) AS v(a, b)"


@pytest.mark.parametrize(
    "sql",
    [
        f"SELECT a - b, typeof(a - b), CAST(a - b AS varchar), to_milliseconds(a - b) FROM {DATES}",
        "WITH d AS (SELECT DATE '2023-09-10' AS a, DATE '2023-09-01' AS b) "
        "SELECT a - b, typeof(a - b), CAST(a - b AS varchar), to_milliseconds(a - b) FROM d",
        "SELECT max(a) - min(a), typeof(max(a) - min(a)), CAST(max(a) - min(a) AS varchar), "
        "to_milliseconds(max(a) - min(a)) FROM (VALUES DATE '2023-09-10', DATE '2023-09-01') AS v(a)",
        "SELECT a - DATE '2023-09-01', typeof(a - DATE '2023-09-01'), CAST(a - DATE '2023-09-01' AS varchar), "
        "to_milliseconds(a - DATE '2023-09-01') FROM (VALUES DATE '2023-09-10') AS v(a)",
    ],
)
def test_date_minus_date_read_from_columns_is_an_interval_day_to_second(td_connect, sql):
    assert _row(td_connect, sql) == [timedelta(days=9), "interval day to second", "9 00:00:00.000", 777600000]


def test_date_minus_later_date_is_a_negative_interval(td_connect):
    assert _row(td_connect, f"SELECT b - a, CAST(b - a AS varchar) FROM {DATES}") == [
        timedelta(days=-9),
        "-9 00:00:00.000",
    ]


def test_timestamp_minus_timestamp_from_columns_prints_as_trino(td_connect):
    sql = (
        "SELECT a - b, CAST(a - b AS varchar) FROM (VALUES (TIMESTAMP '2023-09-10 01:00:00', "
        "TIMESTAMP '2023-09-01 00:00:00.500')) AS v(a, b)"
    )
    assert _row(td_connect, sql) == [timedelta(days=9, seconds=3599, milliseconds=500), "9 00:59:59.500"]


def test_timestamp_difference_is_rounded_to_milliseconds(td_connect):
    # TimestampMinusTimestamp: DateTimes.round(interval, 3), half up, before the interval is made.
    sql = (
        "SELECT a - b, CAST(a - b AS varchar), to_milliseconds(a - b) FROM (VALUES (TIMESTAMP "
        "'2023-09-01 00:00:01.000500', TIMESTAMP '2023-09-01 00:00:00.000000')) AS v(a, b)"
    )
    assert _row(td_connect, sql) == [timedelta(seconds=1, milliseconds=1), "0 00:00:01.001", 1001]


def test_interval_day_to_second_text(td_connect):
    sql = "SELECT CAST(INTERVAL '1' DAY AS varchar), CAST(-(INTERVAL '90' MINUTE) AS varchar)"
    assert _row(td_connect, sql) == ["1 00:00:00.000", "-0 01:30:00.000"]


def test_date_plus_or_minus_whole_days_stays_a_date_from_columns(td_connect):
    sql = (
        "SELECT a - INTERVAL '1' DAY, typeof(a - INTERVAL '1' DAY), a + INTERVAL '24' HOUR, "
        "INTERVAL '1' DAY + a, a - INTERVAL '1' MONTH FROM (VALUES DATE '2023-09-10') AS v(a)"
    )
    assert _row(td_connect, sql) == [
        date(2023, 9, 9),
        "date",
        date(2023, 9, 11),
        date(2023, 9, 11),
        date(2023, 8, 10),
    ]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("a - INTERVAL '1' HOUR", "Cannot subtract hour, minutes or seconds from a date"),
        ("a + INTERVAL '90' MINUTE", "Cannot add hour, minutes or seconds to a date"),
        ("DATE '2023-09-10' - INTERVAL '1' SECOND", "Cannot subtract hour, minutes or seconds from a date"),
    ],
)
def test_date_plus_or_minus_a_time_part_fails_as_trino(td_connect, expression, message):
    error = _error(td_connect, f"SELECT {expression} FROM (VALUES DATE '2023-09-10') AS v(a)")
    assert (error.error_name, error.message) == ("INVALID_FUNCTION_ARGUMENT", message)


def _both_ways(connect, text: str, target: str, function: str = "CAST") -> list:
    literal = text.replace("'", "''")
    return [
        _row(connect, f"SELECT {function}('{literal}' AS {target})")[0],
        _row(connect, f"SELECT {function}(x AS {target}) FROM (VALUES ('{literal}')) AS v(x)")[0],
    ]


# (text, target, Trino's value)
ACCEPTED = [
    ("2024-1-5", "date", date(2024, 1, 5)),
    (" 2024-01-05", "date", date(2024, 1, 5)),
    ("2024-01-05 ", "date", date(2024, 1, 5)),
    ("2024-01-05 10:00", "timestamp", datetime(2024, 1, 5, 10, 0)),
    ("2024-1-5", "timestamp", datetime(2024, 1, 5)),
    (" 2024-01-05 10:00:00 ", "timestamp", datetime(2024, 1, 5, 10, 0)),
    ("2024-01-05 10:00:00 UTC", "timestamp", datetime(2024, 1, 5, 10, 0)),
    ("2024-01-05 10:00:00.1235", "timestamp", datetime(2024, 1, 5, 10, 0, 0, 124000)),
    ("2024-01-05 10:00:00.1234", "timestamp", datetime(2024, 1, 5, 10, 0, 0, 123000)),
    ("2024-01-05 10:00:00.12", "timestamp", datetime(2024, 1, 5, 10, 0, 0, 120000)),
    ("2024-01-05 23:59:59", "timestamp(0)", datetime(2024, 1, 5, 23, 59, 59)),
    ("2024-01-05 10:00:00.9999", "timestamp(0)", datetime(2024, 1, 5, 10, 0, 1)),
    ("2024-01-05 10:00:00.1234565", "timestamp(6)", datetime(2024, 1, 5, 10, 0, 0, 123457)),
    ("9:5:3 ", "time", time(9, 5, 3)),
    ("10:00:00.1235", "time", time(10, 0, 0, 124000)),
    ("23:59:59.9999", "time", time(0, 0)),
    ("10:00:00.1234567", "time(6)", time(10, 0, 0, 123457)),
]


@pytest.mark.parametrize(("text", "target", "value"), ACCEPTED)
def test_text_trino_reads_as_a_date_or_timestamp(td_connect, text, target, value):
    assert _both_ways(td_connect, text, target) == [value, value]
    assert _both_ways(td_connect, text, target, "TRY_CAST") == [value, value]


# (text, target, Trino's error message)
REFUSED = [
    ("2024/01/05", "date", "Value cannot be cast to date: 2024/01/05"),
    ("20240105", "date", "Value cannot be cast to date: 20240105"),
    ("2024-01-05T10:00:00", "date", "Value cannot be cast to date: 2024-01-05T10:00:00"),
    ("2024-01-05 10:00", "date", "Value cannot be cast to date: 2024-01-05 10:00"),
    ("2024-02-30", "date", "Value cannot be cast to date: 2024-02-30"),
    ("2024-01-05T10:00:00", "timestamp", "Value cannot be cast to timestamp: 2024-01-05T10:00:00"),
    ("2024/01/05 10:00:00", "timestamp", "Value cannot be cast to timestamp: 2024/01/05 10:00:00"),
    ("20240105", "timestamp", "Value cannot be cast to timestamp: 20240105"),
    ("24-01-05", "timestamp", "Value cannot be cast to timestamp: 24-01-05"),
    (" 10:00", "time", "Value cannot be cast to time:  10:00"),
    ("24:00", "time", "Value cannot be cast to time: 24:00"),
    ("10:00+02:00", "time", "Value cannot be cast to time: 10:00+02:00"),
    ("10", "time", "Value cannot be cast to time: 10"),
]


@pytest.mark.parametrize(("text", "target", "message"), REFUSED)
def test_text_trino_refuses_fails_to_cast_and_is_null_under_try_cast(td_connect, text, target, message):
    for sql in (
        f"SELECT CAST('{text}' AS {target})",
        f"SELECT CAST(x AS {target}) FROM (VALUES ('{text}')) AS v(x)",
    ):
        error = _error(td_connect, sql)
        assert (error.error_name, error.message) == ("INVALID_CAST_ARGUMENT", message), sql
    assert _both_ways(td_connect, text, target, "TRY_CAST") == [None, None]
