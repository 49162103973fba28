"""Zoned timestamps as Trino 423 prints them, through the real `trino` client.

Expected values: the issue's Trino reading (`CAST(from_unixtime(1705104000) AS varchar)` is
`2024-01-13 00:00:00.000 UTC`), Trino's docs for from_unixtime ("Returns the UNIX timestamp as a
timestamp with time zone" in the session zone) and Trino's TestTimestampWithTimeZone cast cases
(the text is the local time with millisecond fraction, a space and the zone id).
"""

from __future__ import annotations

import pytest
import trino


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UTC", "2024-01-13 00:00:00.000 UTC"),
        ("Asia/Kolkata", "2024-01-13 05:30:00.000 Asia/Kolkata"),
        ("America/New_York", "2024-01-12 19:00:00.000 America/New_York"),
    ],
)
def test_cast_of_a_zoned_timestamp_to_varchar_names_the_zone(td_connect, zone, expected) -> None:
    cursor = td_connect(timezone=zone).cursor()
    cursor.execute("SELECT CAST(from_unixtime(1705104000) AS varchar)")
    assert cursor.fetchall() == [[expected]]


def test_cast_follows_set_time_zone(td_connect) -> None:
    connection = td_connect(timezone="UTC")
    connection.cursor().execute("SET TIME ZONE 'Asia/Tokyo'").fetchall()
    cursor = connection.cursor()
    cursor.execute("SELECT CAST(from_unixtime(0) AS varchar), CAST(from_unixtime(1.5) AS varchar)")
    assert cursor.fetchall() == [["1970-01-01 09:00:00.000 Asia/Tokyo", "1970-01-01 09:00:01.500 Asia/Tokyo"]]


# --- timestamp with time zone keeps its zone -------------------------------------------------------
# Expected values: Trino docs, Date and time functions (AT TIME ZONE, at_timezone, timezone_hour and
# timezone_minute examples, e.g. at_timezone(timestamp '2021-08-22 00:00 UTC', 'Canada/Newfoundland')
# is 2021-08-21 21:30:00.000 Canada/Newfoundland); to_unixtime is the instant's Unix time whatever
# zone it is shown in (the Trino reading: to_unixtime(from_unixtime(0, 'Asia/Tokyo')) = 0.0);
# Trino's zoned timestamp text is `local time.mmm zone-id` (TestTimestampWithTimeZone casts).


def _one_row(connect, sql: str, **options):
    cursor = connect(**options).cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1
    return rows[0], [column[1] for column in cursor.description]


def test_a_value_in_another_zone_keeps_its_instant_and_its_zone(td_connect) -> None:
    row, types = _one_row(
        td_connect,
        "SELECT to_unixtime(from_unixtime(0, 'Asia/Tokyo')), "
        "CAST(from_unixtime(1705104000, 'Asia/Tokyo') AS varchar), "
        "CAST(from_unixtime(0, 9, 30) AS varchar), "
        "from_unixtime(0, 'Asia/Tokyo') = from_unixtime(0), "
        "typeof(from_unixtime(0, 'Asia/Tokyo')), typeof(current_timestamp)",
        timezone="UTC",
    )
    assert row == [
        0.0,
        "2024-01-13 09:00:00.000 Asia/Tokyo",
        "1970-01-01 09:30:00.000 +09:30",
        True,  # equality of zoned timestamps compares instants
        "timestamp(3) with time zone",
        "timestamp(3) with time zone",
    ]
    assert types[0] == "double"


def test_the_client_receives_the_value_in_its_own_zone(td_connect) -> None:
    # The trino client parses `... Asia/Tokyo` / `... +09:00` into aware datetimes in that zone.
    row, types = _one_row(
        td_connect,
        "SELECT from_unixtime(0, 'Asia/Tokyo'), from_iso8601_timestamp('2024-01-15T01:30:00+09:00')",
    )
    assert types == ["timestamp(3) with time zone", "timestamp(3) with time zone"]
    tokyo, offset = row
    assert (tokyo.hour, str(tokyo.tzinfo), tokyo.timestamp()) == (9, "Asia/Tokyo", 0.0)
    assert (offset.hour, offset.minute, offset.utcoffset().total_seconds()) == (1, 30, 9 * 3600)
    assert offset.timestamp() == 1705249800.0  # 2024-01-14T16:30:00Z


def test_at_time_zone_at_timezone_and_with_timezone(td_connect) -> None:
    row, _ = _one_row(
        td_connect,
        "SELECT CAST(timestamp '2012-10-31 01:00 UTC' AT TIME ZONE 'America/Los_Angeles' AS varchar), "
        "CAST(at_timezone(timestamp '2021-08-22 00:00 UTC', 'Canada/Newfoundland') AS varchar), "
        "timezone_hour(timestamp '2021-08-22 04:00 UTC' AT TIME ZONE 'Canada/Newfoundland'), "
        "timezone_minute(timestamp '2021-08-22 04:00 UTC' AT TIME ZONE 'Canada/Newfoundland'), "
        "CAST(with_timezone(TIMESTAMP '2012-10-31 01:00', 'Asia/Tokyo') AS varchar), "
        "to_unixtime(with_timezone(TIMESTAMP '2012-10-31 01:00', 'Asia/Tokyo'))",
    )
    assert row == [
        "2012-10-30 18:00:00.000 America/Los_Angeles",
        "2021-08-21 21:30:00.000 Canada/Newfoundland",
        -2,
        -30,
        "2012-10-31 01:00:00.000 Asia/Tokyo",
        1351612800.0,  # 2012-10-30T16:00:00Z
    ]


def test_zoned_literals_and_iso8601_offsets(td_connect) -> None:
    # Trino docs, Date and time types: a timestamp with time zone literal names its zone after the
    # time; an offset of zero is Trino's UTC zone key.
    row, _ = _one_row(
        td_connect,
        "SELECT to_unixtime(TIMESTAMP '2020-01-01 00:00:00 Asia/Tokyo'), "
        "CAST(TIMESTAMP '2020-01-01 00:00:00 Asia/Tokyo' AS varchar), "
        "CAST(TIMESTAMP '2020-01-01 00:00:00-0' AS varchar), "
        "CAST(TIMESTAMP '2020-01-01 00:00:00 +05:30' AS varchar), "
        "CAST(from_iso8601_timestamp('2024-01-15T01:30:00+09:00') AS varchar), "
        "to_unixtime(from_iso8601_timestamp('2024-01-15T01:30:00+09:00'))",
    )
    assert row == [
        1577804400.0,  # 2019-12-31T15:00:00Z
        "2020-01-01 00:00:00.000 Asia/Tokyo",
        "2020-01-01 00:00:00.000 UTC",
        "2020-01-01 00:00:00.000 +05:30",
        "2024-01-15 01:30:00.000 +09:00",
        1705249800.0,
    ]


def test_fields_dates_and_formats_read_the_values_own_zone(td_connect) -> None:
    # 1970-01-01T00:00:00Z is 09:00 on Jan 1 in Tokyo and 19:00 on Dec 31 1969 in New York.
    row, _ = _one_row(
        td_connect,
        "WITH t AS (SELECT from_unixtime(0, 'Asia/Tokyo') AS tokyo, "
        "from_unixtime(0, 'America/New_York') AS new_york) "
        "SELECT hour(tokyo), day(new_york), year(new_york), date(new_york), "
        "CAST(new_york AS date), format_datetime(tokyo, 'yyyy-MM-dd HH:mm Z'), "
        "format_datetime(new_york, 'HH:mm ZZ'), date_format(tokyo, '%Y-%m-%d %H'), "
        "CAST(tokyo AS timestamp), timezone_hour(tokyo) FROM t",
        timezone="UTC",
    )
    assert [str(value) if not isinstance(value, int) else value for value in row] == [
        9,
        31,
        1969,
        "1969-12-31",
        "1969-12-31",
        "1970-01-01 09:00 +0900",
        "19:00 -05:00",
        "1970-01-01 09",
        "1970-01-01 09:00:00",
        9,
    ]


def test_what_tdlocal_cannot_do_on_another_zone_is_refused_by_name(td_connect) -> None:
    # Trino: date_trunc keeps the zone. tdlocal computes it in the value's zone when the value is
    # built in the same expression (test_trino_zoned_arithmetic.py); read from a CTE's column,
    # it refuses rather than truncate in the wrong zone.
    cursor = td_connect().cursor()
    with pytest.raises(trino.exceptions.TrinoUserError) as raised:
        cursor.execute(
            "WITH t AS (SELECT from_unixtime(0, 'America/New_York') AS ts) SELECT date_trunc('day', ts) FROM t"
        )
        cursor.fetchall()
    assert raised.value.error_name == "NOT_SUPPORTED"
    assert "date_trunc" in raised.value.message and "time zone" in raised.value.message


def test_an_unknown_zone_is_refused(td_connect) -> None:
    cursor = td_connect().cursor()
    with pytest.raises(trino.exceptions.TrinoUserError) as raised:
        cursor.execute("SELECT from_unixtime(0, 'Mars/Olympus')")
        cursor.fetchall()
    assert raised.value.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert "Mars/Olympus" in raised.value.message


def test_zoned_values_from_columns_compare_as_instants(td_connect) -> None:
    # Trino compares timestamp with time zone values by instant: 00:00 UTC is 09:00 in Tokyo and
    # 19:00 the day before in New York, all equal.
    row, _ = _one_row(
        td_connect,
        "WITH t AS (SELECT from_unixtime(0, 'Asia/Tokyo') AS a, from_unixtime(0, 'America/New_York') AS b, "
        "from_unixtime(1, 'America/New_York') AS c) SELECT a = b, a <> b, a < c, c > a, a = c FROM t",
    )
    assert row == [True, False, True, True, False]
