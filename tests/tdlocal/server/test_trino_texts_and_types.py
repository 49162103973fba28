"""Result types, case mapping and error texts as Trino 423 gives them, through the `trino` client.

Sources: Trino's docs, String functions (`||` / concat of varchar is varchar; NULL is the unknown
type, which coerces to varchar); io.airlift.slice.SliceUtf8.toUpperCase/toLowerCase (each code
point through Java's Character.toUpperCase(int): simple one-to-one mappings, ß has none, so
`upper('straße')` is `STRAßE`); Trino's IntegerOperators / BigintOperators (`integer addition
overflow: 2147483647 + 1`, NUMERIC_VALUE_OUT_OF_RANGE) and the DIVISION_BY_ZERO text `Division by
zero`; Trino's docs, Aggregate functions (`approx_distinct(x, e)` takes a maximum standard error)
and ApproximateCountDistinctAggregation (`Max standard error must be in [0.0040625, 0.26]: ...`,
INVALID_FUNCTION_ARGUMENT); Trino's docs, Array functions (`contains(x, element)` takes an
array: a varchar is FUNCTION_NOT_FOUND, `Unexpected parameters (varchar(3), varchar(1)) for
function contains. Expected: contains(array(T), T)`).
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError


def _row(connect, sql: str) -> tuple[list, list[str]]:
    cursor = connect().cursor()
    cursor.execute(sql)
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return rows[0], [column[1] for column in cursor.description]


def test_concatenating_null_is_a_varchar(td_connect):
    row, types = _row(td_connect, "SELECT 'a' || NULL, typeof('a' || NULL), concat(NULL, 'b')")
    assert row == [None, "varchar", None]
    assert types == ["varchar", "varchar", "varchar"]


def test_upper_and_lower_map_code_point_by_code_point(td_connect):
    row, _ = _row(
        td_connect,
        "SELECT upper('straße'), upper(s), lower('STRAẞE'), upper('ﬁ') FROM (VALUES ('ßaß')) AS v(s)",
    )
    # DuckDB's upper gave 'STRAẞE' and 'ẞAẞ'; the ligature ﬁ has no one-code-point uppercase either.
    assert row == ["STRAßE", "ßAß", "straße", "ﬁ"]


@pytest.mark.parametrize(
    ("sql", "name", "message"),
    [
        ("SELECT 2147483647 + 1", "NUMERIC_VALUE_OUT_OF_RANGE", "integer addition overflow: 2147483647 + 1"),
        (
            "SELECT -2147483647 - 2",
            "NUMERIC_VALUE_OUT_OF_RANGE",
            "integer subtraction overflow: -2147483647 - 2",
        ),
        (
            "SELECT 9223372036854775807 * 2",
            "NUMERIC_VALUE_OUT_OF_RANGE",
            "bigint multiplication overflow: 9223372036854775807 * 2",
        ),
        ("SELECT x / 0 FROM (VALUES 1) AS v(x)", "DIVISION_BY_ZERO", "Division by zero"),
        ("SELECT x % 0 FROM (VALUES 1) AS v(x)", "DIVISION_BY_ZERO", "Division by zero"),
        (
            "SELECT contains('abc', 'b')",
            "FUNCTION_NOT_FOUND",
            "Unexpected parameters (varchar(3), varchar(1)) for function contains. Expected: contains(array(T), T)",
        ),
        (
            "SELECT approx_distinct(x, 0.001) FROM (VALUES 1) AS v(x)",
            "INVALID_FUNCTION_ARGUMENT",
            "Max standard error must be in [0.0040625, 0.26]: 0.001",
        ),
    ],
)
def test_error_texts_are_trinos(td_connect, sql, name, message):
    with pytest.raises(TrinoUserError) as caught:
        td_connect().cursor().execute(sql).fetchall()
    assert caught.value.error_name == name
    assert caught.value.message == message


def test_approx_distinct_takes_a_max_standard_error(td_connect):
    row, types = _row(td_connect, "SELECT approx_distinct(x, 0.01) FROM (VALUES 1, 2, 2, 3) AS v(x)")
    assert row == [3]  # an approximation in both engines; exact for so few values
    assert types == ["bigint"]
