"""Implicit coercions Trino 423 refuses and DuckDB makes: strict mode fails where TD fails.

DuckDB casts varchar to a number to compare it (`int_col = '1'` is true), a boolean to an
integer (`1 = true`), mixes types in COALESCE and CASE, reads an integer as a condition
(`if(1, ...)`, `NOT 1`) and adds days to a date (`DATE '2024-01-01' + 1`). Trino's analyzer
(io.trino.sql.analyzer.ExpressionAnalyzer with io.trino.type.TypeCoercion) rejects each with
TYPE_MISMATCH: numbers coerce among themselves (tinyint .. bigint, real, double, decimal), varchar
only to varchar (and char), date to timestamp, NULL (unknown) to anything; never varchar to a
number, boolean or date, nor a number to a boolean. The texts are Trino's:

- `line L:C: Cannot apply operator: integer = varchar(1)`: a comparison's operator is reported as
  Trino's operator function (`<>` is EQUAL, `>` LESS_THAN, `>=` LESS_THAN_OR_EQUAL, operands
  in their written order); L:C is the operator's.
- `All COALESCE operands must be the same type: integer`, `All CASE results must be the same
  type: integer`: the common type so far, at the operand that has none with it.
- `IF condition must evaluate to a boolean (actual: integer)`, `Value of logical NOT expression
  must evaluate to a boolean (actual: integer)`, `CASE WHEN clause must evaluate to a boolean
  (actual: integer)`.

Types are known for certain only when DuckDB binds the query, so each check is a CASE on
typeof() that DuckDB folds to one branch (the expression itself) before it runs: the check raises
for the first row, never for valid SQL, and costs nothing per row. Two literals are decided when
the query is translated. Types tdlocal does not classify (arrays, maps, rows, intervals, zoned
values, varbinary) are never rejected: unknown means allowed. The checks run in strict mode only.
"""

from __future__ import annotations

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import TRINO_TYPE_UDF, macro

# The families Trino's TypeCoercion coerces within, from DuckDB's typeof() text; NULL: not
# classified (always allowed). date and timestamps are one family (date coerces to timestamp).
MACROS: dict[str, str] = {
    "trino_type_family": (
        "(t) AS CASE "
        "WHEN t IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'FLOAT', 'DOUBLE') "
        "OR t LIKE 'DECIMAL(%' THEN 'number' "
        "WHEN t = 'VARCHAR' THEN 'varchar' "
        "WHEN t = 'BOOLEAN' THEN 'boolean' "
        "WHEN t IN ('DATE', 'TIMESTAMP', 'TIMESTAMP_MS', 'TIMESTAMP_S', 'TIMESTAMP_NS', "
        "'TIMESTAMP WITH TIME ZONE') THEN 'datetime' "
        "WHEN t = 'TIME' THEN 'time' "
        "ELSE NULL END"
    ),
    "trino_types_clash": (
        "(a, b) AS tdlocal.main.trino_type_family(a) IS NOT NULL "
        "AND tdlocal.main.trino_type_family(b) IS NOT NULL "
        "AND tdlocal.main.trino_type_family(a) <> tdlocal.main.trino_type_family(b)"
    ),
    "trino_not_boolean": (
        "(a) AS tdlocal.main.trino_type_family(a) IS NOT NULL AND tdlocal.main.trino_type_family(a) <> 'boolean'"
    ),
}

_OPERATOR_TEXT = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.GT: ">", exp.LTE: "<=", exp.GTE: ">="}
# Trino's operator function for each comparison (ExpressionAnalyzer.visitComparisonExpression).
_TRINO_OPERATOR = {exp.EQ: "=", exp.NEQ: "=", exp.LT: "<", exp.GT: "<", exp.LTE: "<=", exp.GTE: "<="}


def _static_family(node: exp.Expression) -> str | None:
    """The family of a literal, known when the query is translated; None otherwise."""
    if isinstance(node, exp.Literal):
        return "varchar" if node.is_string else "number"
    if isinstance(node, exp.Boolean):
        return "boolean"
    if isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string:
        kind = node.to.this
        if kind == exp.DataType.Type.DATE or kind in exp.DataType.TEMPORAL_TYPES - {exp.DataType.Type.TIME}:
            return "datetime"
    return None


def _static_type_name(node: exp.Expression) -> str | None:
    if isinstance(node, exp.Literal) and node.is_string:
        return f"varchar({len(node.this)})"  # Trino types a string literal varchar(length)
    if isinstance(node, exp.Literal) and node.is_int:
        return "integer" if -(2**31) <= int(node.this) < 2**31 else "bigint"
    if isinstance(node, exp.Boolean):
        return "boolean"
    return None


def literal_type_name(node: exp.Expression) -> str:
    """Trino's type of a literal (`'abc'` is varchar(3), `1` integer, `1.5` decimal(2,1)), else 'unknown'."""
    static = _static_type_name(node)
    if static is not None:
        return static
    if isinstance(node, exp.Literal) and not node.is_string:
        text = node.this.lower()
        if "e" in text:
            return "double"
        digits = text.lstrip("-").replace(".", "").lstrip("0") or "0"
        scale = len(text.split(".", 1)[1]) if "." in text else 0
        return f"decimal({max(len(digits), scale, 1)},{scale})"
    return "unknown"


def _type_name_sql(node: exp.Expression) -> exp.Expression:
    static = _static_type_name(node)
    if static is not None:
        return exp.Literal.string(static)
    return exp.Anonymous(this=TRINO_TYPE_UDF, expressions=[_typeof(node)])


def _typeof(node: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this="typeof", expressions=[node.copy()])


def is_null(node: exp.Expression) -> bool:
    """Whether `node` is a NULL literal (or a cast of one): its type is Trino's unknown."""
    return isinstance(node, exp.Null) or (isinstance(node, exp.Cast) and isinstance(node.this, exp.Null))


def _first_position(node: exp.Expression) -> tuple[int, int] | None:
    """(line, column) where `node`'s first token starts, from sqlglot's token positions."""
    best: tuple[int, int, int] | None = None
    for part in node.walk():
        meta = part.meta if isinstance(part, (exp.Identifier, exp.Literal, exp.Var)) else None
        if not meta or "line" not in meta or "start" not in meta:
            continue
        candidate = (meta["start"], meta["line"], meta["col"] - (meta["end"] - meta["start"]))
        if best is None or candidate < best:
            best = candidate
    return None if best is None else (best[1], max(1, best[2]))


def _last_end(node: exp.Expression) -> tuple[int, int, int] | None:
    """(offset, line, column) of `node`'s last token's last character."""
    best: tuple[int, int, int] | None = None
    for part in node.walk():
        meta = part.meta if isinstance(part, (exp.Identifier, exp.Literal, exp.Var)) else None
        if not meta or "line" not in meta or "end" not in meta:
            continue
        candidate = (meta["end"], meta["line"], meta["col"])
        if best is None or candidate > best:
            best = candidate
    return best


def _operator_position(node: exp.Binary) -> tuple[int, int] | None:
    """Where a comparison's operator starts (Trino locates the comparison there).

    sqlglot keeps positions of tokens, not of operators: the operator is taken to follow the left
    operand after one space, or directly when the gap is exactly the operator's length.
    """
    left_end = _last_end(node.this)
    right_start = _first_position(node.expression)
    if left_end is None:
        return right_start
    offset, line, column = left_end
    operator = _OPERATOR_TEXT.get(type(node), "=")
    first_right = min(
        (part.meta["start"] for part in node.expression.walk() if part.meta and "start" in part.meta),
        default=None,
    )
    if first_right is not None and first_right - offset - 1 == len(operator):
        return line, column + 1
    return line, column + 2


def _prefix(position: tuple[int, int] | None) -> str:
    return "" if position is None else f"line {position[0]}:{position[1]}: "


def _refusal(condition: exp.Expression, message: exp.Expression, checked: exp.Expression) -> exp.Expression:
    return exp.Case(
        ifs=[exp.If(this=condition, true=exp.Anonymous(this="error", expressions=[message]))],
        default=checked,
    )


def _concat(*parts: exp.Expression | str) -> exp.Expression:
    pieces = [exp.Literal.string(part) if isinstance(part, str) else part for part in parts]
    result = pieces[0]
    for piece in pieces[1:]:
        result = exp.DPipe(this=result, expression=piece, safe=True)
    return result


def _clash(left: exp.Expression, right: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=macro("trino_types_clash"), expressions=[_typeof(left), _typeof(right)])


def comparison(
    left: exp.Expression,
    right: exp.Expression,
    original: exp.Binary,
    fixed: exp.Expression,
    context: TranslationContext,
    *,
    runtime: bool = True,
) -> exp.Expression:
    """`fixed` (the comparison as tdlocal runs it), refusing operand types Trino cannot compare.

    `left`/`right` are copies of the operands as written; raises TrinoError (TYPE_MISMATCH) when
    both are literals of families Trino does not coerce between.
    """
    if not context.strict or is_null(left) or is_null(right):
        return fixed
    operator = _TRINO_OPERATOR[type(original)]
    prefix = _prefix(_operator_position(original))
    static = _static_family(left), _static_family(right)
    if None not in static:
        if static[0] != static[1]:
            raise TrinoError(
                f"{prefix}Cannot apply operator: {_static_type_name(left) or _datetime_name(left) or static[0]} "
                f"{operator} {_static_type_name(right) or _datetime_name(right) or static[1]}",
                "TYPE_MISMATCH",
            )
        return fixed
    if not runtime:
        return fixed
    message = _concat(
        f"{prefix}Cannot apply operator: ", _type_name_sql(left), f" {operator} ", _type_name_sql(right)
    )
    return _refusal(_clash(left, right), message, fixed)


def date_arithmetic(
    left: exp.Expression,
    right: exp.Expression,
    original: exp.Add | exp.Sub,
    fixed: exp.Expression,
    context: TranslationContext,
    *,
    runtime: bool = True,
) -> exp.Expression:
    """date/timestamp +/- a number: Trino has no such operator (`Cannot apply operator: date + integer`).

    The caller leaves interval arithmetic alone (other rewrites read it by its shape); a side that
    is visibly a double is left too (DuckDB has no date + double either, and NaN-safe comparisons
    read such sums by their shape).
    """
    if not context.strict or is_null(left) or is_null(right):
        return fixed
    operator = "+" if isinstance(original, exp.Add) else "-"
    prefix = _prefix(_operator_position(original))
    static = _static_family(left), _static_family(right)
    if None not in static:
        if set(static) == {"datetime", "number"}:
            raise TrinoError(
                f"{prefix}Cannot apply operator: {_datetime_name(left) or static[0]} {operator} "
                f"{_datetime_name(right) or _static_type_name(right) or static[1]}",
                "TYPE_MISMATCH",
            )
        return fixed
    if not runtime:
        return fixed
    message = _concat(
        f"{prefix}Cannot apply operator: ",
        exp.Anonymous(this=TRINO_TYPE_UDF, expressions=[_typeof(left)]),
        f" {operator} ",
        _type_name_sql(right),
    )
    number_with_date = exp.or_(
        exp.and_(_family_is(left, "datetime"), _family_is(right, "number")),
        exp.and_(_family_is(left, "number"), _family_is(right, "datetime")),
    )
    return _refusal(number_with_date, message, fixed)


def _datetime_name(node: exp.Expression) -> str | None:
    """Trino's type of a DATE or TIMESTAMP literal: timestamp(p) takes p from the literal's fraction."""
    if not (isinstance(node, exp.Cast) and isinstance(node.this, exp.Literal) and node.this.is_string):
        return None
    if node.to.this == exp.DataType.Type.DATE:
        return "date"
    if node.to.this in exp.DataType.TEMPORAL_TYPES:
        text = node.this.this.strip()
        fraction = text.split(".", 1)[1] if "." in text else ""
        return f"timestamp({len(fraction.split(' ')[0])})"
    return None


def _family_is(node: exp.Expression, family: str) -> exp.Expression:
    return exp.EQ(
        this=exp.Anonymous(this=macro("trino_type_family"), expressions=[_typeof(node)]),
        expression=exp.Literal.string(family),
    )


def same_type_operands(
    operands: list[exp.Expression],
    message: str,
    checked: exp.Expression,
    context: TranslationContext,
    *,
    runtime: bool = True,
) -> exp.Expression:
    """COALESCE operands or CASE results: each must share a type family with the first non-NULL one.

    `message` is Trino's text before the type (`All COALESCE operands must be the same type: `).
    """
    if not context.strict:
        return checked
    known = [operand for operand in operands if not is_null(operand)]
    if len(known) < 2:
        return checked
    first = known[0]
    conditions: list[tuple[exp.Expression, exp.Expression]] = []
    for operand in known[1:]:
        prefix = _prefix(_first_position(operand))
        static = _static_family(first), _static_family(operand)
        if None not in static:
            if static[0] != static[1]:
                raise TrinoError(f"{prefix}{message}{_static_type_name(first) or static[0]}", "TYPE_MISMATCH")
            continue
        if runtime:
            conditions.append((_clash(first, operand), _concat(f"{prefix}{message}", _type_name_sql(first))))
    for condition, text in reversed(conditions):
        checked = _refusal(condition, text, checked)
    return checked


def boolean_operand(
    operand: exp.Expression,
    what: str,
    position_of: exp.Expression,
    checked: exp.Expression,
    context: TranslationContext,
    *,
    runtime: bool = True,
) -> exp.Expression:
    """An IF condition, a CASE WHEN clause or NOT's operand must be a boolean in Trino.

    `what` is Trino's name for it (`IF condition`, `Value of logical NOT expression`).
    """
    if not context.strict or is_null(operand):
        return checked
    prefix = _prefix(_first_position(position_of))
    static = _static_family(operand)
    if static is not None:
        if static != "boolean":
            actual = _static_type_name(operand) or static
            raise TrinoError(f"{prefix}{what} must evaluate to a boolean (actual: {actual})", "TYPE_MISMATCH")
        return checked
    if not runtime:
        return checked
    message = _concat(f"{prefix}{what} must evaluate to a boolean (actual: ", _type_name_sql(operand), ")")
    return _refusal(
        exp.Anonymous(this=macro("trino_not_boolean"), expressions=[_typeof(operand)]), message, checked
    )
