"""Where DuckDB (through sqlglot) would silently answer differently from Trino: the fixes.

Each rewrite works on the Trino-parsed tree before DuckDB SQL is generated, and has a test that
states Trino's documented result. Where a fix depends on an argument's type, which is unknown
at translation time, DuckDB's cast_to_type()/typeof() resolve it when the query is bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from functools import cache

from sqlglot import exp

import tdtime
from tdlocal.errors import TrinoError
from tdlocal.sql import (
    arrays,
    case_mapping,
    casts,
    coercions,
    colors,
    datetime_casts,
    datetime_text,
    intervals,
    json_url,
    late_bound_operands,
    math_functions,
    mysql_date_formats,
    numeric,
    strings,
    zoned_timestamps,
)
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.date_patterns import joda_sql
from tdlocal.sql.function_library import TRINO_TYPE_UDF, macro
from tdlocal.sql.parsing import TRINO_FORMAT_META, UNIT_EXPRESSION_META
from tdlocal.sql.templates import fill
from tdlocal.sql.tree_walk import rewrite_bottom_up

# Trino's `timestamp` without a precision means timestamp(3); DuckDB's would be microseconds.
DEFAULT_TIMESTAMP_PRECISION = 3
# Trino's `decimal` without a precision means decimal(38,0); DuckDB's would be decimal(18,3).
DEFAULT_DECIMAL = (38, 0)

# SQL macros the fixes call, created in the `tdlocal` catalog (see function_library).
# DuckDB type names whose cast to varchar(n) Trino checks against n (besides doubles and reals).
_LENGTH_CHECKED = "(typeof(x) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'DATE') OR typeof(x) LIKE 'DECIMAL%')"

MACROS: dict[str, str] = {
    # Trino's CAST(double AS varchar) (DoubleOperators.castToVarchar since trinodb/trino#10657,
    # January 2022, so in 423):
    # DecimalFormat("0.0###################E0"), scientific notation always, from the shortest
    # digits that identify the double, at least one after the point ('1.5E0', '1.0E2', '1.0E-4'),
    # '0E0' / '-0E0' for zeros, 'NaN', 'Infinity'. The digits and exponent come from DuckDB's own
    # shortest text. (Java's Double.toString, which tdlocal used before, prints '1.5' and '100.0'.)
    "trino_double_text": (
        "(d) AS CASE "
        "WHEN d IS NULL THEN NULL "
        "WHEN isnan(d) THEN 'NaN' "
        "WHEN isinf(d) THEN CASE WHEN d > 0 THEN 'Infinity' ELSE '-Infinity' END "
        "WHEN d = 0 THEN CASE WHEN CAST(d AS VARCHAR) LIKE '-%' THEN '-0E0' ELSE '0E0' END "
        "ELSE (CASE WHEN d < 0 THEN '-' ELSE '' END) || tdlocal.main.java_scientific_text("
        "tdlocal.main.shortest_digits(CAST(abs(d) AS VARCHAR)), "
        "tdlocal.main.shortest_exponent(CAST(abs(d) AS VARCHAR))) END"
    ),
    # Trino's CAST(real AS varchar) (RealOperators.castToVarchar): the same notation with at most
    # seven significant digits, DecimalFormat("0.0#####E0") rounding HALF_EVEN the float's
    # shortest digits (Float.toString's), e.g. REAL '12345678.9' is '1.234568E7'.
    "trino_real_text": (
        "(f) AS CASE "
        "WHEN f IS NULL THEN NULL "
        "WHEN isnan(f) THEN 'NaN' "
        "WHEN isinf(f) THEN CASE WHEN f > 0 THEN 'Infinity' ELSE '-Infinity' END "
        "WHEN f = 0 THEN CASE WHEN CAST(f AS VARCHAR) LIKE '-%' THEN '-0E0' ELSE '0E0' END "
        f"ELSE {numeric.REAL_TEXT}(CAST(f AS VARCHAR)) END"
    ),
    # CAST(json AS varchar) (Trino's JsonOperators.currentTokenAsVarchar): a string is its text
    # unquoted, an integer as written, a non-integer number as CAST(double AS varchar) prints it,
    # true/false, NULL for JSON null, and an object or array fails. DuckDB printed the JSON text
    # ('"abc"' with its quotes).
    "trino_json_text": (
        "(j) AS CASE json_type(j) "
        "WHEN 'VARCHAR' THEN json_extract_string(j, '$') "
        "WHEN 'NULL' THEN NULL "
        "WHEN 'BOOLEAN' THEN CAST(j AS VARCHAR) "
        "WHEN 'OBJECT' THEN error('Cannot cast to varchar. Unexpected token when cast to varchar: {') "
        "WHEN 'ARRAY' THEN error('Cannot cast to varchar. Unexpected token when cast to varchar: [') "
        "WHEN 'DOUBLE' THEN CASE WHEN regexp_full_match(trim(CAST(j AS VARCHAR)), '-?[0-9]+') "
        "THEN trim(CAST(j AS VARCHAR)) ELSE tdlocal.main.trino_double_text(TRY_CAST(j AS DOUBLE)) END "
        "ELSE trim(CAST(j AS VARCHAR)) END"
    ),
    # date_format formats milliseconds: Trino 423's timestamp/DateFormat.format first rounds the
    # microseconds half up (DateTimes.epochMicrosToMillisWithRounding -> roundDiv: toward +infinity
    # on a tie, negative values too), so .123999 prints as .124 and 13:04:59.9996 as 13:05:00.000;
    # a zoned timestamp(p > 3) rounds its picoseconds of the milli the same way (roundToEpochMillis).
    "trino_round_to_millis": "(t) AS make_timestamp(CAST(floor((epoch_us(t) + 500) / 1000) AS BIGINT) * 1000)",
    # Java's computerized scientific notation of digits d1d2d3... times 10^e: 'd1.d2d3E<e>'.
    "java_scientific_text": "(digits, e) AS substr(digits, 1, 1) || '.' || COALESCE(NULLIF(substr(digits, 2), ''), '0') || 'E' || CAST(e AS VARCHAR)",
    # The significant digits of DuckDB's shortest text of a positive double ('1.5e+20' -> '15').
    "shortest_digits": "(s) AS rtrim(ltrim(replace(split_part(s, 'e', 1), '.', ''), '0'), '0')",
    # The decimal exponent of its first significant digit ('1.5e+20' -> 20, '0.0001' -> -4).
    "shortest_exponent": (
        "(s) AS CASE "
        "WHEN contains(s, 'e') THEN CAST(split_part(s, 'e', 2) AS INTEGER) "
        "WHEN starts_with(s, '0.') "
        "THEN length(ltrim(split_part(s, '.', 2), '0')) - length(split_part(s, '.', 2)) - 1 "
        "ELSE position('.' IN s) - 2 END"
    ),
    # Java's Double.toString / Float.toString: plain digits with a fraction within [1e-3, 1e7)
    # ('1200.0', DuckDB's shortest text too), else computerized scientific notation ('1.2E7').
    "java_text_of": (
        "(s, v) AS CASE WHEN NOT isfinite(v) OR (abs(v) >= 0.001 AND abs(v) < 10000000) THEN s "
        "ELSE CASE WHEN v < 0 THEN '-' ELSE '' END || tdlocal.main.java_scientific_text("
        "tdlocal.main.shortest_digits(ltrim(s, '-')), tdlocal.main.shortest_exponent(ltrim(s, '-'))) END"
    ),
    "java_floating_text": (
        "(x) AS CASE WHEN typeof(x) = 'FLOAT' THEN tdlocal.main.java_text_of(CAST(TRY_CAST(x AS FLOAT) AS VARCHAR), "
        "TRY_CAST(x AS DOUBLE)) ELSE tdlocal.main.java_text_of(CAST(TRY_CAST(x AS DOUBLE) AS VARCHAR), "
        "TRY_CAST(x AS DOUBLE)) END"
    ),
    # CAST(x AS varchar(n)) of the text Trino's cast gives: a varchar keeps its first n code points
    # (Presto/Trino's VarcharToVarcharCast truncates). Only the casts from integers, decimals,
    # doubles, reals and dates check the length (Trino 423: BigintOperators.castToVarchar ...,
    # DecimalCasts, DateOperators, DoubleOperators/RealOperators.castToVarchar), failing with
    # INVALID_CAST_ARGUMENT "Value 12.4 cannot be represented as varchar(3)"; a double or real
    # names its Java text too: "Value 1200.0 (1.2E3) cannot be represented as varchar(2)"
    # (DoubleOperators line 210). Timestamps, booleans and the rest return their whole text
    # (TimestampToVarcharCast, BooleanOperators.castToVarchar). DuckDB ignored the length.
    "trino_varchar_length": (
        "(x, text, n) AS CASE WHEN typeof(x) = 'VARCHAR' THEN substr(text, 1, n) "
        "WHEN length(text) <= n THEN text "
        "WHEN typeof(x) IN ('DOUBLE', 'FLOAT') "
        "THEN error('Value ' || tdlocal.main.java_floating_text(x) || ' (' || text || ') cannot be represented as varchar(' "
        "|| CAST(n AS VARCHAR) || ')') "
        f"WHEN {_LENGTH_CHECKED} "
        "THEN error('Value ' || text || ' cannot be represented as varchar(' || CAST(n AS VARCHAR) || ')') "
        "ELSE text END"
    ),
    "trino_try_varchar_length": (
        "(x, text, n) AS CASE WHEN typeof(x) = 'VARCHAR' THEN substr(text, 1, n) "
        "WHEN length(text) <= n THEN text "
        f"WHEN typeof(x) IN ('DOUBLE', 'FLOAT') OR {_LENGTH_CHECKED} THEN NULL ELSE text END"
    ),
    # CAST(x AS varchar) as Trino prints it: doubles and reals in scientific notation, timestamps with their
    # precision's fraction. Every branch binds for any type (TRY_CAST never fails to bind) and
    # typeof() is constant, so DuckDB keeps only the branch for x's type.
    # Zoned timestamps print as Trino's `2024-01-13 00:00:00.000 UTC`: DuckDB holds them as
    # instants shown in the session zone, whose Trino name is passed in as `zone`.
    "trino_varchar": (
        "(x, zone) AS CASE "
        # A zoned value in another zone: timestamp(3) with time zone, so milliseconds.
        f"WHEN typeof(x) = '{zoned_timestamps.ZONED_TYPE_TEXT}' "
        "THEN strftime(tdlocal.main.zoned_local(x), '%Y-%m-%d %H:%M:%S.%g') || ' ' || "
        f"struct_extract(TRY_CAST(x AS {zoned_timestamps.ZONED_TYPE}), '{zoned_timestamps.ZONE_FIELD}') "
        # Trino has no cast from an array, map or row to varchar (TYPE_MISMATCH "Cannot cast
        # array(integer) to varchar"); DuckDB would print '[1, 2]'.
        "WHEN typeof(x) LIKE '%[]' OR typeof(x) LIKE 'MAP(%' OR typeof(x) LIKE 'STRUCT(%' OR typeof(x) LIKE 'TUPLE(%' "
        f"THEN error('Cannot cast ' || {TRINO_TYPE_UDF}(typeof(x)) || ' to varchar') "
        "WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN strftime(TRY_CAST(x AS TIMESTAMPTZ), "
        "CASE WHEN microsecond(TRY_CAST(x AS TIMESTAMPTZ)) % 1000 = 0 THEN '%Y-%m-%d %H:%M:%S.%g' "
        "ELSE '%Y-%m-%d %H:%M:%S.%f' END) || ' ' || zone "
        "WHEN typeof(x) = 'INTERVAL' THEN tdlocal.main.trino_day_second_text(TRY_CAST(x AS INTERVAL)) "
        "WHEN typeof(x) = 'JSON' THEN tdlocal.main.trino_json_text(TRY_CAST(x AS JSON)) "
        "WHEN typeof(x) = 'DOUBLE' THEN tdlocal.main.trino_double_text(TRY_CAST(x AS DOUBLE)) "
        "WHEN typeof(x) = 'FLOAT' THEN tdlocal.main.trino_real_text(TRY_CAST(x AS FLOAT)) "
        "WHEN typeof(x) = 'TIMESTAMP_MS' THEN strftime(TRY_CAST(x AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%g') "
        "WHEN typeof(x) = 'TIMESTAMP' THEN strftime(TRY_CAST(x AS TIMESTAMP), '%Y-%m-%d %H:%M:%S.%f') "
        "ELSE CAST(x AS VARCHAR) END"
    ),
}


def rewrite(tree: exp.Expression, context: TranslationContext) -> exp.Expression:
    """Apply every Trino-semantics fix to `tree`; returns the (possibly new) root."""
    for data_type in list(tree.find_all(exp.DataType)):
        _default_precisions(data_type)
    for cast in list(tree.find_all(exp.Cast)):
        _decimal_literal_precision(cast)
    for struct in list(tree.find_all(exp.Struct)):
        _anonymous_row(struct)
    for attempt in list(tree.find_all(exp.Try)):
        _try_of_a_cast(attempt)
    intervals.mark_year_month_columns(tree)

    zoned_statement = zoned_timestamps.builds_zoned_values(tree)

    def replace(node: exp.Expression) -> exp.Expression:
        if not context.strict:
            return fix_semantics(node)
        # Strict mode: the operands as written, for coercions' checks of their types.
        operands = (node.this.copy(), node.expression.copy()) if isinstance(node, _CHECKED_BINARIES) else None
        return _check_coercions(node, operands, fix_semantics(node), context)

    def fix_semantics(node: exp.Expression) -> exp.Expression:
        if zoned_statement:
            # A value in a zone of its own: arithmetic in that zone (zoned_timestamps.arithmetic).
            zoned = zoned_timestamps.arithmetic(node, context)
            if zoned is not None:
                return zoned
        fix = _fix_for(type(node))
        if fix is not None:
            fixed = fix(node, context)
            if isinstance(fixed, exp.Binary):
                # In a statement building zoned values a comparison compares instants (zoned
                # values are structs there); elsewhere, and of visible doubles, it is NaN-safe.
                if zoned_statement and not numeric.has_double_side(fixed):
                    return zoned_timestamps.compare_in_zoned_statement(fixed)
                return numeric.compare(fixed, context)
            return fixed
        if isinstance(node, exp.Anonymous) and isinstance(node.this, str):
            fix = _ANONYMOUS_FIXES.get(node.this.lower())
            if fix is not None:
                return fix(node, context)
        return node

    return rewrite_bottom_up(tree, replace)


_COMPARISONS = (exp.EQ, exp.NEQ, exp.LT, exp.GT, exp.LTE, exp.GTE)
_CHECKED_BINARIES = (*_COMPARISONS, exp.Add, exp.Sub)


def _try_of_a_cast(attempt: exp.Try) -> None:
    """`TRY(CAST(x AS t))` is `TRY_CAST(x AS t)`: the same NULL for a value that does not cast
    (Trino docs, TRY: its example is `TRY(CAST(origin_zip AS BIGINT))`). Column casts check their
    text with DuckDB's error(), which DuckDB's TRY refuses as volatile; a literal that does not cast
    is refused while translating, before TRY could catch it."""
    if isinstance(attempt.this, exp.Cast) and not isinstance(attempt.this, exp.TryCast):
        cast = attempt.this
        attempt.replace(exp.TryCast(this=cast.this, to=cast.args["to"]))
    elif (
        isinstance(attempt.this, exp.Date)
        and not attempt.this.expressions
        and attempt.this.args.get("zone") is None
    ):
        # date(x) is CAST(x AS date), so TRY(date(x)) is TRY_CAST(x AS date).
        attempt.replace(exp.TryCast(this=attempt.this.this, to=exp.DataType.build("DATE")))


#: Where a type check that runs with the query (DuckDB's error(), volatile) breaks the statement:
#: window specs and TRY refuse volatile expressions, and GROUP BY / ORDER BY / HAVING must match
#: the select list's expressions, which carry other positions in their messages.
_NO_RUNTIME_CHECK_UNDER = (exp.Window, exp.Group, exp.Order, exp.Having, exp.Try, exp.Lambda)


def _runtime_check_allowed(node: exp.Expression) -> bool:
    """True where a coercion check may run with the query: a WHERE or JOIN condition, or the select
    list of a SELECT without GROUP BY. Elsewhere only literals are checked (when translating)."""
    parent = node.parent
    while parent is not None:
        if isinstance(parent, _NO_RUNTIME_CHECK_UNDER):
            return False
        if isinstance(parent, (exp.Where, exp.Join)):
            return True
        if isinstance(parent, exp.Select):
            return parent.args.get("group") is None
        parent = parent.parent
    return False


def _check_coercions(
    node: exp.Expression,
    operands: tuple[exp.Expression, exp.Expression] | None,
    fixed: exp.Expression,
    context: TranslationContext,
) -> exp.Expression:
    """Strict mode: refuse the implicit coercions Trino refuses (tdlocal.sql.coercions).

    Literals are checked everywhere; operands whose types DuckDB binds are checked with the query
    only where `_runtime_check_allowed` (elsewhere they keep DuckDB's coercion: a strictness gap,
    listed in the README, never a different answer than a Trino error)."""
    runtime = _runtime_check_allowed(node)
    if isinstance(node, _COMPARISONS) and operands is not None:
        return coercions.comparison(*operands, node, fixed, context, runtime=runtime)
    if isinstance(node, (exp.Add, exp.Sub)) and operands is not None:
        left, right = operands
        if isinstance(left, exp.Interval) or isinstance(right, exp.Interval):
            return fixed
        if intervals.is_year_month(left) or intervals.is_year_month(right):
            return fixed
        if numeric.has_double_side(node):
            return fixed
        return coercions.date_arithmetic(left, right, node, fixed, context, runtime=runtime)
    if isinstance(node, exp.Coalesce) and fixed is node:
        operands_list = [node.this, *node.expressions]
        return coercions.same_type_operands(
            operands_list, "All COALESCE operands must be the same type: ", node, context, runtime=runtime
        )
    if isinstance(node, exp.Case) and fixed is node:
        results = [when.args.get("true") for when in node.args.get("ifs") or []]
        if node.args.get("default") is not None:
            results.append(node.args["default"])
        return coercions.same_type_operands(
            [result for result in results if result is not None],
            "All CASE results must be the same type: ",
            node,
            context,
            runtime=runtime,
        )
    if isinstance(node, exp.If) and fixed is node and node.this is not None:
        if isinstance(node.parent, exp.Case) and node.parent.this is not None:
            return node  # `CASE x WHEN value`: the WHEN holds a value compared with x, not a boolean
        what = "CASE WHEN clause" if isinstance(node.parent, exp.Case) else "IF condition"
        condition = node.this
        node.set(
            "this",
            coercions.boolean_operand(
                condition.copy(), what, condition, condition.copy(), context, runtime=runtime
            ),
        )
        return node
    if isinstance(node, exp.Not) and fixed is node:
        operand = node.this
        checked = coercions.boolean_operand(
            operand.copy(), "Value of logical NOT expression", node, operand.copy(), context, runtime=runtime
        )
        node.set("this", checked)
        return node
    return fixed


# --- types and literals ---------------------------------------------------------------------------


def _default_precisions(data_type: exp.DataType) -> None:
    if data_type.this in (exp.DataType.Type.CHAR, exp.DataType.Type.NCHAR):
        # Trino's char(n) pads to n with spaces and compares without trailing spaces (docs, Data
        # types: CHAR); DuckDB reads it as varchar, so CAST('a' AS char(3)) would be 'a', not 'a  '.
        raise TrinoError(
            "tdlocal cannot run Trino's char(n) type (values padded with spaces to n, compared "
            "without trailing spaces): use varchar",
            "NOT_SUPPORTED",
        )
    if data_type.expressions:
        return
    if data_type.this == exp.DataType.Type.TIMESTAMP:
        data_type.set("expressions", [_type_param(DEFAULT_TIMESTAMP_PRECISION)])
    elif data_type.this == exp.DataType.Type.DECIMAL and not isinstance(data_type.parent, exp.Cast):
        data_type.set("expressions", [_type_param(value) for value in DEFAULT_DECIMAL])


def _decimal_literal_precision(cast: exp.Cast) -> None:
    """DECIMAL '1.50' is decimal(3,2) in Trino: its precision and scale come from the digits."""
    target = cast.to
    if target.this != exp.DataType.Type.DECIMAL or target.expressions:
        return
    literal = cast.this
    if isinstance(literal, exp.Literal) and literal.is_string:
        try:
            digits = Decimal(literal.this.strip())
        except InvalidOperation:
            digits = None
        if digits is not None and digits.is_finite():
            exponent = digits.as_tuple().exponent
            scale = max(0, -exponent) if isinstance(exponent, int) else 0
            precision = max(len(digits.as_tuple().digits), scale, 1)
            target.set("expressions", [_type_param(precision), _type_param(scale)])
            return
    target.set("expressions", [_type_param(value) for value in DEFAULT_DECIMAL])


def _anonymous_row(struct: exp.Struct) -> None:
    """ROW(1, 'x') is an anonymous row: DuckDB's row() casts to named rows by position.

    sqlglot would write {'_0': 1, '_1': 'x'}, which DuckDB refuses to insert into, or cast to,
    a row column with named fields.
    """
    if any(isinstance(member, (exp.PropertyEQ, exp.Alias, exp.Slice)) for member in struct.expressions):
        return
    struct.replace(exp.Anonymous(this="row", expressions=list(struct.expressions)))


def _type_param(value: int) -> exp.DataTypeParam:
    return exp.DataTypeParam(this=exp.Literal.number(value))


# --- expressions ----------------------------------------------------------------------------------


def _same_type_as(node: exp.Expression, template: exp.Expression) -> exp.Expression:
    """`node` cast to `template`'s type: DATE in, DATE out, as Trino's date functions do."""
    return exp.Anonymous(this="cast_to_type", expressions=[node, template.copy()])


# The units Trino's date_trunc / date_add / date_diff take per type (DateTimeFunctions'
# getDateField, getTimeField, getTimestampField; Trino docs, "Interval functions": millisecond,
# second, minute, hour, day, week, month, quarter, year; lower-cased, singular only).
_DATE_UNITS = frozenset({"day", "week", "month", "quarter", "year"})
_TIME_UNITS = frozenset({"millisecond", "second", "minute", "hour"})
_TIMESTAMP_UNITS = _DATE_UNITS | _TIME_UNITS


def _unit_name(node: exp.Expression) -> str | None:
    unit = node.args.get("unit")
    return unit.name.lower() if isinstance(unit, (exp.Var, exp.Literal, exp.Identifier)) else None


def _checked_unit(node: exp.Expression, value: exp.Expression, result: exp.Expression) -> exp.Expression:
    """`result`, or Trino's INVALID_FUNCTION_ARGUMENT "'hour' is not a valid DATE field" where the
    unit does not apply to `value`'s type (known when DuckDB binds the query: typeof() is
    constant). DuckDB's date_add('hour', 1, DATE ...) answered the same date, its date_diff('hour',
    ...) of dates 24, and it accepted units Trino lacks ('days', 'decade')."""
    computed = node.meta.get(UNIT_EXPRESSION_META)
    if computed is not None:
        # sqlglot reads a column unit as the unit of that name; Trino evaluates it per row.
        function = {
            exp.TimestampTrunc: "date_trunc",
            exp.DateTrunc: "date_trunc",
            exp.DateDiff: "date_diff",
        }.get(type(node), "date_add")
        raise TrinoError(
            f"tdlocal cannot read {function}'s unit from an expression ({computed}); "
            "write it as a literal such as 'hour'",
            "NOT_SUPPORTED",
        )
    name = _unit_name(node)
    if name is None or name in _DATE_UNITS:
        return result
    kind = exp.Anonymous(this="typeof", expressions=[value.copy()])

    def refusal(type_name: str) -> exp.Expression:
        return exp.Anonymous(
            this="error", expressions=[exp.Literal.string(f"'{name}' is not a valid {type_name} field")]
        )

    ifs = [exp.If(this=exp.EQ(this=kind, expression=exp.Literal.string("DATE")), true=refusal("DATE"))]
    if name not in _TIME_UNITS:
        in_time = exp.In(
            this=kind.copy(),
            expressions=[exp.Literal.string("TIME"), exp.Literal.string("TIME WITH TIME ZONE")],
        )
        ifs.append(exp.If(this=in_time, true=refusal("TIME")))
    # A unit no type takes is refused for every value (DuckDB might not even bind its own call).
    default = result if name in _TIMESTAMP_UNITS else refusal("TIMESTAMP")
    return exp.Case(ifs=ifs, default=default)


def _date_trunc(node: exp.TimestampTrunc, context: TranslationContext) -> exp.Expression:
    # Trino: date_trunc('month', DATE '2020-01-15') is DATE '2020-01-01'; DuckDB gives a TIMESTAMP.
    return _checked_unit(node, node.this, _same_type_as(node, node.this))


def _date_add(node: exp.DateAdd, context: TranslationContext) -> exp.Expression:
    # Trino: date_add('day', 1, DATE '2020-01-15') is DATE '2020-01-16'.
    return _checked_unit(node, node.this, _same_type_as(node, node.this))


def _date_diff(node: exp.DateDiff, context: TranslationContext) -> exp.Expression:
    """date_diff(unit, start, end) counts whole units elapsed, as Trino does (Joda's field
    difference): date_diff('day', TIMESTAMP '2024-01-01 23:00', TIMESTAMP '2024-01-02 01:00') is 0.
    DuckDB's date_diff counts calendar boundaries crossed (1 there); its datesub counts whole units.
    """
    unit = node.args.get("unit")
    name = unit.name.lower() if isinstance(unit, (exp.Var, exp.Literal, exp.Identifier)) else None
    if not name:
        raise TrinoError("tdlocal needs date_diff's unit to be a string literal", "NOT_SUPPORTED")
    elapsed = exp.Anonymous(
        this="datesub", expressions=[exp.Literal.string(name), node.expression, node.this]
    )
    return _checked_unit(node, node.this, elapsed)


def _interval_arithmetic(node: exp.Add | exp.Sub, context: TranslationContext) -> exp.Expression:
    # Trino: DATE '2020-01-01' + INTERVAL '1' DAY is a DATE; date - date an interval day to second.
    left, right = node.this, node.expression
    if isinstance(node, exp.Sub):
        difference = intervals.date_difference(node, context)
        if difference is not None:
            return difference
    if coercions.is_null(left) or coercions.is_null(right):
        return node
    # date +/- interval stays a date, or fails as Trino when the interval is not whole days;
    # other values keep their own type (intervals.MACROS).
    if (isinstance(right, exp.Interval) or intervals.is_year_month(right)) and not isinstance(
        left, exp.Interval
    ):
        name = "trino_plus_interval" if isinstance(node, exp.Add) else "trino_minus_interval"
        return late_bound_operands.macro_call(name, left, right)
    if isinstance(left, exp.Interval) and not isinstance(right, exp.Interval) and isinstance(node, exp.Add):
        return late_bound_operands.macro_call("trino_plus_interval", right, left)
    if isinstance(node, exp.Sub) and _may_be_dates(left, right):
        # date - date read from columns or expressions: an interval day to second, decided
        # when DuckDB binds the operands' types.
        return late_bound_operands.macro_call("trino_subtract", left, right)
    return node


def _may_be_dates(left: exp.Expression, right: exp.Expression) -> bool:
    """Whether both operands of `-` could be dates: neither is a number, string or interval
    literal, nor visibly a double, a year-month interval or a count-like aggregate (rewrites
    elsewhere read those shapes)."""
    for side in (left, right):
        if isinstance(side, (exp.Literal, exp.Interval, exp.Boolean)):
            return False
        if intervals.is_year_month(side) or late_bound_operands.is_never_datetime(side):
            return False
    return not numeric.has_double_side(exp.Sub(this=left, expression=right))


def _current_time(node: exp.Expression, context: TranslationContext) -> exp.Expression:
    """current_timestamp, now(), current_date, localtimestamp: the query's "now", once per query.

    Trino evaluates them once, at the query's start; tdlocal uses the same "now" as
    TD_SCHEDULED_TIME, so a run pinned with TDLOCAL_NOW is reproducible.
    """
    instant = exp.Anonymous(this="to_timestamp", expressions=[exp.Literal.number(context.now)])
    if isinstance(node, exp.CurrentTimestamp):
        return instant
    zone = tdtime.resolve_zone(_session_zone(context))
    local = datetime.fromtimestamp(context.now, UTC).astimezone(zone)
    if isinstance(node, exp.CurrentDate):
        return exp.Cast(this=exp.Literal.string(local.date().isoformat()), to=exp.DataType.build("DATE"))
    text = local.replace(tzinfo=None).isoformat(sep=" ")
    return exp.Cast(this=exp.Literal.string(text), to=exp.DataType.build("TIMESTAMP(3)", dialect="duckdb"))


def _session_value(node: exp.Expression, context: TranslationContext) -> exp.Expression:
    """current_user, current_catalog, current_schema, current_timezone(): the session's values.

    Source: Trino's docs (Session information functions; current_timezone in Date and time
    functions). DuckDB would answer its own ('duckdb', 'main', the process zone).
    """
    if isinstance(node, exp.CurrentUser):
        value: str | None = context.user
    elif isinstance(node, exp.CurrentCatalog):
        value = context.catalog
    elif isinstance(node, exp.CurrentTimezone):
        value = _session_zone(context)
    else:
        value = context.schema
    if value is None:
        return exp.Cast(this=exp.Null(), to=exp.DataType.build("VARCHAR"))
    return exp.Literal.string(value)


def _current_schema_column(node: exp.Column, context: TranslationContext) -> exp.Expression:
    # CURRENT_SCHEMA is a special form in Trino's grammar: unquoted, it is never a column.
    identifier = node.this
    if (
        not node.table
        and isinstance(identifier, exp.Identifier)
        and not identifier.quoted
        and identifier.name.lower() == "current_schema"
    ):
        return _session_value(exp.CurrentSchema(), context)
    return node


def trino_zone_name(context: TranslationContext) -> str:
    """The session zone as Trino names it in zoned timestamp text (its UTC aliases are 'UTC')."""
    zone = _session_zone(context)
    if zone.upper() in ("UTC", "Z", "GMT", "ETC/UTC", "ETC/GMT", "UT", "UCT", "ETC/UCT", "ZULU"):
        return "UTC"
    return zone


def _session_zone(context: TranslationContext) -> str:
    try:
        tdtime.resolve_zone(context.time_zone or "UTC")
        return context.time_zone or "UTC"
    except ValueError:
        return "UTC"


def _from_unixtime(node: exp.UnixToTime, context: TranslationContext) -> exp.Expression:
    """from_unixtime(t, zone) / (t, hours, minutes): the instant t, keeping that zone."""
    zone = node.args.get("zone")
    hours, minutes = node.args.get("hours"), node.args.get("minutes")
    if zone is None and hours is None:
        return node
    return zoned_timestamps.from_unixtime_in_zone(node.this, zone, hours, minutes, context)


def _at_time_zone(node: exp.AtTimeZone, context: TranslationContext) -> exp.Expression:
    return zoned_timestamps.at_time_zone(node.this, node.args["zone"], context)


def _two_arguments(name: str, node: exp.Anonymous) -> tuple[exp.Expression, exp.Expression]:
    if len(node.expressions) != 2:
        raise TrinoError(f"Function '{name}' takes (timestamp, zone)", "FUNCTION_NOT_FOUND")
    return node.expressions[0], node.expressions[1]


def _at_timezone(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    return zoned_timestamps.at_time_zone(*_two_arguments("at_timezone", node), context)


def _with_timezone(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    return zoned_timestamps.with_timezone(*_two_arguments("with_timezone", node), context)


def _from_iso8601_timestamp(node: exp.FromISO8601Timestamp, context: TranslationContext) -> exp.Expression:
    """from_iso8601_timestamp(s) is a timestamp(3) with time zone (Trino docs): Trino 423 parses
    with Joda's ISO parser, which keeps milliseconds and drops further digits (truncates)."""
    return zoned_timestamps.iso8601_timestamp(_milliseconds_of_text(node.this), context)


# A fraction of a second in ISO 8601 text ('.123456' or ',123456'), beyond its milliseconds.
_SUB_MILLISECOND_DIGITS = r"([.,][0-9]{3})[0-9]+"


def _milliseconds_of_text(value: exp.Expression) -> exp.Expression:
    if isinstance(value, exp.Literal) and value.is_string:
        return exp.Literal.string(re.sub(_SUB_MILLISECOND_DIGITS, r"\1", value.this))
    return exp.Anonymous(
        this="regexp_replace",
        expressions=[value, exp.Literal.string(_SUB_MILLISECOND_DIGITS), exp.Literal.string("\\1")],
    )


def _date_parse(node: exp.StrToTime, context: TranslationContext) -> exp.Expression:
    """date_parse(s, format) is a timestamp(3) (Trino docs, DateTimeFunctions.dateParse): Joda's
    parser keeps milliseconds of `%f` and drops further digits. DuckDB's strptime keeps
    microseconds; its cast to TIMESTAMP_MS would round, so the value is truncated first."""
    trino_format = node.meta.get(TRINO_FORMAT_META)
    parsed: exp.Expression = node
    if trino_format is not None:
        specifiers = mysql_date_formats.check_parse_format(trino_format)
        if not specifiers & {"Y", "y", "x"}:
            # Joda fills the fields the text lacks from 1970-01-01 (date_parse('5', '%d') is
            # 1970-01-05); DuckDB's strptime from 1900-01-01.
            parsed = fill("{t} + INTERVAL 70 YEAR", t=parsed)
        if "y" in specifiers:
            # Trino docs, date_parse: %y reads 70..99 as 1970..1999 and 00..69 as 2000..2069;
            # strptime reads 69 as 1969.
            parsed = fill("CASE WHEN year({t}) = 1969 THEN {t} + INTERVAL 100 YEAR ELSE {t} END", t=parsed)
    truncated = exp.Anonymous(this="date_trunc", expressions=[exp.Literal.string("millisecond"), parsed])
    return exp.Cast(this=truncated, to=exp.DataType.build("TIMESTAMP(3)", dialect="duckdb"))


def _date_of(node: exp.Date, context: TranslationContext) -> exp.Expression:
    # date(x) is CAST(x AS date) (Trino docs, Date and time functions): text is read as that cast
    # reads it ('2024-01-05 10:00:00' fails), a zoned value gives its date in its own zone.
    if node.expressions or node.args.get("zone") is not None:
        return node
    return _cast(exp.Cast(this=node.this, to=exp.DataType.build("DATE")), context)


def _time_to_str(node: exp.TimeToStr, context: TranslationContext) -> exp.Expression:
    """date_format(x, f): the wall clock of x in its own zone, printed with Trino's specifiers
    (tdlocal.sql.mysql_date_formats) when f is a literal; a computed f keeps sqlglot's reading."""
    wall_clock = zoned_timestamps.local_wall_clock(node.this)
    trino_format = node.meta.get(TRINO_FORMAT_META)
    if trino_format is None:
        node.set("this", wall_clock)
        return node
    # strftime() by name: sqlglot would rewrite a TimeToStr's format letters again for DuckDB.
    strftime_format = exp.Literal.string(mysql_date_formats.strftime_format(trino_format))
    rounded = exp.Anonymous(this=macro("trino_round_to_millis"), expressions=[wall_clock])
    return exp.Anonymous(this="strftime", expressions=[rounded, strftime_format])


def _array_join(node: exp.ArrayToString, context: TranslationContext) -> exp.Expression:
    """array_join(a, sep[, null_text]) writes each element as CAST(element AS varchar) does
    (Trino's ArrayJoin calls the element type's cast to varchar): doubles '1.5E0', timestamps with
    their fraction. DuckDB's array_to_string printed its own texts ('1.5')."""
    zone = exp.Literal.string(trino_zone_name(context))
    text = "tdlocal.main.trino_varchar(tdlocal_element, {zone})"
    null_text = node.args.get("null")
    if null_text is not None:
        text = f"COALESCE({text}, {{null_text}})"
    template = f"array_to_string(list_transform({{a}}, lambda tdlocal_element: {text}), {{sep}})"
    holes = {"a": node.this, "sep": node.expression, "zone": zone}
    if null_text is not None:
        holes["null_text"] = null_text
    return fill(template, **holes)


def _greatest_least(node: exp.Greatest | exp.Least, context: TranslationContext) -> exp.Expression:
    # Trino: greatest(1, NULL) is NULL; DuckDB skips NULLs and gives 1. greatest skips NaN.
    arguments = [node.this, *node.expressions]
    any_null = exp.or_(*(exp.Is(this=argument.copy(), expression=exp.Null()) for argument in arguments))
    answer = numeric.greatest_without_nan(node) if isinstance(node, exp.Greatest) else node
    return exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=answer)


def _regexp_extract(node: exp.RegexpExtract, context: TranslationContext) -> exp.Expression:
    java = strings.regexp_extract(node, context)
    if java is not None:
        return java
    # Trino: regexp_extract('abc', '\d') is NULL when nothing matches; DuckDB gives ''.
    matches = exp.Anonymous(this="regexp_matches", expressions=[node.this.copy(), node.expression.copy()])
    return exp.Case(ifs=[exp.If(this=matches, true=node)], default=exp.Null())


def _not_json(node: exp.JSONExtract | exp.JSONExtractScalar) -> exp.Expression:
    """Trino's json_extract / json_extract_scalar give NULL for text that is not JSON (JsonExtract
    catches the parser's error: TD's access logs hold '-' referers); DuckDB raises."""
    valid = exp.Anonymous(this="json_valid", expressions=[node.this.copy()])
    return exp.Not(this=exp.Coalesce(this=valid, expressions=[exp.true()]))


def _path_duckdb_reads_otherwise(node: exp.JSONExtract | exp.JSONExtractScalar) -> str | None:
    """Trino's text of a path DuckDB would read another way, else None; raises Trino's error for a
    path Trino refuses.

    Trino 423's JsonPathTokenizer takes in an unquoted step only '_' and letters or digits (line
    117), so `$[*]`, `$.*` and `$[-1]` leave an empty token: INVALID_FUNCTION_ARGUMENT `Invalid JSON
    path: '$[*]'` (lines 84/108; TestJsonExtract asserts "$.bar[2][-1]" fails). DuckDB read them
    as a wildcard and the last element. The quoted field `$["*"]` is the field "*" in Trino; DuckDB
    reads a quoted * as a wildcard too, so that path is evaluated in Python."""
    path = node.expression
    if not isinstance(path, exp.JSONPath):
        return None
    refused = any(
        isinstance(step.this, exp.JSONPathWildcard)
        or (isinstance(step, exp.JSONPathSubscript) and isinstance(step.this, int) and step.this < 0)
        for step in path.expressions
    )
    if refused:
        raise TrinoError(
            f"Invalid JSON path: '{json_url.written_path_text(path)}'", "INVALID_FUNCTION_ARGUMENT"
        )
    differs = any(isinstance(step, exp.JSONPathKey) and step.this == "*" for step in path.expressions)
    return json_url.trino_path_text(path) if differs else None


def _json_extract_scalar(node: exp.JSONExtractScalar, context: TranslationContext) -> exp.Expression:
    trino_path = _path_duckdb_reads_otherwise(node)
    if trino_path is not None:
        return _json_in_python(json_url.JSON_PATH_SCALAR, node, trino_path)
    # Trino: json_extract_scalar returns NULL when the path selects an object or an array.
    kind = exp.Anonymous(this="json_type", expressions=[node.this.copy(), node.expression.copy()])
    composite = exp.In(this=kind, expressions=[exp.Literal.string("OBJECT"), exp.Literal.string("ARRAY")])
    # A non-integer number is returned as written ('1.50'), as Jackson's getText() gives it.
    number_text = exp.Coalesce(
        this=exp.Anonymous(
            this=json_url.JSON_NUMBER_TEXT,
            expressions=[
                exp.Cast(this=node.this.copy(), to=exp.DataType.build("VARCHAR")),
                node.expression.copy(),
            ],
        ),
        expressions=[node.copy()],
    )
    is_double = exp.EQ(this=kind.copy(), expression=exp.Literal.string("DOUBLE"))
    return exp.Case(
        ifs=[
            exp.If(this=_not_json(node), true=exp.Null()),
            exp.If(this=composite, true=exp.Null()),
            exp.If(this=is_double, true=number_text),
        ],
        default=node,
    )


def _json_in_python(udf: str, node: exp.Expression, trino_path: str) -> exp.Expression:
    text = exp.Cast(this=node.this.copy(), to=exp.DataType.build("VARCHAR"))
    return exp.Anonymous(this=udf, expressions=[text, exp.Literal.string(trino_path)])


def _json_extract(node: exp.JSONExtract, context: TranslationContext) -> exp.Expression:
    trino_path = _path_duckdb_reads_otherwise(node)
    if trino_path is not None:
        return _json_in_python(json_url.JSON_PATH_JSON, node, trino_path)
    return exp.Case(ifs=[exp.If(this=_not_json(node), true=exp.Null())], default=node)


def _format(node: exp.Format, context: TranslationContext) -> exp.Expression:
    # Trino's format() takes Java's %-specifiers; DuckDB's format() takes {} (printf takes %).
    return exp.Anonymous(this="printf", expressions=[node.this, *node.expressions])


def _fetch(node: exp.Fetch, context: TranslationContext) -> exp.Expression:
    """FETCH FIRST n ROWS WITH TIES also returns the rows tied with the n-th (Trino docs, SELECT:
    "WITH TIES"); DuckDB has no such clause and sqlglot wrote a plain LIMIT n, which drops them."""
    options = node.args.get("limit_options")
    if options is not None and options.args.get("with_ties"):
        raise TrinoError(
            "tdlocal cannot run FETCH FIRST ... ROWS WITH TIES (DuckDB would drop the tied rows): "
            "filter on rank() OVER (ORDER BY ...) <= n in a subquery instead",
            "NOT_SUPPORTED",
        )
    return node


def _reduce(node: exp.Reduce, context: TranslationContext) -> exp.Expression:
    """reduce(array, initial, (s, x) -> ..., s -> finish): DuckDB has no finish step; apply it."""
    finish = node.args.get("finish")
    if finish is None:
        return node
    node.set("finish", None)
    if not isinstance(finish, exp.Lambda) or len(finish.expressions) != 1:
        raise TrinoError("reduce's output function must be a one-argument lambda (s -> ...)", "NOT_SUPPORTED")
    parameter = finish.expressions[0].name
    # Lambda bodies refer to their parameter by a bare identifier (or a column, once qualified).
    return arrays.substitute_parameters(exp.Paren(this=finish.this.copy()), {parameter: node})


def _cast(node: exp.Cast, context: TranslationContext) -> exp.Expression:
    # Casts as Trino reads and prints values (CAST(1e20 AS varchar) = '1.0E20'; DuckDB: '1e+20').
    target = node.to
    value = node.this
    is_literal_text = isinstance(value, exp.Literal) and value.is_string
    if target.this == exp.DataType.Type.TIMESTAMPTZ and is_literal_text and not isinstance(node, exp.TryCast):
        return zoned_timestamps.zoned_literal(value.this, context)
    if target.this == exp.DataType.Type.DATE:
        # Text is read as Trino reads it (datetime_casts); other values in their own zone.
        own_zone = node if is_literal_text else _cast_in_own_zone(node, "trino_to_date")
        return datetime_casts.from_text(node, own_zone)
    if target.this in _NAIVE_TIMESTAMP_TYPES:
        if is_literal_text:
            return datetime_casts.from_text(node, node)
        # CAST(zoned AS timestamp) is its wall clock in its own zone.
        is_zoned = fill(f"typeof({{x}}) = '{zoned_timestamps.ZONED_TYPE_TEXT}'", x=value)
        wall_clock = exp.Cast(this=zoned_timestamps.local_wall_clock(value), to=target.copy())
        return datetime_casts.from_text(
            node, exp.Case(ifs=[exp.If(this=is_zoned, true=wall_clock)], default=node)
        )
    if target.this == exp.DataType.Type.TIME:
        return datetime_casts.from_text(node, node)
    if target.this not in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT):
        return casts.from_text(node, numeric.cast_to_integer(node, context))
    if intervals.is_year_month(value):
        text = intervals.year_to_month_text(value)
        return exp.Cast(this=text, to=target) if target.expressions else text
    length = _varchar_length(target)
    if isinstance(value, exp.Literal) and value.is_string:
        # CAST('abc' AS varchar(2)) keeps the first 2 code points (VarcharToVarcharCast truncates).
        return node if length is None else exp.Literal.string(value.this[:length])
    call = exp.Anonymous(
        this=macro("trino_varchar"), expressions=[value, exp.Literal.string(trino_zone_name(context))]
    )
    if length is None:
        return call
    # TRY_CAST gives NULL where CAST fails.
    bounded = "trino_try_varchar_length" if isinstance(node, exp.TryCast) else "trino_varchar_length"
    return exp.Anonymous(this=macro(bounded), expressions=[value.copy(), call, exp.Literal.number(length)])


def _varchar_length(target: exp.DataType) -> int | None:
    if not target.expressions:
        return None
    size = target.expressions[0]
    size = size.this if isinstance(size, exp.DataTypeParam) else size
    return int(size.name) if isinstance(size, exp.Literal) and size.is_int else None


def _multiply(node: exp.Mul, context: TranslationContext) -> exp.Expression:
    # Interval products stay visible as such (intervals.is_year_month reads exp.Mul nodes).
    if intervals.is_year_month(node.this) or intervals.is_year_month(node.expression):
        return node
    if any(isinstance(side, exp.Interval) for side in (node.this, node.expression)):
        return node
    return numeric.multiply(node, context)


def _concat(node: exp.DPipe | exp.Concat, context: TranslationContext) -> exp.Expression:
    """`a || NULL` is a varchar in Trino (NULL's unknown type coerces to varchar); DuckDB's is NULL-typed."""
    operands = [node.this, node.expression] if isinstance(node, exp.DPipe) else list(node.expressions)
    checked = strings.concat_operand_types(node, context)
    if any(isinstance(operand, exp.Null) for operand in operands) and not any(
        isinstance(operand, exp.Array) for operand in operands
    ):
        return exp.Cast(this=checked, to=exp.DataType.build("VARCHAR"))
    return checked


def _contains(node: exp.ArrayContains, context: TranslationContext) -> exp.Expression:
    """contains(array, x); a literal first argument is refused as Trino's analyzer does (it is
    array-only: docs, Array functions), rather than with DuckDB's list_aggr binding error."""
    first = node.this
    if isinstance(first, (exp.Literal, exp.Boolean)):
        types = [coercions.literal_type_name(argument) for argument in (first, node.expression)]
        raise TrinoError(
            f"Unexpected parameters ({', '.join(types)}) for function contains. "
            "Expected: contains(array(T), T)",
            "FUNCTION_NOT_FOUND",
        )
    return arrays.contains(node, context)


# Trino's HyperLogLog bounds for approx_distinct's maximum standard error
# (ApproximateCountDistinctAggregation / HyperLogLogUtils.standardErrorToBuckets).
_STANDARD_ERROR_BOUNDS = (0.0040625, 0.26)


def _approx_distinct(node: exp.ApproxDistinct, context: TranslationContext) -> exp.Expression:
    """approx_distinct(x, e): Trino's error bound is checked; DuckDB's approx_count_distinct (a
    HyperLogLog with its own fixed precision) then answers, both being approximations."""
    accuracy = node.args.get("accuracy")
    if accuracy is None:
        return node
    if not (isinstance(accuracy, exp.Literal) and not accuracy.is_string):
        raise TrinoError(
            "tdlocal needs approx_distinct's maximum standard error to be a number literal", "NOT_SUPPORTED"
        )
    value = float(accuracy.this)
    low, high = _STANDARD_ERROR_BOUNDS
    if not low <= value <= high:
        raise TrinoError(
            f"Max standard error must be in [{low}, {high}]: {value}", "INVALID_FUNCTION_ARGUMENT"
        )
    node.set("accuracy", None)
    return node


_NAIVE_TIMESTAMP_TYPES = {
    exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMP_MS,
    exp.DataType.Type.TIMESTAMP_S,
}


def _cast_in_own_zone(node: exp.Cast, macro_name: str) -> exp.Expression:
    if isinstance(node, exp.TryCast):
        return node
    return exp.Anonymous(this=macro(macro_name), expressions=[node.this])


def _compare(node: exp.Binary, context: TranslationContext) -> exp.Expression:
    # Zoned values compare as instants; `replace` then makes doubles compare as IEEE doubles.
    return zoned_timestamps.compare_instants(node, context)


def _typeof(node: exp.Typeof, context: TranslationContext) -> exp.Expression:
    if intervals.is_year_month(node.this):
        return exp.Literal.string("interval year to month")
    # Trino: typeof(1) is 'integer'; DuckDB says 'INTEGER'.
    return exp.Anonymous(
        this=TRINO_TYPE_UDF, expressions=[exp.Anonymous(this="typeof", expressions=[node.this])]
    )


def _map_agg(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    # Trino's map_agg(key, value); rows with a NULL key are skipped.
    if len(node.expressions) != 2:
        raise TrinoError("map_agg takes (key, value)", "FUNCTION_NOT_FOUND")
    key, value = node.expressions
    return fill("map_from_entries(list(row({k}, {v})) FILTER (WHERE {k} IS NOT NULL))", k=key, v=value)


def _format_datetime(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    if len(node.expressions) != 2:
        raise TrinoError("format_datetime takes (timestamp, format)", "FUNCTION_NOT_FOUND")
    timestamp, pattern = node.expressions
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise TrinoError("tdlocal needs format_datetime's format to be a string literal", "NOT_SUPPORTED")
    return joda_sql(
        pattern.this,
        zoned_timestamps.local_wall_clock(timestamp),
        offset_seconds=zoned_timestamps.offset_seconds(timestamp),
        original=timestamp,
    )


def _sequence(node: exp.GenerateSeries, context: TranslationContext) -> exp.Expression:
    """sequence(start, stop[, step]) with Trino's default direction, limits and errors.

    A start that is visibly a DATE gives an array(date) as in Trino (DuckDB would give
    timestamps); integer sequences stay bigint.
    """
    start = node.args.get("start")
    is_date = _is_date_expression(start)
    sequence = arrays.sequence(node, is_date=is_date)
    if not is_date:
        return sequence
    return _same_type_as(sequence, exp.Array(expressions=[start]))


def _is_date_expression(node: exp.Expression | None) -> bool:
    if isinstance(node, exp.Cast):
        return node.to.this == exp.DataType.Type.DATE
    return isinstance(node, (exp.Date, exp.CurrentDate, exp.TsOrDsToDate, exp.DateFromParts))


_NODE_FIXES: list[tuple[type[exp.Expression], Callable[..., exp.Expression]]] = [
    (exp.TimestampTrunc, _date_trunc),
    (exp.DateTrunc, _date_trunc),
    (exp.DateAdd, _date_add),
    (exp.Add, _interval_arithmetic),
    (exp.Sub, _interval_arithmetic),
    (exp.CurrentTimestamp, _current_time),
    (exp.CurrentDate, _current_time),
    (exp.Localtimestamp, _current_time),
    (exp.UnixToTime, _from_unixtime),
    (exp.AtTimeZone, _at_time_zone),
    (exp.FromISO8601Timestamp, _from_iso8601_timestamp),
    (exp.StrToTime, _date_parse),
    (exp.TimeToUnix, zoned_timestamps.call("trino_to_unixtime")),
    (exp.Date, _date_of),
    (exp.TimeToStr, _time_to_str),
    (exp.Extract, zoned_timestamps.extract),
    *((kind, zoned_timestamps.field) for kind in zoned_timestamps.FIELD_NODES),
    *((kind, _compare) for kind in (exp.EQ, exp.NEQ, exp.GT, exp.GTE, exp.LT, exp.LTE)),
    (exp.Greatest, _greatest_least),
    (exp.ArrayToString, _array_join),
    (exp.Least, _greatest_least),
    (exp.RegexpExtract, _regexp_extract),
    (exp.JSONExtractScalar, _json_extract_scalar),
    (exp.JSONExtract, _json_extract),
    (exp.Format, _format),
    (exp.Reduce, _reduce),
    (exp.Fetch, _fetch),
    (exp.Cast, _cast),
    (exp.GenerateSeries, _sequence),
    (exp.Typeof, _typeof),
    (exp.Try, late_bound_operands.try_over_aggregates),
    (exp.CurrentUser, _session_value),
    (exp.CurrentCatalog, _session_value),
    (exp.CurrentSchema, _session_value),
    (exp.CurrentTimezone, _session_value),
    (exp.Column, _current_schema_column),
    (exp.RegexpLike, strings.regexp_like),
    (exp.RegexpReplace, strings.regexp_replace),
    (exp.RegexpExtractAll, strings.regexp_extract_all),
    (exp.RegexpSplit, strings.regexp_split),
    (exp.RegexpCount, strings.regexp_count),
    (exp.Substring, strings.substr),
    (exp.Trim, strings.trim),
    (exp.SplitPart, strings.split_part),
    (exp.StrPosition, strings.strpos),
    (exp.StrToMap, strings.split_to_map_call),
    (exp.Normalize, strings.normalize),
    (exp.FromBase32, strings.base32_call),
    (exp.ToBase32, strings.base32_call),
    (exp.FromBase, math_functions.from_base_call),
    (exp.WidthBucket, math_functions.width_bucket_call),
    (exp.Ceil, math_functions.rounded_to_integer),
    (exp.Floor, math_functions.rounded_to_integer),
    (exp.Sign, math_functions.sign),
    (exp.JSONArrayContains, json_url.json_array_contains_call),
    (exp.ArrayPosition, arrays.array_position),
    (exp.ArrayMax, arrays.array_max),
    (exp.ArrayMin, arrays.array_min),
    (exp.ArrayContains, _contains),
    (exp.ArraySlice, arrays.array_slice),
    (exp.Split, strings.split),
    (exp.SHA, strings.sha1),
    (exp.SHA2Digest, strings.sha2),
    (exp.ArrayDistinct, arrays.array_distinct),
    (exp.ArrayRemove, arrays.array_remove),
    (exp.Bracket, arrays.subscript),
    (exp.Repeat, arrays.repeat),
    (exp.ArrayExcept, arrays.array_except),
    (exp.ArraySize, arrays.cardinality),
    (exp.Unnest, arrays.unnest),
    (exp.Window, numeric.window),
    (exp.Filter, numeric.aggregate_filter),
    (exp.DateDiff, _date_diff),
    (exp.ArrayIntersect, arrays.array_intersect),
    (exp.Div, numeric.divide),
    (exp.Mod, numeric.modulus),
    (exp.Mul, _multiply),
    (exp.Upper, case_mapping.upper),
    (exp.In, numeric.in_list),
    (exp.Between, numeric.between),
    (exp.ParseDatetime, datetime_text.parse_datetime),
    (exp.DPipe, _concat),
    (exp.Concat, _concat),
    (exp.ApproxDistinct, _approx_distinct),
    (exp.Select, intervals.result_columns),
    (exp.Avg, numeric.average),
    *((kind, numeric.aggregate_output) for kind in numeric.CHECKED_AGGREGATES),
    (exp.Max, numeric.maximum),
]


def _special_double(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    # Trino's nan() and infinity(); DuckDB spells them as DOUBLE literals.
    text = "NaN" if node.this.lower() == "nan" else "Infinity"
    return exp.Cast(this=exp.Literal.string(text), to=exp.DataType.build("DOUBLE"))


@cache
def _fix_for(kind: type[exp.Expression]) -> Callable[..., exp.Expression] | None:
    """The fix for a node class (subclasses such as TryCast share their parent's), or None."""
    for fixed_kind, fix in _NODE_FIXES:
        if issubclass(kind, fixed_kind):
            return fix
    return None


_ANONYMOUS_FIXES: dict[str, Callable[[exp.Anonymous, TranslationContext], exp.Expression]] = {
    "map_agg": _map_agg,
    "format_datetime": _format_datetime,
    "with_timezone": _with_timezone,
    "at_timezone": _at_timezone,
    "timezone_hour": zoned_timestamps.call("trino_timezone_hour"),
    "timezone_minute": zoned_timestamps.call("trino_timezone_minute"),
    "millisecond": zoned_timestamps.millisecond,
    "to_milliseconds": intervals.to_milliseconds,
    "nan": _special_double,
    "infinity": _special_double,
    "json_array_length": numeric.json_array_length,
    **json_url.ANONYMOUS_FIXES,
    "array_union": arrays.array_union,
    "zip": arrays.zip_arrays,
    "every": arrays.every,
    "histogram": arrays.histogram,
    "map_filter": arrays.map_filter,
    "transform_values": arrays.transform_values,
    "transform_keys": arrays.transform_keys,
    "normal_cdf": numeric.normal_cdf,
    "inverse_normal_cdf": numeric.inverse_normal_cdf,
    "crc32": strings.crc32,
    "codepoint": strings.codepoint,
    "to_iso8601": datetime_text.to_iso8601,
    **strings.ANONYMOUS_FIXES,
    **arrays.ANONYMOUS_FIXES,
    **math_functions.ANONYMOUS_FIXES,
    **colors.ANONYMOUS_FIXES,
}
