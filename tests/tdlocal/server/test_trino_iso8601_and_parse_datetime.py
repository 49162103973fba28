"""to_iso8601 and parse_datetime as Trino 423 answers them, through the real `trino` client
against a strict tdlocal.

Expected values: Trino's TestDateTimeFunctions (`to_iso8601(TIMESTAMP '2001-08-22 03:04:05.321')`
is `2001-08-22T03:04:05.321`, `to_iso8601(DATE '2001-08-22')` is `2001-08-22`) and its
timestamptz ToIso8601, which appends java.time.ZoneOffset's text: `Z` for UTC. parse_datetime
reads a Joda pattern in the session zone (Trino docs: "Parses string into a timestamp with time
zone using format"; Joda's DateTimeFormat letters).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from trino.exceptions import TrinoUserError


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("to_iso8601(TIMESTAMP '2001-08-22 03:04:05.321')", "2001-08-22T03:04:05.321"),
        ("to_iso8601(DATE '2001-08-22')", "2001-08-22"),
        ("to_iso8601(CAST('2001-08-22 03:04:05.321456' AS timestamp(6)))", "2001-08-22T03:04:05.321456"),
        # timestamp(3) with time zone in the session zone, UTC: ZoneOffset.UTC prints 'Z'.
        ("to_iso8601(from_unixtime(998449445.321))", "2001-08-22T03:04:05.321Z"),
        ("to_iso8601(CAST(NULL AS date))", None),
    ],
)
def test_to_iso8601(td_connect, expression, expected) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT {expression}")
    assert cursor.fetchall() == [[expected]]


def test_to_iso8601_prints_the_session_zones_offset(td_connect) -> None:
    # Trino: 998449445 in Asia/Kolkata is 08:34:05 local, offset +05:30.
    cursor = td_connect().cursor()
    cursor.execute("SET TIME ZONE 'Asia/Kolkata'")
    cursor.fetchall()
    cursor.execute("SELECT to_iso8601(from_unixtime(998449445))")
    assert cursor.fetchall() == [["2001-08-22T08:34:05.000+05:30"]]


def test_to_iso8601_of_a_number_is_a_function_not_found(td_connect) -> None:
    cursor = td_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute("SELECT to_iso8601(1)")
        cursor.fetchall()
    assert error.value.error_name == "FUNCTION_NOT_FOUND"
    assert "Unexpected parameters (integer) for function to_iso8601" in error.value.message


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        (
            "parse_datetime('2020-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss')",
            datetime(2020, 1, 2, 3, 4, 5, tzinfo=UTC),
        ),
        # Joda: MMM is the short month name, SSS milliseconds, a the half-day marker.
        (
            "parse_datetime('22/Aug/2001 03:04:05.321 PM', 'dd/MMM/yyyy hh:mm:ss.SSS a')",
            datetime(2001, 8, 22, 15, 4, 5, 321000, tzinfo=UTC),
        ),
        ("parse_datetime(NULL, 'yyyy')", None),
    ],
)
def test_parse_datetime_reads_a_joda_pattern_in_the_session_zone(td_connect, expression, expected) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT {expression}")
    assert cursor.fetchall() == [[expected]]


def test_parse_datetime_keeps_the_offset_it_reads(td_connect) -> None:
    # Joda's Z reads +0900: the instant is 2020-01-01T18:04:05Z, epoch 1577901845.
    cursor = td_connect().cursor()
    cursor.execute("SELECT to_unixtime(parse_datetime('2020-01-02 03:04:05 +0900', 'yyyy-MM-dd HH:mm:ss Z'))")
    assert cursor.fetchall() == [[1577901845.0]]


def test_parse_datetime_in_a_session_zone(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("SET TIME ZONE 'Asia/Tokyo'")
    cursor.fetchall()
    cursor.execute("SELECT to_unixtime(parse_datetime('2020-01-02 03:04:05', 'yyyy-MM-dd HH:mm:ss'))")
    assert cursor.fetchall() == [[1577901845.0]]
    assert datetime(2020, 1, 2, 3, 4, 5, tzinfo=timezone(timedelta(hours=9))).timestamp() == 1577901845


def test_parse_datetime_of_text_the_pattern_does_not_match_fails(td_connect) -> None:
    # Trino: Joda's IllegalArgumentException "Invalid format: ..." (INVALID_FUNCTION_ARGUMENT), never NULL.
    cursor = td_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute("SELECT parse_datetime('2020-13-02', 'yyyy-MM-dd')")
        cursor.fetchall()
    assert error.value.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert error.value.message.startswith('Invalid format: "2020-13-02"')
