"""array_remove keeps NULL elements and is NULL for a NULL value, as in Trino 423, through the
`trino` client against a strict server.

Expected values: Trino's ArrayRemoveFunction.remove keeps a position whose element is null
(`if (element == null) { positions.add(i); continue; }`) and drops the elements equal to the value;
its value parameter is not @SqlNullable, so a NULL value makes the call NULL. DuckDB's
list_filter(a, x -> x <> v) dropped the NULL elements, and every element for a NULL value.
"""

from __future__ import annotations


def test_array_remove_keeps_null_elements(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT array_remove(ARRAY[1, NULL, 2, 1], 1), array_remove(ARRAY['a', NULL], 'b'), "
        "array_remove(ARRAY[1, 2], NULL), array_remove(ARRAY[1, 2, 3], 2)"
    )
    assert cursor.fetchall() == [[[None, 2], ["a", None], None, [1, 3]]]


def test_a_nan_value_removes_nothing(td_connect) -> None:
    # ArrayRemoveFunction compares with the element type's equal operator; DoubleType's is
    # `left == right`, false for NaN, so NaN elements stay (DuckDB's NaN = NaN removed them).
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT cardinality(array_remove(ARRAY[nan(), 1e0], nan())), "
        "is_nan(array_remove(ARRAY[nan(), 1e0], nan())[1]), array_remove(ARRAY[nan(), 1e0], 1e0)[1] IS NOT NULL, "
        "array_remove(ARRAY[2e0, 1e0], 1e0)"
    )
    assert cursor.fetchall() == [[2, True, True, [2.0]]]
