"""Limits as TD's Trino has them, through the real `trino` client against a strict tdlocal.

Sources: Trino's query.max-length (1,000,000, compared with the query string's Java length, i.e.
UTF-16 code units; TD documents it as the 1 MB query limit), Trino's SequenceFunction and
RepeatFunction (MAX_RESULT_ENTRIES = 10000, messages as in TestSequenceFunction /
TestArrayOperators), and the Trino docs for sequence() (counting down by 1 when stop < start)
and repeat() (an array).
"""

from __future__ import annotations

import datetime

import pytest
from trino.exceptions import TrinoUserError

from tests.tdlocal.server.conftest import trino_failure


def value(connect, sql: str):
    cursor = connect().cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1 and len(rows[0]) == 1
    return rows[0][0]


def failure(connect, sql: str) -> TrinoUserError:
    return trino_failure(connect().cursor(), sql)


def test_a_400000_character_japanese_literal_is_accepted(td_connect) -> None:
    # 400,000 characters are 1.2 MB of UTF-8: the limit counts characters, as Trino does.
    assert value(td_connect, "SELECT length('" + "あ" * 400_000 + "')") == 400_000


def test_query_text_over_a_million_characters_is_refused(td_connect) -> None:
    error = failure(td_connect, "SELECT '" + "x" * 1_000_000 + "'")
    assert error.error_name == "QUERY_TEXT_TOO_LARGE"
    assert "exceeds the maximum length (1000000)" in error.message


def test_characters_beyond_the_basic_plane_count_twice_as_in_java(td_connect) -> None:
    # "SELECT ''" is 9 units; 499,996 emoji are 999,992 more: 1,000,001 Java chars.
    error = failure(td_connect, "SELECT '" + "😀" * 499_996 + "'")
    assert error.error_name == "QUERY_TEXT_TOO_LARGE"


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        ("SELECT cardinality(sequence(1, 10000))", 10_000),
        ("SELECT sequence(5, 1)", [5, 4, 3, 2, 1]),
        ("SELECT sequence(1, 10, 3)", [1, 4, 7, 10]),
        (
            "SELECT sequence(DATE '2020-01-03', DATE '2020-01-01')",
            [datetime.date(2020, 1, 3), datetime.date(2020, 1, 2), datetime.date(2020, 1, 1)],
        ),
        (
            # SequenceFunction adds i * step months to the start: month ends survive February.
            "SELECT sequence(DATE '2020-01-31', DATE '2020-04-30', INTERVAL '1' MONTH)",
            [
                datetime.date(2020, 1, 31),
                datetime.date(2020, 2, 29),
                datetime.date(2020, 3, 31),
                datetime.date(2020, 4, 30),
            ],
        ),
        ("SELECT cardinality(sequence(DATE '2000-01-01', DATE '2027-05-18'))", 10_000),
        ("SELECT repeat('a', 3)", ["a", "a", "a"]),
        ("SELECT cardinality(repeat(1, 10000))", 10_000),
    ],
)
def test_sequence_and_repeat_within_the_limit(td_connect, sql, expected) -> None:
    assert value(td_connect, sql) == expected


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT sequence(1, 10001)", "result of sequence function must not have more than 10000 entries"),
        (
            "SELECT sequence(0, 1000000000000)",
            "result of sequence function must not have more than 10000 entries",
        ),
        (
            "SELECT sequence(DATE '2000-04-14', DATE '2030-04-12', INTERVAL '1' DAY)",
            "result of sequence function must not have more than 10000 entries",
        ),
        (
            "SELECT sequence(TIMESTAMP '1970-01-01 00:00:00', TIMESTAMP '2030-01-01 00:00:00', INTERVAL '1' SECOND)",
            "result of sequence function must not have more than 10000 entries",
        ),
        ("SELECT sequence(1, 5, -1)", "sequence stop value should be greater than or equal to start value"),
        ("SELECT sequence(1, 5, 0)", "step must not be zero"),
        ("SELECT repeat(1, 10001)", "count argument of repeat function must be less than or equal to 10000"),
        ("SELECT repeat(1, -1)", "count argument of repeat function must be greater than or equal to 0"),
    ],
)
def test_sequence_and_repeat_past_the_limit_fail_as_in_trino(td_connect, sql, message) -> None:
    error = failure(td_connect, sql)
    assert error.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert message in error.message
