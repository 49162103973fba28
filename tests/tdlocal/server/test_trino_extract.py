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
from trino.exceptions import TrinoUserError


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
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute(f"SELECT extract({field} FROM TIMESTAMP '2024-01-01 00:00:00')")
        cursor.fetchall()
    assert raised.value.error_name == "SYNTAX_ERROR"
    assert raised.value.message.startswith(f"Invalid EXTRACT field: {field}")
