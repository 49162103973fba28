"""EXTRACT(field FROM x) answers as Trino's function of that field, through the `trino` client
against a strict server.

Expected values: Trino docs, Date and time functions, "Extraction function": each field is the
function named beside it (`DOW` and `DAY_OF_WEEK` are day_of_week, "the ISO day of the week ...
from 1 (Monday) to 7 (Sunday)"; `YOW` is year_of_week, the year of the ISO week); the fields are
Trino's parser's Extract.Field, and any other is a parse error "Invalid EXTRACT field: X"
(AstBuilder.visitExtract; TestDateTimeFunctions: `EXTRACT(MILLISECOND FROM ...)` fails so).
DuckDB's own EXTRACT(DOW ...) is 0 on a Sunday and it accepts EPOCH, ISODOW, MILLISECOND.
2024-01-07 is a Sunday; 2024-12-30 is the Monday of ISO week 1 of 2025.
"""

from __future__ import annotations

import pytest

from tests.tdlocal.server.conftest import trino_failure


def test_extract_fields_are_trinos_functions(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT extract(DOW FROM DATE '2024-01-07'), extract(day_of_week FROM TIMESTAMP '2024-01-07 10:00:00'), "
        "extract(DOW FROM DATE '2024-01-08'), extract(YOW FROM DATE '2024-12-30'), "
        "extract(YEAR_OF_WEEK FROM DATE '2024-12-30'), extract(WEEK FROM DATE '2024-12-30'), "
        "extract(DOY FROM DATE '2024-02-01'), extract(DAY_OF_MONTH FROM DATE '2024-02-01'), "
        "extract(QUARTER FROM DATE '2024-05-01'), extract(SECOND FROM TIMESTAMP '2024-01-07 10:00:05.5'), "
        # A zoned value's fields are read in its own zone: 12:00 UTC is 21:00 in Tokyo, +05:30 in Kolkata.
        "extract(HOUR FROM from_unixtime(1710504000, 'Asia/Tokyo')), "
        "extract(TIMEZONE_HOUR FROM from_unixtime(0, 'Asia/Kolkata')), "
        "extract(TIMEZONE_MINUTE FROM from_unixtime(0, 'Asia/Kolkata'))"
    )
    assert cursor.fetchall() == [[7, 7, 1, 2025, 2025, 1, 32, 1, 2, 5, 21, 5, 30]]
    assert {column[1] for column in cursor.description} == {"bigint"}


@pytest.mark.parametrize("field", ["EPOCH", "ISODOW", "MILLISECOND"])
def test_extract_of_a_field_trino_lacks_is_a_syntax_error(td_connect, field) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"SELECT extract({field} FROM TIMESTAMP '2024-01-01 00:00:00')")
    assert raised.error_name == "SYNTAX_ERROR"
    assert raised.message.startswith(f"Invalid EXTRACT field: {field}")


def test_extract_from_times(td_connect) -> None:
    # Trino 423's visitExtract allows HOUR, MINUTE, SECOND of time(p) (TimeFunctions.hour line 74
    # ... : hour(TIME '10:11:12') is 10); current_time is a time with time zone, localtime a time,
    # both read at their wall clock.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT extract(HOUR FROM TIME '10:11:12'), extract(MINUTE FROM TIME '10:11:12'), "
        "extract(SECOND FROM TIME '10:11:12'), extract(HOUR FROM TIME '10:11:12+05:00'), "
        "extract(HOUR FROM current_time) = hour(current_time), extract(MINUTE FROM localtime) BETWEEN 0 AND 59"
    )
    assert cursor.fetchall() == [[10, 11, 12, 10, True, True]]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        # ExpressionAnalyzer.visitExtract (lines 2093-2128): TYPE_MISMATCH "Cannot extract %s from
        # %s" with the Trino type; a string literal is varchar(n).
        ("'2024-01-01'", "Cannot extract YEAR from varchar(10)"),
        ("CAST('2024-01-01' AS varchar)", "Cannot extract YEAR from varchar"),
    ],
)
def test_extract_of_year_from_text_is_a_type_mismatch(td_connect, expression, message) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"SELECT extract(YEAR FROM {expression})")
    assert raised.error_name == "TYPE_MISMATCH"
    assert raised.message == message


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        # HOUR reads timestamps, times and day-to-second intervals only; TIMEZONE_HOUR zoned
        # values only (visitExtract lines 2116-2128).
        ("extract(HOUR FROM DATE '2024-01-01')", "Cannot extract HOUR from date"),
        (
            "extract(TIMEZONE_HOUR FROM TIMESTAMP '2024-01-01 00:00:00')",
            "Cannot extract TIMEZONE_HOUR from timestamp(0)",
        ),
        ("extract(DOW FROM TIME '10:00:00.123456')", "Cannot extract DOW from time(6)"),
    ],
)
def test_extract_of_a_field_the_type_lacks_is_a_type_mismatch(td_connect, sql, message) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"SELECT {sql}")
    assert raised.error_name == "TYPE_MISMATCH"
    assert raised.message == message
