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


# --- the rest of the kind: Trino 423 functions on the strict allowlist that tdlocal could not run.
# Expected values: Trino docs (String, JSON, Array, Mathematical and Binary functions pages) and
# Trino's tests where the docs give no value: TestStringFunctions.testSplitToMap (errors),
# TestMathFunctions.testWidthBucket (values and errors), RFC 2104's HMAC-MD5 example key "key" on
# "The quick brown fox jumps over the lazy dog" (80070713463e7749b90c2dc24911e275).


def test_split_to_map_and_multimap(td_connect) -> None:
    row, types = _row(
        td_connect,
        "SELECT split_to_map('a=1&b=2&', '&', '='), split_to_map('', ',', '='), "
        "split_to_multimap('a=1&b=2&a=3', '&', '=')",
    )
    assert row == [{"a": "1", "b": "2"}, {}, {"a": ["1", "3"], "b": ["2"]}]
    assert types == ["map(varchar, varchar)", "map(varchar, varchar)", "map(varchar, array(varchar))"]
    cursor = td_connect().cursor()
    cursor.execute("SELECT k, v FROM UNNEST(split_to_map('a=1&b=2', '&', '=')) AS t(k, v) ORDER BY k")
    assert cursor.fetchall() == [["a", "1"], ["b", "2"]]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        (
            "SELECT split_to_map('key', ',', '=')",
            "Key-value delimiter must appear exactly once in each entry. Bad input: 'key'",
        ),
        (
            "SELECT split_to_map('key=va=lue', ',', '=')",
            "Key-value delimiter must appear exactly once in each entry. Bad input: 'key=va=lue'",
        ),
        ("SELECT split_to_map('a=123,a=.4', ',', '=')", "Duplicate keys (a) are not allowed"),
        ("SELECT split_to_map('a=1', '=', '=')", "entryDelimiter and keyValueDelimiter must not be the same"),
        ("SELECT width_bucket(3.14, -1, -1, 3)", "bounds cannot equal each other"),
        ("SELECT width_bucket(3.14, 0, 4, 0)", "bucketCount must be greater than 0"),
        ("SELECT from_base('0x11', 16)", "Not a valid base-16 number: 0x11"),
        ("SELECT to_base(1, 37)", "Radix must be between 2 and 36"),
        (
            "SELECT hamming_distance('a', 'ab')",
            "The input strings to hamming_distance function must have the same length",
        ),
        ("SELECT ngrams(ARRAY[1], 0)", "N must be positive"),
    ],
)
def test_bad_arguments_fail_with_trinos_texts(td_connect, sql, message) -> None:
    error = _error(td_connect, sql)
    assert error.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert message in error.message


def test_json_array_contains_and_is_json_scalar(td_connect) -> None:
    row, _ = _row(
        td_connect,
        "SELECT json_array_contains('[1, 2, 3]', 2), json_array_contains('[1.5, 2]', 1.5), "
        "json_array_contains('[\"a\", \"b\"]', 'b'), json_array_contains('[true]', true), "
        # A bigint matches integer numbers only; nested arrays are not searched; not an array: NULL.
        "json_array_contains('[1.0]', 1), json_array_contains('[[2]]', 2), json_array_contains('{\"a\": 1}', 1), "
        "is_json_scalar('1'), is_json_scalar('[1, 2, 3]')",
    )
    assert row == [True, True, True, True, False, False, None, True, False]


def test_array_predicates_zip_with_and_ngrams(td_connect) -> None:
    row, types = _row(
        td_connect,
        # all_match: false on a false, else NULL on a NULL; any_match: true on a true, else NULL on a
        # NULL; an empty array is all_match true (Trino docs, Array functions).
        "SELECT all_match(ARRAY[1, 2], x -> x > 0), all_match(ARRAY[1, NULL], x -> x > 0), "
        "all_match(ARRAY[1, NULL], x -> x > 5), any_match(ARRAY[NULL, 1], x -> x > 5), "
        "none_match(ARRAY[NULL, 1], x -> x > 0), all_match(ARRAY[], x -> x > 0), "
        "zip_with(ARRAY[1, 2, 3], ARRAY['a', 'b'], (x, y) -> CAST(x AS varchar) || coalesce(y, '?')), "
        "ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 2), ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 5)",
    )
    assert row == [
        True,
        None,
        False,
        None,
        False,
        True,
        ["1a", "2b", "3?"],
        [["foo", "bar"], ["bar", "baz"], ["baz", "foo"]],
        [["foo", "bar", "baz", "foo"]],
    ]
    assert types[6:] == ["array(varchar)", "array(array(varchar))", "array(array(varchar))"]


def test_math_functions(td_connect) -> None:
    row, types = _row(
        td_connect,
        "SELECT e(), is_finite(1e0), is_infinite(1e0 / 0e0), "
        "width_bucket(3.14, 0, 4, 3), width_bucket(infinity(), 0, 4, 3), width_bucket(-1, 0, 3.2, 4), "
        "width_bucket(3.14, 4, 0, 3), width_bucket(-1, 3.2, 0, 4), "
        # to_base is Java's Long.toString: lower-case digits and a sign (DuckDB's said 'FF').
        "from_base('ff', 16), from_base('-11', 2), to_base(255, 16), to_base(-255, 16)",
    )
    assert row == [2.718281828459045, True, True, 3, 4, 0, 1, 5, 255, -3, "ff", "-ff"]
    assert types[3:8] == ["bigint"] * 5


def test_string_and_binary_functions(td_connect) -> None:
    row, _ = _row(
        td_connect,
        "SELECT hamming_distance('abcde', 'abxyz'), normalize('ｱ', NFKC), normalize('e\u0301'), "
        "to_hex(hmac_md5(to_utf8('The quick brown fox jumps over the lazy dog'), to_utf8('key'))), "
        "to_base32(to_utf8('abc')), from_utf8(from_base32('MFRGG===')), to_base64url(x'fbff'), "
        "from_base64url('-_8=')",
    )
    assert row == [3, "ア", "é", "80070713463E7749B90C2DC24911E275", "MFRGG===", "abc", "-_8=", b"\xfb\xff"]


# --- functions DuckDB ran with a different answer (no error): now Trino's -----------------------
# Expected values: Trino docs, Array functions (array_position: "returns 0 if not found";
# slice(x, start, length): "negative start from the end"; contains / array_max / array_min NULL
# rules as Trino's ArrayContains and ArrayMinMaxUtils) and String functions (split with a limit:
# "the last element contains everything left in the string").


def test_array_functions_duckdb_answered_differently(td_connect) -> None:
    row, types = _row(
        td_connect,
        "SELECT array_position(ARRAY[1, 2], 3), array_position(ARRAY[1, 2], 2), "
        "array_max(ARRAY[1, NULL, 3]), array_min(ARRAY[1, NULL, 3]), array_max(ARRAY[1, 3]), "
        "contains(ARRAY[1, NULL], 2), contains(ARRAY[1, NULL], 1), contains(ARRAY[1, 3], 2), "
        "slice(ARRAY[1, 2, 3, 4], 2, 2), slice(ARRAY[1, 2, 3, 4], -2, 2), slice(ARRAY[1, 2, 3, 4], 3, 10), "
        "slice(ARRAY[1, 2, 3, 4], 5, 1)",
    )
    assert row == [0, 2, None, None, 3, None, True, False, [2, 3], [3, 4], [3, 4], []]
    assert types[:2] == ["bigint", "bigint"]


def test_split_keeps_the_rest_in_the_last_part(td_connect) -> None:
    row, _ = _row(td_connect, "SELECT split('a,b,c', ',', 2), split('a,b,c', ','), split('a,b,c', ',', 5)")
    assert row == [["a", "b,c"], ["a", "b", "c"], ["a", "b", "c"]]


@pytest.mark.parametrize(
    ("sql", "message"),
    [
        ("SELECT slice(ARRAY[1], 0, 1)", "SQL array indices start at 1"),
        ("SELECT slice(ARRAY[1], 1, -1)", "length must be greater than or equal to 0"),
        ("SELECT split('abc', '')", "The delimiter may not be the empty string"),
        ("SELECT split('abc', 'b', 0)", "Limit must be positive"),
    ],
)
def test_slice_and_split_refuse_what_trino_refuses(td_connect, sql, message) -> None:
    error = _error(td_connect, sql)
    assert error.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert message in error.message
