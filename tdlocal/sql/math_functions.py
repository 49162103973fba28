"""Trino's math functions DuckDB lacks or answers differently: e(), is_finite, is_infinite,
width_bucket(x, bound1, bound2, n), from_base and to_base, and the result types of ceiling,
floor and sign.

DuckDB's to_base prints upper-case digits and refuses negative numbers, where Trino's is Java's
Long.toString(value, radix) ('ff', '-ff'); from_base is Java's Long.parseLong. Sources: Trino
docs, Mathematical functions; Trino's MathFunctions (widthBucket, fromBase, toBase) and
TestMathFunctions for the values and error texts.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import PythonFunction
from tdlocal.sql.templates import fill

_DIGITS = "0123456789abcdefghijklmnopqrstuvwxyz"
_JAVA_LONG = re.compile(r"^[+-]?[0-9A-Za-z]+$")
_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


def _check_radix(radix: int) -> None:
    if not 2 <= radix <= 36:
        raise ValueError("Radix must be between 2 and 36")


def from_base(text: str, radix: int) -> int:
    """from_base(string, radix) -> bigint, Java's Long.parseLong(text, radix): an optional sign
    and digits of the radix, nothing else. Raises ValueError "Not a valid base-N number: text"."""
    _check_radix(radix)
    digits = text[1:] if text[:1] in "+-" else text
    if not _JAVA_LONG.match(text) or any(
        _DIGITS.find(c) >= radix or _DIGITS.find(c) < 0 for c in digits.lower()
    ):
        raise ValueError(f"Not a valid base-{radix} number: {text}")
    value = int(text, radix)
    if not _LONG_MIN <= value <= _LONG_MAX:
        raise ValueError(f"Not a valid base-{radix} number: {text}")
    return value


def to_base(number: int, radix: int) -> str:
    """to_base(x, radix) -> varchar, Java's Long.toString(x, radix): lower-case digits, '-' sign."""
    _check_radix(radix)
    magnitude, digits = abs(number), []
    while True:
        magnitude, digit = divmod(magnitude, radix)
        digits.append(_DIGITS[digit])
        if magnitude == 0:
            break
    return ("-" if number < 0 else "") + "".join(reversed(digits))


def width_bucket(operand: float, bound1: float, bound2: float, bucket_count: int) -> int:
    """width_bucket(x, bound1, bound2, n) -> bigint: the bucket of x among n equal-width buckets
    between the bounds, 0 below and n + 1 above (counted the other way when bound1 > bound2).
    Raises ValueError with Trino's texts for n <= 0, a NaN operand, and bad bounds."""
    if bucket_count <= 0:
        raise ValueError("bucketCount must be greater than 0")
    if math.isnan(operand):
        raise ValueError("operand must not be NaN")
    if not math.isfinite(bound1):
        raise ValueError("first bound must be finite")
    if not math.isfinite(bound2):
        raise ValueError("second bound must be finite")
    if bound1 == bound2:
        raise ValueError("bounds cannot equal each other")
    lower, upper = min(bound1, bound2), max(bound1, bound2)
    if operand < lower:
        result = 0
    elif operand >= upper:
        result = bucket_count + 1
    else:
        # Java's (long) cast of the double truncates toward zero, as int() does.
        result = int(float(bucket_count) * (operand - lower) / (upper - lower) + 1)
    if bound1 > bound2:
        result = (bucket_count - result) + 1
    return result


def _null_in_null_out(function: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(function)
    def call(*arguments: object) -> object:
        return None if any(argument is None for argument in arguments) else function(*arguments)

    return call


FROM_BASE = "tdlocal_from_base"
TO_BASE = "tdlocal_to_base"
WIDTH_BUCKET = "tdlocal_width_bucket"
PYTHON_FUNCTIONS = [
    PythonFunction(FROM_BASE, _null_in_null_out(from_base), ["VARCHAR", "BIGINT"], "BIGINT", True),
    PythonFunction(TO_BASE, _null_in_null_out(to_base), ["BIGINT", "BIGINT"], "VARCHAR", True),
    PythonFunction(
        WIDTH_BUCKET,
        _null_in_null_out(width_bucket),
        ["DOUBLE", "DOUBLE", "DOUBLE", "BIGINT"],
        "BIGINT",
        True,
    ),
]


def _arguments(node: exp.Anonymous, name: str, count: int) -> list[exp.Expression]:
    if len(node.expressions) != count:
        raise TrinoError(
            f"Unexpected parameters ({len(node.expressions)} arguments) for function {name}",
            "FUNCTION_NOT_FOUND",
        )
    return list(node.expressions)


def _e(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    _arguments(node, "e", 0)
    return exp.Cast(this=exp.Literal.number(repr(math.e)), to=exp.DataType.build("DOUBLE"))


def _is_finite(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    (value,) = _arguments(node, "is_finite", 1)
    return exp.Anonymous(this="isfinite", expressions=[exp.Cast(this=value, to=exp.DataType.build("DOUBLE"))])


def _is_infinite(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    (value,) = _arguments(node, "is_infinite", 1)
    return exp.Anonymous(this="isinf", expressions=[exp.Cast(this=value, to=exp.DataType.build("DOUBLE"))])


def _to_base(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    return exp.Anonymous(this=TO_BASE, expressions=_arguments(node, "to_base", 2))


def from_base_call(node: exp.FromBase, context: TranslationContext) -> exp.Expression:
    """from_base(string, radix) (sqlglot's FromBase)."""
    return exp.Anonymous(this=FROM_BASE, expressions=[node.this, node.expression])


def width_bucket_call(node: exp.WidthBucket, context: TranslationContext) -> exp.Expression:
    """width_bucket(x, bound1, bound2, n); the width_bucket(x, bins) form stays refused."""
    bounds = [node.args.get(key) for key in ("min_value", "max_value", "num_buckets")]
    if any(bound is None for bound in bounds):
        raise TrinoError(
            "tdlocal runs width_bucket(x, bound1, bound2, n) only, not width_bucket(x, bins)", "NOT_SUPPORTED"
        )
    return exp.Anonymous(this=WIDTH_BUCKET, expressions=[node.this, *bounds])


# The template a result is cast to so that it has Trino's type: DuckDB folds typeof() while
# binding, so struct_extract's key is a constant and the template has one type per query (the
# technique tdlocal.sql.numeric uses for decimal quotients).
_INTEGER_TYPES_TEST = "typeof({x}) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT')"
# ceiling(x) / floor(x) are "[same as input]" (Trino docs, Mathematical functions; MathFunctions
# has tinyint..bigint versions returning their argument): DuckDB's of an integer is a double.
_SAME_TYPE_FOR_INTEGERS = (
    "cast_to_type({rounded}, struct_extract(struct_pack(i := {x}, o := {rounded}), "
    f"CASE WHEN {_INTEGER_TYPES_TEST} THEN 'i' ELSE 'o' END))"
)
# sign(x): Trino's MathFunctions.sign returns x's type for integers, doubles and reals (a double's
# is Math.signum: NaN for NaN, the zero itself for 0.0 and -0.0) and decimal(1,0) for decimals;
# DuckDB's is a tinyint, 0 for NaN.
_TRINO_SIGN = (
    "cast_to_type(CASE WHEN typeof({x}) IN ('DOUBLE', 'FLOAT') "
    "AND (isnan(TRY_CAST({x} AS DOUBLE)) OR TRY_CAST({x} AS DOUBLE) = 0) THEN TRY_CAST({x} AS DOUBLE) "
    "ELSE sign({x}) END, struct_extract(struct_pack(n := {x}, d := CAST(0 AS DECIMAL(1, 0))), "
    "CASE WHEN typeof({x}) LIKE 'DECIMAL(%' THEN 'd' ELSE 'n' END))"
)


def rounded_to_integer(node: exp.Ceil | exp.Floor, context: TranslationContext) -> exp.Expression:
    """ceiling(x) / floor(x) typed as Trino types them: an integer stays its integer type."""
    if node.args.get("decimals") is not None or isinstance(node.this, exp.Null):
        return node
    return fill(_SAME_TYPE_FOR_INTEGERS, rounded=node, x=node.this)


def sign(node: exp.Sign, context: TranslationContext) -> exp.Expression:
    """sign(x) with Trino's result type and Math.signum's NaN and signed zeros."""
    if isinstance(node.this, exp.Null):
        return node
    return fill(_TRINO_SIGN, x=node.this)


ANONYMOUS_FIXES = {"e": _e, "is_finite": _is_finite, "is_infinite": _is_infinite, "to_base": _to_base}
