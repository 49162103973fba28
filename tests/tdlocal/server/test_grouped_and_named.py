"""Window orderings, column names and deprecated TD functions as TD's Trino has them (issue 8, item 6).

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


def test_a_window_ordered_by_rand_runs_and_orders_randomly(td_connect) -> None:
    # Trino runs rank() OVER (PARTITION BY k ORDER BY rand()): each partition's rows get the
    # ranks 1..n in a random order (DuckDB alone refuses a volatile window ordering). The rank
    # each row gets is compared across runs, keyed by the row's own values.
    sql = (
        "SELECT method, time, path, rank() OVER (PARTITION BY method ORDER BY rand()) AS r "
        "FROM (SELECT method, time, path FROM td.sample_datasets.www_access ORDER BY time, path LIMIT 40)"
    )
    assignments = set()
    for _ in range(20):
        cursor = td_connect().cursor()
        cursor.execute(sql)
        rows = cursor.fetchall()
        by_method: dict[str, list[int]] = {}
        for method, _time, _path, rank in rows:
            by_method.setdefault(method, []).append(rank)
        assert all(sorted(ranks) == list(range(1, len(ranks) + 1)) for ranks in by_method.values())
        assert any(len(ranks) > 2 for ranks in by_method.values())
        assignments.add(tuple(sorted((time, path, rank) for _method, time, path, rank in rows)))
    assert len(assignments) > 1  # the same ranks for 40 rows 20 times over would not be random


def test_a_window_ordered_only_by_rand_without_a_column_is_refused_by_name(td_connect) -> None:
    with pytest.raises(TrinoUserError, match="rand"):
        td_connect().cursor().execute("SELECT rank() OVER (ORDER BY rand()) FROM (VALUES 1) AS t (x)")


def test_td_sessionize_window_in_a_grouped_select_runs_over_the_grouped_rows(td_connect) -> None:
    # Trino evaluates window functions after GROUP BY, over the grouped rows (Trino docs, SELECT:
    # "window functions are evaluated after GROUP BY and HAVING"); TD's TD_SESSIONIZE_WINDOW docs:
    # rows of a partition ordered by time share a session id until a gap reaches the timeout
    # (seconds). Per user, the grouped times 1 and 5 are one session, 30 starts another; user b
    # has its own. TD's ids are random UUIDs, so the test compares which rows share an id.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT u, time, count(*) AS n, "
        "TD_SESSIONIZE_WINDOW(time, 10) OVER (PARTITION BY u ORDER BY time) AS session_id "
        "FROM (VALUES ('a', 1), ('a', 1), ('a', 5), ('a', 30), ('b', 2)) AS t (u, time) "
        "GROUP BY u, time ORDER BY u, time"
    )
    rows = cursor.fetchall()
    assert [column[0] for column in cursor.description] == ["u", "time", "n", "session_id"]
    assert [row[:3] for row in rows] == [["a", 1, 2], ["a", 5, 1], ["a", 30, 1], ["b", 2, 1]]
    sessions = [row[3] for row in rows]
    assert sessions[0] == sessions[1]
    assert len({sessions[0], sessions[2], sessions[3]}) == 3
    assert all(len(session) == 36 for session in sessions)


def test_td_sessionize_window_over_an_aggregate_of_the_grouped_rows(td_connect) -> None:
    # The window's time may be an aggregate of each group (Trino: window arguments over grouped
    # rows are grouping keys or aggregates); unnamed items are _col<N> as in any Trino SELECT.
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT p, max(time), TD_SESSIONIZE_WINDOW(max(time), 10) OVER (ORDER BY max(time)) "
        "FROM (VALUES ('x', 1), ('x', 2), ('y', 5), ('z', 30)) AS t (p, time) GROUP BY p HAVING count(*) > 0 "
        "ORDER BY 2"
    )
    rows = cursor.fetchall()
    assert [column[0] for column in cursor.description] == ["p", "_col1", "_col2"]
    assert [row[:2] for row in rows] == [["x", 2], ["y", 5], ["z", 30]]
    assert rows[0][2] == rows[1][2] != rows[2][2]
