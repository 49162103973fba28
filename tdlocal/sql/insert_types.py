"""An INSERT ... SELECT writes what Trino writes: query types Trino cannot coerce to the table's
are refused with Trino's error (strict mode), and the values written are Trino's casts.

Trino 423's StatementAnalyzer.typesMatchForInsert accepts a query column when
TypeCoercion.isCompatible(query, table) holds: the two types have a common supertype (numbers
among themselves, date / timestamp / timestamp with time zone among themselves, varchar / char).
LogicalPlanner then casts the query value to the table type, so a double into a bigint is rounded
HALF_UP (DoubleOperators.castToLong: 2.5e0 -> 3) and a timestamp into a date is its date
(AbstractDistributedEngineOnlyQueries.testInsertWithCoercion inserts 1e0 into tinyint, integer,
decimal(5,3) and real columns and TIMESTAMP '2019-11-18 22:13:40' into a date column). Anything
else fails with TYPE_MISMATCH "Insert query has mismatched column types: Table: [bigint], Query:
[varchar]": a number into varchar, text into a number, date or boolean, a boolean and a number.

DuckDB's own insert cast differs where Trino rounds: double or real into an integer column is
half to even in DuckDB (2.5e0 -> 2), and double into decimal reads the binary value (1.005e0 ->
1.00) where Trino reads Java's shortest text (BigDecimal.valueOf: 1.01). Those columns are
written through Trino's cast instead (`conversions`), as is a timestamp with time zone, whose
wall clock DuckDB cannot cast from tdlocal's zoned struct. The check compares type categories
only; nested, interval, binary and JSON types are left to DuckDB. INSERT ... VALUES is not checked
(dbt seeds bind their values as parameters of their own types).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql import names
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import macro
from tdlocal.sql.plan import TableRef, quote_identifier


@dataclass(frozen=True)
class InsertTypeCheck:
    """What the engine needs to compare an INSERT's query types with its table's: a DuckDB query
    returning no rows with the query's columns, the table, and the insert's column list (None: all
    of the table's columns, in order)."""

    probe_sql: str
    table: TableRef
    columns: tuple[str, ...] | None
    # The query as DuckDB SQL (`SELECT * FROM (query) AS tdlocal_insert_source`), for
    # `converted_insert`; strict: whether types Trino does not coerce are refused.
    source_sql: str = ""
    strict: bool = True


def plan_check(tree: exp.Insert, context: TranslationContext, translate) -> InsertTypeCheck | None:
    """The check for an INSERT ... SELECT, else None. `translate(tree) -> sql` turns the source
    query into DuckDB SQL as the statement's own translation does."""
    source = tree.expression
    if not isinstance(source, exp.Query):
        return None
    target = tree.this
    columns = None
    if isinstance(target, exp.Schema):
        columns = tuple(column.name.lower() for column in target.expressions)
        target = target.this
    if not isinstance(target, exp.Table):
        return None
    catalog, schema, name = names.table_parts(target)
    table = TableRef(names.resolve_schema(catalog, schema, context), name)
    whole = exp.select("*").from_(exp.Subquery(this=source.copy(), alias="tdlocal_insert_source"))
    source_sql = translate(whole)
    return InsertTypeCheck(f"{source_sql} LIMIT 0", table, columns, source_sql, context.strict)


_INTEGERS = {"tinyint", "smallint", "integer", "bigint"}


def _category(trino_type: str) -> str | None:
    """The coercion category of a Trino type text; None where the check does not judge."""
    base = trino_type.split("(", 1)[0].strip()
    if base in _INTEGERS:
        return "integer"
    if base in ("decimal", "real", "double", "varchar", "char", "date", "boolean"):
        return {"char": "varchar"}.get(base, base)
    if trino_type.startswith("timestamp") and trino_type.endswith("with time zone"):
        return "timestamp with time zone"
    if base == "timestamp":
        return "timestamp"
    return None


# Categories with a common supertype (TypeCoercion.compatibility: numbers widen to decimal, real
# or double; date and timestamps to the zoned timestamp; varchar and char to char).
_FAMILY = {
    "integer": "number",
    "decimal": "number",
    "real": "number",
    "double": "number",
    "varchar": "text",
    "date": "datetime",
    "timestamp": "datetime",
    "timestamp with time zone": "datetime",
    "boolean": "boolean",
}


def mismatch(table_types: list[str], query_types: list[str]) -> TrinoError | None:
    """Trino's TYPE_MISMATCH for an INSERT whose query column types do not coerce to the table's
    (both lists of Trino type texts, in insert order), or None. `unknown` (a bare NULL) coerces to
    anything."""
    for table_type, query_type in zip(table_types, query_types, strict=True):
        source, target = _category(query_type), _category(table_type)
        if query_type == "unknown" or source is None or target is None:
            continue
        if _FAMILY[target] != _FAMILY[source]:
            return TrinoError(
                "Insert query has mismatched column types: "
                f"Table: [{', '.join(table_types)}], Query: [{', '.join(query_types)}]",
                "TYPE_MISMATCH",
            )
    return None


def conversions(table_types: list[str], query_types: list[str]) -> list[str | None]:
    """Per insert column (Trino type texts, in insert order): the DuckDB expression of Trino's cast
    of query column `#i` to the table type where DuckDB's insert cast would write another value,
    else None (DuckDB's cast is Trino's, or the pair is refused by `mismatch`)."""
    found: list[str | None] = []
    for position, (table_type, query_type) in enumerate(zip(table_types, query_types, strict=True), 1):
        source, target = _category(query_type), _category(table_type)
        column = f"#{position}"
        base = table_type.split("(", 1)[0].strip()
        if source in ("double", "real") and target == "integer":
            # DoubleOperators.castToLong / castToInteger...: HALF_UP (away from zero).
            found.append(f"{macro(f'trino_to_{base}')}({column})")
        elif source in ("double", "real") and target == "decimal":
            # DecimalConversions: BigDecimal.valueOf(double) / new BigDecimal(String.valueOf(float))
            # (Java's shortest text, which is DuckDB's DOUBLE / FLOAT text) set to the scale
            # HALF_UP, as DuckDB's text-to-decimal cast rounds.
            found.append(f"CAST(CAST({column} AS VARCHAR) AS {table_type.upper()})")
        elif source == "timestamp with time zone" and target == "date":
            found.append(f"{macro('trino_to_date')}({column})")
        elif source == "timestamp with time zone" and target == "timestamp":
            found.append(f"{macro('zoned_local')}({column})")
        else:
            found.append(None)
    return found


def converted_insert(check: InsertTypeCheck, converted: list[str | None]) -> str:
    """The INSERT writing `converted` (from `conversions`) in place of the plain query columns."""
    columns = ""
    if check.columns is not None:
        columns = " (" + ", ".join(quote_identifier(column) for column in check.columns) + ")"
    select = ", ".join(expression or f"#{position}" for position, expression in enumerate(converted, 1))
    return f"INSERT INTO {check.table.sql}{columns} SELECT {select} FROM ({check.source_sql}) AS tdlocal_insert_converted"
