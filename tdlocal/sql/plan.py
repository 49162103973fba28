"""A Plan: what the engine must run, and report, for one Trino statement."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from tdlocal.errors import TrinoError
from tdlocal.session import SessionChanges

if TYPE_CHECKING:  # insert_types builds on TableRef, defined here
    from tdlocal.sql.insert_types import InsertTypeCheck


@dataclass(frozen=True)
class TableRef:
    """A table or view in the `td` catalog."""

    schema: str
    name: str

    def __str__(self) -> str:
        return f"td.{self.schema}.{self.name}"

    @property
    def sql(self) -> str:
        """The DuckDB-quoted name."""
        return f'"td".{quote_identifier(self.schema)}.{quote_identifier(self.name)}'


@dataclass
class Plan:
    """DuckDB statements to run in order on one cursor, and how to report the outcome.

    `returns_rows`: the last statement's rows are the result. Otherwise `update_type` is reported,
    with the last statement's row count as update_count when `counts_rows` is set.
    """

    sql: list[str] = field(default_factory=list)
    returns_rows: bool = False
    update_type: str | None = None
    counts_rows: bool = False
    changes: SessionChanges = field(default_factory=SessionChanges)
    writes: bool = False  # takes the engine's write lock
    required_schema: str | None = None  # must exist before running (USE, SHOW TABLES ...)
    required_table: TableRef | None = None  # must exist before running (DESCRIBE ...)
    add_time_column_to: TableRef | None = None  # strict mode: a new table without `time` gets one
    creation_time: int | None = None  # ... holding this value (the query's "now")
    parameters: list | None = None  # values bound to the last statement's `?` placeholders
    explain: bool = False  # the last statement is a DuckDB EXPLAIN: answer its text as `Query Plan`
    # CTAS: a created column of an interval type is refused (and the table dropped), as TD's
    # Hive-like tables cannot store one; the names of the year-month ones, for the message.
    refuse_interval_columns_in: TableRef | None = None
    year_month_columns: frozenset[str] = frozenset()
    # Strict mode (tdlocal.sql.select_aliases): (probe, error) pairs run first; a probe that cannot
    # bind its column means the statement read a select-list alias Trino cannot see.
    column_checks: list[tuple[str, TrinoError]] = field(default_factory=list)
    # Strict mode (tdlocal.sql.insert_types): an INSERT ... SELECT's query types against the table's.
    insert_check: InsertTypeCheck | None = None


def quote_identifier(name: str) -> str:
    """`name` as a double-quoted SQL identifier."""
    return '"' + name.replace('"', '""') + '"'


def quote_string(text: str) -> str:
    """`text` as a single-quoted SQL string literal."""
    return "'" + text.replace("'", "''") + "'"
