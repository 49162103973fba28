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
    # IEEE division for doubles (Infinity, -Infinity, NaN); DuckDB raises division by zero
    # because tdlocal turns on integer_division for Trino's 7 / 2 = 3. cast_to_type keeps the
    # branch types equal, so integers still divide as integers and fail on zero as in Trino.
    "trino_divide": (
        "(a, b) AS CASE WHEN (typeof(a) IN ('DOUBLE', 'FLOAT') OR typeof(b) IN ('DOUBLE', 'FLOAT')) "
        "AND TRY_CAST(b AS DOUBLE) = 0 "
        "THEN cast_to_type(CASE WHEN isnan(TRY_CAST(a AS DOUBLE)) OR TRY_CAST(a AS DOUBLE) = 0 "
        "THEN CAST('NaN' AS DOUBLE) "
        "WHEN (TRY_CAST(a AS DOUBLE) > 0) = (CAST(TRY_CAST(b AS DOUBLE) AS VARCHAR) NOT LIKE '-%') "
        "THEN CAST('Infinity' AS DOUBLE) ELSE CAST('-Infinity' AS DOUBLE) END, a + b) "
        "ELSE a / b END"
    ),
}


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
    """a / b with IEEE results for doubles divided by zero."""
    left, right = node.this, node.expression
    if isinstance(right, exp.Literal) and not right.is_string and float(right.this) != 0:
        return node  # a non-zero constant divisor: the plain division is already Trino's
    return exp.Anonymous(this=macro("trino_divide"), expressions=[left, right])


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
