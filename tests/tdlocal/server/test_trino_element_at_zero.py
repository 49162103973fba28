"""element_at(array, 0) fails as Trino's does, through the `trino` client against a strict
server.

Expected behaviour: Trino's ArrayElementAtFunction.checkedIndexToBlockPosition throws
INVALID_FUNCTION_ARGUMENT "SQL array indices start at 1" for index 0 and returns NULL for an index
beyond either end (negative indexes count from the end). DuckDB answered NULL for 0.
"""

from __future__ import annotations

import pytest

from tests.tdlocal.server.conftest import trino_failure


@pytest.mark.parametrize(
    "sql",
    ["SELECT element_at(ARRAY[1, 2], 0)", "SELECT element_at(x, i) FROM (VALUES (ARRAY[5, 6], 0)) t(x, i)"],
)
def test_element_at_zero_is_an_error(td_connect, sql) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, sql)
    assert raised.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert raised.message == "SQL array indices start at 1"


def test_element_at_elsewhere(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT element_at(ARRAY[1, 2], 3), element_at(ARRAY[1, 2], -1), element_at(MAP(ARRAY[0], ARRAY['z']), 0), "
        "element_at(x, i) FROM (VALUES (ARRAY[5, 6], 2)) t(x, i)"
    )
    assert cursor.fetchall() == [[None, 2, "z", 6]]
