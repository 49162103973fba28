"""Repeated statements reuse their plan, and never where a fresh plan could differ."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from tdlocal.clock import Clock
from tdlocal.engine import Engine
from tdlocal.errors import TrinoError
from tdlocal.plan_cache import PlanCache
from tdlocal.session import Session
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.statements import plan_statement

SESSION = Session(catalog="td", schema="analytics")
DAY_A = int(datetime(2024, 3, 15, 12, tzinfo=UTC).timestamp())
DAY_B = DAY_A + 86_400


class CountingPlanner:
    """plan_statement, counting its calls."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, sql, session, context):
        self.calls += 1
        return plan_statement(sql, session, context)


def context(now: int = DAY_A, **changes) -> TranslationContext:
    return TranslationContext(**{"now": now, "catalog": "td", "schema": "analytics", **changes})


def test_a_repeated_query_is_planned_only_until_it_is_known() -> None:
    planner = CountingPlanner()
    cache = PlanCache(planner)
    plans = [cache.plan("select 1 as one", SESSION, context()) for _ in range(10)]
    # First sighting: planned once. Second: planned again with a shifted "now" to prove it does
    # not depend on it. Then reused.
    assert planner.calls == 3
    assert all(plan == plan_statement("select 1 as one", SESSION, context()) for plan in plans)
    plans[-1].sql.append("mutated by a caller")
    assert cache.plan("select 1 as one", SESSION, context()).sql == plans[0].sql


@pytest.mark.parametrize(
    "sql",
    [
        "select current_date",
        "select now()",
        "select TD_SCHEDULED_TIME()",
        "select count(*) from events where TD_INTERVAL(time, '-1d')",
        "select TD_TIME_RANGE(time, TD_TIME_ADD(TD_SCHEDULED_TIME(), '-1d'), null) from events",
    ],
)
def test_a_statement_that_reads_now_is_planned_for_each_query(sql: str) -> None:
    # Trino evaluates current_date/now() at the query's start, TD's TD_SCHEDULED_TIME and
    # relative TD_INTERVAL ranges from the query's time: a later query must see its own "now".
    planner = CountingPlanner()
    cache = PlanCache(planner)
    for _ in range(4):
        cache.plan(sql, SESSION, context(DAY_A))
    assert len(cache) == 0
    assert cache.plan(sql, SESSION, context(DAY_B)) == plan_statement(sql, SESSION, context(DAY_B))


def test_the_session_is_part_of_what_a_plan_is_reused_for() -> None:
    cache = PlanCache(plan_statement)
    for _ in range(3):
        cache.plan("select * from events", SESSION, context())
    other_schema = context(schema="raw")
    assert cache.plan("select * from events", SESSION, other_schema) == plan_statement(
        "select * from events", SESSION, other_schema
    )
    assert 'FROM "td"."raw"."events"' in cache.plan("select * from events", SESSION, other_schema).sql[0]
    # EXECUTE plans whatever the session's prepared statement says.
    first = Session(catalog="td", schema="analytics", prepared_statements={"q": "select 1"})
    second = Session(catalog="td", schema="analytics", prepared_statements={"q": "select 2"})
    for _ in range(3):
        cache.plan("EXECUTE q", first, context())
    assert cache.plan("EXECUTE q", second, context()) == plan_statement("EXECUTE q", second, context())


def test_writes_and_failures_are_never_reused() -> None:
    planner = CountingPlanner()
    cache = PlanCache(planner)
    for _ in range(3):
        cache.plan("insert into t values (1)", SESSION, context())
        with pytest.raises(TrinoError):
            cache.plan("select * from", SESSION, context())
    assert len(cache) == 0 and planner.calls == 3 + 3


def test_through_the_engine_current_date_follows_the_clock(tmp_path) -> None:
    # Trino: current_date is the date at the start of the query (in the session zone, UTC here).
    engine = Engine(tmp_path, now=DAY_A)
    try:
        for _ in range(3):
            assert engine.execute("select current_date", SESSION, "q").fetch_all() == [(date(2024, 3, 15),)]
        engine.clock = Clock(DAY_B)
        assert engine.execute("select current_date", SESSION, "q").fetch_all() == [(date(2024, 3, 16),)]
    finally:
        engine.close()
