"""TD_SESSIONIZE_WINDOW: rows share a session id exactly when tdtime.sessionize says they do."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import tdtime
from tdlocal.errors import TrinoError

SESSIONS = """
    SELECT user_id, time, TD_SESSIONIZE_WINDOW(time, {timeout}) OVER (PARTITION BY user_id ORDER BY time) AS session_id
    FROM (VALUES {rows}) AS events(user_id, time)
    ORDER BY user_id, time
"""


def sessions(expr, events: list[tuple[str, int]], timeout: int) -> list[tuple[str, int, str]]:
    rows = ", ".join(f"('{user}', {time})" for user, time in events)
    return expr(SESSIONS.format(timeout=timeout, rows=rows)).rows


def expected_groups(events: list[tuple[str, int]], timeout: int) -> dict[str, list[int]]:
    """tdtime's session numbers per user, for the user's times in ascending order."""
    by_user: dict[str, list[int]] = {}
    for user, time in events:
        by_user.setdefault(user, []).append(time)
    return {user: tdtime.sessionize(sorted(times), timeout) for user, times in by_user.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    events=st.lists(
        st.tuples(st.sampled_from(["u1", "u2", "u3"]), st.integers(0, 20_000)), min_size=1, max_size=40
    ),
    timeout=st.sampled_from([0, 1, 60, 1800]),
)
def test_sessions_match_tdtime(expr, events, timeout):
    rows = sessions(expr, events, timeout)
    numbers = expected_groups(events, timeout)
    for user in numbers:
        ids = [session_id for row_user, _, session_id in rows if row_user == user]
        expected = numbers[user]
        # Same id exactly when tdtime gives the same session number.
        for i in range(len(ids)):
            for j in range(len(ids)):
                assert (ids[i] == ids[j]) == (expected[i] == expected[j])
    all_ids = {session_id for _, _, session_id in rows}
    assert len(all_ids) == sum(len(set(numbers[user])) for user in numbers)  # no id shared across users


def test_a_gap_equal_to_the_timeout_stays_in_the_session(expr):
    # tdtime (inferred): a new session starts when the gap is strictly greater than the timeout.
    rows = sessions(expr, [("u", 0), ("u", 1800), ("u", 3601)], 1800)
    assert rows[0][2] == rows[1][2] != rows[2][2]


def test_ids_are_uuid_shaped_and_deterministic(expr):
    events = [("u1", 100), ("u1", 200), ("u2", 100)]
    first, second = sessions(expr, events, 1800), sessions(expr, events, 1800)
    assert first == second
    for _, _, session_id in first:
        parts = session_id.split("-")
        assert [len(part) for part in parts] == [8, 4, 4, 4, 12]


def test_where_filters_rows_before_sessions_are_computed(expr):
    answer = expr(
        "SELECT e.time, TD_SESSIONIZE_WINDOW(e.time, 100) OVER (PARTITION BY e.u ORDER BY e.time) "
        "FROM (VALUES ('a', 0), ('a', 150), ('a', 200)) AS e(u, time) WHERE e.time > 100 ORDER BY 1"
    )
    assert answer.names == ["time", "_col1"]
    assert answer.rows[0][1] == answer.rows[1][1]


def test_star_does_not_show_helper_columns(expr):
    answer = expr(
        "SELECT *, TD_SESSIONIZE_WINDOW(time, 10) OVER (ORDER BY time) AS s FROM (VALUES 1, 2) AS t(time)"
    )
    assert answer.names == ["time", "s"]


def test_a_null_time_has_no_session(expr):
    answer = expr(
        "SELECT TD_SESSIONIZE_WINDOW(time, 10) OVER (ORDER BY time) FROM (VALUES CAST(NULL AS BIGINT)) AS t(time)"
    )
    assert answer.rows == [(None,)]


def test_sessions_computed_in_a_cte_can_be_aggregated(expr):
    answer = expr(
        "WITH s AS (SELECT TD_SESSIONIZE_WINDOW(time, 10) OVER (ORDER BY time) AS sid "
        "FROM (VALUES 1, 2, 50) AS t(time)) SELECT count(DISTINCT sid) FROM s"
    )
    assert answer.value == 2


@pytest.mark.parametrize(
    "query",
    [
        # Grouped SELECTs run (server tests); a window inside a larger grouped item does not.
        "SELECT u, 'id-' || TD_SESSIONIZE_WINDOW(time, 10) OVER (PARTITION BY u ORDER BY time) "
        "FROM (VALUES ('a', 1)) AS t(u, time) GROUP BY u, time",
        "SELECT TD_SESSIONIZE_WINDOW(a.time, 10) OVER (ORDER BY a.time) "
        "FROM (VALUES 1) AS a(time) JOIN (VALUES 1) AS b(time) ON a.time = b.time",
    ],
)
def test_unsupported_shapes_explain_how_to_restructure(expr, query):
    with pytest.raises(TrinoError) as error:
        expr(query)
    assert "compute the sessions in a CTE" in error.value.message


def test_the_window_must_be_ordered_by_time(expr):
    with pytest.raises(TrinoError) as error:
        expr("SELECT TD_SESSIONIZE_WINDOW(time, 10) OVER (ORDER BY x) FROM (VALUES (1, 2)) AS t(time, x)")
    assert "ORDER BY time" in error.value.message


def test_it_is_a_window_function(expr):
    with pytest.raises(TrinoError) as error:
        expr("SELECT TD_SESSIONIZE_WINDOW(time, 10) FROM (VALUES 1) AS t(time)")
    assert "OVER (PARTITION BY" in error.value.message


def test_a_negative_timeout_is_rejected_with_tdtimes_message(expr):
    with pytest.raises(TrinoError) as error:
        expr("SELECT TD_SESSIONIZE_WINDOW(time, -5) OVER (ORDER BY time) FROM (VALUES 1) AS t(time)")
    assert error.value.name == "INVALID_FUNCTION_ARGUMENT"
    assert "non-negative" in error.value.message
