"""The local TD engine: Trino SQL text + a session in, typed rows out, over one DuckDB file.

CONTRACT (the server codes against this; the engine implementation fills it in):

    engine = Engine(data_dir, strict=True)       # opens <data_dir>/td.duckdb (catalog "td")
    result = engine.execute(sql, session, query_id)   # raises TrinoError for any failure
    result.columns        -> list[Column]           # Trino names (`_col0` for unaliased) and types
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
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tdlocal.session import Session, SessionChanges


class DataDirInUseError(RuntimeError):
    """Another tdlocal process holds the data dir's database."""


@dataclass(frozen=True)
class Column:
    """A result column: its Trino name and Trino type text (e.g. 'bigint', 'array(varchar)')."""

    name: str
    type: str


class QueryResult:
    """The outcome of one statement. Rows are fetched lazily in pages."""

    columns: list[Column]
    update_type: str | None
    update_count: int | None
    changes: SessionChanges
    executed_sql: list[str]

    def fetch(self, n: int) -> list[tuple]:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class Engine:
    def __init__(self, data_dir: Path | str, *, strict: bool = True) -> None:
        raise NotImplementedError

    def execute(self, sql: str, session: Session, query_id: str) -> QueryResult:
        raise NotImplementedError

    def cancel(self, query_id: str) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError
