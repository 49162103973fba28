"""trim / ltrim / rtrim remove Java's whitespace, not only spaces, as in Trino 423, through the
`trino` client against a strict server.

Expected values: Trino's StringFunctions.trim/ltrim/rtrim of one argument call airlift's
SliceUtf8.trim/leftTrim/rightTrim, whose whitespace table is `Character.isWhitespace(codePoint)`
(Java docs: tab, line feed, vertical tab, form feed, carriage return, U+001C..U+001F and the
Unicode space, line and paragraph separators other than the no-break spaces U+00A0, U+2007,
U+202F). DuckDB's trim removed spaces only: a value ending in a newline kept it.
"""

from __future__ import annotations


def test_one_argument_trims_remove_java_whitespace(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT trim(chr(9) || 'a' || chr(10)), ltrim(chr(13) || ' a '), rtrim(' a ' || chr(12)), "
        "trim(BOTH FROM chr(12288) || 'a' || chr(8232)), trim(chr(28) || 'a' || chr(31)), "
        # U+00A0 (no-break space) is not Java whitespace: it stays.
        "trim(chr(160) || 'a')"
    )
    assert cursor.fetchall() == [["a", "a ", " a", "a", "a", "\u00a0a"]]


def test_trims_with_characters_remove_those(td_connect) -> None:
    # Trino docs, String functions: trim(string, chars) removes the given characters only.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT trim('xxaxx', 'x'), ltrim('xxa', 'x'), trim(LEADING 'x' FROM 'xxaxx'), trim(' a' || chr(9), ' ')"
    )
    assert cursor.fetchall() == [["a", "a", "axx", "a\t"]]
