"""Trino's numeric semantics where DuckDB would answer differently: casts to integers, division
of doubles by zero, decimal quotients and remainders (values and result types), NaN in
comparisons, greatest() and max(), and the result types of counting functions.

Sources: Trino docs, Mathematical functions and operators, Decimal functions and operators and
Conversion functions; Trino's DecimalOperators (decimal result types), TestDoubleOperators
(CAST(double AS integer) rounds half away from zero; 1.0E0 / 0.0E0 is Infinity, 0.0E0 / 0.0E0 is
NaN; NaN equals and orders against nothing), MinMaxCompare (max skips NaN) and TestJsonFunctions
(json_array_length is a bigint).
"""

from __future__ import annotations

import decimal
import random
import re
import statistics
from collections.abc import Callable

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import PythonFunction, macro
from tdlocal.sql.templates import fill

_INTEGER_TYPES = {
    exp.DataType.Type.TINYINT: "TINYINT",
    exp.DataType.Type.SMALLINT: "SMALLINT",
    exp.DataType.Type.INT: "INTEGER",
    exp.DataType.Type.BIGINT: "BIGINT",
}

MACROS: dict[str, str] = {
    # Doubles and reals go through round() (half away from zero; DuckDB's cast rounds half to
    # even). typeof() is constant, and both branches bind for any type (TRY_CAST), so DuckDB
    # keeps only the branch for x's type. One macro per target type: the type is in the body.
    **{
        f"trino_to_{name.lower()}": (
            f"(x) AS CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT') "
            f"THEN CAST(round(TRY_CAST(x AS DOUBLE)) AS {name}) "
            # A JSON number with a fraction is read as a double and rounded the same way
            # (JsonOperators: DoubleOperators.castToLong(parser.getDoubleValue())).
            f"WHEN typeof(x) = 'JSON' AND json_type(TRY_CAST(x AS JSON)) = 'DOUBLE' "
            f"THEN CAST(round(TRY_CAST(x AS DOUBLE)) AS {name}) ELSE CAST(x AS {name}) END"
        )
        for name in _INTEGER_TYPES.values()
    },
    # Trino's division: decimals stay decimal, rounded HALF_UP to scale max(s1, s2) (Trino's
    # DecimalOperators; docs: Decimal functions and operators), doubles divide as IEEE doubles
    # (Infinity, -Infinity, NaN; DuckDB would raise, as tdlocal turns on integer_division for
    # Trino's 7 / 2 = 3), integers as integers, failing on zero as in Trino. Every branch has
    # the type of the decimal_quotient_type template, so DuckDB keeps the branch for the
    # operands' types (typeof() is constant) without widening the others to DOUBLE.
    "trino_divide": (
        "(a, b) AS CASE WHEN (typeof(a) LIKE 'DECIMAL(%' OR typeof(b) LIKE 'DECIMAL(%') "
        "AND typeof(a) NOT IN ('DOUBLE', 'FLOAT') AND typeof(b) NOT IN ('DOUBLE', 'FLOAT') "
        "THEN cast_to_type(tdlocal.main.decimal_quotient_text(a, b), "
        "tdlocal.main.decimal_quotient_type(a, b)) "
        "WHEN (typeof(a) IN ('DOUBLE', 'FLOAT') OR typeof(b) IN ('DOUBLE', 'FLOAT')) "
        "AND TRY_CAST(b AS DOUBLE) = 0 "
        "THEN cast_to_type(CASE WHEN isnan(TRY_CAST(a AS DOUBLE)) OR TRY_CAST(a AS DOUBLE) = 0 "
        "THEN CAST('NaN' AS DOUBLE) "
        "WHEN (TRY_CAST(a AS DOUBLE) > 0) = (CAST(TRY_CAST(b AS DOUBLE) AS VARCHAR) NOT LIKE '-%') "
        "THEN CAST('Infinity' AS DOUBLE) ELSE CAST('-Infinity' AS DOUBLE) END, "
        "tdlocal.main.decimal_quotient_type(a, b)) "
        "ELSE cast_to_type(a / b, tdlocal.main.decimal_quotient_type(a, b)) END"
    ),
    # sum() of tinyint..bigint is a bigint in Trino and fails once it leaves bigint's range
    # (LongSumAggregation adds with BigintOperators.add: "bigint addition overflow",
    # NUMERIC_VALUE_OUT_OF_RANGE, also as a window function in 423). DuckDB sums integers into
    # a HUGEINT that holds the wider value, which the client would receive as a bigint. typeof()
    # is constant, so sums of other types (double, decimal) keep only the ELSE branch; the
    # error() branch leaves the result's type DuckDB's.
    "trino_integer_sum": (
        # TRY_CAST to BIGINT is NULL exactly for a sum beyond bigint (the cheapest test to bind:
        # a short query pays this macro's binding on every run).
        "(s) AS CASE WHEN typeof(s) = 'HUGEINT' AND TRY_CAST(s AS BIGINT) IS NULL AND s IS NOT NULL "
        "THEN error('bigint addition overflow: the sum is outside the range of bigint; cast the argument "
        "to decimal(38,0) or double to sum it') ELSE s END"
    ),
    # corr, regr_slope and regr_intercept are NULL where their double is not finite (Trino's
    # DoubleCorrelationAggregation / DoubleRegressionAggregation: `if (Double.isFinite(result))`,
    # else appendNull): a constant x, or a NaN among the inputs. DuckDB answers NaN.
    "trino_finite_or_null": "(r) AS CASE WHEN isfinite(r) THEN r END",
}

# Exact decimal quotients in Python's decimal module: DuckDB divides decimals as doubles, and a
# decimal's scale is known only when DuckDB binds the query (typeof()), never as a type a macro
# could name. (SQL macros doing the same on HUGEINTs expand to trees that took DuckDB a quarter of
# a second to bind.) A UDF without side effects is folded for constants.
DECIMAL_DIVIDE = "tdlocal_decimal_divide"
MAX_DECIMAL_PRECISION = 38
_DECIMAL_TYPE = re.compile(r"^DECIMAL\((\d+),(\d+)\)$")
_INTEGER_TYPE_NAMES = {
    "TINYINT",
    "SMALLINT",
    "INTEGER",
    "BIGINT",
    "HUGEINT",
    "UTINYINT",
    "USMALLINT",
    "UINTEGER",
    "UBIGINT",
}


def _scale(type_text: str) -> int | None:
    decimal_type = _DECIMAL_TYPE.match(type_text)
    if decimal_type:
        return int(decimal_type.group(2))
    return 0 if type_text in _INTEGER_TYPE_NAMES else None


def _decimal_divide(dividend: str, divisor: str, dividend_type: str, divisor_type: str) -> str | None:
    """Trino's decimal quotient as text: scale max(s1, s2), rounded HALF_UP (DecimalOperators).

    NULL when the operands are not decimals and integers (the SQL then takes another branch).
    Raises ZeroDivisionError ("Division by zero") for a zero divisor, OverflowError for a
    quotient of more than 38 digits (Trino: NUMERIC_VALUE_OUT_OF_RANGE).
    """
    dividend_scale, divisor_scale = _scale(dividend_type), _scale(divisor_type)
    if dividend_scale is None or divisor_scale is None:
        return None
    divisor_value = decimal.Decimal(divisor)
    if divisor_value == 0:
        raise ZeroDivisionError("Division by zero")
    scale = max(dividend_scale, divisor_scale)
    with decimal.localcontext() as exact:
        exact.prec = 80  # 38-digit operands: the quotient before rounding is exact enough
        quotient = decimal.Decimal(dividend) / divisor_value
        rounded = quotient.quantize(decimal.Decimal(1).scaleb(-scale), rounding=decimal.ROUND_HALF_UP)
    if len(rounded.as_tuple().digits) > MAX_DECIMAL_PRECISION:
        raise OverflowError(f"Decimal overflow: {dividend} / {divisor} needs more than 38 digits")
    return str(rounded)


DECIMAL_MACROS: dict[str, str] = {
    # A template (never evaluated: cast_to_type reads only its type) whose type is a + b's for
    # integers and doubles, and for decimals has scale max(s1, s2) with room for every quotient
    # Trino's decimal(p1 + s2 + max(s2 - s1, 0), max(s1, s2)) holds: round() keeps a decimal's
    # digits with scale 0, and the product of two of those has p1 + p2 of them. `_exact_type`
    # then narrows the quotient to Trino's own precision.
    "decimal_quotient_type": "(a, b) AS round(a) * round(b) + (a + b)",
    # One template per precision: field 'P' is a decimal(P, P). round(x, S) keeps x's precision
    # and sets its scale to S (S <= P), so any decimal(P, S) is round(field 'P', S). Literals
    # such as .000 are typed decimal(3,3) with no cast to bind; DuckDB reads literals of more
    # than 18 digits as doubles, so those are casts.
    "decimal_widths": "() AS {"
    + ", ".join(
        f"'{width}': " + ("." + "0" * width if width <= 18 else f"CAST(NULL AS DECIMAL({width},{width}))")
        for width in range(1, MAX_DECIMAL_PRECISION + 1)
    )
    + "}",
    "decimal_quotient_text": (
        f"(a, b) AS {DECIMAL_DIVIDE}(CAST(a AS VARCHAR), CAST(b AS VARCHAR), typeof(a), typeof(b))"
    ),
    # avg(decimal(p, s)) is decimal(p, s) in Trino, rounded HALF_UP (TestShortDecimalAverageAggregation,
    # DecimalAverageAggregation); DuckDB's is a double. median(x) FILTER (WHERE false) is a
    # template of x's type for decimals and of avg's for the others, computed over no rows.
    "trino_avg": (
        f"(x) AS CASE WHEN typeof(min(x)) LIKE 'DECIMAL(%' THEN cast_to_type({DECIMAL_DIVIDE}("
        "CAST(sum(x) AS VARCHAR), CAST(NULLIF(count(x), 0) AS VARCHAR), typeof(min(x)), 'BIGINT'), "
        "median(x) FILTER (WHERE false)) "
        "ELSE cast_to_type(avg(x), median(x) FILTER (WHERE false)) END"
    ),
    "trino_avg_distinct": (
        f"(x) AS CASE WHEN typeof(min(x)) LIKE 'DECIMAL(%' THEN cast_to_type({DECIMAL_DIVIDE}("
        "CAST(sum(DISTINCT x) AS VARCHAR), CAST(NULLIF(count(DISTINCT x), 0) AS VARCHAR), typeof(min(x)), "
        "'BIGINT'), median(x) FILTER (WHERE false)) "
        "ELSE cast_to_type(avg(DISTINCT x), median(x) FILTER (WHERE false)) END"
    ),
}


# Trino's result types of decimal arithmetic (DecimalOperators' signatures; docs: Decimal
# functions and operators). An integer beside a decimal is the decimal its type holds
# (TypeCoercion: tinyint decimal(3,0), smallint (5,0), integer (10,0), bigint (19,0)). DuckDB
# already types +, - and sum() as Trino does; its quotient template is wider, its remainder
# keeps the wider operand's digits and its product stops at 18 digits while both operands fit
# in 64 bits, so those three are narrowed or widened to these types.
DECIMAL_RESULT_TYPE = "tdlocal_decimal_result_type"
_INTEGER_AS_DECIMAL = {"TINYINT": 3, "SMALLINT": 5, "INTEGER": 10, "BIGINT": 19, "HUGEINT": 19}


def _decimal_parts(type_text: str) -> tuple[int, int] | None:
    decimal_type = _DECIMAL_TYPE.match(type_text)
    if decimal_type:
        return int(decimal_type.group(1)), int(decimal_type.group(2))
    precision = _INTEGER_AS_DECIMAL.get(type_text)
    return None if precision is None else (precision, 0)


def decimal_result_type(operator: str, left_type: str, right_type: str) -> tuple[int, int] | None:
    """Trino's (precision, scale) of `left operator right`, from DuckDB's typeof() texts.

    `operator` is '/', '%', '*' or 'widen'. None unless one side is a decimal and the other a
    decimal or an integer type (then the operator is not a decimal one). Source: Trino's
    DecimalOperators: divide is decimal(min(38, p1 + s2 + max(s2 - s1, 0)), max(s1, s2)), modulus
    is decimal(min(p1 - s1, p2 - s2) + max(s1, s2), max(s1, s2)), multiply is
    decimal(min(38, p1 + p2), s1 + s2). 'widen' is tdlocal's: the left operand as a
    decimal(38, s1), so that DuckDB multiplies in 128 bits (see `multiply`).
    """
    left, right = _decimal_parts(left_type), _decimal_parts(right_type)
    if (
        left is None
        or right is None
        or not (left_type.startswith("DECIMAL") or right_type.startswith("DECIMAL"))
    ):
        return None
    (p1, s1), (p2, s2) = left, right
    scale = max(s1, s2)
    if operator == "/":
        return min(MAX_DECIMAL_PRECISION, p1 + s2 + max(s2 - s1, 0)), scale
    if operator == "%":
        return min(p1 - s1, p2 - s2) + scale, scale
    if operator == "*":
        return min(MAX_DECIMAL_PRECISION, p1 + p2), s1 + s2
    if operator == "widen":
        return MAX_DECIMAL_PRECISION, s1
    raise ValueError(f"no decimal result type rule for operator {operator!r}")


def _decimal_result_key(operator: str, left_type: str, right_type: str) -> str:
    # 'decimal,P,S' or 'other,1,0': three parts the SQL template splits, always valid ones.
    result = decimal_result_type(operator, left_type, right_type)
    return "other,1,0" if result is None else f"decimal,{result[0]},{result[1]}"


PYTHON_FUNCTIONS_FOR_TYPES = [
    PythonFunction(DECIMAL_RESULT_TYPE, _decimal_result_key, ["VARCHAR", "VARCHAR", "VARCHAR"], "VARCHAR"),
]

# Trino's type of a decimal quotient or remainder, as a template for cast_to_type: DuckDB folds
# typeof() and the pure UDF while binding, so struct_extract's key is a constant and the whole
# template has one type per query. The key is built inline (not in a macro): DuckDB checks at
# CREATE MACRO that struct_extract's key is a constant, which a macro parameter is not.
_EXACT_TYPE = (
    "struct_extract(struct_pack("
    f"decimal := round(struct_extract({macro('decimal_widths')}(), split_part({{key}}, ',', 2)), "
    "CAST(split_part({key}, ',', 3) AS INTEGER)), other := {other}), split_part({key}, ',', 1))"
)


def _exact_type(
    operator: str, left: exp.Expression, right: exp.Expression, other: exp.Expression
) -> exp.Expression:
    key = fill(
        f"{DECIMAL_RESULT_TYPE}('{operator}', typeof({{a}}), typeof({{b}}))",
        a=left,
        b=right,
    )
    return fill(_EXACT_TYPE, key=key, other=other)


def modulus(node: exp.Mod, context: TranslationContext) -> exp.Expression:
    """a % b typed as Trino types a decimal remainder; DuckDB's values are already Trino's."""
    left, right = node.this, node.expression
    if _is_integer_literal(left) and _is_integer_literal(right):
        return node
    if isinstance(left, exp.Null) or isinstance(right, exp.Null):
        return node

    def remainder(a: exp.Expression, b: exp.Expression) -> exp.Expression:
        plain = exp.Mod(this=a, expression=b)
        return exp.Anonymous(this="cast_to_type", expressions=[plain, _exact_type("%", a, b, plain.copy())])

    return _with_operands_bound_once(left, right, remainder)


# A rewritten quotient names its operands several times (the macro's branches, the type
# templates), and DuckDB binds every copy: nested quotients, ((a / b) / c) / d, cost time
# exponential in their depth. When an operand holds a rewritten quotient or remainder, both are
# bound once, as the fields of a one-row list a lambda reads (about 50 ns a row, so only then).
_OPERANDS = "tdlocal_operands"


def _with_operands_bound_once(
    left: exp.Expression,
    right: exp.Expression,
    build: Callable[[exp.Expression, exp.Expression], exp.Expression],
) -> exp.Expression:
    if not (_holds_rewritten_arithmetic(left) or _holds_rewritten_arithmetic(right)):
        return build(left, right)
    body = build(exp.column("a", table=_OPERANDS), exp.column("b", table=_OPERANDS))
    return fill(
        f"list_transform([struct_pack(a := {{a}}, b := {{b}})], lambda {_OPERANDS}: {{body}})[1]",
        a=left,
        b=right,
        body=body,
    )


def _holds_rewritten_arithmetic(node: exp.Expression) -> bool:
    return any(
        call.name in ("cast_to_type", macro("trino_divide")) or call.name == "list_transform"
        for call in node.find_all(exp.Anonymous)
    )


# IEEE comparisons for doubles and reals, as Trino's (TestDoubleOperators: nan() = nan() is false,
# nan() <> nan() is true, NaN is neither less nor greater than anything). DuckDB holds NaN equal
# to itself and above every number, so only these differ: a = b and a <> b when both are NaN,
# a < b and a <= b when b is NaN, a > b and a >= b when a is NaN. Each macro keeps DuckDB's
# comparison as its first conjunct and adds the NaN test as a second one written to keep NULL
# where Trino has NULL (NaN = NULL is NULL): a join's equality stays a hash join's condition and
# a filter on a column still reaches the table scan. The typeof() test is folded while binding,
# so for every other type the macro is the plain comparison (TRY_CAST would read the text 'NaN'
# as a NaN).
_IS_FLOATING = "typeof(a) IN ('DOUBLE', 'FLOAT') OR typeof(b) IN ('DOUBLE', 'FLOAT')"
_NAN = "isnan(TRY_CAST({side} AS DOUBLE))"
_NAN_SAFE = {
    "eq": f"a = b AND (NOT {_NAN.format(side='a')} OR b IS NULL)",
    "neq": f"a <> b OR ({_NAN.format(side='a')} AND {_NAN.format(side='b')})",
    "lt": f"a < b AND (NOT {_NAN.format(side='b')} OR a IS NULL)",
    "lte": f"a <= b AND (NOT {_NAN.format(side='b')} OR a IS NULL)",
    "gt": f"a > b AND (NOT {_NAN.format(side='a')} OR b IS NULL)",
    "gte": f"a >= b AND (NOT {_NAN.format(side='a')} OR b IS NULL)",
}
_PLAIN = {"eq": "a = b", "neq": "a <> b", "lt": "a < b", "lte": "a <= b", "gt": "a > b", "gte": "a >= b"}
_COMPARISON_NAMES = {exp.EQ: "eq", exp.NEQ: "neq", exp.LT: "lt", exp.LTE: "lte", exp.GT: "gt", exp.GTE: "gte"}
# Which side must be a NaN for DuckDB's answer to differ from Trino's ("both" for = and <>).
_NAN_SIDE = {
    "eq": "both",
    "neq": "both",
    "lt": "expression",
    "lte": "expression",
    "gt": "this",
    "gte": "this",
}

MACROS_FOR_COMPARISONS: dict[str, str] = {
    **{
        f"trino_{name}": f"(a, b) AS CASE WHEN {_IS_FLOATING} THEN {safe} ELSE {_PLAIN[name]} END"
        for name, safe in _NAN_SAFE.items()
    },
    # x IN (...): false for a NaN x unless the list holds a NULL (then NULL), as Trino's
    # equalities give; `has_null` is NULL or false, computed by `in_list`.
    "trino_in_guard": (
        "(x, has_null) AS CASE WHEN typeof(x) IN ('DOUBLE', 'FLOAT') "
        "THEN NOT isnan(TRY_CAST(x AS DOUBLE)) OR has_null ELSE true END"
    ),
}


def compare(node: exp.Expression, context: TranslationContext) -> exp.Expression:
    """=, <>, <, <=, >, >= with Trino's NaN semantics for doubles and reals (any other node as is).

    Plain where the side whose NaN DuckDB answers differently cannot be a NaN (a literal, a
    cast to a type other than double or real): `x = 'a'`, `time >= 1700000000`.
    """
    name = _COMPARISON_NAMES.get(type(node))
    if name is None or _is_assignment(node):
        return node
    side = _NAN_SIDE[name]
    sides = [node.this, node.expression] if side == "both" else [node.args[side]]
    if any(_cannot_be_nan(expression) for expression in sides):
        return node
    if node.find_ancestor(exp.Merge) is not None:
        return node  # DuckDB's MERGE grammar takes no function call in its conditions
    return exp.Anonymous(this=macro(f"trino_{name}"), expressions=[node.this, node.expression])


def in_list(node: exp.In, context: TranslationContext) -> exp.Expression:
    """x IN (...) false (or NULL) for a NaN x, as Trino's; DuckDB finds NaN in a list holding NaN.

    For a subquery the guard cannot know whether the rows hold a NULL: a NaN x is then false
    where Trino could say NULL (the same row is filtered out either way, unless under NOT).
    """
    value = node.this
    if _cannot_be_nan(value) or node.find_ancestor(exp.Merge) is not None:
        return node
    elements = node.expressions
    if not elements:
        has_null: exp.Expression = exp.false()
    elif all(isinstance(element, (exp.Literal, exp.Null, exp.Boolean)) for element in elements):
        has_null = exp.Null() if any(isinstance(element, exp.Null) for element in elements) else exp.false()
    else:
        any_null = exp.or_(*(exp.Is(this=element.copy(), expression=exp.Null()) for element in elements))
        has_null = exp.Case(ifs=[exp.If(this=any_null, true=exp.Null())], default=exp.false())
    guard = exp.Anonymous(this=macro("trino_in_guard"), expressions=[value.copy(), has_null])
    return exp.Paren(this=exp.and_(node, guard))


def between(node: exp.Between, context: TranslationContext) -> exp.Expression:
    """x BETWEEN low AND high is low <= x AND x <= high (Trino's definition), each NaN-safe."""
    value, low, high = node.this, node.args["low"], node.args["high"]
    if _cannot_be_nan(value) and _cannot_be_nan(high):
        return node
    lower = compare(exp.LTE(this=low, expression=value), context)
    upper = compare(exp.LTE(this=value.copy(), expression=high), context)
    return exp.Paren(this=exp.and_(lower, upper))


# greatest() and max() skip NaN unless every value is NaN (Trino's MinMaxCompare: max compares
# with NaN first, min with NaN last; TestMathFunctions: greatest(nan(), 5, 4, 3) is 5.0,
# greatest(nan()) is NaN). DuckDB's NaN is above every number, so its least() and min() already
# agree, while its greatest() and max() return NaN.
_NAN_TO_NULL = (
    "CASE WHEN typeof({x}) IN ('DOUBLE', 'FLOAT') AND isnan(TRY_CAST({x} AS DOUBLE)) THEN NULL ELSE {x} END"
)


def greatest_without_nan(node: exp.Greatest) -> exp.Expression:
    """greatest(a, b, ...) skipping NaN arguments: the greatest of the others, else the NaN.

    NULL arguments are left to the caller (Trino: any NULL makes the result NULL).
    """
    arguments = [node.this, *node.expressions]
    if all(_cannot_be_nan(argument) for argument in arguments):
        return node
    without_nan = [fill(_NAN_TO_NULL, x=argument) for argument in arguments]
    # DuckDB's own greatest(), which skips NULLs (sqlglot would write Greatest NULL-propagating).
    greatest = exp.Anonymous(this="greatest", expressions=without_nan)
    # All NaN: DuckDB's greatest of NULLs is NULL; Trino's is NaN, the first argument.
    return exp.Coalesce(this=greatest, expressions=[arguments[0].copy()])


def maximum(node: exp.Max, context: TranslationContext) -> exp.Expression:
    """max(x) skipping NaN unless every value is NaN, as Trino's max.

    Under OVER or FILTER the split happens around the window or filter (`maximum_over`).
    """
    if isinstance(node.parent, (exp.Window, exp.Filter)):
        return node
    without_nan = _max_without_nan(node)
    return node if without_nan is None else exp.Coalesce(this=without_nan, expressions=[node])


def _max_without_nan(node: exp.Max) -> exp.Max | None:
    value = node.this
    if node.expressions or _cannot_be_nan(value):
        return None
    if isinstance(value, exp.Distinct):
        if len(value.expressions) != 1:
            return None
        value = value.expressions[0]  # the largest of the distinct values is the largest value
    return exp.Max(this=fill(_NAN_TO_NULL, x=value))


def maximum_over(node: exp.Window | exp.Filter) -> exp.Expression:
    """max(x) OVER (...) / FILTER (...): the same window or filter over max() without NaN first."""
    twin = node.copy()
    # max(x) FILTER (WHERE ...) OVER (...) is a window over a filter over max.
    holder = twin.this if isinstance(twin, exp.Window) and isinstance(twin.this, exp.Filter) else twin
    aggregate = holder.this
    without_nan = _max_without_nan(aggregate) if isinstance(aggregate, exp.Max) else None
    if without_nan is None:
        return node
    holder.set("this", without_nan)
    return exp.Coalesce(this=twin, expressions=[node])


def _is_assignment(node: exp.Expression) -> bool:
    # UPDATE ... SET a = 1, SET SESSION x = 1 and table properties are written as EQ nodes too.
    return isinstance(node.parent, (exp.Update, exp.SetItem, exp.Property, exp.Properties))


_NOT_NAN_TYPES = {
    exp.DataType.Type.TINYINT,
    exp.DataType.Type.SMALLINT,
    exp.DataType.Type.INT,
    exp.DataType.Type.BIGINT,
    exp.DataType.Type.DECIMAL,
    exp.DataType.Type.VARCHAR,
    exp.DataType.Type.TEXT,
    exp.DataType.Type.DATE,
    exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMPTZ,
    exp.DataType.Type.BOOLEAN,
}


def _cannot_be_nan(node: exp.Expression) -> bool:
    """Whether `node` is visibly never a NaN: a literal (1e0 included), NULL, a non-double cast."""
    if isinstance(node, (exp.Literal, exp.Null, exp.Boolean)):
        return True
    if isinstance(node, exp.Cast) and not isinstance(node, exp.TryCast):
        return node.to.this in _NOT_NAN_TYPES
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _cannot_be_nan(node.this)
    return False


def has_double_side(node: exp.Binary) -> bool:
    """Whether a comparison has a side that is visibly a double (1e0, nan(), CAST(x AS double))."""
    return _is_visibly_double(node.this) or _is_visibly_double(node.expression)


_DOUBLE_TYPES = {exp.DataType.Type.DOUBLE, exp.DataType.Type.FLOAT}


def _is_visibly_double(node: exp.Expression) -> bool:
    """Whether `node` is a double whatever its inputs: 1e0, nan(), CAST(x AS double), arithmetic on those."""
    if isinstance(node, exp.Literal):
        return not node.is_string and "e" in node.this.lower()
    if isinstance(node, exp.Cast):
        return node.to.this in _DOUBLE_TYPES
    if isinstance(node, (exp.Paren, exp.Neg)):
        return _is_visibly_double(node.this)
    if isinstance(node, (exp.Add, exp.Sub, exp.Mul)):
        return _is_visibly_double(node.this) or _is_visibly_double(node.expression)
    if isinstance(node, exp.Anonymous) and node.name == "cast_to_type":
        # a rewritten quotient or remainder: cast_to_type(trino_divide(a, b) | a % b, template)
        inner = node.expressions[0]
        operands = inner.expressions if isinstance(inner, exp.Anonymous) else [inner.this, inner.expression]
        return any(_is_visibly_double(operand) for operand in operands if isinstance(operand, exp.Expression))
    return False


def cast_to_integer(node: exp.Cast, context: TranslationContext) -> exp.Expression:
    """CAST(x AS tinyint|smallint|integer|bigint) rounding doubles half away from zero."""
    name = _INTEGER_TYPES.get(node.to.this)
    if name is None or isinstance(node, exp.TryCast):
        return node
    value = node.this
    if isinstance(value, exp.Literal) and (value.is_string or value.is_int):
        return node  # no double can be inside: keep the plain cast (and its constant folding)
    return exp.Anonymous(this=macro(f"trino_to_{name.lower()}"), expressions=[value])


def divide(node: exp.Div, context: TranslationContext) -> exp.Expression:
    """a / b as Trino divides: decimals at scale max(s1, s2) HALF_UP, IEEE doubles, integers."""
    left, right = node.this, node.expression
    if _is_integer_literal(left) and _is_integer_literal(right) and int(right.this) != 0:
        return node  # 7 / 2: integer division is already Trino's
    if isinstance(left, exp.Null) or isinstance(right, exp.Null):
        return node  # NULL whatever the other side: no type to keep

    def quotient(a: exp.Expression, b: exp.Expression) -> exp.Expression:
        value = exp.Anonymous(this=macro("trino_divide"), expressions=[a, b])
        # The macro's decimals are wider than Trino's; narrowed once here (in the macro the
        # template would be bound once per branch).
        wide = exp.Anonymous(this=macro("decimal_quotient_type"), expressions=[a.copy(), b.copy()])
        return exp.Anonymous(this="cast_to_type", expressions=[value, _exact_type("/", a, b, wide)])

    return _with_operands_bound_once(left, right, quotient)


def multiply(node: exp.Mul, context: TranslationContext) -> exp.Expression:
    """a * b typed as Trino types a decimal product: decimal(min(38, p1 + p2), s1 + s2).

    DuckDB types decimal(10,2) * decimal(10,3) as decimal(18,5) and overflows where Trino's
    decimal(20,5) holds the product; so the left operand is widened to decimal(38, s1) (DuckDB
    then multiplies in 128 bits) and the product narrowed to Trino's type. For other types both
    templates are the operands' own types, and the product is DuckDB's.
    """
    left, right = node.this, node.expression
    if _is_integer_literal(left) and _is_integer_literal(right):
        return node
    if isinstance(left, exp.Null) or isinstance(right, exp.Null) or has_double_side(node):
        return node

    def product(a: exp.Expression, b: exp.Expression) -> exp.Expression:
        wide = exp.Anonymous(this="cast_to_type", expressions=[a, _exact_type("widen", a, b, a.copy())])
        plain = exp.Mul(this=a.copy(), expression=b.copy())
        value = exp.Mul(this=wide, expression=b)
        return exp.Anonymous(this="cast_to_type", expressions=[value, _exact_type("*", a, b, plain)])

    return _with_operands_bound_once(left, right, product)


def _is_integer_literal(node: exp.Expression) -> bool:
    return isinstance(node, exp.Literal) and not node.is_string and node.is_int


def average(node: exp.Avg, context: TranslationContext) -> exp.Expression:
    """avg(x): decimal(p, s) for a decimal(p, s) x, as in Trino; DuckDB's is a double.

    Inside a window (OVER) or a FILTER the macro, which holds aggregates of its own, cannot be
    used: `refuse_decimal_average` guards those instead.
    """
    if isinstance(node.parent, (exp.Window, exp.Filter)):
        return node
    if isinstance(node.this, exp.Distinct) and len(node.this.expressions) == 1:
        return exp.Anonymous(this=macro("trino_avg_distinct"), expressions=[node.this.expressions[0]])
    if isinstance(node.this, exp.Distinct):
        return node
    return exp.Anonymous(this=macro("trino_avg"), expressions=[node.this])


def refuse_decimal_average(node: exp.Window | exp.Filter, context: TranslationContext) -> exp.Expression:
    """avg(decimal) OVER (...) / FILTER (...): an error naming it, not DuckDB's double."""
    average = node.this
    if not isinstance(average, exp.Avg):
        return node
    argument = average.this.expressions[0] if isinstance(average.this, exp.Distinct) else average.this
    message = exp.Literal.string(
        "tdlocal cannot compute avg() of a decimal with OVER or FILTER as Trino does (a decimal "
        "rounded HALF_UP); cast its argument to double, or aggregate without OVER/FILTER"
    )
    # In a FILTER the argument is read row by row only inside an aggregate: min() keeps its type.
    probe = exp.Min(this=argument.copy()) if isinstance(node, exp.Filter) else argument.copy()
    is_decimal = exp.Like(
        this=exp.Anonymous(this="typeof", expressions=[probe]),
        expression=exp.Literal.string("DECIMAL(%"),
    )
    refused = exp.Anonymous(this="error", expressions=[message])
    return exp.Case(ifs=[exp.If(this=is_decimal, true=refused)], default=node)


def json_array_length(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """json_array_length is a bigint in Trino (DuckDB: UBIGINT, shown as decimal(20,0))."""
    return exp.Cast(this=node, to=exp.DataType.build("BIGINT"))


# normal_cdf / inverse_normal_cdf: Python's statistics.NormalDist (the standard library's normal
# distribution) rather than our own erf series. Trino's checks and messages (MathFunctions).
NORMAL_CDF = "tdlocal_normal_cdf"
INVERSE_NORMAL_CDF = "tdlocal_inverse_normal_cdf"


def _normal_cdf(mean: float, sd: float, value: float) -> float:
    if not sd > 0:
        raise ValueError("standardDeviation must be > 0")
    return statistics.NormalDist(mean, sd).cdf(value)


def _inverse_normal_cdf(mean: float, sd: float, p: float) -> float:
    if not 0 < p < 1:
        raise ValueError("p must be 0 > p > 1")
    if not sd > 0:
        raise ValueError("sd must be > 0")
    return statistics.NormalDist(mean, sd).inv_cdf(p)


PYTHON_FUNCTIONS = [
    *PYTHON_FUNCTIONS_FOR_TYPES,
    PythonFunction(DECIMAL_DIVIDE, _decimal_divide, ["VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR"], "VARCHAR"),
    PythonFunction(NORMAL_CDF, _normal_cdf, ["DOUBLE", "DOUBLE", "DOUBLE"], "DOUBLE"),
    PythonFunction(INVERSE_NORMAL_CDF, _inverse_normal_cdf, ["DOUBLE", "DOUBLE", "DOUBLE"], "DOUBLE"),
]


# CAST(real AS varchar): Trino's RealOperators formats Double.parseDouble(Float.toString(f)) with
# DecimalFormat("0.0#####E0"): at most seven significant digits, rounded HALF_EVEN (DecimalFormat's
# default), at least one after the point. Python's decimal rounds the float's shortest digits
# (DuckDB's text of it) the same way; Java 17's Float.toString may give a longer text for a few
# floats, not reproduced.
REAL_TEXT = "tdlocal_real_text"


def _real_text(shortest: str) -> str:
    value = decimal.Decimal(shortest)
    exponent = value.adjusted()
    mantissa = value.scaleb(-exponent).quantize(decimal.Decimal("1.000000"), rounding=decimal.ROUND_HALF_EVEN)
    if abs(mantissa) >= 10:  # 9.9999999 rounded up to 10.000000
        mantissa, exponent = (mantissa / 10).quantize(decimal.Decimal("1.000000")), exponent + 1
    whole, _, fraction = f"{mantissa:f}".partition(".")
    return f"{whole}.{fraction.rstrip('0') or '0'}E{exponent}"


PYTHON_FUNCTIONS.append(PythonFunction(REAL_TEXT, _real_text, ["VARCHAR"], "VARCHAR"))


def _three_argument_call(name: str, udf: str):
    def rewrite(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
        if len(node.expressions) != 3:
            raise TrinoError(f"Function '{name}' takes (mean, sd, value)", "FUNCTION_NOT_FOUND")
        return exp.Anonymous(this=udf, expressions=list(node.expressions))

    return rewrite


normal_cdf = _three_argument_call("normal_cdf", NORMAL_CDF)
inverse_normal_cdf = _three_argument_call("inverse_normal_cdf", INVERSE_NORMAL_CDF)


# ORDER BY rand() inside a window: DuckDB refuses volatile window orderings, Trino orders the rows
# randomly. A Python UDF registered without side effects passes DuckDB's check; called with a
# column of the row it is evaluated per row (never folded to one constant), and returns a fresh
# random number each time, as rand() does. Any order is a valid answer to a random ordering.
WINDOW_RANDOM = "tdlocal_window_random"


def _window_random(_row_value: object) -> float:
    return random.random()


PYTHON_FUNCTIONS.append(
    PythonFunction(WINDOW_RANDOM, _window_random, ["VARCHAR"], "DOUBLE", special_nulls=True)
)


def window(node: exp.Window, context: TranslationContext) -> exp.Expression:
    """The fixes for windows: random orderings, averages of decimals, max() over NaN, the outputs
    of integer sums and of corr/regr_*."""
    return _aggregate_output(
        maximum_over(refuse_decimal_average(random_window_order(node, context), context))
    )


def aggregate_filter(node: exp.Filter, context: TranslationContext) -> exp.Expression:
    """The fixes for FILTER (WHERE ...): averages of decimals, max() over NaN, aggregate outputs."""
    fixed = refuse_decimal_average(node, context)
    if isinstance(node.parent, exp.Window) or not isinstance(fixed, exp.Filter):
        return fixed  # under OVER, `window` splits max() around the whole window
    return _aggregate_output(maximum_over(fixed))


# Aggregates whose DuckDB result needs Trino's check, and the macro that applies it:
# sum(x) of integers is a bigint that fails beyond bigint's range, as Trino's LongSumAggregation
# (NUMERIC_VALUE_OUT_OF_RANGE "bigint addition overflow"); Trino fails when a running total
# leaves the range even if the final one would fit, while tdlocal checks the final total only
# (DuckDB's HUGEINT holds every partial sum), so an order-dependent failure is not reproduced.
# corr / regr_slope / regr_intercept give NULL for a non-finite double.
_OUTPUT_CHECKS: dict[type[exp.Expression], str] = {
    exp.Sum: "trino_integer_sum",
    exp.Corr: "trino_finite_or_null",
    exp.RegrSlope: "trino_finite_or_null",
    exp.RegrIntercept: "trino_finite_or_null",
}


# skewness and kurtosis from the count n and DuckDB's value m of the same rows. Trino's
# CentralMomentsAggregation: skewness is sqrt(n) * M3 / M2^1.5 (the population coefficient; NULL
# below 3 values), where DuckDB's is the sample-adjusted one, sqrt(n(n-1)) / (n-2) times it;
# kurtosis is the same formula in both (NULL below 4 values). For constant values Trino divides 0
# by 0 (NaN) where DuckDB gives NULL.
_MOMENTS: dict[type[exp.Expression], str] = {
    exp.Skewness: (
        "CASE WHEN {n} < 3 THEN NULL "
        "ELSE coalesce({m} * ({n} - 2) / sqrt({n} * ({n} - 1)), CAST('NaN' AS DOUBLE)) END"
    ),
    exp.Kurtosis: "CASE WHEN {n} < 4 THEN NULL ELSE coalesce({m}, CAST('NaN' AS DOUBLE)) END",
}
CHECKED_AGGREGATES = (*_OUTPUT_CHECKS, *_MOMENTS)
#: The macros that check an aggregate's output (wrapping the aggregate, or its OVER / FILTER).
#: Trino raises their errors in the aggregation or window operator, before any TRY around the
#: value is evaluated (late_bound_operands keeps them outside TRY's try()).
OUTPUT_CHECK_MACROS = frozenset(_OUTPUT_CHECKS.values())


def aggregate_output(node: exp.Expression, context: TranslationContext) -> exp.Expression:
    """sum(x), corr(y, x), regr_slope(y, x), regr_intercept(y, x) with Trino's output check;
    skewness(x) and kurtosis(x) with Trino's formula.

    Under OVER or FILTER the check wraps the whole window or filter (`window`, `aggregate_filter`).
    """
    if isinstance(node.parent, (exp.Window, exp.Filter)):
        return node
    return _checked(node, node)


def _aggregate_output(node: exp.Expression) -> exp.Expression:
    # f(x) OVER (...), f(x) FILTER (...), f(x) FILTER (...) OVER (...).
    if not isinstance(node, (exp.Window, exp.Filter)):
        return node
    aggregate = node.this.this if isinstance(node.this, exp.Filter) else node.this
    if type(aggregate) not in CHECKED_AGGREGATES:
        return node
    return _checked(node, aggregate)


def _checked(outer: exp.Expression, aggregate: exp.Expression) -> exp.Expression:
    """`outer` (the aggregate, or the window or filter holding it) with Trino's output check."""
    check = _OUTPUT_CHECKS.get(type(aggregate))
    if check is not None:
        return exp.Anonymous(this=macro(check), expressions=[outer])
    count = outer.copy()
    counted = exp.Count(this=aggregate.this.copy())
    if count is outer or outer is aggregate:
        count = counted
    else:
        next(node for node in count.walk() if type(node) is type(aggregate)).replace(counted)
    return fill(_MOMENTS[type(aggregate)], n=count, m=outer)


def random_window_order(node: exp.Window, context: TranslationContext) -> exp.Expression:
    """rank() OVER (PARTITION BY k ORDER BY rand()): per-row random keys DuckDB accepts."""
    order = node.args.get("order")
    if order is None or not any(isinstance(ordered.this, exp.Rand) for ordered in order.expressions):
        return node
    columns = [column for column in node.find_all(exp.Column)]
    if not columns:
        raise TrinoError(
            "tdlocal can order a window by rand() only when the window names a column "
            "(e.g. PARTITION BY k): DuckDB refuses volatile window orderings",
            "NOT_SUPPORTED",
        )
    for ordered in order.expressions:
        if isinstance(ordered.this, exp.Rand):
            row_value = exp.Cast(this=columns[0].copy(), to=exp.DataType.build("VARCHAR"))
            ordered.set("this", exp.Anonymous(this=WINDOW_RANDOM, expressions=[row_value]))
    return node
