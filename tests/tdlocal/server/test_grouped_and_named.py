"""Column names and deprecated TD functions as TD's Trino has them (issue 8, item 6, in part).

Trino's parser keeps no parentheses, so `SELECT DISTINCT(symbol)` is `SELECT DISTINCT symbol` and
names its column `symbol` (Trino docs, SELECT: a column's name is the column it reads). TD's
Trino has only TD_SESSIONIZE_WINDOW; the Hive-era TD_SESSIONIZE is refused pointing to it.
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError


def test_parenthesized_columns_keep_their_names(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT DISTINCT(host), ((www_access.path)), (time + 1) FROM td.sample_datasets.www_access LIMIT 1"
    )
    cursor.fetchall()
    assert [column[0] for column in cursor.description] == ["host", "path", "_col2"]


def test_ctas_of_select_distinct_parenthesized_names_the_column(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("CREATE SCHEMA IF NOT EXISTS td.naming")
    cursor.fetchall()
    cursor = td_connect().cursor()
    cursor.execute("CREATE TABLE td.naming.hosts AS SELECT DISTINCT(host) FROM td.sample_datasets.www_access")
    cursor.fetchall()
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT column_name FROM td.information_schema.columns "
        "WHERE table_schema = 'naming' AND table_name = 'hosts' ORDER BY ordinal_position"
    )
    assert cursor.fetchall() == [["host"], ["time"]]  # strict mode adds TD's time column


def test_deprecated_td_sessionize_points_to_the_window_function(td_connect) -> None:
    with pytest.raises(TrinoUserError) as error:
        td_connect().cursor().execute(
            "SELECT TD_SESSIONIZE(time, 3600, host) FROM td.sample_datasets.www_access"
        )
    assert error.value.error_name == "FUNCTION_NOT_FOUND"
    assert "TD_SESSIONIZE_WINDOW" in error.value.message
