"""Plans of repeated queries, kept so a statement sent again is not parsed and translated again.

Clients repeat statements: dbt asks information_schema the same questions on every run, and a
dashboard re-runs its queries. Translating Trino SQL to DuckDB (sqlglot parse, rewrites, strict
checks) costs more than DuckDB's own work for small queries, so a plan is reused when it cannot
differ: the same text planned in the same session context (catalog, schema, zone, user, strict
mode, prepared statements and session properties).

The query's "now" is the one input that changes between runs. Rather than guess from the text
which statements read it (TD_INTERVAL, current_date, TD_SCHEDULED_TIME, ...), a statement seen a
second time is planned again with a "now" shifted by 400 days, 1 hour, 1 minute and 1 second
(which changes its year, day, hour, minute and second); it is cached only when both plans are
equal, so any use of "now" keeps the statement out of the cache. Only plans that read rows are
kept (no writes, no session changes): those are the ones clients repeat, and they carry no
per-run state such as a table's creation time.

Pure: no I/O; thread-safe.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from tdlocal.session import Session, SessionChanges
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.plan import Plan

# Plans and first sightings kept (least recently used dropped first).
MAX_ENTRIES = 512
# Longer statements (generated INSERTs, big CTAS) rarely repeat; they are not worth the memory.
MAX_CACHED_TEXT = 100_000
# The second "now" a repeated statement is planned with (seconds earlier than the real one).
NOW_SHIFT_SECONDS = 400 * 86_400 + 3_661

Planner = Callable[[str, Session, TranslationContext], Plan]


class PlanCache:
    """Plans of read-only statements whose plan depends only on the text and the session."""

    def __init__(self, planner: Planner, max_entries: int = MAX_ENTRIES) -> None:
        self._planner = planner
        self._max_entries = max_entries
        self._plans: OrderedDict[Hashable, Plan] = OrderedDict()
        self._seen: OrderedDict[Hashable, None] = OrderedDict()
        self._lock = threading.Lock()

    def plan(self, sql: str, session: Session, context: TranslationContext) -> Plan:
        """The Plan for `sql`, from the cache when it cannot differ from a fresh one.

        Raises whatever the planner raises (a statement that fails to plan is never cached).
        """
        key = _key(sql, session, context) if len(sql) <= MAX_CACHED_TEXT else None
        if key is None:
            return self._planner(sql, session, context)
        with self._lock:
            cached = self._plans.get(key)
            if cached is not None:
                self._plans.move_to_end(key)
                return _copy(cached)
            seen_before = key in self._seen
            if not seen_before:
                _remember(self._seen, key, None, self._max_entries)
        plan = self._planner(sql, session, context)
        if seen_before and _cacheable(plan):
            shifted = dataclasses.replace(context, now=context.now - NOW_SHIFT_SECONDS)
            if self._planner(sql, session, shifted) == plan:
                with self._lock:
                    _remember(self._plans, key, _copy(plan), self._max_entries)
                    self._seen.pop(key, None)
        return plan

    def __len__(self) -> int:
        with self._lock:
            return len(self._plans)


def _key(sql: str, session: Session, context: TranslationContext) -> Hashable | None:
    """Everything a plan may depend on but "now" (checked separately); None if not hashable."""
    session_parts = tuple(
        frozenset(value.items()) if isinstance(value, dict) else value
        for value in (getattr(session, field.name) for field in dataclasses.fields(session))
    )
    key = (sql, dataclasses.replace(context, now=0), session_parts)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _cacheable(plan: Plan) -> bool:
    return (
        plan.returns_rows
        and not plan.writes
        and plan.changes == SessionChanges()
        and plan.add_time_column_to is None
    )


def _copy(plan: Plan) -> Plan:
    # Each caller gets its own lists: the engine hands them to results and the statement log.
    return dataclasses.replace(
        plan,
        sql=list(plan.sql),
        changes=SessionChanges(),
        parameters=None if plan.parameters is None else list(plan.parameters),
    )


def _remember(entries: OrderedDict, key: Hashable, value: object, limit: int) -> None:
    entries[key] = value
    entries.move_to_end(key)
    while len(entries) > limit:
        entries.popitem(last=False)
