"""CAST / TRY_CAST of varchar to date and timestamp, accepting exactly the text Trino 423 reads.

DuckDB's parser reads more than Trino's: `'2024/01/05'` and `'2024-01-05T10:00:00'` are values
there, and it truncates or rounds fractions its own way. On TD those casts fail (CAST) or are NULL
(TRY_CAST), so a model would pass locally with other rows.

Trino 423's rules:
- date (io.trino.type.DateOperators.castFromVarchar -> io.trino.util.DateTimeUtils.parseDate):
  the text is trimmed of whitespace (airlift SliceUtf8.trim), then read by Joda's
  `ISODateTimeFormat.date()`: a signed year of 1..9 digits, `-`, a month of 1..2 digits, `-`, a
  day of 1..2 digits, nothing else (`'2024-1-5'` and `' 2024-01-05 '` are dates; `'2024/01/05'`,
  `'20240105'` and `'2024-01-05 10:00'` are not). Error: INVALID_CAST_ARGUMENT
  `Value cannot be cast to date: <text as written>`.
- timestamp(p) (io.trino.operator.scalar.timestamp.VarcharToTimestampCast): the trimmed text must
  match io.trino.type.DateTimes.DATETIME_PATTERN, `[+-]?yyyy+-M-d` then optionally one space,
  `H:m[:s[.fraction]]`, and any trailing text, which this cast ignores (a zone name included:
  `'2024-01-05 10:00:00 UTC'` is 10:00). No `T` separator. A fraction longer than p digits is
  rounded half up (DateTimes.round). Error: `Value cannot be cast to timestamp: <text>`.
- time(p) (io.trino.type.TimeOperators.castFromVarchar -> DateTimes.parseTime): untrimmed,
  DateTimes.TIME_PATTERN `H:m[:s[.fraction]]` with trailing whitespace and no offset, hour <= 23,
  minute and second <= 59, at most 12 fraction digits, rounded half up to p digits modulo a day
  (`time` is time(3)). Error: `Value cannot be cast to time: <text>`.
TRY_CAST gives NULL instead of any of these errors.

A string literal is decided when the query is translated; any other value through SQL macros
under a typeof() test DuckDB folds when it binds the query (as tdlocal.sql.casts does).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql import late_bound_operands
from tdlocal.sql.function_library import macro

# What airlift's SliceUtf8.trim removes (Character.isWhitespace, ASCII part).
_TRIM = "[\\t\\n\\x0b\\f\\r\\x1c-\\x1f ]"
_DATE_TEXT = "([+-]?[0-9]{1,9})-([0-9]{1,2})-([0-9]{1,2})"
# DateTimes.DATETIME_PATTERN, in RE2 and Python syntax alike (Java's \d and \s are ASCII here).
_TIMESTAMP_TEXT = (
    "([+-]?[0-9]{4,})-([0-9]{1,2})-([0-9]{1,2})"
    "( (?:([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]+))?)?)?[ \\t\\n\\x0b\\f\\r]*(.+)?)?"
)
_TIME_TEXT = "([0-9]{1,2}):([0-9]{1,2})(?::([0-9]{1,2})(?:\\.([0-9]+))?)?[ \\t\\n\\x0b\\f\\r]*"
# Trino's `time` without a precision is time(3) (TimeType.TIME_MILLIS).
_DEFAULT_TIME_PRECISION = 3
_CANONICAL_DATE = "[0-9]{4}-[0-9]{2}-[0-9]{2}"
# Precisions DuckDB's timestamps hold (microseconds); timestamp(7..12) is left to DuckDB.
_MAX_PRECISION = 6


def _trimmed(text_sql: str) -> str:
    return f"regexp_replace({text_sql}, '^{_TRIM}+|{_TRIM}+$', '', 'g')"


def _date_macro(try_cast: bool) -> str:
    fail = "NULL" if try_cast else "error('Value cannot be cast to date: ' || t)"
    trimmed = _trimmed("t")
    parts = [
        f"TRY_CAST(regexp_extract({trimmed}, '^{_DATE_TEXT}$', {group}) AS BIGINT)" for group in (1, 2, 3)
    ]
    # make_date fails on February 30; Joda's field check fails the same text (try() -> NULL).
    slow = (
        f"CASE WHEN regexp_full_match({trimmed}, '{_DATE_TEXT}') "
        f"THEN COALESCE(try(make_date({', '.join(parts)})), {fail}) ELSE {fail} END"
    )
    # The usual `yyyy-MM-dd` (Trino's own fast path, parseIfIso8601DateFormat) is DuckDB's cast;
    # the general reading costs about 20 times as much per row.
    return f"(t) AS CASE WHEN regexp_full_match(t, '{_CANONICAL_DATE}') THEN COALESCE(TRY_CAST(t AS DATE), {slow}) ELSE {slow} END"


def _timestamp_macro(try_cast: bool) -> str:
    """(t, p): timestamp (microseconds) of text t at precision p, rounded half up to p digits."""
    fail = "NULL" if try_cast else "error('Value cannot be cast to timestamp: ' || t)"
    trimmed = _trimmed("t")

    def group(number: int) -> str:
        return f"regexp_extract({trimmed}, '^{_TIMESTAMP_TEXT}$', {number})"

    def number(index: int) -> str:
        return f"COALESCE(TRY_CAST(NULLIF({group(index)}, '') AS BIGINT), 0)"

    micros = _rounded_micros(group(8))
    value = (
        f"try(make_timestamp({number(1)}, {number(2)}, {number(3)}, {number(5)}, {number(6)}, "
        f"CAST({number(7)} AS DOUBLE)) + to_microseconds({micros}))"
    )
    return (
        f"(t, p) AS CASE WHEN regexp_full_match({trimmed}, '{_TIMESTAMP_TEXT}') "
        f"THEN COALESCE({value}, {fail}) ELSE {fail} END"
    )


def _rounded_micros(fraction: str) -> str:
    """SQL: a fraction's digits (text) rounded half up to p digits, in microseconds."""
    kept = f"COALESCE(TRY_CAST(NULLIF(rpad(substr({fraction}, 1, p), p, '0'), '') AS BIGINT), 0)"
    carry = f"CASE WHEN substr({fraction}, p + 1, 1) >= '5' THEN 1 ELSE 0 END"
    return f"({kept} + {carry}) * CAST(10 ** (6 - p) AS BIGINT)"


def _time_macro(try_cast: bool) -> str:
    """(t, p): time of text t at precision p."""
    fail = "NULL" if try_cast else "error('Value cannot be cast to time: ' || t)"

    def number(index: int) -> str:
        return f"COALESCE(TRY_CAST(NULLIF(regexp_extract(t, '^{_TIME_TEXT}$', {index}), '') AS BIGINT), 0)"

    fraction = f"regexp_extract(t, '^{_TIME_TEXT}$', 4)"
    valid = (
        f"regexp_full_match(t, '{_TIME_TEXT}') AND {number(1)} <= 23 AND {number(2)} <= 59 "
        f"AND {number(3)} <= 59 AND length({fraction}) <= 12"
    )
    total = f"((({number(1)} * 60 + {number(2)}) * 60 + {number(3)}) * 1000000 + {_rounded_micros(fraction)})"
    # Rounding may reach 24:00:00, which Trino takes modulo a day.
    return (
        f"(t, p) AS CASE WHEN {valid} THEN TIME '00:00:00' + to_microseconds({total} % 86400000000) "
        f"ELSE {fail} END"
    )


MACROS: dict[str, str] = {
    "trino_text_to_time": _time_macro(False),
    "trino_text_to_time_try": _time_macro(True),
    "trino_text_to_date": _date_macro(False),
    "trino_text_to_date_try": _date_macro(True),
    "trino_text_to_timestamp": _timestamp_macro(False),
    "trino_text_to_timestamp_try": _timestamp_macro(True),
}

_TIMESTAMP_TARGETS = {
    exp.DataType.Type.TIMESTAMP,
    exp.DataType.Type.TIMESTAMP_MS,
    exp.DataType.Type.TIMESTAMP_S,
}


def _precision(target: exp.DataType) -> int | None:
    """timestamp(p)'s p (tdlocal gives every timestamp one: trino_semantics._default_precisions)."""
    kind = target.this
    if kind == exp.DataType.Type.TIMESTAMP_S:
        return 0
    if kind == exp.DataType.Type.TIMESTAMP_MS:
        return 3
    for param in target.expressions:
        literal = param.this if isinstance(param, exp.DataTypeParam) else param
        if isinstance(literal, exp.Literal) and literal.is_int:
            return int(literal.this)
    return None


def from_text(node: exp.Cast, rest: exp.Expression) -> exp.Expression:
    """CAST/TRY_CAST(x AS date | timestamp(p)), reading a varchar x as Trino 423 does.

    `rest` is what tdlocal runs for a non-varchar x. Returns `rest` for other targets (and for
    timestamp(p > 6)); raises TrinoError (INVALID_CAST_ARGUMENT, Trino's message) for a string
    literal a CAST refuses.
    """
    target = node.to
    try_cast = isinstance(node, exp.TryCast)
    suffix = "_try" if try_cast else ""
    value = node.this
    is_literal = isinstance(value, exp.Literal) and value.is_string
    if target.this == exp.DataType.Type.DATE:
        if is_literal:
            return _date_literal(node, value.this, rest)
        # try() in the macro's body: an aggregate operand needs the late-bound call.
        converted: exp.Expression = late_bound_operands.macro_call(
            f"trino_text_to_date{suffix}", _text(value)
        )
    elif target.this in _TIMESTAMP_TARGETS:
        precision = _precision(target)
        if precision is None or precision > _MAX_PRECISION:
            return rest
        if is_literal:
            return _timestamp_literal(node, value.this, precision, rest)
        text = _text(value)
        call = late_bound_operands.macro_call(
            f"trino_text_to_timestamp{suffix}", text, exp.Literal.number(precision)
        )
        # `yyyy-MM-dd[ HH:mm:ss[.f]]` with at most p fraction digits needs no rounding: DuckDB's
        # cast reads it exactly, at a tiny fraction of the general reading's cost per row.
        fraction = f"(\\.[0-9]{{1,{precision}}})?" if precision else ""
        canonical = f"{_CANONICAL_DATE}( [0-9]{{2}}:[0-9]{{2}}:[0-9]{{2}}{fraction})?"
        fast = exp.Coalesce(
            this=exp.TryCast(this=text.copy(), to=exp.DataType.build("TIMESTAMP")), expressions=[call]
        )
        is_canonical = exp.Anonymous(
            this="regexp_full_match", expressions=[text.copy(), exp.Literal.string(canonical)]
        )
        chosen = exp.Case(ifs=[exp.If(this=is_canonical, true=fast)], default=call.copy())
        converted = exp.Cast(this=chosen, to=target.copy())
    elif target.this == exp.DataType.Type.TIME:
        precision = _precision(target)
        precision = _DEFAULT_TIME_PRECISION if precision is None else precision
        if precision > _MAX_PRECISION:
            return rest
        if is_literal:
            return _time_literal(node, value.this, precision)
        converted = exp.Anonymous(
            this=macro(f"trino_text_to_time{suffix}"),
            expressions=[_text(value), exp.Literal.number(precision)],
        )
    else:
        return rest
    is_text = exp.EQ(
        this=exp.Anonymous(this="typeof", expressions=[value.copy()]),
        expression=exp.Literal.string("VARCHAR"),
    )
    return exp.Case(ifs=[exp.If(this=is_text, true=converted)], default=rest)


def _text(value: exp.Expression) -> exp.Expression:
    return exp.TryCast(this=value.copy(), to=exp.DataType.build("VARCHAR"))


def _python_trim(text: str) -> str:
    return re.sub(f"^{_TRIM}+|{_TRIM}+$", "", text)


def _refused(node: exp.Cast, what: str, text: str) -> exp.Expression:
    if isinstance(node, exp.TryCast):
        return exp.Cast(this=exp.Null(), to=node.to.copy())
    raise TrinoError(f"Value cannot be cast to {what}: {text}", "INVALID_CAST_ARGUMENT")


def _date_literal(node: exp.Cast, text: str, rest: exp.Expression) -> exp.Expression:
    match = re.fullmatch(_DATE_TEXT, _python_trim(text), re.ASCII)
    if match is None:
        return _refused(node, "date", text)
    year, month, day = (int(part) for part in match.groups())
    try:
        parsed = date(year, month, day)
    except ValueError:
        # Outside Python's years 1..9999 DuckDB's own reading of the same date is kept.
        if 1 <= month <= 12 and 1 <= day <= 31 and not 1 <= year <= 9999:
            return rest
        return _refused(node, "date", text)
    return _normalized(node, parsed.isoformat())


def _normalized(node: exp.Cast, text: str) -> exp.Expression:
    """`node` reading `text` (what Trino read from its literal), keeping the literal's position."""
    literal = exp.Literal.string(text)
    literal.meta.update(node.this.meta)  # error positions (coercions) are read from token metadata
    return exp.Cast(this=literal, to=node.to.copy())


def _timestamp_literal(node: exp.Cast, text: str, precision: int, rest: exp.Expression) -> exp.Expression:
    match = re.fullmatch(_TIMESTAMP_TEXT, _python_trim(text), re.ASCII | re.DOTALL)
    if match is None:
        return _refused(node, "timestamp", text)
    if match.group(9):
        # A zone after the time: a TIMESTAMP '... Asia/Tokyo' literal reaches here too, and is a
        # zoned value (tdlocal.sql.zoned_timestamps), so it keeps its own handling.
        return rest
    year, month, day = (int(match.group(index)) for index in (1, 2, 3))
    hour, minute, second = (int(match.group(index) or 0) for index in (5, 6, 7))
    fraction = match.group(8) or ""
    kept = int(fraction[:precision].ljust(precision, "0") or 0)
    if len(fraction) > precision and fraction[precision] >= "5":
        kept += 1  # DateTimes.round: half up on the first dropped digit
    try:
        moment = datetime(year, month, day, hour, minute, second) + timedelta(
            microseconds=kept * 10 ** (6 - precision)
        )
    except ValueError:
        return _refused(node, "timestamp", text)
    return _normalized(node, moment.isoformat(sep=" "))


def _time_literal(node: exp.Cast, text: str, precision: int) -> exp.Expression:
    match = re.fullmatch(_TIME_TEXT, text, re.ASCII)
    if match is None:
        return _refused(node, "time", text)
    hour, minute, second = (int(match.group(index) or 0) for index in (1, 2, 3))
    fraction = match.group(4) or ""
    if hour > 23 or minute > 59 or second > 59 or len(fraction) > 12:
        return _refused(node, "time", text)
    kept = int(fraction[:precision].ljust(precision, "0") or 0)
    if len(fraction) > precision and fraction[precision] >= "5":
        kept += 1
    micros = (
        ((hour * 60 + minute) * 60 + second) * 1_000_000 + kept * 10 ** (6 - precision)
    ) % 86_400_000_000
    seconds, micro = divmod(micros, 1_000_000)
    text = f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}.{micro:06d}"
    return _normalized(node, text)
