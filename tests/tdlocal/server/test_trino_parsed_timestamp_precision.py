"""Timestamps parsed from text have Trino 423's precision: milliseconds, extra digits truncated.

Sources: Trino docs, Date and time functions (`date_parse(string, format) -> timestamp(3)`,
`from_iso8601_timestamp(string) -> timestamp(3) with time zone`, `parse_datetime(string, format)
-> timestamp with time zone`); Trino's DateTimeFunctions parse with Joda formatters, whose
fraction parser keeps milliseconds and drops further digits (`.123956` reads as `.123`).
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone


def _row(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return rows[0]


def test_date_parse_is_a_timestamp_3_truncated_to_milliseconds(td_connect):
    expected = datetime(2024, 1, 2, 3, 4, 5, 123000)
    row = _row(
        td_connect,
        "SELECT date_parse('2024-01-02 03:04:05.123956', '%Y-%m-%d %H:%i:%s.%f'), "
        "typeof(date_parse('2024-01-02', '%Y-%m-%d')), date_parse(x, '%Y-%m-%d %H:%i:%s.%f') "
        "FROM (VALUES ('2024-01-02 03:04:05.123956')) AS v(x)",
    )
    assert row == [expected, "timestamp(3)", expected]


def test_from_iso8601_timestamp_keeps_milliseconds_and_the_texts_offset(td_connect):
    tokyo = timezone(timedelta(hours=9))
    expected = datetime(2024, 1, 2, 3, 4, 5, 123000, tzinfo=tokyo)
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT from_iso8601_timestamp('2024-01-02T03:04:05.123956+09:00'), from_iso8601_timestamp(x), "
        "typeof(from_iso8601_timestamp(x)) FROM (VALUES ('2024-01-02T03:04:05.123956+09:00')) AS v(x)"
    )
    row = cursor.fetchall()[0]
    # The column's offset is its text's (+09:00), not the date's '-01' (an earlier tdlocal read that).
    assert row == [expected, expected, "timestamp(3) with time zone"]
    assert [value.utcoffset() for value in row[:2]] == [timedelta(hours=9)] * 2
