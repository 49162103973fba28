"""Constructs whose Trino answer tdlocal cannot compute are refused with an error naming them,
not answered with DuckDB's different rows, through the `trino` client against a strict server.

- FETCH FIRST n ROWS WITH TIES: Trino docs, SELECT, "FETCH FIRST clause": WITH TIES also returns
  every row tied with the last one in the ORDER BY (so 1, 2, 2 below); sqlglot wrote DuckDB's
  plain LIMIT 2, which answered 1, 2.
- char(n): Trino docs, Data types, CHAR: a fixed-length value padded with spaces
  (`CAST('a' AS char(3))` is 'a  ') and compared without its trailing spaces; DuckDB reads char(n)
  as varchar and answered 'a'.
"""

from __future__ import annotations

import pytest

from tests.tdlocal.server.conftest import trino_failure


def test_fetch_with_ties_is_refused(td_connect) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(
        cursor, "SELECT x FROM (VALUES 1, 2, 2, 3) t(x) ORDER BY x FETCH FIRST 2 ROWS WITH TIES"
    )
    assert raised.error_name == "NOT_SUPPORTED"
    assert "WITH TIES" in raised.message and "rank() OVER" in raised.message


def test_fetch_first_rows_only_still_runs(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("SELECT x FROM (VALUES 1, 2, 2, 3) t(x) ORDER BY x OFFSET 1 ROWS FETCH FIRST 2 ROWS ONLY")
    assert cursor.fetchall() == [[2], [2]]


@pytest.mark.parametrize(
    "sql",
    ["SELECT CAST('a' AS char(3))", "SELECT char 'ab'", "CREATE TABLE raw.fixed_width (c char(2))"],
)
def test_char_types_are_refused(td_connect, sql) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, sql)
    assert raised.error_name == "NOT_SUPPORTED"
    assert "char(n)" in raised.message and "use varchar" in raised.message
