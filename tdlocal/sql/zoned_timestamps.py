"""Trino's `timestamp with time zone`: an instant *and* the zone it is shown in, per value.

DuckDB's TIMESTAMPTZ is an instant only, shown in the connection's TimeZone (tdlocal sets it to
the session zone). So:

- a zoned value in the session zone stays a plain TIMESTAMPTZ (what `from_unixtime(t)`,
  `current_timestamp` and most TD SQL produce; DuckDB's own functions read it correctly);
- a value in any other zone (`from_unixtime(t, 'Asia/Tokyo')`, `AT TIME ZONE`, `with_timezone`,
  a zoned literal, an ISO 8601 text with an offset) is the struct ZONED_TYPE: the instant and
  Trino's zone id (`Asia/Tokyo`, `+09:00`, `UTC`).

Functions that read a zone's wall clock (hour(), date(), format_datetime, CAST, ...) go through
macros that look at typeof() of their argument, which DuckDB resolves when it binds the query, so
both shapes work from a column as well as from a literal call. date_trunc, date_add, date_diff,
`+`/`-` interval and to_iso8601 of a zoned constructor compute in its zone (see `arithmetic`
below); anything else handed the struct (those functions on a CTE's zoned column included)
fails in DuckDB's binder: an error naming the function, never the wrong wall clock. Comparing a
zoned constructor with another timestamp compares instants, as Trino does.

Sources: Trino docs, Date and time functions (from_unixtime, at_timezone, with_timezone,
to_unixtime, timezone_hour, AT TIME ZONE) and Date and time types (timestamp with time zone
literals, zone ids); Trino's TestTimestampWithTimeZone and TestDateTimeFunctions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import TRINO_TYPE_UDF, macro
from tdlocal.sql.intervals import YEAR_TO_MONTH_TYPE_TEXT
from tdlocal.sql.templates import fill

INSTANT_FIELD = "tdlocal_instant"
ZONE_FIELD = "tdlocal_zone"
ZONED_TYPE = f"STRUCT({INSTANT_FIELD} TIMESTAMPTZ, {ZONE_FIELD} VARCHAR)"
# What DuckDB's typeof() and duckdb_columns() call ZONED_TYPE.
ZONED_TYPE_TEXT = f"STRUCT({INSTANT_FIELD} TIMESTAMP WITH TIME ZONE, {ZONE_FIELD} VARCHAR)"

_IS_ZONED = f"typeof(x) = '{ZONED_TYPE_TEXT}'"
_STRUCT = f"TRY_CAST(x AS {ZONED_TYPE})"

# Trino's names for UTC: its zone key 0, printed `UTC`.
_UTC_NAMES = {"UTC", "Z", "GMT", "UT", "UCT", "ZULU", "ETC/UTC", "ETC/GMT", "ETC/UCT", "ETC/UT", "ETC/ZULU"}
_OFFSET = re.compile(r"^([+-])(\d{1,2})(?::?(\d{2}))?$")

# Field functions: DuckDB name -> whether it also reads intervals (Trino's day(interval), ...).
_FIELD_FUNCTIONS = {
    "year": True,
    "quarter": False,
    "month": True,
    "weekofyear": False,
    "day": True,
    "dayofyear": False,
    "isodow": False,
    "hour": True,
    "minute": True,
    "second": True,
    "millisecond": True,
}


# Fields a time of day has (Trino's TimeFunctions / TimeWithTimeZoneFunctions: hour(time(p)) ...).
_TIME_FIELDS = {"hour", "minute", "second", "millisecond"}


def _field_macro(function: str, reads_intervals: bool) -> str:
    interval_branch = (
        f"WHEN typeof(x) = 'INTERVAL' THEN {function}(TRY_CAST(x AS INTERVAL)) " if reads_intervals else ""
    )
    # A time with time zone is read at its own offset: DuckDB's TIMETZ -> TIME keeps the wall clock.
    time_branch = (
        f"WHEN typeof(x) IN ('TIME', 'TIME WITH TIME ZONE') THEN {function}(TRY_CAST(x AS TIME)) "
        if function in _TIME_FIELDS
        else ""
    )
    return (
        f"(x) AS CASE WHEN {_IS_ZONED} OR typeof(x) = 'TIMESTAMP WITH TIME ZONE' "
        f"THEN {function}(tdlocal.main.zoned_local(x)) "
        f"{interval_branch}{time_branch}"
        f"WHEN typeof(x) = 'DATE' THEN {function}(TRY_CAST(x AS DATE)) "
        f"ELSE {function}(CAST(x AS TIMESTAMP)) END"
    )


MACROS: dict[str, str] = {
    "zoned": (
        f"(instant, zone) AS struct_pack({INSTANT_FIELD} := CAST(instant AS TIMESTAMPTZ), "
        f"{ZONE_FIELD} := CAST(zone AS VARCHAR))"
    ),
    # Seconds east of UTC of a Trino offset id ('+09:00', '-05:30'); NULL for a region id.
    "zone_offset_seconds": (
        "(zone) AS CASE WHEN substr(zone, 1, 1) IN ('+', '-') THEN "
        "(CASE WHEN substr(zone, 1, 1) = '-' THEN -1 ELSE 1 END) * "
        "(CAST(substr(zone, 2, 2) AS INTEGER) * 3600 + CAST(substr(zone, 5, 2) AS INTEGER) * 60) END"
    ),
    # The wall clock (naive TIMESTAMP) of an instant in a Trino zone id. ICU knows region ids and
    # UTC but not '+09:00', so offsets are arithmetic.
    "instant_local": (
        "(instant, zone) AS CASE WHEN substr(zone, 1, 1) IN ('+', '-') "
        "THEN timezone('UTC', instant) + to_seconds(tdlocal.main.zone_offset_seconds(zone)) "
        "ELSE timezone(zone, instant) END"
    ),
    # The instant of a wall clock in a Trino zone id (with_timezone).
    "local_instant": (
        "(local, zone) AS CASE WHEN substr(zone, 1, 1) IN ('+', '-') "
        "THEN timezone('UTC', local - to_seconds(tdlocal.main.zone_offset_seconds(zone))) "
        "ELSE timezone(zone, local) END"
    ),
    # The wall clock of any timestamp: a zoned struct in its zone, a TIMESTAMPTZ in the session
    # zone (DuckDB's TimeZone), a naive timestamp or date as it is. CAST binds for the struct
    # too (DuckDB only fails it when run), so every branch binds whatever x is.
    "zoned_local": (
        f"(x) AS CASE WHEN {_IS_ZONED} THEN CAST(tdlocal.main.instant_local("
        f"CAST(struct_extract({_STRUCT}, '{INSTANT_FIELD}') AS TIMESTAMPTZ), "
        f"struct_extract({_STRUCT}, '{ZONE_FIELD}')) AS TIMESTAMP) "
        "ELSE CAST(x AS TIMESTAMP) END"
    ),
    # The instant of any timestamp; a naive one is read in the session zone, as Trino coerces it.
    "zoned_instant": (
        f"(x) AS CASE WHEN {_IS_ZONED} THEN struct_extract({_STRUCT}, '{INSTANT_FIELD}') "
        "ELSE CAST(x AS TIMESTAMPTZ) END"
    ),
    # Seconds east of UTC that x is shown at (0 for a naive timestamp, as Trino formats those).
    "zoned_offset": (
        "(x) AS CASE WHEN typeof(x) NOT IN ('TIMESTAMP', 'TIMESTAMP_MS', 'TIMESTAMP_S', 'TIMESTAMP_NS', 'DATE') "
        "THEN CAST(epoch(tdlocal.main.zoned_local(x)) - epoch(tdlocal.main.zoned_instant(x)) AS BIGINT) "
        "ELSE 0 END"
    ),
    "trino_to_unixtime": "(x) AS epoch(tdlocal.main.zoned_instant(x))",
    "trino_timezone_hour": "(x) AS CAST(trunc(tdlocal.main.zoned_offset(x) / 3600) AS BIGINT)",
    "trino_timezone_minute": "(x) AS CAST(trunc((tdlocal.main.zoned_offset(x) % 3600) / 60) AS BIGINT)",
    "trino_to_date": f"(x) AS CASE WHEN {_IS_ZONED} THEN CAST(tdlocal.main.zoned_local(x) AS DATE) ELSE CAST(x AS DATE) END",
    **{f"trino_{name}": _field_macro(name, intervals) for name, intervals in _FIELD_FUNCTIONS.items()},
}

FIELD_NODES: dict[type[exp.Expression], str] = {
    exp.Year: "year",
    exp.Quarter: "quarter",
    exp.Month: "month",
    exp.WeekOfYear: "weekofyear",
    exp.Day: "day",
    exp.DayOfMonth: "day",
    exp.DayOfYear: "dayofyear",
    exp.DayOfWeekIso: "isodow",
    exp.Hour: "hour",
    exp.Minute: "minute",
    exp.Second: "second",
}


def trino_zone_id(name: str) -> str:
    """Trino's zone id for a zone argument: 'UTC', '+09:00' or an IANA region id.

    Offsets of zero are UTC, as Trino's zone key 0; other offsets print as `+HH:MM`.
    Raises TrinoError INVALID_FUNCTION_ARGUMENT ("Time zone not supported: X") for an unknown name.
    """
    text = name.strip()
    if text.upper() in _UTC_NAMES:
        return "UTC"
    offset = _OFFSET.match(text)
    if offset:
        sign, hours, minutes = offset.group(1), int(offset.group(2)), int(offset.group(3) or 0)
        if hours > 14 or minutes > 59:
            raise TrinoError(f"Invalid zone offset: {name}", "INVALID_FUNCTION_ARGUMENT")
        if hours == minutes == 0:
            return "UTC"
        return f"{sign}{hours:02d}:{minutes:02d}"
    if "/" in text or text.isalpha():
        try:
            return ZoneInfo(text).key
        except (ZoneInfoNotFoundError, ValueError):
            pass
    raise TrinoError(f"Time zone not supported: {name}", "INVALID_FUNCTION_ARGUMENT")


def session_zone_id(context: TranslationContext) -> str:
    """The session zone as a Trino zone id (UTC when unset or unusable)."""
    try:
        return trino_zone_id(context.time_zone or "UTC")
    except TrinoError:
        return "UTC"


def _in_zone(instant: exp.Expression, zone: exp.Expression, context: TranslationContext) -> exp.Expression:
    """The zoned value of a TIMESTAMPTZ instant in `zone`: plain when it is the session zone."""
    if isinstance(zone, exp.Literal) and zone.is_string:
        zone_id = trino_zone_id(zone.this)
        if zone_id == session_zone_id(context) and not zone_id.startswith(("+", "-")):
            return instant
        zone = exp.Literal.string(zone_id)
    return exp.Anonymous(this=macro("zoned"), expressions=[instant, zone])


def is_zoned_constructor(node: exp.Expression) -> bool:
    """Whether `node` is a zoned struct built by this module."""
    return isinstance(node, exp.Anonymous) and node.name == macro("zoned")


def from_unixtime_in_zone(
    time: exp.Expression,
    zone: exp.Expression | None,
    hours: exp.Expression | None,
    minutes: exp.Expression | None,
    context: TranslationContext,
) -> exp.Expression:
    """from_unixtime(t, zone) or (t, hours, minutes): the instant t, shown in that zone."""
    instant = fill("to_timestamp({t})", t=time)
    if zone is not None:
        return _in_zone(instant, zone, context)
    assert hours is not None
    zone_text = fill(
        "CASE WHEN {h} * 60 + {m} = 0 THEN 'UTC' ELSE "
        "(CASE WHEN {h} * 60 + {m} < 0 THEN '-' ELSE '+' END) "
        "|| lpad(CAST(abs({h}) AS VARCHAR), 2, '0') || ':' || lpad(CAST(abs({m}) AS VARCHAR), 2, '0') END",
        h=hours,
        m=minutes if minutes is not None else exp.Literal.number(0),
    )
    return exp.Anonymous(this=macro("zoned"), expressions=[instant, zone_text])


def at_time_zone(value: exp.Expression, zone: exp.Expression, context: TranslationContext) -> exp.Expression:
    """`x AT TIME ZONE z` / at_timezone(x, z): the same instant, shown in z."""
    if is_zoned_constructor(value):
        instant = value.expressions[0]
    else:
        instant = exp.Anonymous(this=macro("zoned_instant"), expressions=[value])
    return _in_zone(instant, zone, context)


def with_timezone(local: exp.Expression, zone: exp.Expression, context: TranslationContext) -> exp.Expression:
    """with_timezone(timestamp, z): the wall clock `timestamp` read in z."""
    if isinstance(zone, exp.Literal) and zone.is_string:
        zone = exp.Literal.string(trino_zone_id(zone.this))
    naive = exp.Cast(this=local, to=exp.DataType.build("TIMESTAMP"))
    instant = exp.Anonymous(this=macro("local_instant"), expressions=[naive, zone])
    return _in_zone(instant, zone, context)


_LITERAL = re.compile(
    r"^\s*(\d{4}-\d{1,2}-\d{1,2}(?:[ T]\d{1,2}:\d{1,2}(?::\d{1,2}(?:\.\d{1,12})?)?)?)\s*(.*?)\s*$"
)


def zoned_literal(text: str, context: TranslationContext) -> exp.Expression:
    """TIMESTAMP '2020-01-01 00:00:00 Asia/Tokyo' (or '...-0', '...+09:00', no zone = session's)."""
    match = _LITERAL.match(text)
    if match is None:
        raise TrinoError(f"Value cannot be cast to timestamp with time zone: {text}", "INVALID_CAST_ARGUMENT")
    local_text, zone_text = match.group(1), match.group(2)
    try:
        local = datetime.fromisoformat(_six_digit_fraction(local_text.replace("T", " ")))
    except ValueError:
        raise TrinoError(
            f"Value cannot be cast to timestamp with time zone: {text}", "INVALID_CAST_ARGUMENT"
        ) from None
    zone_id = trino_zone_id(zone_text) if zone_text else session_zone_id(context)
    return _constant(local, zone_id, context)


def iso8601_timestamp(value: exp.Expression, context: TranslationContext) -> exp.Expression:
    """from_iso8601_timestamp(s): in the zone of s's offset ('Z' is UTC), else the session zone."""
    if isinstance(value, exp.Literal) and value.is_string:
        try:
            parsed = datetime.fromisoformat(value.this.strip())
        except ValueError:
            raise TrinoError(f'Invalid format: "{value.this}"', "INVALID_FUNCTION_ARGUMENT") from None
        if parsed.tzinfo is None:
            return _constant(parsed, session_zone_id(context), context)
        offset = parsed.utcoffset() or timedelta(0)
        minutes = int(offset.total_seconds()) // 60
        zone_id = trino_zone_id(
            f"{'-' if minutes < 0 else '+'}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"
        )
        return _constant(parsed.replace(tzinfo=None) - offset, zone_id, context, is_utc=True)
    session = exp.Literal.string(session_zone_id(context))
    zone = fill(
        "CASE WHEN regexp_matches({s}, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$') THEN "
        "CASE WHEN regexp_extract({s}, '(Z|[+-][0-9]{2}(:?[0-9]{2})?)$', 1) IN "
        "('Z', '+00', '-00', '+00:00', '-00:00', '+0000', '-0000') THEN 'UTC' ELSE "
        # The offset's hours are the last [+-]hh of the text (the date's '-01' comes first).
        "regexp_extract({s}, '([+-][0-9]{2}):?[0-9]{0,2}$', 1) || ':' || coalesce(nullif(regexp_extract({s}, "
        "'[+-][0-9]{2}:?([0-9]{2})$', 1), ''), '00') END ELSE {session} END",
        s=value,
        session=session,
    )
    instant = exp.Cast(this=value, to=exp.DataType.build("TIMESTAMPTZ"))
    return exp.Anonymous(this=macro("zoned"), expressions=[instant, zone])


def _six_digit_fraction(text: str) -> str:
    if "." not in text:
        return text
    whole, fraction = text.split(".", 1)
    return f"{whole}.{fraction[:6].ljust(6, '0')}"


def _constant(
    moment: datetime, zone_id: str, context: TranslationContext, *, is_utc: bool = False
) -> exp.Expression:
    """A zoned constant: `moment` is the wall clock in zone_id (or UTC when is_utc)."""
    if is_utc:
        instant = moment.replace(tzinfo=UTC)
    elif zone_id.startswith(("+", "-")):
        sign = -1 if zone_id[0] == "-" else 1
        offset = timedelta(hours=int(zone_id[1:3]), minutes=int(zone_id[4:6])) * sign
        instant = (moment - offset).replace(tzinfo=UTC)
    else:
        instant = moment.replace(tzinfo=ZoneInfo(zone_id)).astimezone(UTC)
    text = instant.strftime("%Y-%m-%d %H:%M:%S.%f") + "+00"
    value = exp.Cast(this=exp.Literal.string(text), to=exp.DataType.build("TIMESTAMPTZ"))
    return _in_zone(value, exp.Literal.string(zone_id), context)


def field(node: exp.Expression, context: TranslationContext) -> exp.Expression:
    """hour(x), day(x), year(x), ...: read in x's own zone (and still on dates and intervals)."""
    name = FIELD_NODES.get(type(node))
    if name is None:
        return node
    return exp.Anonymous(this=macro(f"trino_{name}"), expressions=[node.this])


# EXTRACT(field FROM x): Trino's fields (Extract.Field in Trino's parser) and the function each
# one is (Trino docs, Date and time functions: "The extract function supports the following
# fields", each the same as the function of that name). DuckDB's own EXTRACT reads DOW as 0 for
# Sunday (Trino: day_of_week, ISO, 7) and accepts fields Trino's parser refuses (EPOCH, ISODOW,
# MILLISECOND, ...).
_EXTRACT_FIELDS: dict[str, str] = {
    "YEAR": "year",
    "QUARTER": "quarter",
    "MONTH": "month",
    "WEEK": "weekofyear",
    "DAY": "day",
    "DAY_OF_MONTH": "day",
    "DAY_OF_WEEK": "isodow",
    "DOW": "isodow",
    "DAY_OF_YEAR": "dayofyear",
    "DOY": "dayofyear",
    "HOUR": "hour",
    "MINUTE": "minute",
    "SECOND": "second",
    "TIMEZONE_HOUR": "timezone_hour",
    "TIMEZONE_MINUTE": "timezone_minute",
}
_EXTRACT_YEAR_OF_WEEK = {"YEAR_OF_WEEK", "YOW"}

# The DuckDB types (typeof() texts) each field reads, as Trino 423's ExpressionAnalyzer.visitExtract
# allows them; any other is TYPE_MISMATCH "Cannot extract HOUR from date".
_TIMESTAMPS = (
    "TIMESTAMP",
    "TIMESTAMP_MS",
    "TIMESTAMP_S",
    "TIMESTAMP_NS",
    "TIMESTAMP WITH TIME ZONE",
    ZONED_TYPE_TEXT,
)
_DAY_SECOND = ("INTERVAL",)
_YEAR_MONTH = ("INTERVAL", YEAR_TO_MONTH_TYPE_TEXT)
_TIMES = ("TIME", "TIME WITH TIME ZONE")
_EXTRACT_TYPES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("YEAR", "MONTH"), ("DATE", *_TIMESTAMPS, *_YEAR_MONTH)),
    "DAY": ("DATE", *_TIMESTAMPS, *_DAY_SECOND),
    **dict.fromkeys(
        ("QUARTER", "WEEK", "DAY_OF_MONTH", "DAY_OF_WEEK", "DOW", "DAY_OF_YEAR", "DOY"),
        ("DATE", *_TIMESTAMPS),
    ),
    **dict.fromkeys(("HOUR", "MINUTE", "SECOND"), (*_TIMESTAMPS, *_TIMES, *_DAY_SECOND)),
    **dict.fromkeys(
        ("TIMEZONE_HOUR", "TIMEZONE_MINUTE"), ("TIMESTAMP WITH TIME ZONE", ZONED_TYPE_TEXT, _TIMES[1])
    ),
}


def extract(node: exp.Extract, context: TranslationContext) -> exp.Expression:
    """EXTRACT(field FROM x) as Trino's function of that field (`DOW` is day_of_week: 7 on a
    Sunday), read in x's own zone; in strict mode a field Trino's parser lacks is its
    SYNTAX_ERROR `Invalid EXTRACT field: EPOCH` (lenient mode keeps DuckDB's)."""
    field_name = node.name.upper()
    value = node.expression
    if field_name in _EXTRACT_YEAR_OF_WEEK:
        return exp.YearOfWeek(this=value)  # as year_of_week(x) is translated
    function = _EXTRACT_FIELDS.get(field_name)
    if function is None:
        if not context.strict:
            return node
        raise TrinoError(
            f"Invalid EXTRACT field: {field_name}. Trino's fields are {', '.join(sorted(_EXTRACT_FIELDS))}, "
            "YEAR_OF_WEEK, YOW (for epoch seconds use to_unixtime(x))",
            "SYNTAX_ERROR",
        )
    if isinstance(value, exp.Literal) and value.is_string:
        # Trino types a string literal varchar(n), n its length.
        raise TrinoError(f"Cannot extract {field_name} from varchar({len(value.this)})", "TYPE_MISMATCH")
    allowed = ", ".join(f"'{name}'" for name in _EXTRACT_TYPES[field_name])
    return fill(
        f"CASE WHEN typeof({{x}}) IN ({allowed}) THEN {macro(f'trino_{function}')}({{x}}) "
        f"ELSE error('Cannot extract {field_name} from ' || {TRINO_TYPE_UDF}(typeof({{x}}))) END",
        x=value,
    )


def millisecond(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """millisecond(x) in x's own zone."""
    return exp.Anonymous(this=macro("trino_millisecond"), expressions=list(node.expressions))


def call(macro_name: str):
    """A rewrite sending a one-argument Trino function to one of this module's macros."""

    def rewrite(node: exp.Expression, context: TranslationContext) -> exp.Expression:
        arguments = list(node.expressions) if isinstance(node, exp.Anonymous) else [node.this]
        if len(arguments) != 1:
            raise TrinoError(f"Function '{node.sql()}' takes one argument", "FUNCTION_NOT_FOUND")
        return exp.Anonymous(this=macro(macro_name), expressions=arguments)

    return rewrite


def local_wall_clock(value: exp.Expression) -> exp.Expression:
    """The naive wall clock of any timestamp expression (see the zoned_local macro)."""
    return exp.Anonymous(this=macro("zoned_local"), expressions=[value])


def offset_seconds(value: exp.Expression) -> exp.Expression:
    """Seconds east of UTC that a timestamp expression is shown at."""
    return exp.Anonymous(this=macro("zoned_offset"), expressions=[value])


_OPERATORS = {exp.EQ: "=", exp.NEQ: "<>", exp.LT: "<", exp.LTE: "<=", exp.GT: ">", exp.GTE: ">="}
# Two zoned values compare by instant whatever their zones (a struct comparison would also
# compare the zone ids). Used only in statements that build zoned values: per row, the macro
# costs what a plain comparison does not (see builds_zoned_values).
COMPARISON_MACROS = {
    f"zoned_compare_{index}": (
        f"(a, b) AS CASE WHEN {_IS_ZONED.replace('x', 'a')} AND {_IS_ZONED.replace('x', 'b')} "
        f"THEN struct_extract(TRY_CAST(a AS {ZONED_TYPE}), '{INSTANT_FIELD}') {operator} "
        f"struct_extract(TRY_CAST(b AS {ZONED_TYPE}), '{INSTANT_FIELD}') ELSE a {operator} b END"
    )
    for index, operator in enumerate(_OPERATORS.values())
}
_COMPARISON_MACRO_OF = {kind: f"zoned_compare_{index}" for index, kind in enumerate(_OPERATORS)}


def builds_zoned_values(tree: exp.Expression) -> bool:
    """Whether a (Trino-parsed) statement can produce zoned values in a zone of their own."""
    for node in tree.walk():
        if isinstance(node, exp.UnixToTime) and (node.args.get("zone") or node.args.get("hours")):
            return True
        if isinstance(node, (exp.AtTimeZone, exp.FromISO8601Timestamp)):
            return True
        if isinstance(node, exp.Anonymous) and node.name.lower() in ("with_timezone", "at_timezone"):
            return True
        if isinstance(node, exp.Cast) and node.to.this == exp.DataType.Type.TIMESTAMPTZ:
            return True
    return False


def compare_in_zoned_statement(node: exp.Binary) -> exp.Expression:
    """A comparison in a statement that builds zoned values: by instant when both sides are zoned."""
    name = _COMPARISON_MACRO_OF.get(type(node))
    if name is None:
        return node
    return exp.Anonymous(this=macro(name), expressions=[node.this, node.expression])


def compare_instants(node: exp.Binary, context: TranslationContext) -> exp.Binary:
    """A comparison with a zoned constructor on either side compares instants, as Trino does."""
    for key in ("this", "expression"):
        side = node.args.get(key)
        if side is not None and is_zoned_constructor(side):
            node.set(key, side.expressions[0])
    return node


# --- arithmetic on a value in a zone of its own ---------------------------------------------------
#
# Trino computes these with Joda's ISOChronology of the value's zone (timestamptz/DateTrunc,
# DateAdd, DateDiff and TimestampWithTimeZoneOperators in trinodb/trino):
# - units up to the hour move the instant (date_add('hour', 1, x) is 3600 s later, across DST);
# - day, week, month, quarter and year move the wall clock in the value's zone, which is read
#   back in that zone keeping the value's offset where it is still valid (Joda's
#   convertLocalToUTC(local, false, original)): date_add('day', 1, ...12:00 America/New_York)
#   is 12:00 the next day whether or not DST began in between;
# - `x + interval` adds to the instant in UTC's calendar (day-to-second as milliseconds,
#   year-to-month with ISOChronology UTC's monthOfYear), whatever x's zone;
# - date_diff(unit, a, b) counts whole units in a's zone (time units: elapsed; calendar units:
#   between the two wall clocks read in a's zone);
# - to_iso8601 prints the wall clock and the zone's offset at that instant.
# The value's zone is known when the statement is translated (a zoned constructor), so the
# result is built as a zoned struct again; a zoned value read from a CTE's or subquery's column
# still reaches DuckDB's date_trunc/date_add, which refuse the struct (an error, not an answer).

MACROS.update(
    {
        # Seconds east of UTC of a Trino zone id at an instant.
        "zone_offset_at": (
            "(instant, zone) AS CAST(epoch(tdlocal.main.instant_local(instant, zone)) "
            "- epoch(timezone('UTC', instant)) AS BIGINT)"
        ),
        # The instant of wall clock `local` in `zone`, keeping `original`'s offset when it is valid
        # there (Joda's convertLocalToUTC(local, false, original)); else the zone's reading.
        "local_to_zoned_instant": (
            "(local, zone, original) AS CASE WHEN tdlocal.main.zone_offset_at(timezone('UTC', local "
            "- to_seconds(tdlocal.main.zone_offset_at(original, zone))), zone) "
            "= tdlocal.main.zone_offset_at(original, zone) "
            "THEN timezone('UTC', local - to_seconds(tdlocal.main.zone_offset_at(original, zone))) "
            "ELSE tdlocal.main.local_instant(local, zone) END"
        ),
        # An instant moved by an interval in UTC's calendar.
        "utc_shift": "(instant, step) AS timezone('UTC', timezone('UTC', instant) + step)",
        # java.time.ZoneOffset's text of an offset in seconds: Z, +09:00, -03:30, +09:18:59.
        "iso8601_offset_text": (
            "(s) AS CASE WHEN s = 0 THEN 'Z' ELSE (CASE WHEN s < 0 THEN '-' ELSE '+' END) "
            "|| lpad(CAST(abs(s) // 3600 AS VARCHAR), 2, '0') || ':' "
            "|| lpad(CAST(abs(s) % 3600 // 60 AS VARCHAR), 2, '0') "
            "|| CASE WHEN abs(s) % 60 = 0 THEN '' ELSE ':' || lpad(CAST(abs(s) % 60 AS VARCHAR), 2, '0') END END"
        ),
        # to_iso8601 of a zoned struct: timestamp(3) with time zone, so milliseconds.
        "zoned_iso8601": (
            f"(z) AS strftime(CAST(tdlocal.main.instant_local(struct_extract(z, '{INSTANT_FIELD}'), "
            f"struct_extract(z, '{ZONE_FIELD}')) AS TIMESTAMP), '%Y-%m-%dT%H:%M:%S.%g') "
            f"|| tdlocal.main.iso8601_offset_text(tdlocal.main.zone_offset_at(struct_extract(z, '{INSTANT_FIELD}'), "
            f"struct_extract(z, '{ZONE_FIELD}')))"
        ),
    }
)

# Trino's date_trunc / date_add / date_diff units for timestamps (DateTimeFunctions.getTimestampField).
_TIME_UNITS = {
    "millisecond": "to_milliseconds",
    "second": "to_seconds",
    "minute": "to_minutes",
    "hour": "to_hours",
}
_CALENDAR_UNITS = {
    "day": "to_days",
    "week": "to_weeks",
    "month": "to_months",
    "quarter": "to_months",
    "year": "to_years",
}


def _unit_name(unit: exp.Expression | None) -> str:
    name = unit.name.lower() if isinstance(unit, (exp.Var, exp.Literal, exp.Identifier)) else None
    if not name:
        raise TrinoError(
            "tdlocal needs the unit of date_trunc/date_add/date_diff to be a string literal", "NOT_SUPPORTED"
        )
    if name not in _TIME_UNITS and name not in _CALENDAR_UNITS:
        # sqlglot reads a column given as the unit as a bare word too: name what was written.
        raise TrinoError(
            f"'{name}' is not a valid Timestamp field (tdlocal reads the unit as written, e.g. 'day')",
            "INVALID_FUNCTION_ARGUMENT",
        )
    return name


def _parts(node: exp.Expression | None) -> tuple[exp.Expression, exp.Expression] | None:
    """(instant, zone id) of a zoned constructor, else None."""
    if node is None or not is_zoned_constructor(node):
        return None
    instant, zone = node.expressions
    return instant, zone


def _zoned(instant: exp.Expression, zone: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=macro("zoned"), expressions=[instant, zone.copy()])


def _truncate(unit: str, instant: exp.Expression, zone: exp.Expression) -> exp.Expression:
    local = fill(
        f"date_trunc('{unit}', CAST(tdlocal.main.instant_local({{i}}, {{z}}) AS TIMESTAMP))",
        i=instant,
        z=zone,
    )
    return _zoned(
        fill("tdlocal.main.local_to_zoned_instant({l}, {z}, {i})", l=local, z=zone, i=instant), zone
    )


def _add(unit: str, amount: exp.Expression, instant: exp.Expression, zone: exp.Expression) -> exp.Expression:
    count = (
        fill("CAST({n} AS INTEGER)", n=amount)
        if unit != "quarter"
        else fill("CAST(3 * {n} AS INTEGER)", n=amount)
    )
    if unit in _TIME_UNITS:
        step = exp.Anonymous(this=_TIME_UNITS[unit], expressions=[fill("CAST({n} AS BIGINT)", n=amount)])
        return _zoned(fill("tdlocal.main.utc_shift({i}, {s})", i=instant, s=step), zone)
    step = exp.Anonymous(this=_CALENDAR_UNITS[unit], expressions=[count])
    local = fill("CAST(tdlocal.main.instant_local({i}, {z}) AS TIMESTAMP) + {s}", i=instant, z=zone, s=step)
    return _zoned(
        fill("tdlocal.main.local_to_zoned_instant({l}, {z}, {i})", l=local, z=zone, i=instant), zone
    )


def _difference(
    unit: str, start: exp.Expression, end: exp.Expression, context: TranslationContext
) -> exp.Expression:
    start_parts = _parts(start)
    zone = start_parts[1] if start_parts else exp.Literal.string(session_zone_id(context))
    start_instant = (
        start_parts[0] if start_parts else exp.Anonymous(this=macro("zoned_instant"), expressions=[start])
    )
    end_parts = _parts(end)
    end_instant = end_parts[0] if end_parts else exp.Anonymous(this=macro("zoned_instant"), expressions=[end])
    if unit in _TIME_UNITS:
        template = "datesub({u}, timezone('UTC', {a}), timezone('UTC', {b}))"
    else:
        template = (
            "datesub({u}, CAST(tdlocal.main.instant_local({a}, {z}) AS TIMESTAMP), "
            "CAST(tdlocal.main.instant_local({b}, {z}) AS TIMESTAMP))"
        )
    return fill(template, u=exp.Literal.string(unit), a=start_instant, b=end_instant, z=zone)


def arithmetic(node: exp.Expression, context: TranslationContext) -> exp.Expression | None:
    """date_trunc, date_add, `+`/`-` interval, date_diff and to_iso8601 of a value in a zone of its
    own, computed in that zone as Trino does (see above); None when `node` is none of these."""
    if isinstance(node, (exp.TimestampTrunc, exp.DateTrunc)):
        parts = _parts(node.this)
        return _truncate(_unit_name(node.args.get("unit")), *parts) if parts else None
    if isinstance(node, exp.DateAdd):
        parts = _parts(node.this)
        return _add(_unit_name(node.args.get("unit")), node.expression, *parts) if parts else None
    if isinstance(node, exp.DateDiff):
        if _parts(node.this) is None and _parts(node.expression) is None:
            return None
        # sqlglot keeps Trino's date_diff(unit, a, b) as this=b, expression=a.
        return _difference(_unit_name(node.args.get("unit")), node.expression, node.this, context)
    if isinstance(node, (exp.Add, exp.Sub)):
        return _interval_arithmetic(node)
    if (
        isinstance(node, exp.Anonymous)
        and str(node.this).lower() == "to_iso8601"
        and len(node.expressions) == 1
    ):
        parts = _parts(node.expressions[0])
        if parts is None:
            return None
        return exp.Anonymous(this=macro("zoned_iso8601"), expressions=[node.expressions[0]])
    return None


def _interval_arithmetic(node: exp.Add | exp.Sub) -> exp.Expression | None:
    left, right = node.this, node.expression
    left_parts, right_parts = _parts(left), _parts(right)
    if isinstance(node, exp.Sub) and (left_parts or right_parts) and not isinstance(right, exp.Interval):
        # zoned - timestamp: the interval day to second between the instants.
        return fill(
            "tdlocal.main.zoned_instant({a}) - tdlocal.main.zoned_instant({b})",
            a=left_parts[0] if left_parts else left,
            b=right_parts[0] if right_parts else right,
        )
    if left_parts and isinstance(right, exp.Interval):
        step: exp.Expression = right if isinstance(node, exp.Add) else exp.Neg(this=right)
        return _zoned(fill("tdlocal.main.utc_shift({i}, {s})", i=left_parts[0], s=step), left_parts[1])
    if right_parts and isinstance(left, exp.Interval) and isinstance(node, exp.Add):
        return _zoned(fill("tdlocal.main.utc_shift({i}, {s})", i=right_parts[0], s=left), right_parts[1])
    return None
