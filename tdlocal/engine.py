"""The local TD engine: Trino SQL text + a session in, typed rows out, over one DuckDB file.

STATUS (for the server): implemented end to end. Queries, DDL/DML with update counts,
information_schema / SHOW / DESCRIBE, SET/RESET SESSION, USE, PREPARE / EXECUTE / EXECUTE
IMMEDIATE / DEALLOCATE, cancel(), strict TD mode (default) and TD functions all work; the SQL
side lives in tdlocal/sql/. fetch() returns Python values: int, float, Decimal, str, bytes, bool,
date, datetime (naive for `timestamp(p)`, aware for `... with time zone`), time, timedelta
(intervals), list (arrays), dict (maps), tuple (rows, in field order); UUIDs come as str.

CONTRACT (the server codes against this; the engine implementation fills it in):

    engine = Engine(data_dir, strict=True)       # opens <data_dir>/td.duckdb (catalog "td")
    result = engine.execute(sql, session, query_id)   # raises TrinoError for any failure
    result.columns        -> list[Column]           # Trino names (`_col0` for unaliased) and types
                                                    # (and the values' Python type when guaranteed)
    result.update_type    -> str | None              # "CREATE TABLE", "INSERT", "DELETE", "SET SESSION", ...
    result.update_count   -> int | None              # rows written, for CTAS/INSERT/DELETE/MERGE
    result.changes        -> SessionChanges          # headers the client must apply
    result.executed_sql   -> list[str]               # the DuckDB statements that ran (statement log)
    result.fetch(n)       -> list[tuple]             # next n rows as Python values; [] when drained
    result.close()
    engine.cancel(query_id)                          # interrupts a running execute() from another thread
    engine.close()

Thread safety: execute() may be called from many threads at once (dbt uses 4 threads); each call
uses its own DuckDB cursor on the shared database. Opening a data dir that another process holds
raises DataDirInUseError with a message naming the directory.

Additions to the contract: `Engine(data_dir, strict=True, now=None)` (now: Unix seconds, an
aware datetime or a TDLOCAL_NOW-style string; default: TDLOCAL_NOW, else each query's start
time), `Engine.data_dir`, `Engine.strict`, `Engine.database_path`, `Engine.clock`, and
`QueryResult.fetch_all()`. A second Engine on a data dir already open in the same process also
raises DataDirInUseError. Statements that write (DDL/DML) run one at a time, so concurrent dbt
threads never hit DuckDB write-write conflicts; reads run in parallel.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb

from tdlocal.clock import Clock, parse_now, pinned_now_from_environment
from tdlocal.data_dir import DATABASE_FILE_NAME
from tdlocal.errors import TrinoError
from tdlocal.plan_cache import PlanCache
from tdlocal.session import Session, SessionChanges
from tdlocal.sql import function_library, insert_types
from tdlocal.sql.context import TD_CATALOG, TranslationContext
from tdlocal.sql.duckdb_errors import trino_error_from_duckdb, with_column_position
from tdlocal.sql.intervals import YEAR_TO_MONTH_TYPE_TEXT, unsupported_interval_column
from tdlocal.sql.output_names import output_name
from tdlocal.sql.plan import Plan, TableRef, quote_string
from tdlocal.sql.statements import TIME_COLUMN, TIME_ZONE_PROPERTY, plan_statement
from tdlocal.sql.zones import duckdb_session_time_zone
from tdlocal.trino_types import row_converter, trino_type, trino_type_from_text

# DuckDB shares one database instance per file within a process, so a second Engine on the same
# data dir would silently share (and then close) the first one's functions: refuse it instead.
_OPEN_DATABASES: set[Path] = set()
_OPEN_DATABASES_LOCK = threading.Lock()
# How often a statement waiting for the write lock checks whether it was canceled.
_WRITE_LOCK_POLL_SECONDS = 0.05


class DataDirInUseError(RuntimeError):
    """Another tdlocal process holds the data dir's database."""


@dataclass(frozen=True)
class Column:
    """A result column: its Trino name and Trino type text (e.g. 'bigint', 'array(varchar)'), and
    the Python type of every non-NULL value fetch() gives for it when that is guaranteed (else None)."""

    name: str
    type: str
    # A guarantee about the values, not part of what the column is: columns compare without it.
    value_type: type | None = field(default=None, compare=False)


# DuckDB types whose values DuckDB's Python fetch always gives as exactly this Python type (None for
# NULL), with no conversion by tdlocal: the server sends such columns without checking each value.
# Only types whose every value converts one way: not UNION (its members' types), not JSON's
# parsing, not nested types.
_FETCHED_PYTHON_TYPES: dict[str, type] = {
    "boolean": bool,
    **dict.fromkeys(
        ("tinyint", "smallint", "integer", "bigint", "hugeint", "utinyint", "usmallint", "uinteger"), int
    ),
    **dict.fromkeys(("float", "double"), float),
    **dict.fromkeys(("varchar", "enum"), str),
}


class QueryResult:
    """The outcome of one statement. Rows are fetched lazily in pages."""

    def __init__(
        self,
        *,
        columns: list[Column] | None = None,
        update_type: str | None = None,
        update_count: int | None = None,
        changes: SessionChanges | None = None,
        executed_sql: list[str] | None = None,
        cursor: duckdb.DuckDBPyConnection | None = None,
        convert: Callable[[tuple], tuple] | None = None,
        running: _RunningQuery | None = None,
        on_close: Callable[[], None] | None = None,
    ) -> None:
        self.columns = columns or []
        self.update_type = update_type
        self.update_count = update_count
        self.changes = changes or SessionChanges()
        self.executed_sql = executed_sql or []
        self._cursor = cursor
        self._convert = convert
        self._running = running
        self._on_close = on_close

    def fetch(self, n: int) -> list[tuple]:
        """The next `n` rows (fewer at the end); [] once drained. Raises TrinoError."""
        if self._cursor is None:
            return []
        if self._running is not None and self._running.canceled:
            self.close()
            raise TrinoError("Query was canceled", "USER_CANCELED")
        try:
            rows = self._cursor.fetchmany(n)
        except duckdb.Error as error:
            canceled = self._running is not None and self._running.canceled
            self.close()
            if canceled:
                raise TrinoError("Query was canceled", "USER_CANCELED") from None
            raise trino_error_from_duckdb(error) from None
        except Exception as error:
            self.close()
            raise TrinoError(f"tdlocal failed to fetch rows: {error!r}", "GENERIC_INTERNAL_ERROR") from None
        if len(rows) < n:
            self.close()
        if self._convert is not None:
            rows = [self._convert(row) for row in rows]
        return rows

    def fetch_all(self) -> list[tuple]:
        """Every remaining row."""
        rows: list[tuple] = []
        while page := self.fetch(10_000):
            rows.extend(page)
        return rows

    def close(self) -> None:
        """Release the cursor; further fetches return []."""
        cursor, self._cursor = self._cursor, None
        if cursor is not None:
            with contextlib.suppress(duckdb.Error):
                cursor.close()
        on_close, self._on_close = self._on_close, None
        if on_close is not None:
            on_close()


class _RunningQuery:
    """A query in flight: what cancel() needs to interrupt it."""

    def __init__(self, query_id: str) -> None:
        self.query_id = query_id
        self.cursor: duckdb.DuckDBPyConnection | None = None
        self.canceled = False
        self._lock = threading.Lock()

    def attach(self, cursor: duckdb.DuckDBPyConnection) -> None:
        with self._lock:
            self.cursor = cursor

    def cancel(self) -> None:
        with self._lock:
            self.canceled = True
            if self.cursor is not None:
                with contextlib.suppress(duckdb.Error):
                    self.cursor.interrupt()

    def check(self) -> None:
        if self.canceled:
            raise TrinoError("Query was canceled", "USER_CANCELED")


class Engine:
    """Trino statements over one DuckDB database, <data_dir>/td.duckdb, whose catalog is `td`."""

    def __init__(
        self,
        data_dir: Path | str,
        *,
        strict: bool = True,
        now: int | float | datetime | str | None = None,
    ) -> None:
        self.data_dir = Path(data_dir)
        self.strict = strict
        self.clock = Clock(_pinned_now(now))
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.database_path = self.data_dir / DATABASE_FILE_NAME
        _claim(self.database_path.resolve(), self.data_dir)
        try:
            self._connection = _open_database(self.data_dir)
        except BaseException:
            _release(self.database_path.resolve())
            raise
        self._queries: dict[str, _RunningQuery] = {}
        self._queries_lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._plans = PlanCache(plan_statement)
        self._closed = False

    # -- public API ------------------------------------------------------------------------------

    def execute(self, sql: str, session: Session, query_id: str) -> QueryResult:
        """Run one Trino statement; raises TrinoError (never anything else) when it fails."""
        running = self._register(query_id)
        try:
            return self._execute(sql, session, running)
        except TrinoError:
            self._unregister(running)
            raise
        except duckdb.Error as error:
            self._unregister(running)
            if running.canceled:
                raise TrinoError("Query was canceled", "USER_CANCELED") from None
            raise with_column_position(trino_error_from_duckdb(error), sql) from None
        except Exception as error:
            self._unregister(running)
            raise TrinoError(
                f"tdlocal internal error: {type(error).__name__}: {error}", "GENERIC_INTERNAL_ERROR"
            ) from error

    def cancel(self, query_id: str) -> None:
        """Interrupt the query `query_id` if it is running or still being fetched."""
        with self._queries_lock:
            running = self._queries.get(query_id)
        if running is not None:
            running.cancel()

    def close(self) -> None:
        """Interrupt running queries and close the database."""
        with self._queries_lock:
            if self._closed:
                return
            self._closed = True
            running = list(self._queries.values())
        for query in running:
            query.cancel()
        try:
            self._connection.close()
        finally:
            _release(self.database_path.resolve())

    # -- internals -------------------------------------------------------------------------------

    def _register(self, query_id: str) -> _RunningQuery:
        running = _RunningQuery(query_id)
        with self._queries_lock:
            if self._closed:
                raise TrinoError("the tdlocal engine is closed", "GENERIC_INTERNAL_ERROR")
            self._queries[query_id] = running
        return running

    def _unregister(self, running: _RunningQuery) -> None:
        with self._queries_lock:
            if self._queries.get(running.query_id) is running:
                del self._queries[running.query_id]

    def _context(self, session: Session) -> TranslationContext:
        return TranslationContext(
            now=self.clock.query_start(),
            strict=self.strict,
            catalog=(session.catalog or TD_CATALOG).lower(),
            schema=session.schema.lower() if session.schema else None,
            time_zone=session.properties.get(TIME_ZONE_PROPERTY) or session.time_zone,
            user=session.user,
        )

    def _execute(self, sql: str, session: Session, running: _RunningQuery) -> QueryResult:
        plan = self._plans.plan(sql, session, self._context(session))
        if not plan.sql and plan.required_schema is None:
            self._unregister(running)
            return QueryResult(update_type=plan.update_type, changes=plan.changes)
        cursor = self._connection.cursor()
        running.attach(cursor)
        try:
            result = self._run(plan, session, cursor, running)
        except BaseException:
            cursor.close()
            raise
        if not plan.returns_rows:
            cursor.close()
            self._unregister(running)
        return result

    def _run(
        self, plan: Plan, session: Session, cursor: duckdb.DuckDBPyConnection, running: _RunningQuery
    ) -> QueryResult:
        _prepare_cursor(cursor, session)
        running.check()
        _check_requirements(plan, cursor)
        _run_column_checks(plan, cursor)
        converted_insert = _run_insert_check(plan, cursor)
        if plan.writes:
            self._acquire_write_lock(running)
        try:
            rows: list[tuple] = []
            last = len(plan.sql) - 1
            for index, statement in enumerate(plan.sql):
                running.check()
                if converted_insert is not None and index == last:
                    statement = converted_insert
                if index == last and plan.parameters is not None:
                    cursor.execute(statement, plan.parameters)
                else:
                    cursor.execute(statement)
                if index < last or not plan.returns_rows:
                    rows = cursor.fetchall()
            if plan.explain:
                text = "\n".join(str(row[-1]) for row in cursor.fetchall())
                cursor.execute('SELECT ? AS "Query Plan"', [text])
            if plan.returns_rows:
                return self._rows_result(plan, cursor, running)
            count = int(rows[0][0]) if plan.counts_rows and rows and rows[0] else None
            executed = list(plan.sql)
            if plan.refuse_interval_columns_in is not None:
                _refuse_interval_columns(cursor, plan.refuse_interval_columns_in, plan.year_month_columns)
            if plan.add_time_column_to is not None:
                added = _add_time_column(cursor, plan.add_time_column_to, plan.creation_time)
                if added:
                    executed.append(added)
            return QueryResult(
                update_type=plan.update_type, update_count=count, changes=plan.changes, executed_sql=executed
            )
        finally:
            if plan.writes:
                self._write_lock.release()

    def _rows_result(
        self, plan: Plan, cursor: duckdb.DuckDBPyConnection, running: _RunningQuery
    ) -> QueryResult:
        description = cursor.description or []
        types = [column[1] for column in description]
        columns = [
            Column(output_name(column[0], position), trino_type(kind), _FETCHED_PYTHON_TYPES.get(kind.id))
            for position, (column, kind) in enumerate(zip(description, types, strict=True))
        ]
        return QueryResult(
            columns=columns,
            changes=plan.changes,
            executed_sql=plan.sql,
            cursor=cursor,
            convert=row_converter(types),
            running=running,
            on_close=lambda: self._unregister(running),
        )

    def _acquire_write_lock(self, running: _RunningQuery) -> None:
        while not self._write_lock.acquire(timeout=_WRITE_LOCK_POLL_SECONDS):
            running.check()


def _pinned_now(now: int | float | datetime | str | None) -> int | None:
    if now is None:
        return pinned_now_from_environment()
    if isinstance(now, str):
        return parse_now(now, source="now")
    if isinstance(now, datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"now={now!r} is a naive datetime: pass an aware datetime or Unix seconds")
        return int(now.timestamp() // 1)
    return int(now // 1)


def _claim(path: Path, data_dir: Path) -> None:
    with _OPEN_DATABASES_LOCK:
        if path in _OPEN_DATABASES:
            raise DataDirInUseError(
                f"the tdlocal data dir {data_dir} is in use: an Engine (or tdlocal server) in this "
                "process already has it open. Share or stop that one, or use another data dir"
            )
        _OPEN_DATABASES.add(path)


def _release(path: Path) -> None:
    with _OPEN_DATABASES_LOCK:
        _OPEN_DATABASES.discard(path)


def connect_database_file(data_dir: Path) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to <data_dir>/td.duckdb, or DataDirInUseError when a process holds it."""
    path = data_dir / DATABASE_FILE_NAME
    try:
        return duckdb.connect(str(path))
    except duckdb.IOException as error:
        if "lock" in str(error).lower():
            raise DataDirInUseError(
                f"the tdlocal data dir {data_dir} is in use: another process holds {path} (a tdlocal "
                f"server is probably running on it). Stop it with `tdlocal stop --data-dir {data_dir}`, "
                f"or use another data dir. DuckDB said: {error}"
            ) from None
        raise


def _open_database(data_dir: Path) -> duckdb.DuckDBPyConnection:
    connection = connect_database_file(data_dir)
    # Trino's integer division (7 / 2 = 3), results in UTC unless the session says otherwise.
    connection.execute("SET GLOBAL integer_division = true")
    connection.execute("SET GLOBAL TimeZone = 'UTC'")
    function_library.install(connection)
    return connection


def _prepare_cursor(cursor: duckdb.DuckDBPyConnection, session: Session) -> None:
    """Per-connection state a fresh cursor needs (global settings and UDFs are inherited)."""
    zone = duckdb_session_time_zone(session.properties.get(TIME_ZONE_PROPERTY) or session.time_zone)
    if zone != "UTC":
        cursor.execute(f"SET TimeZone = {quote_string(zone)}")


def _run_column_checks(plan: Plan, cursor: duckdb.DuckDBPyConnection) -> None:
    """Strict mode: refuse a statement that reads a select-list alias where Trino cannot.

    Each probe selects the name from the statement's FROM clause; a binder error naming a
    missing column means only the alias could have been meant (tdlocal.sql.select_aliases).
    Other failures are left for the statement itself to report.
    """
    for probe, error in plan.column_checks:
        try:
            cursor.execute(probe)
        except duckdb.Error as failure:
            if isinstance(failure, duckdb.BinderException) and (
                "not found" in str(failure) or "does not have a column" in str(failure)
            ):
                raise error from None


def _run_insert_check(plan: Plan, cursor: duckdb.DuckDBPyConnection) -> str | None:
    """An INSERT ... SELECT against its table's types (tdlocal.sql.insert_types): strict mode
    refuses query types Trino would not coerce; returns the INSERT writing Trino's casts where
    DuckDB's would write other values, else None. A probe or table that cannot be read is left for
    the statement itself to report; so are column counts that differ (the statement's own error)."""
    check = plan.insert_check
    if check is None:
        return None
    try:
        cursor.execute(check.probe_sql)
        query_types = [trino_type(column[1]) for column in cursor.description or []]
        table_columns = cursor.execute(
            "SELECT column_name, data_type FROM duckdb_columns() "
            "WHERE database_name = ? AND schema_name = ? AND table_name = ? ORDER BY column_index",
            [TD_CATALOG, check.table.schema, check.table.name],
        ).fetchall()
    except duckdb.Error:
        return None
    types_by_name = {name.lower(): trino_type_from_text(kind) for name, kind in table_columns}
    if check.columns is None:
        table_types = [trino_type_from_text(kind) for _, kind in table_columns]
    elif all(column in types_by_name for column in check.columns):
        table_types = [types_by_name[column] for column in check.columns]
    else:
        return None
    if len(table_types) != len(query_types):
        return None
    error = insert_types.mismatch(table_types, query_types)
    if error is not None and check.strict:
        raise error
    converted = insert_types.conversions(table_types, query_types)
    if error is not None or not any(converted):
        return None
    return insert_types.converted_insert(check, converted)


def _check_requirements(plan: Plan, cursor: duckdb.DuckDBPyConnection) -> None:
    if plan.required_schema is not None:
        found = cursor.execute(
            "SELECT count(*) FROM duckdb_schemas() WHERE database_name = ? AND schema_name = ?",
            [TD_CATALOG, plan.required_schema],
        ).fetchone()
        if not found or not found[0]:
            raise TrinoError(f"Schema '{plan.required_schema}' does not exist", "SCHEMA_NOT_FOUND")
    if plan.required_table is not None:
        table = plan.required_table
        found = cursor.execute(
            "SELECT count(*) FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ?",
            [TD_CATALOG, table.schema, table.name],
        ).fetchone()
        if not found or not found[0]:
            raise TrinoError(f"Table '{table}' does not exist", "TABLE_NOT_FOUND")


def _refuse_interval_columns(
    cursor: duckdb.DuckDBPyConnection, table: TableRef, year_month: frozenset[str]
) -> None:
    """A CTAS that created an interval column: drop the table and fail as TD would (NOT_SUPPORTED).

    Checked after the fact because a column's type is known only once DuckDB has bound the query;
    reading the new table's column types binds one table (about 0.2 ms), nothing per row.
    """
    cursor.execute(f"SELECT * FROM {table.sql} LIMIT 0")
    found = [
        column[0]
        for column in cursor.description or []
        if str(column[1]) in ("INTERVAL", YEAR_TO_MONTH_TYPE_TEXT)
    ]
    cursor.fetchall()
    if not found:
        return
    cursor.execute(f"DROP TABLE {table.sql}")
    column = found[0]
    kind = "interval year to month" if column.lower() in year_month else "interval day to second"
    raise unsupported_interval_column(kind, column)


def _add_time_column(cursor: duckdb.DuckDBPyConnection, table: TableRef, now: int | None) -> str | None:
    """TD gives a table created without `time` one holding the creation time; so does strict mode."""
    found = cursor.execute(
        "SELECT count(*) FROM duckdb_columns() "
        "WHERE database_name = ? AND schema_name = ? AND table_name = ? AND lower(column_name) = ?",
        [TD_CATALOG, table.schema, table.name, TIME_COLUMN],
    ).fetchone()
    if found and found[0]:
        return None
    statement = f'ALTER TABLE {table.sql} ADD COLUMN "{TIME_COLUMN}" BIGINT DEFAULT {int(now)}'
    cursor.execute(statement)
    return statement
