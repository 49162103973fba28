"""Trino's two interval types, where DuckDB has one INTERVAL (months, days and microseconds).

- `interval year to month` (INTERVAL '3' YEAR, '5' MONTH, '3-5' YEAR TO MONTH and sums of them):
  DuckDB's INTERVAL already adds months to dates as Trino does, so it stays an INTERVAL inside a
  query. Only where the value itself leaves the query (a result column, CAST to varchar, typeof)
  is it turned into what Trino shows: the YEAR_TO_MONTH struct (a count of months, shown to
  clients as `interval year to month`, `3-5`), or the text `3-5`.
- `interval day to second`: `date - date` (DuckDB: a number of days) and to_milliseconds (DuckDB:
  a function building an interval from milliseconds, the other way round).

Date arithmetic (Trino 423 source): `date - date` has no operator of its own; Trino's function
resolution coerces date to timestamp(0) (TypeCoercion.coerceTypeBase) and applies
TimestampOperators.TimestampMinusTimestamp, an interval day to second (`9 00:00:00.000`).
`date +/- interval day to second` is a date (DateTimeOperators), failing with
INVALID_FUNCTION_ARGUMENT `Cannot add hour, minutes or seconds to a date` / `Cannot subtract
hour, minutes or seconds from a date` when the interval is not whole days; DuckDB gives a timestamp
there. Operand types are known for certain only when DuckDB binds the query, so the operators are
macros with a DATE-typed overload (DuckDB picks it at binding, no cost per row) and an untyped one
that is DuckDB's own operator: columns, CTE outputs and expressions of type date get Trino's
answers, not just visible DATE literals.

Sources: Trino docs, Date and time functions and operators (interval operators, to_milliseconds,
`date '2012-08-08' + interval '2' day`), Trino's TestIntervalYearMonth (`3-5` text) and the issue's
Trino reading (`interval '3' year + interval '5' month` is `3-5`; to_milliseconds(date
'2023-09-10' - date '2023-09-01') is 777600000).
"""

from __future__ import annotations

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.templates import fill

# Milliseconds of an interval, rounded half up as TimestampMinusTimestamp rounds (DateTimes.round).
_MILLIS = "CAST(floor(epoch(i) * 1000 + 0.5) AS BIGINT)"

MACROS: dict[str, str] = {
    "trino_subtract": "(a DATE, b DATE) AS to_days(CAST(a - b AS INTEGER)), (a, b) AS a - b",
    "trino_minus_interval": (
        "(a DATE, i INTERVAL) AS CASE WHEN CAST(a - i AS TIME) <> TIME '00:00:00' "
        "THEN error('Cannot subtract hour, minutes or seconds from a date') ELSE CAST(a - i AS DATE) END, "
        "(a, i) AS cast_to_type(a - i, a)"
    ),
    "trino_plus_interval": (
        "(a DATE, i INTERVAL) AS CASE WHEN CAST(a + i AS TIME) <> TIME '00:00:00' "
        "THEN error('Cannot add hour, minutes or seconds to a date') ELSE CAST(a + i AS DATE) END, "
        "(a, i) AS cast_to_type(a + i, a)"
    ),
    # Trino's text of an interval day to second (SqlIntervalDayTime.formatMillis):
    # `[-]D HH:MM:SS.mmm`, e.g. `1 00:00:00.000`; DuckDB's would be `1 day`.
    "trino_day_second_text": (
        f"(i) AS (CASE WHEN {_MILLIS} < 0 THEN '-' ELSE '' END) "
        f"|| CAST(abs({_MILLIS}) // 86400000 AS VARCHAR) || ' ' "
        f"|| lpad(CAST(abs({_MILLIS}) // 3600000 % 24 AS VARCHAR), 2, '0') || ':' "
        f"|| lpad(CAST(abs({_MILLIS}) // 60000 % 60 AS VARCHAR), 2, '0') || ':' "
        f"|| lpad(CAST(abs({_MILLIS}) // 1000 % 60 AS VARCHAR), 2, '0') || '.' "
        f"|| lpad(CAST(abs({_MILLIS}) % 1000 AS VARCHAR), 3, '0')"
    ),
}

MONTHS_FIELD = "tdlocal_year_to_month"
YEAR_TO_MONTH_TYPE_TEXT = f"STRUCT({MONTHS_FIELD} INTEGER)"

_YEAR_MONTH_UNITS = {"YEAR", "MONTH"}


# Set on a Column node that reads a year-month column of a CTE or a derived table.
_YEAR_MONTH_MARK = "tdlocal_year_month"
# Set on each branch of a top-level set operation: the positions holding year-month intervals.
_YEAR_MONTH_POSITIONS = "tdlocal_year_month_positions"


def is_year_month(node: exp.Expression) -> bool:
    """Whether `node` is visibly an interval year to month: a YEAR/MONTH literal, sums of them, or
    a column of a CTE or derived table holding one (see `mark_year_month_columns`)."""
    if isinstance(node, exp.Column):
        return bool(node.meta.get(_YEAR_MONTH_MARK))
    if isinstance(node, exp.Paren):
        return is_year_month(node.this)
    if isinstance(node, exp.Interval):
        unit = node.args.get("unit")
        if isinstance(unit, exp.IntervalSpan):
            return unit.this.name.upper() == "YEAR" and unit.expression.name.upper() == "MONTH"
        return unit is not None and unit.name.upper() in _YEAR_MONTH_UNITS
    if isinstance(node, exp.Neg):
        return is_year_month(node.this)
    if isinstance(node, (exp.Add, exp.Sub)):
        return is_year_month(node.this) and is_year_month(node.expression)
    if isinstance(node, exp.Mul):
        return is_year_month(node.this) != is_year_month(node.expression)
    return False


def mark_year_month_columns(tree: exp.Expression) -> None:
    """Mark the columns that read a year-month column of a CTE, a derived table or a UNION branch.

    DuckDB has one INTERVAL type, so a year-month interval is known only by where it comes from:
    innermost queries first, each SELECT's (or set operation's) year-month output names are
    found, and columns reading them from a CTE or an aliased subquery are marked. Trino keeps
    the type through all of these (docs: interval year to month is a type of its own).
    """
    outputs: dict[int, set[str]] = {}  # id(query) -> its year-month output column names
    ctes: dict[str, set[str]] = {}
    for query in _queries_innermost_first(tree):
        if isinstance(query, exp.SetOperation):
            outputs[id(query)] = _set_operation_outputs(query, outputs)
            if isinstance(query.parent, exp.CTE):
                ctes[query.parent.alias_or_name.lower()] = outputs[id(query)]
            continue
        sources = _sources(query, outputs, ctes)
        if sources:
            for column in _own_columns(query):
                if column.table:
                    names = sources.get(column.table.lower(), set())
                else:
                    names = set().union(*sources.values())
                if column.name.lower() in names:
                    column.meta[_YEAR_MONTH_MARK] = True
        outputs[id(query)] = {
            item.alias_or_name.lower() for item in query.expressions if is_year_month(_unaliased(item))
        }
        cte = query.parent if isinstance(query.parent, exp.CTE) else None
        if cte is not None:
            ctes[cte.alias_or_name.lower()] = outputs[id(query)]
    if isinstance(tree, exp.SetOperation):
        # Found before `result_columns` rewrites any branch (a rewritten item no longer looks
        # like an interval), and kept on each branch.
        positions = _year_month_positions(tree)
        for branch in _branches(tree):
            branch.meta[_YEAR_MONTH_POSITIONS] = positions


def year_month_output_names(query: exp.Expression) -> set[str]:
    """The (lower-case) names of a query's result columns that are year-month intervals."""
    if isinstance(query, exp.SetOperation):
        return _set_operation_outputs(query, {})
    if isinstance(query, exp.Select):
        return {item.alias_or_name.lower() for item in query.expressions if is_year_month(_unaliased(item))}
    return set()


def _queries_innermost_first(tree: exp.Expression) -> list[exp.Expression]:
    queries = [node for node in tree.walk() if isinstance(node, (exp.Select, exp.SetOperation))]
    return sorted(queries, key=_depth, reverse=True)


def _depth(node: exp.Expression) -> int:
    depth = 0
    while node.parent is not None:
        node, depth = node.parent, depth + 1
    return depth


def _unaliased(item: exp.Expression) -> exp.Expression:
    return item.this if isinstance(item, exp.Alias) else item


def _set_operation_outputs(query: exp.SetOperation, outputs: dict[int, set[str]]) -> set[str]:
    # A UNION's columns are named by its first branch; a position is year-month if any branch's is.
    branches = _branches(query)
    first = branches[0]
    names: set[str] = set()
    for position, item in enumerate(first.expressions):
        for branch in branches:
            if position < len(branch.expressions) and is_year_month(_unaliased(branch.expressions[position])):
                names.add(item.alias_or_name.lower())
    return names


def _branches(query: exp.Expression) -> list[exp.Select]:
    if isinstance(query, exp.SetOperation):
        return _branches(query.this) + _branches(query.expression)
    if isinstance(query, exp.Subquery):
        return _branches(query.this)
    return [query] if isinstance(query, exp.Select) else []


def _sources(
    select: exp.Select, outputs: dict[int, set[str]], ctes: dict[str, set[str]]
) -> dict[str, set[str]]:
    """alias -> year-month column names of the CTEs and subqueries a SELECT reads."""
    found: dict[str, set[str]] = {}
    from_ = select.args.get("from_")
    relations = [from_.this] if from_ is not None else []
    relations += [join.this for join in select.args.get("joins") or []]
    for relation in relations:
        if isinstance(relation, exp.Table) and not relation.db and relation.name.lower() in ctes:
            names = ctes[relation.name.lower()]
        elif isinstance(relation, exp.Subquery):
            names = outputs.get(id(relation.this), set())
        else:
            continue
        if names:
            found[relation.alias_or_name.lower()] = names
    return found


def _own_columns(select: exp.Select) -> list[exp.Column]:
    # Columns of this SELECT, not of the queries nested in it.
    return [
        column
        for column in select.find_all(exp.Column)
        if column.find_ancestor(exp.Select, exp.SetOperation) is select
    ]


def _months(interval: exp.Expression) -> exp.Expression:
    return fill("CAST(datepart('year', {i}) * 12 + datepart('month', {i}) AS INTEGER)", i=interval)


def year_to_month_value(interval: exp.Expression) -> exp.Expression:
    """The YEAR_TO_MONTH struct of a year-month INTERVAL (what a result column holds)."""
    return fill(f"struct_pack({MONTHS_FIELD} := {{m}})", m=_months(interval))


def year_to_month_text(interval: exp.Expression) -> exp.Expression:
    """Trino's text of an interval year to month: `3-5`, `-1-2`."""
    return fill(
        "CASE WHEN {m} < 0 THEN '-' ELSE '' END || CAST(abs({m}) // 12 AS VARCHAR) || '-' "
        "|| CAST(abs({m}) % 12 AS VARCHAR)",
        m=_months(interval),
    )


def result_columns(node: exp.Select, context: TranslationContext) -> exp.Expression:
    """The statement's own result columns: a year-month interval leaves as YEAR_TO_MONTH.

    So do the branches of a top-level UNION / INTERSECT / EXCEPT, at every position where any
    branch is year-month (the branches must agree on the type for the set operation to bind).
    """
    parent = node.parent
    while isinstance(parent, exp.SetOperation):
        parent = parent.parent
    if parent is not None:
        return node
    positions = node.meta.get(_YEAR_MONTH_POSITIONS, set())
    for position, item in enumerate(node.expressions):
        target = _unaliased(item)
        if position in positions or is_year_month(target):
            # An unnamed item stays unnamed (output_names gives it Trino's _colN).
            target.replace(year_to_month_value(target.copy()))
    return node


def _year_month_positions(root: exp.Expression) -> set[int]:
    return {
        position
        for branch in _branches(root)
        for position, item in enumerate(branch.expressions)
        if is_year_month(_unaliased(item))
    }


def date_difference(node: exp.Sub, context: TranslationContext) -> exp.Expression | None:
    """`date - date` as an interval day to second; None when either side is not visibly a date."""
    if not (_is_date(node.this) and _is_date(node.expression)):
        return None
    return fill("to_days(CAST({a} - {b} AS INTEGER))", a=node.this, b=node.expression)


def _is_date(node: exp.Expression) -> bool:
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DATE
    return isinstance(node, (exp.Date, exp.CurrentDate, exp.TsOrDsToDate, exp.DateFromParts))


def to_milliseconds(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """to_milliseconds(interval day to second): its length in milliseconds, a bigint."""
    (interval,) = node.expressions
    # Half up, as Trino rounds a timestamp difference to milliseconds (TimestampMinusTimestamp).
    return fill("CAST(floor(epoch({i}) * 1000 + 0.5) AS BIGINT)", i=interval)


# --- tables ----------------------------------------------------------------------------------------
# TD's tables are Hive-like (Plazma): an interval is no column type of theirs. Trino's Hive connector
# refuses one with NOT_SUPPORTED "Unsupported Hive type: interval year to month"
# (HiveTypeTranslator.toHiveType); tdlocal refuses it the same way rather than store a year-month
# interval as DuckDB's one INTERVAL, which reads back as a day-second one.


def unsupported_interval_column(type_name: str, column: str) -> TrinoError:
    """The error for an interval column in a created table (`type_name` as Trino names it)."""
    return TrinoError(
        f"Unsupported Hive type: {type_name} (column {column}): TD tables cannot store intervals; "
        "store a number instead, e.g. to_milliseconds(x) for a day-second interval or a count of months",
        "NOT_SUPPORTED",
    )


def refuse_interval_column_definitions(create: exp.Create) -> None:
    """CREATE TABLE t (c interval ...): NOT_SUPPORTED before any SQL runs."""
    schema = create.this
    if not isinstance(schema, exp.Schema):
        return
    for definition in schema.expressions:
        kind = definition.args.get("kind") if isinstance(definition, exp.ColumnDef) else None
        # sqlglot reads `interval day to second` as a DataType holding an Interval node.
        if isinstance(kind, exp.DataType) and (
            kind.this == exp.DataType.Type.INTERVAL or isinstance(kind.this, exp.Interval)
        ):
            text = kind.sql(dialect="trino").lower()
            type_name = (
                "interval year to month" if "year" in text or "month" in text else "interval day to second"
            )
            raise unsupported_interval_column(type_name, definition.name)
