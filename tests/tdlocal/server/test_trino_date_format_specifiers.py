"""date_format / date_parse read Trino's MySQL-style specifiers as Trino does, through the `trino`
client against a strict server.

Expected values: Trino's DateTimeFunctions.createDateTimeFormatter (each specifier's Joda field:
`%c` monthOfYear(1), `%e` dayOfMonth(1), `%k` hourOfDay(1), `%l` clockhourOfHalfday(1), `%v`
weekOfWeekyear(2), `%x` weekyear(4), `%f` fractionOfSecond(6, 9), `%W` the weekday's name, `%%` a
percent sign, `%<x>` for any other x the literal x) and Trino docs, Date and time functions,
"MySQL date functions" (`%f` prints milliseconds, `000000 .. 999000`: Trino 423's
timestamp/DateFormat.format first rounds the microseconds half up, epochMicrosToMillisWithRounding; "The
following specifiers are not currently supported: %D %U %u %V %w %X", which fail with
INVALID_FUNCTION_ARGUMENT "%U not supported in date format string"). 2001-01-09 is a Tuesday in ISO
week 2 of 2001; 2024-12-30 is in ISO week 1 of 2025. DuckDB printed `%u` as the ISO day, `%w`, `%U`,
`%V`, `%X` as its own, `%Z` as '' and failed on `%v`.
"""

from __future__ import annotations

import datetime

import pytest

from tests.tdlocal.server.conftest import trino_failure

_TUESDAY = "TIMESTAMP '2001-01-09 13:04:05.321'"


@pytest.mark.parametrize(
    ("trino_format", "text"),
    [
        ("%a %b %c %d %e %f", "Tue Jan 1 09 9 321000"),
        ("%H %h %I %i %j %k %l", "13 01 01 04 009 13 1"),
        ("%M %m %p %r %S %s %T", "January 01 PM 01:04:05 PM 05 05 13:04:05"),
        ("%v %W %x %Y %y %%", "02 Tuesday 2001 2001 01 %"),
        # Any other specifier is its letter (createDateTimeFormatter's default branch).
        ("%Z %A %G %Q|%q", "Z A G Q|q"),
    ],
)
def test_date_format_specifiers_print_as_trinos(td_connect, trino_format, text) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT date_format({_TUESDAY}, '{trino_format}')")
    assert cursor.fetchall() == [[text]]


def test_week_year_and_fraction_of_second(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT date_format(TIMESTAMP '2024-12-30 00:00:00', '%x-%v'), "
        "date_format(TIMESTAMP '2024-01-05 13:04:05.123456', '%f'), "
        # A zoned value prints its own wall clock: 12:00 UTC is 21:00 in Tokyo.
        "date_format(from_unixtime(1710504000, 'Asia/Tokyo'), '%Y-%m-%d %H:%i')"
    )
    assert cursor.fetchall() == [["2025-01", "123000", "2024-03-15 21:00"]]


def test_date_format_rounds_microseconds_to_milliseconds_half_up(td_connect) -> None:
    # DateFormat.format: epochMicrosToMillisWithRounding (roundDiv: (us + 500) / 1000 for us >= 0,
    # (us + 1 - 500) / 1000 below, so a tie goes up), then Joda prints the milliseconds.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT date_format(TIMESTAMP '2024-01-05 13:04:05.123999', '%f'), "
        "date_format(TIMESTAMP '2024-01-05 13:04:59.9996', '%i:%S.%f'), "
        "date_format(TIMESTAMP '2024-01-05 13:04:05.1234', '%f'), "
        "date_format(TIMESTAMP '2024-01-05 13:04:05.1235', '%f'), "
        "date_format(TIMESTAMP '1969-12-31 23:59:59.9995', '%Y %S.%f')"
    )
    assert cursor.fetchall() == [["124000", "05:00.000000", "123000", "124000", "1970 00.000000"]]


@pytest.mark.parametrize("specifier", list("DUuVwX"))
@pytest.mark.parametrize(
    "function", ["date_format(TIMESTAMP '2001-01-09 13:04:05', '%{}')", "date_parse('1', '%{}')"]
)
def test_specifiers_trino_does_not_support_are_refused(td_connect, function, specifier) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, "SELECT " + function.format(specifier))
    assert raised.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert raised.message == f"%{specifier} not supported in date format string"


def test_date_parse_fills_missing_fields_from_1970_and_pivots_two_digit_years(td_connect) -> None:
    # Trino's date_parse parses with a Joda formatter, whose missing fields come from
    # 1970-01-01T00:00 (DuckDB's strptime: 1900-01-01); Trino docs, MySQL date functions, %y:
    # "when parsing, two-digit year format assumes range 1970 .. 2069, so "70" will result in year
    # 1970 but "69" will produce 2069" (strptime: 1969).
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT date_parse('5', '%d'), date_parse('10:30', '%H:%i'), date_parse('69-01-05', '%y-%m-%d'), "
        "date_parse('70-01-05', '%y-%m-%d'), date_parse('2024-1-5', '%Y-%m-%d')"
    )
    assert cursor.fetchall() == [
        [
            datetime.datetime(1970, 1, 5),
            datetime.datetime(1970, 1, 1, 10, 30),
            datetime.datetime(2069, 1, 5),
            datetime.datetime(1970, 1, 5),
            datetime.datetime(2024, 1, 5),
        ]
    ]


def test_parse_datetime_fills_missing_fields_from_1970(td_connect) -> None:
    # parse_datetime parses with Joda's DateTimeFormatter too (Trino docs, Java date functions):
    # the fields the text lacks come from 1970-01-01T00:00, read in the session zone (UTC here).
    cursor = td_connect().cursor()
    cursor.execute("SELECT parse_datetime('10:30', 'HH:mm'), parse_datetime('05', 'dd')")
    utc = datetime.UTC
    rows = cursor.fetchall()
    assert [[value.astimezone(utc) for value in row] for row in rows] == [
        [datetime.datetime(1970, 1, 1, 10, 30, tzinfo=utc), datetime.datetime(1970, 1, 5, tzinfo=utc)]
    ]
