"""date_add, date_trunc and date_diff take only the units Trino gives each type, through the
`trino` client against a strict server.

Expected behaviour: Trino's DateTimeFunctions read the unit lower-cased and accept, for a date,
day, week, month, quarter, year (getDateField) and, for a timestamp, those and millisecond,
second, minute, hour (getTimestampField); any other unit fails with INVALID_FUNCTION_ARGUMENT
"'hour' is not a valid DATE field" / "'decade' is not a valid TIMESTAMP field" (Trino docs, Date
and time functions, "Interval functions", list the same units). DuckDB answered instead:
date_add('hour', 1, DATE ...) was the same date, date_diff('hour', ...) of two dates 24, and
'days' / 'decade' were accepted.
"""

from __future__ import annotations

import datetime

import pytest

from tests.tdlocal.server.conftest import trino_failure


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("date_add('hour', 1, DATE '2024-01-05')", "'hour' is not a valid DATE field"),
        ("date_add('second', 86400, DATE '2024-01-05')", "'second' is not a valid DATE field"),
        ("date_trunc('hour', DATE '2024-01-05')", "'hour' is not a valid DATE field"),
        ("date_diff('hour', DATE '2024-01-05', DATE '2024-01-06')", "'hour' is not a valid DATE field"),
        ("date_add('days', 1, DATE '2024-01-05')", "'days' is not a valid DATE field"),
        (
            "date_diff('decade', TIMESTAMP '2024-01-05 10:00:00', TIMESTAMP '2034-01-05 10:00:00')",
            "'decade' is not a valid TIMESTAMP field",
        ),
    ],
)
def test_units_the_type_lacks_are_trinos_error(td_connect, expression, message) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"SELECT {expression}")
    assert raised.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert raised.message == message


def test_units_the_type_has_still_run(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT date_add('Day', 1, DATE '2024-01-05'), date_add('hour', 1, TIMESTAMP '2024-01-05 10:00:00'), "
        "date_diff('hour', TIMESTAMP '2024-01-05 10:00:00', TIMESTAMP '2024-01-05 12:00:00')"
    )
    assert cursor.fetchall() == [[datetime.date(2024, 1, 6), datetime.datetime(2024, 1, 5, 11, 0), 2]]


@pytest.mark.parametrize(
    "call",
    [
        "date_trunc(u, TIMESTAMP '2024-01-05 10:20:00')",
        "date_add(u, 1, DATE '2024-01-05')",
        "date_diff(u, DATE '2024-01-05', DATE '2024-01-06')",
    ],
)
def test_a_unit_read_from_a_column_is_refused_not_misread(td_connect, call) -> None:
    # Trino evaluates a computed unit per row (date_trunc(varchar(x), timestamp) is an ordinary
    # function). sqlglot reads the column u as the unit 'u', so tdlocal answered "'u' is not a
    # valid TIMESTAMP field", a message Trino would not give here; it now says what it cannot do.
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"SELECT {call} FROM (VALUES 'day') t(u)")
    assert raised.error_name == "NOT_SUPPORTED"
    assert "unit from an expression (u)" in raised.message
