"""Servers for the protocol tests: in-process tdlocal servers on free ports, over a scripted fake
engine (to test the protocol without depending on SQL coverage) or the real engine."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import trino
from trino.exceptions import TrinoUserError

import tdlocal
from tdlocal.engine import Column
from tdlocal.errors import TrinoError
from tdlocal.session import Session, SessionChanges

# Pinned "now" for everything that generates or filters by time in these tests.
PINNED_NOW = "2024-03-15T12:00:00+00:00"

TYPED_VALUES: list[tuple[str, str, Any]] = [
    ("c_boolean", "boolean", True),
    ("c_tinyint", "tinyint", 7),
    ("c_smallint", "smallint", -300),
    ("c_integer", "integer", 2_000_000_000),
    ("c_bigint", "bigint", 9_000_000_000_000),
    ("c_real", "real", 1.5),
    ("c_double", "double", 2.25),
    ("c_nan", "double", float("nan")),
    ("c_infinity", "double", float("inf")),
    ("c_decimal", "decimal(12,3)", Decimal("123456789.125")),
    ("c_varchar", "varchar", "naïve ☃"),
    ("c_varbinary", "varbinary", b"\x00binary\xff"),
    ("c_date", "date", date(2024, 2, 29)),
    ("c_time", "time(6)", time(12, 34, 56, 789012)),
    ("c_timestamp3", "timestamp(3)", datetime(2024, 1, 2, 3, 4, 5, 678000)),
    ("c_timestamp6", "timestamp(6)", datetime(2024, 1, 2, 3, 4, 5, 678901)),
    (
        "c_timestamptz",
        "timestamp(6) with time zone",
        datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=timezone(timedelta(hours=9))),
    ),
    ("c_interval", "interval day to second", timedelta(days=1, seconds=7, milliseconds=250)),
    ("c_array", "array(bigint)", [1, 2, None]),
    ("c_map", "map(varchar, double)", {"a": 1.0, "b": None}),
    ("c_row", 'row("x" bigint, "y" varchar)', (1, "why")),
    ("c_nested", 'array(row("k" varchar, "v" array(integer)))', [("a", [1, 2])]),
    ("c_null", "varchar", None),
]


class FakeResult:
    """A QueryResult with scripted rows."""

    def __init__(
        self,
        columns: list[Column] | None = None,
        rows: list[tuple] | None = None,
        *,
        update_type: str | None = None,
        update_count: int | None = None,
        changes: SessionChanges | None = None,
    ) -> None:
        self.columns = columns or []
        self.update_type = update_type
        self.update_count = update_count
        self.changes = changes or SessionChanges()
        self.executed_sql = ["-- fake"]
        self._rows = list(rows or [])
        self.closed = False

    def fetch(self, n: int) -> list[tuple]:
        page, self._rows = self._rows[:n], self._rows[n:]
        return page

    def close(self) -> None:
        self.closed = True


class FakeEngine:
    """An engine answering a small command language, recording what it was asked.

    ROWS n | TYPES | SESSION | SLEEP | FAIL | CRASH | USE s | PREPARE n FROM sql | DEALLOCATE n |
    SET p=v | INSERT n | CREATE ...
    """

    def __init__(self) -> None:
        self.sessions: list[Session] = []
        self.canceled: list[str] = []
        self.started = threading.Event()
        self._sleepers: dict[str, threading.Event] = {}
        self._lock = threading.Lock()

    def execute(self, sql: str, session: Session, query_id: str) -> FakeResult:
        with self._lock:
            self.sessions.append(session)
        command, _, argument = sql.strip().partition(" ")
        command = command.upper()
        if command == "ROWS":
            count = int(argument)
            return FakeResult(
                [Column("n", "bigint"), Column("s", "varchar")], [(i, f"row {i}") for i in range(count)]
            )
        if command == "TYPES":
            return FakeResult(
                [Column(name, kind) for name, kind, _ in TYPED_VALUES],
                [tuple(value for _, _, value in TYPED_VALUES)],
            )
        if command == "SESSION":
            columns = ["user", "catalog", "schema", "time_zone", "properties", "prepared", "source"]
            values = (
                session.user,
                session.catalog,
                session.schema,
                session.time_zone,
                repr(sorted(session.properties.items())),
                repr(sorted(session.prepared_statements.items())),
                session.source,
            )
            return FakeResult([Column(name, "varchar") for name in columns], [values])
        if command == "SLEEP":
            wake = threading.Event()
            with self._lock:
                self._sleepers[query_id] = wake
            self.started.set()
            wake.wait(30)
            raise TrinoError("Query was canceled", "USER_CANCELED")
        if command == "FAIL":
            raise TrinoError(f"line 1:6: {argument or 'fake failure'}", "SYNTAX_ERROR", line=1, column=6)
        if command == "CRASH":
            raise RuntimeError("the fake engine broke")
        if command == "USE":
            return FakeResult(
                update_type="USE", changes=SessionChanges(set_catalog="td", set_schema=argument)
            )
        if command == "PREPARE":
            name, _, statement = argument.partition(" FROM ")
            return FakeResult(update_type="PREPARE", changes=SessionChanges(added_prepare={name: statement}))
        if command == "DEALLOCATE":
            return FakeResult(
                update_type="DEALLOCATE", changes=SessionChanges(deallocated_prepare=[argument])
            )
        if command == "SET":
            name, _, value = argument.partition("=")
            return FakeResult(update_type="SET SESSION", changes=SessionChanges(set_session={name: value}))
        if command == "INSERT":
            return FakeResult(update_type="INSERT", update_count=int(argument))
        if command == "CREATE":
            return FakeResult(update_type="CREATE TABLE")
        raise TrinoError(f"the fake engine does not know {sql!r}", "NOT_SUPPORTED")

    def cancel(self, query_id: str) -> None:
        with self._lock:
            self.canceled.append(query_id)
            wake = self._sleepers.get(query_id)
        if wake is not None:
            wake.set()

    def close(self) -> None:
        for wake in self._sleepers.values():
            wake.set()


def trino_failure(cursor: Any, sql: str) -> TrinoUserError:
    """The error the trino client raises running `sql` on `cursor` (executed, then fetched: the
    client may see a failure only on a later page); fails the test if the statement succeeds."""
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute(sql)
        cursor.fetchall()
    return raised.value


def host_and_port(url: str) -> tuple[str, int]:
    host, port = url.split("://", 1)[1].rsplit(":", 1)
    return host, int(port)


Connect = Callable[..., trino.dbapi.Connection]


def connector(url: str) -> Connect:
    """A function opening trino DB-API connections to `url` (catalog td unless told otherwise)."""
    host, port = host_and_port(url)

    def connect(**options: Any) -> trino.dbapi.Connection:
        options.setdefault("user", "tester")
        options.setdefault("catalog", "td")
        return trino.dbapi.connect(host=host, port=port, **options)

    return connect


@pytest.fixture
def typed_values() -> list[tuple[str, str, Any]]:
    """(column name, Trino type, Python value) for every type the fake engine's TYPES returns."""
    return TYPED_VALUES


@pytest.fixture
def fake_engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def fake_server(fake_engine: FakeEngine, tmp_path: Path) -> Iterator[tdlocal.LocalServer]:
    server = tdlocal.start_in_thread(tmp_path / "fake-data", engine=fake_engine)
    try:
        yield server
    finally:
        server.stop()
        fake_engine.close()


@pytest.fixture
def fake_connect(fake_server: tdlocal.LocalServer) -> Connect:
    return connector(fake_server.url)


@pytest.fixture(scope="module")
def td_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data dir holding the default sample (loaded once per module, with now pinned)."""
    from tdlocal.clock import parse_now
    from tdlocal.loading import open_database
    from tdlocal.sample_data import load_sample

    directory = tmp_path_factory.mktemp("td-data")
    with open_database(directory) as connection:
        load_sample(connection, days=30, rows_per_day=2000, now=parse_now(PINNED_NOW))
    return directory


@pytest.fixture(scope="module")
def td_server(td_data_dir: Path) -> Iterator[tdlocal.LocalServer]:
    """A strict tdlocal over the real engine and the sample data."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TDLOCAL_NOW", PINNED_NOW)
        server = tdlocal.start_in_thread(td_data_dir, strict=True)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
def td_connect(td_server: tdlocal.LocalServer) -> Connect:
    return connector(td_server.url)


@pytest.fixture(scope="module")
def lenient_connect(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Connect]:
    """Connections to a lenient tdlocal (Engine(strict=False)) over an empty data dir."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TDLOCAL_NOW", PINNED_NOW)
        server = tdlocal.start_in_thread(tmp_path_factory.mktemp("lenient-data"), strict=False)
    try:
        yield connector(server.url)
    finally:
        server.stop()
