"""Engines on a temporary data dir, with "now" pinned to TD's reference example time."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest

from tdlocal.engine import Engine, QueryResult
from tdlocal.session import Session

# TD's TD_INTERVAL reference examples use now = 2018-08-14 01:23:45 UTC (a Tuesday).
TD_NOW = int(datetime(2018, 8, 14, 1, 23, 45, tzinfo=UTC).timestamp())
SESSION = Session(catalog="td", schema="analytics")
_query_ids = itertools.count()


@dataclass
class Answer:
    """A statement's outcome with its rows fetched."""

    names: list[str]
    types: list[str]
    rows: list[tuple]
    result: QueryResult

    @property
    def value(self):
        """The single value of a one-row, one-column answer."""
        assert len(self.rows) == 1 and len(self.rows[0]) == 1, self.rows
        return self.rows[0][0]

    @property
    def row(self) -> tuple:
        assert len(self.rows) == 1, self.rows
        return self.rows[0]


def run(engine: Engine, sql: str, session: Session = SESSION) -> Answer:
    """Execute `sql` and fetch every row."""
    result = engine.execute(sql, session, f"q{next(_query_ids)}")
    rows = result.fetch_all()
    return Answer([c.name for c in result.columns], [c.type for c in result.columns], rows, result)


@pytest.fixture
def engine(tmp_path):
    """A strict-mode engine with the `analytics` schema, "now" pinned to TD_NOW."""
    engine = Engine(tmp_path / "data", now=TD_NOW)
    run(engine, "CREATE SCHEMA IF NOT EXISTS td.analytics")
    yield engine
    engine.close()


@pytest.fixture
def lenient(tmp_path):
    """A lenient-mode engine (Engine(strict=False)) with the `analytics` schema."""
    engine = Engine(tmp_path / "lenient", now=TD_NOW, strict=False)
    run(engine, "CREATE SCHEMA IF NOT EXISTS td.analytics")
    yield engine
    engine.close()


@pytest.fixture
def sql(engine):
    """Run a statement on the strict engine: sql("SELECT 1").value == 1."""
    return lambda text, session=SESSION: run(engine, text, session)


@pytest.fixture
def lenient_sql(lenient):
    """Run a statement on the lenient engine."""
    return lambda text, session=SESSION: run(lenient, text, session)


@pytest.fixture(scope="session")
def shared_engine(tmp_path_factory):
    """One strict engine for tests that only evaluate expressions (no tables): fast."""
    engine = Engine(tmp_path_factory.mktemp("shared"), now=TD_NOW)
    run(engine, "CREATE SCHEMA IF NOT EXISTS td.analytics")
    yield engine
    engine.close()


@pytest.fixture
def expr(shared_engine):
    """Run a statement that creates nothing on the shared engine."""
    return lambda text, session=SESSION: run(shared_engine, text, session)
