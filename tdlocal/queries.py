"""The queries a server runs, from POST to last page: each statement executes on its own worker
thread, then its result is served page by page, each page addressed by a token so that a client
retrying a GET gets the same page again. The registry cancels queries on request and forgets the
completed and abandoned ones.

No HTTP here: the edge (`tdlocal.server`) starts queries, waits for them and sends their Pages.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import itertools
import logging
import random
import secrets
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Protocol

from tdlocal import protocol
from tdlocal.errors import TrinoError
from tdlocal.session import Session, SessionChanges
from tdlocal.session_headers import response_headers
from tdlocal.statement_log import StatementLog, StatementRecord, utc_now

logger = logging.getLogger("tdlocal.queries")

# Rows of a result's first page, answered with the POST: small, so that it comes back quickly.
PAGE_ROWS = 1000
# Later pages hold about this much JSON, as Trino's (its default target result size is 1 MB, in
# ExecutingStatementResource): each page costs a round trip and a client poll, so fewer, larger
# pages fetch a big result faster. Between PAGE_ROWS and MAX_PAGE_ROWS rows.
TARGET_PAGE_BYTES = 1024 * 1024
MAX_PAGE_ROWS = 100_000
# Statements executing at once; more wait QUEUED (each one holds a DuckDB cursor and memory).
MAX_RUNNING_STATEMENTS = 32
# A query nobody has polled for this long is canceled and forgotten (Trino's client timeout is 5 min).
ABANDONED_AFTER_SECONDS = 600.0
# A completed query is remembered this long, for retried GETs and its infoUri.
FORGET_COMPLETED_AFTER_SECONDS = 120.0
# How often POSTs look for stale queries to forget.
SWEEP_INTERVAL_SECONDS = 5.0


class StatementEngine(Protocol):
    """What the server needs from tdlocal.engine.Engine (a small fake in tests)."""

    def execute(self, sql: str, session: Session, query_id: str) -> Any: ...

    def cancel(self, query_id: str) -> None: ...


def new_query_id(sequence: int) -> str:
    """A query id in Trino's format: yyyyMMdd_HHmmss_<sequence>_<random>."""
    # Not a secret (the nextUri's slug is): the cheaper `random` serves.
    suffix = "".join(random.choices("abcdefghijklmnopqrstuvwxyz0123456789", k=5))
    return f"{time.strftime('%Y%m%d_%H%M%S', time.gmtime())}_{sequence % 100000:05d}_{suffix}"


@dataclass
class Page:
    """One HTTP answer for a query: status, QueryResults document, response headers, and the
    document as JSON (serialized where the page is built, off the server's event loop)."""

    status: int
    document: dict[str, Any]
    headers: dict[str, str]
    body: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.body = protocol.to_json_bytes(self.document)


class RunningQuery:
    """One statement: executed on a worker thread, then served page by page to the client."""

    def __init__(
        self,
        query_id: str,
        sql: str,
        session: Session,
        base_url: str,
        engine: StatementEngine,
        statement_log: StatementLog | None,
        workers: concurrent.futures.Executor,
    ) -> None:
        self.id = query_id
        self.slug = secrets.token_hex(8)  # makes nextUris unguessable, as Trino's slugs do
        self.sql = sql
        self.session = session
        self.base_url = base_url
        self.info_uri = protocol.query_info_uri(base_url, query_id)
        self.executed: concurrent.futures.Future[None] = concurrent.futures.Future()
        self.received_at = utc_now()
        self.started = time.monotonic()
        self.last_touched = self.started
        self.state = "QUEUED"
        self.completed = False  # the last page went out (or the query failed or was canceled)
        self.canceled = False
        self._engine = engine
        self._statement_log = statement_log
        self._workers = workers
        self._lock = threading.Lock()
        self._result: Any = None
        self._error: TrinoError | None = None
        self._columns: list[protocol.ResultColumn] = []
        self._value_types: list[type | None] = []
        self._update_type: str | None = None
        self._update_count: int | None = None
        self._changes = SessionChanges()
        self._lookahead: list[tuple] = []
        self._rows_sent = 0
        self._served_token = -1
        self._served_page: Page | None = None
        self._page_rows = PAGE_ROWS
        # The page after the one served, built while the client reads that one: (token, page).
        self._ahead: tuple[int, Page] | None = None
        self._ended: float | None = None

    # -- worker thread -------------------------------------------------------------------------

    def run(self) -> None:
        """Execute the statement (on a worker thread) and prepare its first page."""
        record = StatementRecord(self.id, self.sql, self.session, self.received_at)
        result: Any = None
        error: TrinoError | None = None
        columns: list[protocol.ResultColumn] = []
        self.state = "RUNNING"
        try:
            if self.canceled:
                raise _canceled_error()
            result = self._engine.execute(self.sql, self.session, self.id)
            columns = [protocol.result_column(c.name, c.type) for c in result.columns]
        except TrinoError as failure:
            error = failure
        except Exception as failure:
            logger.exception("statement %s failed inside tdlocal", self.id)
            error = protocol.internal_error(failure)
        with self._lock:
            if self.canceled:
                error = _canceled_error()
            if error is not None:
                self._fail(error)
                _close_quietly(result)
            else:
                self._result = result
                self._columns = columns
                # Engines that do not know their values' Python types (test fakes) get them checked.
                self._value_types = [getattr(c, "value_type", None) for c in result.columns]
                self._update_type = result.update_type
                self._update_count = result.update_count
                self._changes = result.changes
                self._serve_next_page_locked(0)  # ready before the POST that waits for it wakes up
        record.finished_at = utc_now()
        record.error = error
        if result is not None:
            record.executed_sql = list(getattr(result, "executed_sql", None) or [])
            record.update_type = result.update_type
            record.update_count = result.update_count
        _write_to_log(self._statement_log, record)
        self.executed.set_result(None)

    # -- pages ---------------------------------------------------------------------------------

    def page(self, token: int) -> Page:
        """The answer to a GET of this query's nextUri with `token` (blocking; call off the event loop)."""
        with self._lock:
            self.last_touched = time.monotonic()
            if self.canceled:
                document = protocol.failed_results(self.id, self.info_uri, _canceled_error())
                return Page(200, document, {})
            if token == self._served_token and self._served_page is not None:
                return self._served_page  # the client retried a GET
            if token != self._served_token + 1:
                return _not_found(
                    f"Query {self.id} has no page {token}: the next page is {self._served_token + 1}. "
                    "Follow the nextUri of the previous response"
                )
            if not self.executed.done():
                document = protocol.query_results(
                    self.id,
                    self.info_uri,
                    self.state,
                    next_uri=self._next_uri(token),
                    elapsed_seconds=self._elapsed(),
                )
                return Page(200, document, {})
            return self._serve_next_page_locked(token)

    def _serve_next_page_locked(self, token: int) -> Page:
        if self._ahead is not None and self._ahead[0] == token:
            page = self._ahead[1]
        else:
            page = self._build_page_locked(token)
        self._ahead = None
        self._served_token = token
        self._served_page = page
        if "nextUri" not in page.document:
            self._complete()
        elif not self.completed:
            # The trino client asks for the next page only after reading this one: build it now,
            # while the client reads. A server shutting down builds it on demand instead.
            with contextlib.suppress(RuntimeError):
                self._workers.submit(self._build_ahead, token + 1)
        return page

    def _build_ahead(self, token: int) -> None:
        with self._lock:
            if self.completed or self._served_token != token - 1 or self._ahead is not None:
                return
            self._ahead = (token, self._build_page_locked(token))

    def _build_page_locked(self, token: int) -> Page:
        if self._error is not None:
            document = protocol.failed_results(
                self.id, self.info_uri, self._error, elapsed_seconds=self._elapsed()
            )
            page = Page(200, document, {})
        else:
            try:
                page = self._result_page(token)
            except TrinoError as failure:
                self._fail(failure)
                return self._build_page_locked(token)
            except Exception as failure:
                logger.exception("reading the result of %s failed", self.id)
                self._fail(protocol.internal_error(failure))
                return self._build_page_locked(token)
        return page

    def _result_page(self, token: int) -> Page:
        if self._columns:
            page_rows = self._page_rows
            wanted = page_rows + 1  # one extra row tells whether another page follows
            rows = self._lookahead
            if len(rows) < wanted and self._result is not None:
                rows = rows + list(self._result.fetch(wanted - len(rows)))
            more = len(rows) > page_rows
            self._lookahead = rows[page_rows:]
            rows = rows[:page_rows]
            data = protocol.encode_rows(rows, self._columns, self._value_types)
            columns = self._columns
        elif self._update_count is not None:
            more, data, columns = False, [[self._update_count]], [protocol.UPDATE_COUNT_COLUMN]
        else:
            more, data, columns = False, [[True]], [protocol.DDL_RESULT_COLUMN]
        self._rows_sent += len(data)
        document = protocol.query_results(
            self.id,
            self.info_uri,
            "RUNNING" if more else "FINISHED",
            next_uri=self._next_uri(token + 1) if more else None,
            columns=columns,
            data=data,
            update_type=self._update_type,
            update_count=self._update_count,
            elapsed_seconds=self._elapsed(),
            processed_rows=self._rows_sent,
        )
        page = Page(200, document, response_headers(self._changes))
        if self._columns and data:
            self._page_rows = _rows_for_target_size(len(page.body) / len(data))
        return page

    def _next_uri(self, token: int) -> str:
        return protocol.next_page_uri(self.base_url, self.id, self.slug, token)

    def _elapsed(self) -> float:
        return (self._ended or time.monotonic()) - self.started

    def _fail(self, error: TrinoError) -> None:
        self._error = error
        self.state = "FAILED"
        self._lookahead = []
        self._complete()

    def _complete(self) -> None:
        self.completed = True
        if self.state != "FAILED":
            self.state = "FINISHED"
        self._ended = self._ended or time.monotonic()
        result, self._result = self._result, None
        _close_quietly(result)

    # -- cancel --------------------------------------------------------------------------------

    def cancel(self) -> None:
        """Stop the statement (interrupting the engine if it still runs) and release its result."""
        self.canceled = True
        if not self.executed.done():
            try:
                self._engine.cancel(self.id)
            except Exception:
                logger.exception("engine.cancel(%s) failed", self.id)
        with self._lock:
            if not self.completed:
                self._fail(_canceled_error())


def _rows_for_target_size(bytes_per_row: float) -> int:
    """Rows of the next page so that it holds about TARGET_PAGE_BYTES of JSON."""
    return max(PAGE_ROWS, min(MAX_PAGE_ROWS, int(TARGET_PAGE_BYTES / max(bytes_per_row, 1.0))))


def _canceled_error() -> TrinoError:
    return TrinoError("Query was canceled", "USER_CANCELED")


def _close_quietly(result: Any) -> None:
    if result is None:
        return
    try:
        result.close()
    except Exception:
        logger.exception("closing a query result failed")


def _not_found(message: str) -> Page:
    return Page(404, protocol.error_document(TrinoError(message, "NOT_FOUND")), {})


def _write_to_log(statement_log: StatementLog | None, record: StatementRecord) -> None:
    # A log that cannot be written (full disk, data dir removed) must not fail the statement itself.
    if statement_log is None:
        return
    try:
        statement_log.write(record)
    except OSError:
        logger.exception("could not write the statement log")


class QueryRegistry:
    """The queries a server knows about, by id; forgets completed and abandoned ones."""

    def __init__(self, engine: StatementEngine, statement_log: StatementLog | None) -> None:
        self._engine = engine
        self._statement_log = statement_log
        self._queries: dict[str, RunningQuery] = {}
        self._lock = threading.Lock()
        self._sequence = itertools.count()
        # Worker threads are reused: starting a thread per statement cost about as much as
        # running `select 1`. Statements beyond the pool's size wait QUEUED, as before.
        self._workers = concurrent.futures.ThreadPoolExecutor(
            max_workers=MAX_RUNNING_STATEMENTS, thread_name_prefix="tdlocal-query"
        )
        self._last_sweep = time.monotonic()

    def start(self, sql: str, session: Session, base_url: str) -> RunningQuery:
        """Register a statement and start executing it on its own worker thread."""
        query = RunningQuery(
            new_query_id(next(self._sequence)),
            sql,
            session,
            base_url,
            self._engine,
            self._statement_log,
            self._workers,
        )
        with self._lock:
            self._queries[query.id] = query
        self._workers.submit(query.run)
        return query

    def failed(
        self, base_url: str, error: TrinoError, sql: str = "", session: Session | None = None
    ) -> dict[str, Any]:
        """A FAILED QueryResults document for a request rejected before it became a query (and logged)."""
        query_id = new_query_id(next(self._sequence))
        if self._statement_log is not None:
            received = utc_now()
            record = StatementRecord(
                query_id, sql, session or Session(user=""), received, received, error=error
            )
            _write_to_log(self._statement_log, record)
        return protocol.failed_results(query_id, protocol.query_info_uri(base_url, query_id), error)

    def get(self, query_id: str) -> RunningQuery | None:
        with self._lock:
            return self._queries.get(query_id)

    def take_stale(self) -> list[RunningQuery]:
        """Unregister queries nobody polls any more and completed ones past their grace period.

        Cheap enough for the event loop: it looks at the queries at most every few seconds.
        """
        now = time.monotonic()
        with self._lock:
            if now - self._last_sweep < SWEEP_INTERVAL_SECONDS:
                return []
            self._last_sweep = now
            stale = [
                query
                for query in self._queries.values()
                if now - query.last_touched > ABANDONED_AFTER_SECONDS
                or (query.completed and now - query.last_touched > FORGET_COMPLETED_AFTER_SECONDS)
            ]
            for query in stale:
                del self._queries[query.id]
        return stale

    @staticmethod
    def cancel_queries(queries: list[RunningQuery], reason: str = "its client stopped polling") -> None:
        """Cancel queries (blocking: it may wait for a page being built); frees their results."""
        for query in queries:
            if not query.completed:
                logger.info("canceling query %s: %s", query.id, reason)
            query.cancel()

    def cancel_all(self) -> None:
        """Cancel every query (server shutdown)."""
        with self._lock:
            queries = list(self._queries.values())
            self._queries.clear()
        self.cancel_queries(queries, "the server is stopping")
        self._workers.shutdown(wait=False, cancel_futures=True)
