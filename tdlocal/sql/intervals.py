"""Trino's two interval types, where DuckDB has one INTERVAL (months, days and microseconds).

- `interval year to month` (INTERVAL '3' YEAR, '5' MONTH, '3-5' YEAR TO MONTH and sums of them):
  DuckDB's INTERVAL already adds months to dates as Trino does, so it stays an INTERVAL inside a
  query. Only where the value itself leaves the query (a result column, CAST to varchar, typeof)
  is it turned into what Trino shows: the YEAR_TO_MONTH struct (a count of months, shown to
  clients as `interval year to month`, `3-5`), or the text `3-5`.
- `interval day to second`: `date - date` (DuckDB: a number of days) and to_milliseconds (DuckDB:
  a function building an interval from milliseconds, the other way round).

Sources: Trino docs, Date and time functions and operators (interval operators, to_milliseconds,
`date '2012-08-08' + interval '2' day`), Trino's TestIntervalYearMonth (`3-5` text) and the issue's
Trino reading (`interval '3' year + interval '5' month` is `3-5`; to_milliseconds(date
'2023-09-10' - date '2023-09-01') is 777600000).
"""

from __future__ import annotations

from sqlglot import exp

from tdlocal.sql.context import TranslationContext
from tdlocal.sql.templates import fill

MONTHS_FIELD = "tdlocal_year_to_month"
YEAR_TO_MONTH_TYPE_TEXT = f"STRUCT({MONTHS_FIELD} INTEGER)"

_YEAR_MONTH_UNITS = {"YEAR", "MONTH"}


def is_year_month(node: exp.Expression) -> bool:
    """Whether `node` is visibly an interval year to month: a YEAR/MONTH literal or sums of them."""
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
    """The statement's own result columns: a year-month interval leaves as YEAR_TO_MONTH."""
    if node.parent is not None:
        return node
    for item in node.expressions:
        target = item if not isinstance(item, exp.Alias) else item.this
        if is_year_month(target):
            # An unnamed item stays unnamed (output_names gives it Trino's _colN).
            target.replace(year_to_month_value(target.copy()))
    return node


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
    return fill("CAST(trunc(epoch({i}) * 1000) AS BIGINT)", i=interval)
