"""json_extract_scalar returns a number as it is written in the document, as Trino 423 does,
through the `trino` client against a strict server.

Expected values: Trino's JsonExtract.ScalarValueJsonExtractor returns `jsonParser.getText()`, and
Jackson's getText() of a number token is its text in the input: 1.50 stays '1.50', 1e2 '1e2'.
DuckDB's json_extract_string printed the parsed double ('1.5', '100.0'). Integers, strings and
booleans were already Trino's text.

Paths: Trino's JsonPathTokenizer reads every step as a field name or an array index, so `[*]`,
`.*` and `[-1]` look up the fields "*" and "-1" (NULL on an array: ObjectFieldJsonExtractor finds
no index there). DuckDB read `*` as a wildcard (an array of every element) and `[-1]` as the last
element.
"""

from __future__ import annotations

import pytest

from tests.tdlocal.server.conftest import trino_failure


def test_json_extract_scalar_keeps_the_written_number(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        """SELECT json_extract_scalar('{"a":1.50}', '$.a'), json_extract_scalar('{"a":1e2}', '$.a'), """
        """json_extract_scalar('{"a":[0, 2.50]}', '$.a[1]'), json_extract_scalar('{"a b":{"c":3.0}}', '$["a b"].c'), """
        """json_extract_scalar('{"a":12}', '$.a'), json_extract_scalar('{"a":"x"}', '$.a'), """
        """json_extract_scalar('{"a":true}', '$.a')"""
    )
    assert cursor.fetchall() == [["1.50", "1e2", "2.50", "3.0", "12", "x", "true"]]


def test_json_extract_scalar_of_a_column(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        """SELECT json_extract_scalar(j, '$.price') FROM (VALUES '{"price": 19.90}', '{"price": 5}', NULL) t(j)"""
    )
    assert cursor.fetchall() == [["19.90"], ["5"], [None]]


@pytest.mark.parametrize(
    "call",
    [
        "json_extract_scalar('[1,2,3]', '$[-1]')",
        "json_extract('[1,2]', '$[*]')",
        """json_extract('{"a":{"b":1}}', '$.*')""",
        "json_extract_scalar('[1,2]', '$.bar[2][-1]')",
    ],
)
def test_wildcards_and_negative_indexes_are_invalid_paths(td_connect, call) -> None:
    # Trino 423's JsonPathTokenizer accepts only '_' and letters or digits in an unquoted step
    # (line 117); an empty token fails with `Invalid JSON path: '<path>'` (lines 84/108), and
    # TestJsonExtract asserts that "$.bar[2][-1]" fails.
    path = call.rsplit("'", 2)[1]
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, f"SELECT {call}")
    assert raised.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert raised.message == f"Invalid JSON path: '{path}'"


def test_quoted_star_and_minus_one_are_field_names(td_connect) -> None:
    # JsonPathTokenizer reads a quoted step ["..."] as a field name whatever its characters.
    cursor = td_connect().cursor()
    cursor.execute(
        """SELECT json_extract_scalar('{"*":5}', '$["*"]'), json_extract('{"*":[1, 2]}', '$["*"]'), """
        """json_extract_scalar('{"-1":7}', '$["-1"]'), json_extract_scalar('[1]', '$["*"]')"""
    )
    assert cursor.fetchall() == [["5", "[1,2]", "7", None]]


def test_cast_of_json_to_varchar_is_the_scalar_text(td_connect) -> None:
    # Trino's JsonOperators.currentTokenAsVarchar: a string unquoted, an integer as written, a
    # non-integer number through CAST(double AS varchar), true/false, NULL for JSON null; Trino
    # docs, JSON functions, "Cast from JSON": CAST(JSON '"abc"' AS VARCHAR) is abc.
    cursor = td_connect().cursor()
    cursor.execute(
        """SELECT CAST(JSON '"abc"' AS varchar), CAST(json_extract('{"n":"alice"}', '$.n') AS varchar), """
        """CAST(JSON '12' AS varchar), CAST(JSON '1.50' AS varchar), CAST(JSON 'true' AS varchar), """
        """CAST(JSON 'null' AS varchar)"""
    )
    assert cursor.fetchall() == [["abc", "alice", "12", "1.5E0", "true", None]]


def test_cast_of_a_json_object_to_varchar_fails(td_connect) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, """SELECT CAST(JSON '{"a":1}' AS varchar)""")
    assert raised.error_name == "INVALID_CAST_ARGUMENT"


def test_cast_of_a_json_fraction_to_an_integer_rounds_half_up(td_connect) -> None:
    # JsonOperators casts a JSON number with a fraction through DoubleOperators.castToLong, which
    # rounds half away from zero (TestDoubleOperators: 17.5E0 is 18); DuckDB rounded half to even.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT CAST(JSON '2.5' AS bigint), CAST(JSON '-2.5' AS integer), CAST(JSON '\"123\"' AS integer)"
    )
    assert cursor.fetchall() == [[3, -3, 123]]
