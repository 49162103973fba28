"""Trino 423 functions tdlocal used to refuse, answered as Trino answers them, through the real
`trino` client against a strict tdlocal.

Expected values and where they come from:
- regexp_position: Trino docs, Regular expression functions (the 'I have 23 apples, 5 pears and
  13 oranges' examples); errors and -1 cases from Trino's JoniRegexpFunctions.regexpPosition.
- strpos(string, substring, instance): Trino docs, String functions ("negative instance searches
  from the end"); StringFunctions.stringPosition (overlapping occurrences, 1 for an empty
  substring, the error for instance 0).
- arrays_overlap: Trino docs, Array functions ("Returns null if there are no non-null elements in
  common but either array contains null"); ArraysOverlapFunction returns false for an empty array.
- json_array_get: Trino 423 docs, JSON functions (its examples, and the warning that a string
  element comes back unquoted); JsonFunctions.jsonArrayGet (a JSON null element is NULL).
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError

APPLES = "'I have 23 apples, 5 pears and 13 oranges'"


def _row(connect, sql: str):
    cursor = connect().cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1
    return rows[0], [column[1] for column in cursor.description]


def _error(connect, sql: str) -> TrinoUserError:
    cursor = connect().cursor()
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute(sql)
        cursor.fetchall()
    return raised.value


def test_regexp_position(td_connect) -> None:
    row, types = _row(
        td_connect,
        f"SELECT regexp_position({APPLES}, '\\b\\d+\\b'), regexp_position({APPLES}, '\\b\\d+\\b', 5), "
        f"regexp_position({APPLES}, '\\b\\d+\\b', 12), regexp_position({APPLES}, '\\b\\d+\\b', 12, 1), "
        f"regexp_position({APPLES}, '\\b\\d+\\b', 12, 2), regexp_position({APPLES}, '\\b\\d+\\b', 12, 3), "
        "regexp_position('abc', 'b', 10), regexp_position('日本語', '語')",
    )
    assert row == [8, 8, 19, 19, 31, -1, -1, 3]
    assert types == ["integer"] * 8


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT regexp_position('abc', 'b', 0)", "start position cannot be smaller than 1"),
        ("SELECT regexp_position('abc', 'b', 1, 0)", "occurrence cannot be smaller than 1"),
    ],
)
def test_regexp_position_refuses_what_trino_refuses(td_connect, sql, message) -> None:
    error = _error(td_connect, sql)
    assert error.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert message in error.message


def test_strpos_with_an_instance(td_connect) -> None:
    row, types = _row(
        td_connect,
        "SELECT strpos('abcabcabc', 'abc', 2), strpos('abcabcabc', 'abc', -1), "
        "strpos('abcabcabc', 'abc', -2), strpos('abcabcabc', 'abc', 4), strpos('aaa', 'aa', 2), "
        "strpos('aaa', 'aa', -2), strpos('日本語日本', '日本', -1), strpos('abc', '', -3), strpos('high', 'ig')",
    )
    assert row == [4, 7, 4, 0, 2, 1, 4, 1, 2]
    assert types == ["bigint"] * 9


def test_strpos_instance_zero_is_trinos_error(td_connect) -> None:
    error = _error(td_connect, "SELECT strpos('abc', 'b', 0)")
    assert error.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert "'instance' must be a positive or negative number." in error.message


def test_arrays_overlap_with_trinos_nulls(td_connect) -> None:
    row, types = _row(
        td_connect,
        "SELECT arrays_overlap(ARRAY[1, 2], ARRAY[2, 3]), arrays_overlap(ARRAY[1, 2], ARRAY[3, 4]), "
        "arrays_overlap(ARRAY[1, NULL], ARRAY[3, 4]), arrays_overlap(ARRAY[1, NULL], ARRAY[1, 4]), "
        "arrays_overlap(ARRAY[], ARRAY[NULL]), arrays_overlap(ARRAY['a'], CAST(NULL AS array(varchar)))",
    )
    assert row == [True, False, None, True, False, None]
    assert types == ["boolean"] * 6


def test_json_array_get(td_connect) -> None:
    row, types = _row(
        td_connect,
        'SELECT json_array_get(\'["a", [3, 9], "c"]\', 0), json_array_get(\'["a", [3, 9], "c"]\', 1), '
        'json_array_get(\'["c", [3, 9], "a"]\', -1), json_array_get(\'["c", [3, 9], "a"]\', -2), '
        'json_array_get(\'[]\', 0), json_array_get(\'["a", "b", "c"]\', 10), '
        'json_array_get(\'["c", "b", "a"]\', -10), json_array_get(\'[1.50, null, true]\', 0), '
        "json_array_get('[1.50, null, true]', 1), json_array_get('[1.50, null, true]', 2), "
        'json_array_get(\'{"a": 1}\', 0), json_array_get(json_parse(\'[1, {"k": "v"}]\'), 1)',
    )
    assert row == ["a", "[3,9]", "a", "[3,9]", None, None, None, "1.50", None, "true", None, '{"k":"v"}']
    assert types == ["json"] * 12
