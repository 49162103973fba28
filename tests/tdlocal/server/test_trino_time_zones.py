"""Zoned timestamps as Trino 423 prints them, through the real `trino` client.

Expected values: the issue's Trino reading (`CAST(from_unixtime(1705104000) AS varchar)` is
`2024-01-13 00:00:00.000 UTC`), Trino's docs for from_unixtime ("Returns the UNIX timestamp as a
timestamp with time zone" in the session zone) and Trino's TestTimestampWithTimeZone cast cases
(the text is the local time with millisecond fraction, a space and the zone id).
"""

from __future__ import annotations

import pytest


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
