"""Loading files (CSV, Parquet) into a data dir's `td` catalog, so local runs can use real data.

Loads (and the synthetic sample, see sample_data.py) write straight into <data_dir>/td.duckdb, so they need the data dir to themselves: while a
tdlocal server holds it they fail with DataDirInUseError (stop the server, load, start it again).
Columns take TD's storage types, as a TD import would give them: integers become bigint, other
numbers double, everything else varchar (dates and timestamps as ISO text); arrays keep their
element type mapped the same way. A table needs a `time` column of Unix seconds: a file without
one gets it filled with the load time, as TD does.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from tdlocal.engine import connect_database_file

CATALOG = "td"
TIME_COLUMN = "time"
_NAME = re.compile(r"^[a-z0-9_]{1,128}$")
_CSV_SUFFIXES = (".csv", ".tsv", ".txt", ".csv.gz", ".tsv.gz")
_PARQUET_SUFFIXES = (".parquet", ".pq")
_INTEGER_TYPES = {"TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER"}
_NUMBER_TYPES = {"FLOAT", "DOUBLE", "UBIGINT", "HUGEINT", "UHUGEINT"}
_TEMPORAL_TYPES = {
    "DATE",
    "TIMESTAMP",
    "TIMESTAMP_S",
    "TIMESTAMP_MS",
    "TIMESTAMP_NS",
    "TIMESTAMP WITH TIME ZONE",
}


class LoadError(ValueError):
    """A load that cannot proceed; the message names the bad input and what to do instead."""


@dataclass(frozen=True)
class TableName:
    """A TD table address: database (the Trino schema) and table."""

    database: str
    table: str

    def __str__(self) -> str:
        return f"{self.database}.{self.table}"

    @property
    def sql(self) -> str:
        return f'{CATALOG}."{self.database}"."{self.table}"'


def parse_table_name(text: str) -> TableName:
    """Parse `database.table` (TD names: lowercase letters, digits and underscores)."""
    parts = text.strip().split(".")
    if len(parts) == 3 and parts[0] == CATALOG:
        parts = parts[1:]
    if len(parts) != 2 or not all(_NAME.match(part) for part in parts):
        hint = text.strip().lower().replace("-", "_")
        raise LoadError(
            f"bad table name {text!r}: write it as database.table using lowercase letters, digits and "
            f"underscores, e.g. {hint if _looks_like_table(hint) else 'my_db.my_table'}"
        )
    return TableName(parts[0], parts[1])


def _looks_like_table(text: str) -> bool:
    parts = text.split(".")
    return len(parts) == 2 and all(_NAME.match(part) for part in parts)


@contextmanager
def open_database(data_dir: Path | str) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB connection to <data_dir>/td.duckdb for loading; DataDirInUseError if a server holds it."""
    directory = Path(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    connection = connect_database_file(directory)
    try:
        yield connection
    finally:
        connection.close()


@dataclass(frozen=True)
class FileLoad:
    """What load_file did."""

    table: TableName
    rows: int
    created: bool
    added_time_column: bool

    def describe(self) -> str:
        action = "created" if self.created else "appended to"
        note = (
            f" (no `{TIME_COLUMN}` column in the file: filled with the load time)"
            if self.added_time_column
            else ""
        )
        return f"{action} {self.table}: {self.rows:,} rows loaded{note}"


def load_file(connection: duckdb.DuckDBPyConnection, path: Path | str, table: TableName) -> FileLoad:
    """Load a CSV or Parquet file into `table`, creating it or appending to it."""
    source = Path(path)
    if not source.is_file():
        raise LoadError(f"no such file: {source} (give the path of a .csv or .parquet file)")
    reader = _reader_sql(source)
    cursor = connection.cursor()
    try:
        try:
            described = cursor.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()
        except duckdb.Error as error:
            raise LoadError(f"cannot read {source}: {_first_line(error)}") from None
        columns = [(str(row[0]), str(row[1])) for row in described]
        select_list, added_time = _td_select_list(columns, source)
        cursor.execute(f'CREATE SCHEMA IF NOT EXISTS {CATALOG}."{table.database}"')
        exists = _table_columns(cursor, table)
        if not exists:
            cursor.execute(f"CREATE TABLE {table.sql} AS SELECT {select_list} FROM {reader}")
            rows = _count_rows(cursor, table)
            return FileLoad(table, rows, created=True, added_time_column=added_time)
        loaded_names = [_td_name(name) for name, _ in columns] + ([TIME_COLUMN] if added_time else [])
        missing = [name for name in loaded_names if name not in exists]
        if missing:
            raise LoadError(
                f"{source} has columns {missing} that {table} does not: add them first "
                f"(ALTER TABLE {table} ADD COLUMN ...), or load into a new table"
            )
        try:
            cursor.execute(f"INSERT INTO {table.sql} BY NAME SELECT {select_list} FROM {reader}")
        except duckdb.Error as error:
            raise LoadError(f"cannot append {source} to {table}: {_first_line(error)}") from None
        inserted = cursor.fetchone()
        return FileLoad(
            table, int(inserted[0]) if inserted else 0, created=False, added_time_column=added_time
        )
    finally:
        cursor.close()


def file_format(source: Path | str) -> str:
    """'csv' or 'parquet', from the file name; LoadError for anything else."""
    name = Path(source).name.lower()
    if name.endswith(_PARQUET_SUFFIXES):
        return "parquet"
    if name.endswith(_CSV_SUFFIXES):
        return "csv"
    raise LoadError(
        f"cannot tell the format of {source}: name it *.csv, *.tsv or *.csv.gz for CSV, *.parquet for Parquet"
    )


def _reader_sql(source: Path) -> str:
    quoted = "'" + str(source).replace("'", "''") + "'"
    if file_format(source) == "parquet":
        return f"read_parquet({quoted})"
    return f"read_csv({quoted}, header = true)"


def _td_name(name: str) -> str:
    # Trino folds identifiers to lower case; TD column names are lower case.
    return name.strip().lower()


def _td_select_list(columns: list[tuple[str, str]], source: Path) -> tuple[str, bool]:
    names = [_td_name(name) for name, _ in columns]
    duplicates = sorted({name for name in names if names.count(name) > 1})
    if duplicates:
        raise LoadError(f"{source} has columns that differ only in case: {duplicates}; rename them")
    expressions = []
    for (name, kind), td_name in zip(columns, names, strict=True):
        source_column = '"' + name.replace('"', '""') + '"'
        target = '"' + td_name.replace('"', '""') + '"'
        if td_name == TIME_COLUMN:
            expressions.append(f"{_time_expression(source_column, kind, source)} AS {target}")
        else:
            expressions.append(f"{_td_value(source_column, kind)} AS {target}")
    added_time = TIME_COLUMN not in names
    if added_time:
        expressions.append(f'{int(time.time())}::BIGINT AS "{TIME_COLUMN}"')
    return ", ".join(expressions), added_time


def _td_value(expression: str, kind: str) -> str:
    base = kind.upper()
    if base in _INTEGER_TYPES:
        return f"{expression}::BIGINT"
    if base in _NUMBER_TYPES or base.startswith("DECIMAL"):
        return f"{expression}::DOUBLE"
    if base == "VARCHAR":
        return expression
    if base in _TEMPORAL_TYPES:
        return f"strftime({expression}, '%Y-%m-%d %H:%M:%S')" if base != "DATE" else f"{expression}::VARCHAR"
    if base.endswith("[]"):
        element = base[:-2]
        return f"list_transform({expression}, x -> {_td_value('x', element)})"
    if base.startswith(("STRUCT", "MAP")):
        return f"to_json({expression})::VARCHAR"
    return f"{expression}::VARCHAR"


def _time_expression(expression: str, kind: str, source: Path) -> str:
    base = kind.upper()
    if base in _INTEGER_TYPES or base in {"UBIGINT", "HUGEINT"}:
        return f"{expression}::BIGINT"
    if base in _TEMPORAL_TYPES:
        return f"epoch({expression})::BIGINT"
    raise LoadError(
        f"column `time` in {source} is {kind}; TD's `time` holds Unix seconds: give it integer seconds or "
        "timestamps, or rename the column"
    )


def _table_columns(cursor: duckdb.DuckDBPyConnection, table: TableName) -> list[str]:
    rows = cursor.execute(
        "SELECT column_name FROM duckdb_columns() WHERE database_name = ? AND schema_name = ? AND table_name = ?",
        [CATALOG, table.database, table.table],
    ).fetchall()
    return [str(row[0]).lower() for row in rows]


def _count_rows(cursor: duckdb.DuckDBPyConnection, table: TableName) -> int:
    row = cursor.execute(f"SELECT count(*) FROM {table.sql}").fetchone()
    return int(row[0]) if row else 0


def _first_line(error: Exception) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
