"""CAST / TRY_CAST of varchar to numbers and booleans, accepting exactly the text Trino 423 accepts.

DuckDB's casts accept more than Trino's: '1.9' to integer is 2, '1e3', '0x10', '1_000' and
' 12 ' are integers, 'yes' is true, 'inf' and '1_0' are doubles, ' 1.5 ' is a decimal. On TD
those fail (CAST) or are NULL (TRY_CAST), so a model would pass locally with other rows.

Trino 423's rules (io.trino.type.VarcharOperators, io.trino.type.DecimalCasts):
- tinyint/smallint/integer/bigint: Java's Byte/Short/Integer/Long.parseX of the text, untrimmed
  (Trino trims only since PR #23375, 2024, after 423; issue #23359 shows 423's
  `Cannot cast ' 123' to INT`): an optional sign and decimal digits, in the type's range;
  error `Cannot cast '<text>' to TINYINT|SMALLINT|INT|BIGINT`.
- double/real: Java's Double/Float.parseDouble, which trims characters up to U+0020 and takes an
  optional sign, `NaN`, `Infinity`, digits with an optional point and exponent, and an optional
  `f`/`d` suffix (hexadecimal floats are refused by tdlocal: DuckDB has no parser for them);
  error `Cannot cast '<text>' to DOUBLE|REAL`.
- decimal(p, s): `new BigDecimal(text)` (untrimmed: sign, digits, point, exponent) rounded HALF_UP
  to s; errors `Cannot cast VARCHAR '<text>' to DECIMAL(p, s). Value is not a number.` and
  `... Value too large.`
- boolean: `t`, `f`, `1`, `0`, `true`, `false`, ASCII case-insensitive, untrimmed; error
  `Cannot cast '<text>' to BOOLEAN`.
All are INVALID_CAST_ARGUMENT; TRY_CAST gives NULL instead.

A string literal is checked when the query is translated; any other value through a macro
whose typeof() test DuckDB folds when it binds the query, so non-varchar values keep their
own casts (numeric.cast_to_integer's rounding of doubles).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Context, Decimal, InvalidOperation

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.function_library import macro
from tdlocal.sql.numeric import MAX_DECIMAL_PRECISION

_INTEGER_RANGES = {
    # DuckDB type name -> (Trino's name in the error, smallest, largest): Java's Byte, Short,
    # Integer and Long ranges.
    "TINYINT": ("TINYINT", -(2**7), 2**7 - 1),
    "SMALLINT": ("SMALLINT", -(2**15), 2**15 - 1),
    "INTEGER": ("INT", -(2**31), 2**31 - 1),
    "BIGINT": ("BIGINT", -(2**63), 2**63 - 1),
}
_INTEGER_TARGETS = {
    exp.DataType.Type.TINYINT: "TINYINT",
    exp.DataType.Type.SMALLINT: "SMALLINT",
    exp.DataType.Type.INT: "INTEGER",
    exp.DataType.Type.BIGINT: "BIGINT",
}
_FLOATING_TARGETS = {exp.DataType.Type.DOUBLE: "DOUBLE", exp.DataType.Type.FLOAT: "FLOAT"}

# Java's Long.parseLong: optional sign, ASCII digits (Java also takes other Unicode digits,
# which nobody stores in TD; tdlocal refuses them).
_INTEGER_TEXT = r"[+-]?[0-9]+"
# Java's FloatingDecimal.readJavaFormatString, decimal form.
_FLOATING_TEXT = r"[+-]?(NaN|Infinity|([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?[fFdD]?)"
# java.math.BigDecimal(String).
_DECIMAL_TEXT = r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?"
_BOOLEAN_TEXT = {"t": True, "1": True, "true": True, "f": False, "0": False, "false": False}
# What Java's String.trim() removes: every character up to U+0020.
_JAVA_TRIM = "^[\\x00-\\x20]+|[\\x00-\\x20]+$"


def _error(message_sql: str) -> str:
    return f"error({message_sql})"


def _quoted(text_sql: str) -> str:
    """SQL building `'<text>'` (single quotes around the value, as Trino's messages show it)."""
    return f"'''' || {text_sql} || ''''"


def _integer_macro(duckdb_type: str, try_cast: bool) -> str:
    trino_name = _INTEGER_RANGES[duckdb_type][0]
    fail = "NULL" if try_cast else _error(f"'Cannot cast ' || {_quoted('t')} || ' to {trino_name}'")
    # TRY_CAST of matching digits is NULL only when out of the type's range: Java's parse fails.
    return (
        f"(t) AS CASE WHEN regexp_full_match(t, '{_INTEGER_TEXT}') "
        f"THEN COALESCE(TRY_CAST(t AS {duckdb_type}), {fail}) ELSE {fail} END"
    )


def _floating_macro(duckdb_type: str, try_cast: bool) -> str:
    trino_name = "REAL" if duckdb_type == "FLOAT" else "DOUBLE"
    fail = "NULL" if try_cast else _error(f"'Cannot cast ' || {_quoted('t')} || ' to {trino_name}'")
    trimmed = f"regexp_replace(t, '{_JAVA_TRIM}', '', 'g')"
    return (
        f"(t) AS CASE WHEN regexp_full_match({trimmed}, '{_FLOATING_TEXT}') "
        f"THEN CAST(regexp_replace({trimmed}, '[fFdD]$', '') AS {duckdb_type}) ELSE {fail} END"
    )


def _boolean_macro(try_cast: bool) -> str:
    fail = "NULL" if try_cast else _error(f"'Cannot cast ' || {_quoted('t')} || ' to BOOLEAN'")
    # lower() of non-ASCII letters could make a match (Trino upper-cases ASCII only): guard it.
    return (
        "(t) AS CASE WHEN NOT regexp_full_match(t, '[A-Za-z01]+') THEN "
        f"{fail} WHEN lower(t) IN ('t', '1', 'true') THEN true "
        f"WHEN lower(t) IN ('f', '0', 'false') THEN false ELSE {fail} END"
    )


def _decimal_check_macro(try_cast: bool) -> str:
    # The text itself is returned when it is a BigDecimal; DuckDB's own cast then rounds HALF_UP
    # (checked: CAST('1.005' AS decimal(10,2)) is 1.01, '-1.005' is -1.01) and fails on overflow.
    fail = (
        "NULL" if try_cast else _error("'Cannot cast VARCHAR ' || " + _quoted("t") + " || ' to ' || target")
    )
    return f"(t, target) AS CASE WHEN regexp_full_match(t, '{_DECIMAL_TEXT}') THEN t ELSE {fail} END"


MACROS: dict[str, str] = {
    **{
        f"trino_text_to_{name.lower()}{suffix}": _integer_macro(name, try_cast)
        for name in _INTEGER_RANGES
        for suffix, try_cast in (("", False), ("_try", True))
    },
    **{
        f"trino_text_to_{name.lower()}{suffix}": _floating_macro(name, try_cast)
        for name in ("DOUBLE", "FLOAT")
        for suffix, try_cast in (("", False), ("_try", True))
    },
    "trino_text_to_boolean": _boolean_macro(False),
    "trino_text_to_boolean_try": _boolean_macro(True),
    "trino_decimal_text": _decimal_check_macro(False),
    "trino_decimal_text_try": _decimal_check_macro(True),
}


def from_text(node: exp.Cast, rest: exp.Expression) -> exp.Expression:
    """CAST/TRY_CAST(x AS number or boolean), reading a varchar x as Trino 423 does.

    `node` is the cast as written; `rest` is what tdlocal would run for a non-varchar x. Returns
    `rest` when the target is not one these rules cover; raises TrinoError
    (INVALID_CAST_ARGUMENT, Trino's message) for a string literal Trino refuses in a CAST.
    """
    target = node.to
    kind = target.this
    try_cast = isinstance(node, exp.TryCast)
    suffix = "_try" if try_cast else ""
    if kind in _INTEGER_TARGETS:
        name = f"trino_text_to_{_INTEGER_TARGETS[kind].lower()}{suffix}"
    elif kind in _FLOATING_TARGETS:
        name = f"trino_text_to_{_FLOATING_TARGETS[kind].lower()}{suffix}"
    elif kind == exp.DataType.Type.BOOLEAN:
        name = f"trino_text_to_boolean{suffix}"
    elif kind == exp.DataType.Type.DECIMAL:
        return _decimal_from_text(node, rest, try_cast)
    else:
        return rest
    value = node.this
    if isinstance(value, exp.Literal) and value.is_string:
        return _literal(node, value.this, rest)
    text = exp.TryCast(this=value.copy(), to=exp.DataType.build("VARCHAR"))
    converted = exp.Anonymous(this=macro(name), expressions=[text])
    return _when_varchar(value, converted, rest)


def _when_varchar(value: exp.Expression, converted: exp.Expression, rest: exp.Expression) -> exp.Expression:
    is_text = exp.EQ(
        this=exp.Anonymous(this="typeof", expressions=[value.copy()]),
        expression=exp.Literal.string("VARCHAR"),
    )
    return exp.Case(ifs=[exp.If(this=is_text, true=converted)], default=rest)


def _decimal_from_text(node: exp.Cast, rest: exp.Expression, try_cast: bool) -> exp.Expression:
    target = node.to
    params = [int(param.this.this) for param in target.expressions if isinstance(param.this, exp.Literal)]
    if len(params) != 2:
        return rest
    precision, scale = params
    value = node.this
    if isinstance(value, exp.Literal) and value.is_string:
        if re.fullmatch(_DECIMAL_TEXT, value.this):
            # Python's default context holds 28 digits; a decimal holds up to 38 (and the text
            # may have more before it is found too large).
            exact = Context(prec=1000)
            try:
                digits = Decimal(value.this).quantize(
                    Decimal(1).scaleb(-scale), rounding=ROUND_HALF_UP, context=exact
                )
            except InvalidOperation:  # an exponent beyond any decimal(38, s)
                digits = Decimal(10) ** MAX_DECIMAL_PRECISION
            if abs(digits) < Decimal(10) ** (precision - scale):
                return rest
            reason = "Value too large."
        else:
            reason = "Value is not a number."
        if try_cast:
            return exp.Cast(this=exp.Null(), to=target.copy())
        raise TrinoError(
            f"Cannot cast VARCHAR '{value.this}' to DECIMAL({precision}, {scale}). {reason}",
            "INVALID_CAST_ARGUMENT",
        )
    name = "trino_decimal_text_try" if try_cast else "trino_decimal_text"
    checked = exp.Anonymous(
        this=macro(name),
        expressions=[
            exp.TryCast(this=value.copy(), to=exp.DataType.build("VARCHAR")),
            exp.Literal.string(f"DECIMAL({precision}, {scale}). Value is not a number."),
        ],
    )
    cast = exp.TryCast if try_cast else exp.Cast
    return _when_varchar(value, cast(this=checked, to=target.copy()), rest)


def _literal(node: exp.Cast, text: str, rest: exp.Expression) -> exp.Expression:
    """A string literal's cast, decided now: Trino's value, NULL (TRY_CAST) or Trino's error."""
    kind = node.to.this
    value: object
    if kind in _INTEGER_TARGETS:
        trino_name, low, high = _INTEGER_RANGES[_INTEGER_TARGETS[kind]]
        value = int(text) if re.fullmatch(_INTEGER_TEXT, text, re.ASCII) else None
        if value is not None and not low <= value <= high:
            value = None
    elif kind in _FLOATING_TARGETS:
        trino_name = "REAL" if kind == exp.DataType.Type.FLOAT else "DOUBLE"
        trimmed = re.sub(_JAVA_TRIM, "", text)
        value = trimmed.rstrip("fFdD") if re.fullmatch(_FLOATING_TEXT, trimmed) else None
        if value is not None:
            return exp.Cast(this=exp.Literal.string(str(value)), to=node.to.copy())
    else:
        trino_name = "BOOLEAN"
        value = _BOOLEAN_TEXT.get(text.lower()) if text.isascii() else None
        if value is not None:
            return exp.Boolean(this=value)
    if value is not None:
        return rest
    if isinstance(node, exp.TryCast):
        return exp.Cast(this=exp.Null(), to=node.to.copy())
    raise TrinoError(f"Cannot cast '{text}' to {trino_name}", "INVALID_CAST_ARGUMENT")
