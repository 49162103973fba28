"""Timestamps to and from text as Trino writes them: `to_iso8601` and `parse_datetime`.

to_iso8601 (Trino's scalar/timestamp/ToIso8601 and timestamptz/ToIso8601): `uuuu-MM-dd'T'HH:mm:ss`,
then the fraction at the value's precision, then for a zoned value its offset as
java.time.ZoneOffset prints it (`Z` for a zero offset, else `+09:00`), in the value's own zone
(zoned_timestamps.zoned_iso8601); a date is `uuuu-MM-dd`.
The value's type is only known when DuckDB binds the query, so one macro picks the branch by
typeof(), as CAST(... AS varchar) does (trino_semantics.trino_varchar).

parse_datetime(text, joda_pattern) returns a timestamp with time zone (Trino: timestamp(3); here
reported as timestamp(6), as every zoned value of tdlocal is today): the wall clock read with
the pattern, in the pattern's offset when it has one (`Z`, `ZZ`) and else in the session zone, as
Joda's DateTimeFormatter in Trino's DateTimeFunctions.parseDatetime does. The pattern is compiled
to DuckDB's strptime() at translation time.
"""

from __future__ import annotations

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.date_patterns import tokenize
from tdlocal.sql.function_library import macro
from tdlocal.sql.templates import fill
from tdlocal.sql.zoned_timestamps import ZONED_TYPE, ZONED_TYPE_TEXT

_ISO_OFFSET = (
    "CASE WHEN timezone_hour(t) = 0 AND timezone_minute(t) = 0 THEN 'Z' "
    "ELSE CASE WHEN timezone_hour(t) < 0 OR timezone_minute(t) < 0 THEN '-' ELSE '+' END "
    "|| lpad(CAST(abs(timezone_hour(t)) AS VARCHAR), 2, '0') || ':' "
    "|| lpad(CAST(abs(timezone_minute(t)) AS VARCHAR), 2, '0') END"
)

MACROS: dict[str, str] = {
    # A zoned value is an instant that DuckDB shows in the session zone (its TimeZone setting).
    "trino_iso8601_offset": f"(t) AS {_ISO_OFFSET}",
    "trino_to_iso8601": (
        "(x) AS CASE "
        "WHEN typeof(x) = 'DATE' THEN strftime(TRY_CAST(x AS DATE), '%Y-%m-%d') "
        "WHEN typeof(x) = 'TIMESTAMP_S' THEN strftime(TRY_CAST(x AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S') "
        "WHEN typeof(x) = 'TIMESTAMP_MS' THEN strftime(TRY_CAST(x AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g') "
        "WHEN typeof(x) = 'TIMESTAMP' THEN strftime(TRY_CAST(x AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%f') "
        "WHEN typeof(x) = 'TIMESTAMP WITH TIME ZONE' THEN strftime(TRY_CAST(x AS TIMESTAMPTZ), "
        "CASE WHEN microsecond(TRY_CAST(x AS TIMESTAMPTZ)) % 1000 = 0 THEN '%Y-%m-%dT%H:%M:%S.%g' "
        "ELSE '%Y-%m-%dT%H:%M:%S.%f' END) "
        "|| tdlocal.main.trino_iso8601_offset(TRY_CAST(x AS TIMESTAMPTZ)) "
        # A value in a zone of its own (zoned_timestamps.ZONED_TYPE), e.g. read from a CTE's column.
        f"WHEN typeof(x) = '{ZONED_TYPE_TEXT}' THEN tdlocal.main.zoned_iso8601(TRY_CAST(x AS {ZONED_TYPE})) "
        "ELSE error('Unexpected parameters (' || lower(typeof(x)) || ') for function to_iso8601. "
        "Expected: to_iso8601(date), to_iso8601(timestamp(p)), to_iso8601(timestamp(p) with time zone)') END"
    ),
}


def to_iso8601(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """to_iso8601(date | timestamp(p) | timestamp(p) with time zone) -> varchar."""
    if len(node.expressions) != 1:
        raise TrinoError("to_iso8601 takes one argument: a date or a timestamp", "FUNCTION_NOT_FOUND")
    return exp.Anonymous(this=macro("trino_to_iso8601"), expressions=list(node.expressions))


# Joda letters (and repeat counts) as DuckDB strptime directives. Joda parses numbers with at
# least the given digits, which strptime's %d/%m/%H... also accept (one or two digits).
_JODA_PARSE = {
    "d": "%d",
    "H": "%H",
    "h": "%I",
    "K": "%I",
    "m": "%M",
    "s": "%S",
    "a": "%p",
    "D": "%j",
}


def _parse_directive(letter: str, count: int, pattern: str) -> str:
    if letter in "yY":  # year of era / year: 'yy' is the two-digit year (Joda pivots it too)
        return "%y" if count == 2 else "%Y"
    if letter == "M":
        return {1: "%m", 2: "%m", 3: "%b"}.get(count, "%B")
    if letter == "E":
        return "%a" if count < 4 else "%A"
    if letter == "S":
        return {1: "%g", 2: "%g", 3: "%g"}.get(count, "%f")
    if letter == "Z" and count <= 2:
        return "%z"
    if letter in _JODA_PARSE:
        return _JODA_PARSE[letter]
    raise TrinoError(
        f"parse_datetime pattern {pattern!r}: tdlocal cannot parse the letter {letter!r} repeated "
        f"{count} time(s); use y M d D H h K m s S a E Z",
        "NOT_SUPPORTED",
    )


def strptime_format(pattern: str) -> tuple[str, bool]:
    """A Joda pattern as a DuckDB strptime format, and whether it reads an offset (Z)."""
    parts: list[str] = []
    has_offset = False
    for token in tokenize(pattern):
        if isinstance(token, str):
            parts.append(token.replace("%", "%%"))
            continue
        letter, count = token
        directive = _parse_directive(letter, count, pattern)
        has_offset = has_offset or directive == "%z"
        parts.append(directive)
    return "".join(parts), has_offset


def parse_datetime(node: exp.ParseDatetime, context: TranslationContext) -> exp.Expression:
    """parse_datetime(varchar, joda pattern) -> timestamp with time zone (see the module docstring).

    Text the pattern does not match fails as in Trino (INVALID_FUNCTION_ARGUMENT, `Invalid format:
    "<text>"`), never NULL; a pattern that is not a literal is refused (NOT_SUPPORTED).
    """
    pattern = node.args.get("format")
    if not (isinstance(pattern, exp.Literal) and pattern.is_string):
        raise TrinoError("tdlocal needs parse_datetime's pattern to be a string literal", "NOT_SUPPORTED")
    format_text, has_offset = strptime_format(pattern.this)
    parsed = fill("try_strptime({s}, {f})", s=node.this, f=exp.Literal.string(format_text))
    if not any(year in format_text for year in ("%Y", "%y", "%G")):
        # Joda fills the fields the text lacks from 1970-01-01 (parse_datetime('10:30', 'HH:mm')
        # is 1970-01-01 10:30); DuckDB's strptime from 1900-01-01.
        parsed = fill("{p} + INTERVAL 70 YEAR", p=parsed)
    if has_offset:
        value = fill("CAST({p} AS TIMESTAMPTZ)", p=parsed)
    else:
        # The wall clock read in the session zone (DuckDB's TimeZone setting is the session's).
        value = fill("CAST(CAST({p} AS TIMESTAMP) AS TIMESTAMPTZ)", p=parsed)
    return fill(
        "CASE WHEN {s} IS NULL THEN NULL WHEN {p} IS NULL "
        "THEN error('Invalid format: \"' || {s} || '\" does not match the pattern ' || {f}) "
        "ELSE date_trunc('millisecond', {v}) END",
        s=node.this,
        p=parsed,
        f=exp.Literal.string(repr(pattern.this)),
        v=value,
    )
