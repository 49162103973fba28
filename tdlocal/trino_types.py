"""DuckDB types as Trino names them, and DuckDB values in the shapes Trino clients expect.

Trino type texts are lowercase (`bigint`, `decimal(10,2)`, `array(varchar)`, `row("a" integer)`);
the server builds type signatures from them and the dbt adapter reads them from
information_schema.columns.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

import duckdb

from tdlocal.errors import TrinoError

# DuckDB's own microsecond TIMESTAMP is timestamp(6); TIMESTAMP(3) and TIMESTAMP(0) columns are
# stored as TIMESTAMP_MS and TIMESTAMP_S, so their Trino precision survives a round trip.
_SIMPLE_TYPES = {
    "boolean": "boolean",
    "tinyint": "tinyint",
    "smallint": "smallint",
    "integer": "integer",
    "bigint": "bigint",
    # DuckDB widens sums of integers to HUGEINT where Trino keeps bigint.
    "hugeint": "bigint",
    "utinyint": "smallint",
    "usmallint": "integer",
    "uinteger": "bigint",
    "ubigint": "decimal(20,0)",
    "uhugeint": "decimal(38,0)",
    "bignum": "decimal(38,0)",
    "float": "real",
    "double": "double",
    "varchar": "varchar",
    "blob": "varbinary",
    "bit": "varchar",
    "date": "date",
    "time": "time(6)",
    "time with time zone": "time(6) with time zone",
    "timestamp_s": "timestamp(0)",
    "timestamp_ms": "timestamp(3)",
    "timestamp": "timestamp(6)",
    "timestamp_ns": "timestamp(9)",
    # Trino's zoned values (from_unixtime, current_timestamp, from_iso8601_timestamp, ...) are
    # timestamp(3) with time zone; DuckDB has only a microsecond TIMESTAMPTZ.
    "timestamp with time zone": "timestamp(3) with time zone",
    "interval": "interval day to second",
    "uuid": "uuid",
    "enum": "varchar",
    "union": "varchar",
    "null": "unknown",
}


def trino_type(duckdb_type: duckdb.DuckDBPyType) -> str:
    """The Trino type text of a DuckDB type, e.g. STRUCT(a INTEGER)[] -> array(row("a" integer))."""
    kind = duckdb_type.id
    if kind == "varchar" and str(duckdb_type) == "JSON":
        return "json"
    if kind in _SIMPLE_TYPES:
        return _SIMPLE_TYPES[kind]
    children = duckdb_type.children
    if kind == "decimal":
        parts = dict(children)
        return f"decimal({parts['precision']},{parts['scale']})"
    if kind in ("list", "array"):
        return f"array({trino_type(dict(children)['child'])})"
    if kind == "map":
        parts = dict(children)
        return f"map({trino_type(parts['key'])}, {trino_type(parts['value'])})"
    if kind == "struct":
        if _is_zoned(children):
            return ZONED_TRINO_TYPE
        if _is_year_to_month(children):
            return "interval year to month"
        fields = ", ".join(f"{_quoted(name)} {trino_type(child)}" for name, child in children)
        return f"row({fields})"
    if kind == "tuple":
        return f"row({', '.join(trino_type(child) for _, child in children)})"
    return "varchar"


@lru_cache(maxsize=4096)
def trino_type_from_text(duckdb_type_text: str) -> str:
    """The Trino type text of a DuckDB type written as text (as duckdb_columns() reports it)."""
    try:
        return trino_type(duckdb.sqltype(duckdb_type_text))
    except (duckdb.Error, ValueError, TypeError):
        return duckdb_type_text.lower()


# tdlocal's zoned timestamp in a zone other than the session's (tdlocal.sql.zoned_timestamps):
# these field names and types, shown to clients as the Trino type it stands for.
_ZONED_FIELDS = (("tdlocal_instant", "timestamp with time zone"), ("tdlocal_zone", "varchar"))
ZONED_TRINO_TYPE = "timestamp(3) with time zone"


def _is_zoned(children: list) -> bool:
    try:
        return tuple((name, child.id) for name, child in children) == _ZONED_FIELDS
    except (TypeError, ValueError, AttributeError):
        return False


def _is_year_to_month(children: list) -> bool:
    # tdlocal.sql.intervals' result value of an interval year to month: a count of months.
    try:
        return [(name, child.id) for name, child in children] == [("tdlocal_year_to_month", "integer")]
    except (TypeError, ValueError, AttributeError):
        return False


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


# --- values -----------------------------------------------------------------------------------

Converter = Callable[[Any], Any]


def value_converter(duckdb_type: duckdb.DuckDBPyType) -> Converter | None:
    """A function turning a fetched DuckDB value into its Trino shape, or None when none is needed.

    Rows become tuples in field order (Trino sends rows positionally) and UUIDs become text.
    """
    kind = duckdb_type.id
    if kind == "uuid":
        return _uuid_text
    if kind == "hugeint":
        return _bigint_or_overflow
    if kind in ("list", "array"):
        child = value_converter(dict(duckdb_type.children)["child"])
        return None if child is None else _list_of(child)
    if kind == "map":
        parts = dict(duckdb_type.children)
        key, value = value_converter(parts["key"]), value_converter(parts["value"])
        if key is None and value is None:
            return None
        return _map_of(key or _identity, value or _identity)
    if kind == "struct" and _is_zoned(duckdb_type.children):
        return _zoned_datetime
    if kind == "struct" and _is_year_to_month(duckdb_type.children):
        return _months
    if kind in ("struct", "tuple"):
        fields = [value_converter(child) or _identity for _, child in duckdb_type.children]
        return _row_of(fields)
    return None


def row_converter(types: list[duckdb.DuckDBPyType]) -> Callable[[tuple], tuple] | None:
    """A function converting whole fetched rows, or None when every column is already in shape."""
    converters = [value_converter(kind) for kind in types]
    if all(converter is None for converter in converters):
        return None
    indexed = [(index, converter) for index, converter in enumerate(converters) if converter]

    def convert(row: tuple) -> tuple:
        values = list(row)
        for index, converter in indexed:
            if values[index] is not None:
                values[index] = converter(values[index])
        return tuple(values)

    return convert


def _identity(value: Any) -> Any:
    return value


_BIGINT_MIN, _BIGINT_MAX = -(2**63), 2**63 - 1


def _bigint_or_overflow(value: int) -> int:
    """A HUGEINT value (DuckDB's integer sums and arithmetic on them) as the bigint Trino holds,
    or Trino's overflow error: Trino computes these in bigint and fails beyond its range
    (BigintOperators, NUMERIC_VALUE_OUT_OF_RANGE), where DuckDB's 128 bits carry on."""
    if _BIGINT_MIN <= value <= _BIGINT_MAX:
        return value
    raise TrinoError(
        f"bigint overflow: {value} is outside the range of bigint (a sum of integers, or arithmetic "
        "on one); cast to decimal(38,0) or double before summing",
        "NUMERIC_VALUE_OUT_OF_RANGE",
    )


def _uuid_text(value: Any) -> Any:
    return None if value is None else str(value)


def _months(value: Any) -> Any:
    return None if value is None else value["tdlocal_year_to_month"]


def _zoned_datetime(value: Any) -> Any:
    """The struct (instant, Trino zone id) as an aware datetime shown in that zone."""
    if value is None:
        return None
    instant, zone = value["tdlocal_instant"], value["tdlocal_zone"]
    if instant is None:
        return None
    return instant.astimezone(_python_zone(zone))


@lru_cache(maxsize=1024)
def _python_zone(zone_id: str) -> tzinfo:
    if zone_id[:1] in ("+", "-"):
        sign = -1 if zone_id[0] == "-" else 1
        return timezone(sign * timedelta(hours=int(zone_id[1:3]), minutes=int(zone_id[4:6])))
    return ZoneInfo(zone_id)


def _list_of(child: Converter) -> Converter:
    return lambda values: None if values is None else [child(value) for value in values]


def _map_of(key: Converter, value: Converter) -> Converter:
    return lambda entries: None if entries is None else {key(k): value(v) for k, v in entries.items()}


def _row_of(fields: list[Converter]) -> Converter:
    def convert(row: Any) -> Any:
        if row is None:
            return None
        values = row.values() if isinstance(row, dict) else row
        return tuple(field(value) for field, value in zip(fields, values, strict=False))

    return convert
