"""Strict mode: an INSERT ... SELECT whose query types Trino would not coerce to the table's is
refused with Trino's error, instead of DuckDB's silent cast.

Trino's StatementAnalyzer.visitInsert fails with TYPE_MISMATCH "Insert query has mismatched column
types: Table: [bigint], Query: [double]" unless each query column's type coerces implicitly to the
table column's (TypeCoercion.canCoerce: integers to wider numbers, decimals to decimals and
doubles, real to double, date to timestamp, varchar to varchar; never a number to varchar, text to
a number or date, a double or decimal to an integer, a timestamp to a date). DuckDB casts instead:
2.5e0 into a bigint column became 2 (half to even), 12 into a varchar column '12'.

The check compares type categories only, where tdlocal's types are Trino's by construction;
within a category (integer widths, decimal precisions, timestamp precisions) and for nested,
interval, binary and JSON types it lets DuckDB's answer stand rather than refuse a query TD runs.
INSERT ... VALUES is not checked (dbt seeds bind their values as parameters of their own types).
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql import names
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.plan import TableRef


@dataclass(frozen=True)
class InsertTypeCheck:
    """What the engine needs to compare an INSERT's query types with its table's: a DuckDB query
    returning no rows with the query's columns, the table, and the insert's column list (None: all
    of the table's columns, in order)."""

    probe_sql: str
    table: TableRef
    columns: tuple[str, ...] | None


def plan_check(tree: exp.Insert, context: TranslationContext, translate) -> InsertTypeCheck | None:
    """The check for an INSERT ... SELECT in strict mode, else None. `translate(tree) -> sql`
    turns the source query into DuckDB SQL as the statement's own translation does."""
    source = tree.expression
    if not context.strict or not isinstance(source, exp.Query):
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
    probe = exp.select("*").from_(exp.Subquery(this=source.copy(), alias="tdlocal_insert_probe")).limit(0)
    return InsertTypeCheck(translate(probe), table, columns)


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


# Query category -> the table categories Trino's implicit coercions reach (TypeCoercion).
_COERCIBLE = {
    "integer": {"integer", "decimal", "real", "double"},
    "decimal": {"decimal", "real", "double"},
    "real": {"real", "double"},
    "double": {"double"},
    "varchar": {"varchar"},
    "date": {"date", "timestamp", "timestamp with time zone"},
    "timestamp": {"timestamp", "timestamp with time zone"},
    # Not refused: dbt's snapshots insert current_timestamp into the timestamp columns their CTAS
    # made (TD's Hive tables hold no zone), and that pairing is not verified against TD.
    "timestamp with time zone": {"timestamp with time zone", "timestamp"},
    "boolean": {"boolean"},
}


def mismatch(table_types: list[str], query_types: list[str]) -> TrinoError | None:
    """Trino's TYPE_MISMATCH for an INSERT whose query column types do not coerce to the table's
    (both lists of Trino type texts, in insert order), or None. `unknown` (a bare NULL) coerces to
    anything."""
    for table_type, query_type in zip(table_types, query_types, strict=True):
        source, target = _category(query_type), _category(table_type)
        if query_type == "unknown" or source is None or target is None:
            continue
        if target not in _COERCIBLE[source]:
            return TrinoError(
                "Insert query has mismatched column types: "
                f"Table: [{', '.join(table_types)}], Query: [{', '.join(query_types)}]",
                "TYPE_MISMATCH",
            )
    return None
