"""Arithmetic on a timestamp with time zone in a zone other than the session's, as Trino 423
computes it, through the real `trino` client against a strict tdlocal (session zone UTC).

Expected values and where they come from:
- date_trunc: Trino's timestamptz/TestDateTrunc (`date_trunc(unit, TIMESTAMP '2020-05-10
  12:34:56.123 Asia/Kathmandu')`, a +05:45 zone), and the issue's reading
  `date_trunc('day', from_unixtime(1705104000, 'Asia/Tokyo'))` = `2024-01-13 00:00:00.000 Asia/Tokyo`.
- `+`/`-` interval: Trino's TestTimestampWithTimeZone testAddIntervalDayToSecond /
  testSubtractIntervalDayToSecond / testAddIntervalYearToMonth (Kathmandu values), and
  TimestampWithTimeZoneOperators: a day-to-second interval is added to the instant (so across a
  DST change the wall clock moves by the change), a year-to-month one with UTC's calendar.
- date_add: Trino's timestamptz/DateAdd uses Joda's ISOChronology of the value's zone: units up
  to the hour move the instant, larger units the wall clock (the issue's reading:
  `date_add('day', 1, TIMESTAMP '2024-03-09 12:00:00 America/New_York')` crosses DST and stays
  12:00); a wall clock in the spring-forward gap moves forward by the gap (Joda's
  convertLocalToUTC), one in the autumn overlap keeps the value's own offset.
- date_diff: timestamptz/DateDiff, Joda's getDifferenceAsLong in the first value's zone.
- to_iso8601: timestamptz/ToIso8601, java.time.ZoneOffset's text (the issue's reading
  `to_iso8601(from_unixtime(0, 'Asia/Tokyo'))` = `1970-01-01T09:00:00.000+09:00`).
"""

from __future__ import annotations

import pytest
import trino

KATHMANDU = "TIMESTAMP '2020-05-10 12:34:56.123 Asia/Kathmandu'"


def _value(connect, expression: str):
    cursor = connect(timezone="UTC").cursor()
    cursor.execute(f"SELECT {expression}")
    rows = cursor.fetchall()
    assert len(rows) == 1 and len(rows[0]) == 1
    return rows[0][0]


@pytest.mark.parametrize(
    ("unit", "expected"),
    [
        ("year", "2020-01-01 00:00:00.000 Asia/Kathmandu"),
        ("quarter", "2020-04-01 00:00:00.000 Asia/Kathmandu"),
        ("month", "2020-05-01 00:00:00.000 Asia/Kathmandu"),
        ("week", "2020-05-04 00:00:00.000 Asia/Kathmandu"),
        ("day", "2020-05-10 00:00:00.000 Asia/Kathmandu"),
        ("hour", "2020-05-10 12:00:00.000 Asia/Kathmandu"),
        ("minute", "2020-05-10 12:34:00.000 Asia/Kathmandu"),
        ("second", "2020-05-10 12:34:56.000 Asia/Kathmandu"),
        ("millisecond", "2020-05-10 12:34:56.123 Asia/Kathmandu"),
    ],
)
def test_date_trunc_truncates_in_the_values_zone(td_connect, unit, expected) -> None:
    assert _value(td_connect, f"CAST(date_trunc('{unit}', {KATHMANDU}) AS varchar)") == expected


def test_date_trunc_of_from_unixtime_in_a_zone(td_connect) -> None:
    cursor = td_connect(timezone="UTC").cursor()
    cursor.execute(
        "SELECT CAST(date_trunc('day', from_unixtime(1705104000, 'Asia/Tokyo')) AS varchar), "
        "typeof(date_trunc('day', from_unixtime(1705104000, 'Asia/Tokyo'))), "
        "to_unixtime(date_trunc('day', from_unixtime(1705104000, 'Asia/Tokyo')))"
    )
    # 2024-01-13 00:00 in Tokyo is 2024-01-12 15:00 UTC.
    assert cursor.fetchall() == [
        ["2024-01-13 00:00:00.000 Asia/Tokyo", "timestamp(3) with time zone", 1705071600.0]
    ]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "TIMESTAMP '2020-05-01 12:34:56.123 Asia/Kathmandu' + INTERVAL '1' DAY",
            "2020-05-02 12:34:56.123 Asia/Kathmandu",
        ),
        (
            "INTERVAL '1' DAY + TIMESTAMP '2020-05-01 12:34:56.123 Asia/Kathmandu'",
            "2020-05-02 12:34:56.123 Asia/Kathmandu",
        ),
        (
            "TIMESTAMP '2020-05-01 12:34:56.123 Asia/Kathmandu' - INTERVAL '1.123' SECOND",
            "2020-05-01 12:34:55.000 Asia/Kathmandu",
        ),
        (
            "TIMESTAMP '2020-05-01 12:34:56.123 Asia/Kathmandu' + INTERVAL '1' MONTH",
            "2020-06-01 12:34:56.123 Asia/Kathmandu",
        ),
        # A day-to-second interval is 86,400,000 ms on the instant: across New York's DST start
        # (2024-03-10) the wall clock moves from 12:00 to 13:00.
        (
            "TIMESTAMP '2024-03-09 12:00:00 America/New_York' + INTERVAL '1' DAY",
            "2024-03-10 13:00:00.000 America/New_York",
        ),
        # A year-to-month interval is added in UTC's calendar: Jan 31 00:30 in Tokyo is Jan 30
        # 15:30 UTC, + 1 month is Feb 29 15:30 UTC, which is Mar 1 00:30 in Tokyo.
        (
            "TIMESTAMP '2024-01-31 00:30:00 Asia/Tokyo' + INTERVAL '1' MONTH",
            "2024-03-01 00:30:00.000 Asia/Tokyo",
        ),
    ],
)
def test_interval_arithmetic_keeps_the_zone(td_connect, expression, expected) -> None:
    assert _value(td_connect, f"CAST({expression} AS varchar)") == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # Calendar units move the wall clock in the value's zone, across DST.
        (
            "date_add('day', 1, TIMESTAMP '2024-03-09 12:00:00 America/New_York')",
            "2024-03-10T12:00:00.000-04:00",
        ),
        (
            "date_add('week', 1, TIMESTAMP '2024-03-05 12:00:00 America/New_York')",
            "2024-03-12T12:00:00.000-04:00",
        ),
        ("date_add('month', 1, TIMESTAMP '2024-01-31 10:00:00 Asia/Tokyo')", "2024-02-29T10:00:00.000+09:00"),
        (
            "date_add('quarter', 1, TIMESTAMP '2024-01-31 10:00:00 Asia/Tokyo')",
            "2024-04-30T10:00:00.000+09:00",
        ),
        ("date_add('year', 1, TIMESTAMP '2024-02-29 10:00:00 Asia/Tokyo')", "2025-02-28T10:00:00.000+09:00"),
        # Units up to the hour move the instant: 24 hours after 12:00 EST is 13:00 EDT.
        (
            "date_add('hour', 24, TIMESTAMP '2024-03-09 12:00:00 America/New_York')",
            "2024-03-10T13:00:00.000-04:00",
        ),
        (
            "date_add('minute', 90, TIMESTAMP '2024-03-10 01:00:00 America/New_York')",
            "2024-03-10T03:30:00.000-04:00",
        ),
        (
            "date_add('second', -1, TIMESTAMP '2020-05-10 00:00:00 Asia/Kathmandu')",
            "2020-05-09T23:59:59.000+05:45",
        ),
        (
            "date_add('millisecond', 5, TIMESTAMP '2020-05-10 00:00:00 Asia/Kathmandu')",
            "2020-05-10T00:00:00.005+05:45",
        ),
        # 02:30 on 2024-03-10 does not exist in New York: the gap moves it to 03:30 EDT.
        (
            "date_add('day', 1, TIMESTAMP '2024-03-09 02:30:00 America/New_York')",
            "2024-03-10T03:30:00.000-04:00",
        ),
        # 01:30 on 2024-11-03 happens twice: the value's own offset is kept.
        (
            "date_add('day', 1, TIMESTAMP '2024-11-02 01:30:00 America/New_York')",
            "2024-11-03T01:30:00.000-04:00",
        ),
        (
            "date_add('day', -1, TIMESTAMP '2024-11-04 01:30:00 America/New_York')",
            "2024-11-03T01:30:00.000-05:00",
        ),
    ],
)
def test_date_add_in_the_values_zone(td_connect, expression, expected) -> None:
    assert _value(td_connect, f"to_iso8601({expression})") == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # 24 hours of New York wall clock that are 23 elapsed hours (DST starts on 2024-03-10).
        (
            "date_diff('day', TIMESTAMP '2024-03-09 12:00:00 America/New_York', TIMESTAMP '2024-03-10 12:00:00 America/New_York')",
            1,
        ),
        (
            "date_diff('hour', TIMESTAMP '2024-03-09 12:00:00 America/New_York', TIMESTAMP '2024-03-10 12:00:00 America/New_York')",
            23,
        ),
        (
            "date_diff('day', TIMESTAMP '2024-03-09 12:00:00 America/New_York', TIMESTAMP '2024-03-10 11:59:59 America/New_York')",
            0,
        ),
        # Midnight UTC is 09:00 in Tokyo: the same instant, 32,400 s apart on the wall clock only.
        (
            "date_diff('second', TIMESTAMP '2024-01-01 00:00:00 Asia/Tokyo', TIMESTAMP '2024-01-01 00:00:00 UTC')",
            32400,
        ),
        # The second value is read in the first one's zone (Tokyo): Jan 1 09:00 to Feb 10 09:00.
        ("date_diff('month', from_unixtime(0, 'Asia/Tokyo'), from_unixtime(86400 * 40, 'UTC'))", 1),
        ("date_diff('day', from_unixtime(0, 'Asia/Tokyo'), from_unixtime(86400 * 40))", 40),
    ],
)
def test_date_diff_counts_in_the_first_values_zone(td_connect, expression, expected) -> None:
    assert _value(td_connect, expression) == expected


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("to_iso8601(from_unixtime(0, 'Asia/Tokyo'))", "1970-01-01T09:00:00.000+09:00"),
        ("to_iso8601(from_unixtime(0, 5, 30))", "1970-01-01T05:30:00.000+05:30"),
        ("to_iso8601(TIMESTAMP '2024-07-01 10:00:00 America/New_York')", "2024-07-01T10:00:00.000-04:00"),
        ("to_iso8601(from_unixtime(1705104000, 'UTC'))", "2024-01-13T00:00:00.000Z"),
        (
            "to_iso8601(date_trunc('day', from_unixtime(1705104000, 'Asia/Tokyo')))",
            "2024-01-13T00:00:00.000+09:00",
        ),
        (
            "to_iso8601(from_unixtime(0, 'America/New_York') AT TIME ZONE 'Asia/Kolkata')",
            "1970-01-01T05:30:00.000+05:30",
        ),
    ],
)
def test_to_iso8601_prints_the_values_own_offset(td_connect, expression, expected) -> None:
    assert _value(td_connect, expression) == expected


def test_to_iso8601_of_a_zoned_column(td_connect) -> None:
    cursor = td_connect(timezone="UTC").cursor()
    cursor.execute("WITH t AS (SELECT from_unixtime(0, 'Asia/Tokyo') AS ts) SELECT to_iso8601(ts) FROM t")
    assert cursor.fetchall() == [["1970-01-01T09:00:00.000+09:00"]]


def test_an_unknown_unit_is_trinos_error(td_connect) -> None:
    # Trino: "'fortnight' is not a valid Timestamp field" (DateTimeFunctions.getTimestampField).
    cursor = td_connect(timezone="UTC").cursor()
    with pytest.raises(trino.exceptions.TrinoUserError) as raised:
        cursor.execute("SELECT date_add('fortnight', 1, TIMESTAMP '2024-01-01 00:00:00 Asia/Tokyo')")
        cursor.fetchall()
    assert raised.value.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert "'fortnight' is not a valid Timestamp field" in raised.value.message
