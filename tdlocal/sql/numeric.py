"""Trino's numeric semantics where DuckDB would answer differently: casts to integers, division
of doubles by zero, and the result types of counting functions.

Sources: Trino docs, Mathematical functions and operators and Conversion functions; Trino's
TestDoubleOperators (CAST(double AS integer) rounds half away from zero; 1.0E0 / 0.0E0 is
Infinity, 0.0E0 / 0.0E0 is NaN) and TestJsonFunctions (json_array_length is a bigint).
"""

from __future__ import annotations

import random
import statistics

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import PythonFunction, macro

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
}

# Exact decimal arithmetic on unscaled HUGEINTs (up to 38 digits, as Trino's decimals): DuckDB
# divides decimals as doubles. Texts go through VARCHAR because a decimal's scale is known only
# when DuckDB binds the query (typeof()), never as a type the macro could name.
DECIMAL_MACROS: dict[str, str] = {
    # The scale of a decimal (DECIMAL(12,3) -> 3); 0 for integers.
    "decimal_scale": (
        "(v) AS CASE WHEN typeof(v) LIKE 'DECIMAL(%' "
        "THEN CAST(regexp_extract(typeof(v), ',([0-9]+)\\)$', 1) AS INTEGER) ELSE 0 END"
    ),
    # The unscaled integer of a decimal (1.50 -> 150) or an integer.
    # TRY_CAST: DuckDB folds constant arguments of every CASE branch, also the decimal branch
    # of a division of doubles ('1e+20'), which must not fail there.
    "unscaled": "(v) AS TRY_CAST(replace(CAST(v AS VARCHAR), '.', '') AS HUGEINT)",
    "power_of_ten": "(k) AS CAST(rpad('1', CAST(k + 1 AS INTEGER), '0') AS HUGEINT)",
    # n / d rounded half away from zero (Java's RoundingMode.HALF_UP). A zero d is Trino's
    # DIVISION_BY_ZERO, raised only when the row is computed (error() is never folded).
    "half_up_quotient": (
        "(n, d) AS CASE WHEN d = 0 THEN error('Division by zero') ELSE "
        "(abs(n) // NULLIF(abs(d), 0) + CASE WHEN 2 * (abs(n) % NULLIF(abs(d), 0)) >= abs(d) THEN 1 ELSE 0 END) "
        "* sign(n) * sign(d) END"
    ),
    # The decimal text of unscaled q at scale s (-5, 2 -> '-0.05'); digits pads |q| to s + 1.
    "scaled_digits": (
        "(q, s) AS lpad(CAST(abs(q) AS VARCHAR), "
        "CAST(greatest(length(CAST(abs(q) AS VARCHAR)), s + 1) AS INTEGER), '0')"
    ),
    "scaled_text": (
        "(q, s) AS CASE WHEN s = 0 THEN CAST(q AS VARCHAR) ELSE (CASE WHEN q < 0 THEN '-' ELSE '' END) "
        "|| substr(tdlocal.main.scaled_digits(q, s), 1, "
        "CAST(length(tdlocal.main.scaled_digits(q, s)) - s AS INTEGER)) "
        "|| '.' || right(tdlocal.main.scaled_digits(q, s), CAST(s AS INTEGER)) END"
    ),
    # a / b for decimals (or a decimal and an integer) at Trino's scale max(s1, s2).
    "decimal_quotient_text": (
        "(a, b) AS tdlocal.main.scaled_text(tdlocal.main.half_up_quotient("
        "tdlocal.main.unscaled(a) * tdlocal.main.power_of_ten(greatest(tdlocal.main.decimal_scale(a), "
        "tdlocal.main.decimal_scale(b)) - tdlocal.main.decimal_scale(a) + tdlocal.main.decimal_scale(b)), "
        "tdlocal.main.unscaled(b)), greatest(tdlocal.main.decimal_scale(a), tdlocal.main.decimal_scale(b)))"
    ),
    # A template (never evaluated: cast_to_type reads only its type) whose type is a + b's for
    # integers and doubles, and for decimals has scale max(s1, s2) with room for every quotient
    # Trino's decimal(p1 + s2 + max(s2 - s1, 0), max(s1, s2)) holds: round() keeps a decimal's
    # digits with scale 0, and the product of two of those has p1 + p2 of them.
    "decimal_quotient_type": "(a, b) AS round(a) * round(b) + (a + b)",
    # avg(decimal(p, s)) is decimal(p, s) in Trino, rounded HALF_UP (TestShortDecimalAverageAggregation);
    # DuckDB's is a double. median(x) FILTER (WHERE false) is a template of x's type for decimals
    # and of avg's for the others, computed over no rows.
    "trino_avg": (
        "(x) AS CASE WHEN typeof(min(x)) LIKE 'DECIMAL(%' THEN cast_to_type(tdlocal.main.scaled_text("
        "tdlocal.main.half_up_quotient(tdlocal.main.unscaled(sum(x)), NULLIF(count(x), 0)), "
        "tdlocal.main.decimal_scale(min(x))), median(x) FILTER (WHERE false)) "
        "ELSE cast_to_type(avg(x), median(x) FILTER (WHERE false)) END"
    ),
    "trino_avg_distinct": (
        "(x) AS CASE WHEN typeof(min(x)) LIKE 'DECIMAL(%' THEN cast_to_type(tdlocal.main.scaled_text("
        "tdlocal.main.half_up_quotient(tdlocal.main.unscaled(sum(DISTINCT x)), NULLIF(count(DISTINCT x), 0)), "
        "tdlocal.main.decimal_scale(min(x))), median(x) FILTER (WHERE false)) "
        "ELSE cast_to_type(avg(DISTINCT x), median(x) FILTER (WHERE false)) END"
    ),
}


# IEEE comparisons for doubles, as Trino's (TestDoubleOperators: nan() = nan() is false, NaN is
# neither less nor greater than anything); DuckDB orders NaN above every double and equal to
# itself. One macro per operator; for other types (and after DuckDB folds typeof()) each is the
# plain comparison, so filters still reach the table scan.
_NAN_SAFE = {
    "eq": "a = b AND NOT isnan(TRY_CAST(a AS DOUBLE))",
    "neq": "a <> b OR isnan(TRY_CAST(a AS DOUBLE)) OR isnan(TRY_CAST(b AS DOUBLE))",
    "lt": "a < b AND NOT isnan(TRY_CAST(a AS DOUBLE)) AND NOT isnan(TRY_CAST(b AS DOUBLE))",
    "lte": "a <= b AND NOT isnan(TRY_CAST(a AS DOUBLE)) AND NOT isnan(TRY_CAST(b AS DOUBLE))",
    "gt": "a > b AND NOT isnan(TRY_CAST(a AS DOUBLE)) AND NOT isnan(TRY_CAST(b AS DOUBLE))",
    "gte": "a >= b AND NOT isnan(TRY_CAST(a AS DOUBLE)) AND NOT isnan(TRY_CAST(b AS DOUBLE))",
}
_PLAIN = {"eq": "a = b", "neq": "a <> b", "lt": "a < b", "lte": "a <= b", "gt": "a > b", "gte": "a >= b"}
_COMPARISON_NAMES = {exp.EQ: "eq", exp.NEQ: "neq", exp.LT: "lt", exp.LTE: "lte", exp.GT: "gt", exp.GTE: "gte"}

# Two zoned timestamps (tdlocal.sql.zoned_timestamps) compare as instants, whatever their zones.
_ZONED = "typeof({v}) = 'STRUCT(tdlocal_instant TIMESTAMP WITH TIME ZONE, tdlocal_zone VARCHAR)'"
_INSTANT = "struct_extract(TRY_CAST({v} AS STRUCT(tdlocal_instant TIMESTAMPTZ, tdlocal_zone VARCHAR)), 'tdlocal_instant')"
_OPERATORS = {"eq": "=", "neq": "<>", "lt": "<", "lte": "<=", "gt": ">", "gte": ">="}

MACROS_FOR_COMPARISONS: dict[str, str] = {
    f"trino_{name}": (
        f"(a, b) AS CASE WHEN {_ZONED.format(v='a')} AND {_ZONED.format(v='b')} "
        f"THEN {_INSTANT.format(v='a')} {_OPERATORS[name]} {_INSTANT.format(v='b')} "
        "WHEN typeof(a) IN ('DOUBLE', 'FLOAT') OR typeof(b) IN ('DOUBLE', 'FLOAT') "
        f"THEN CASE WHEN a IS NULL OR b IS NULL THEN NULL ELSE ({safe}) END ELSE {_PLAIN[name]} END"
    )
    for name, safe in _NAN_SAFE.items()
}


def compare(node: exp.Binary, context: TranslationContext) -> exp.Expression:
    """=, <>, <, <=, >, >= with IEEE NaN semantics for doubles; plain for literals of other kinds."""
    name = _COMPARISON_NAMES.get(type(node))
    left, right = node.this, node.expression
    if name is None or _is_plain_literal(left) or _is_plain_literal(right):
        return node
    if node.find_ancestor(exp.Merge) is not None:
        return node  # DuckDB's MERGE grammar takes no function call in its conditions
    return exp.Anonymous(this=macro(f"trino_{name}"), expressions=[left, right])


def _is_plain_literal(node: exp.Expression) -> bool:
    # Trino compares a varchar constant only with text, dates and timestamps: never a double.
    return isinstance(node, exp.Literal) and node.is_string


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
    return exp.Anonymous(this=macro("trino_divide"), expressions=[left, right])


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
    PythonFunction(NORMAL_CDF, _normal_cdf, ["DOUBLE", "DOUBLE", "DOUBLE"], "DOUBLE"),
    PythonFunction(INVERSE_NORMAL_CDF, _inverse_normal_cdf, ["DOUBLE", "DOUBLE", "DOUBLE"], "DOUBLE"),
]


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
    """The fixes for windows: random orderings and averages of decimals."""
    return refuse_decimal_average(random_window_order(node, context), context)


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
