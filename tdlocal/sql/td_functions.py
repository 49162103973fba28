"""TD's functions as DuckDB SQL, with tdtime as the single source of their semantics.

With literal arguments (the common case) everything tdtime decides is decided here, at
translation time: TD_INTERVAL and TD_TIME_RANGE become `(time >= <start> AND time < <end>)` with
integer literals, so DuckDB prunes its scan exactly as for a hand-written range, and bad
arguments fail before any SQL runs, with tdtime's message. Per-row functions (TD_TIME_FORMAT,
TD_TIME_STRING, TD_DATE_TRUNC, ...) become SQL expressions over the local wall-clock timestamp
(see zones.py). Only non-literal formats, zones or intervals fall back to the Python UDFs in
td_udfs.py. TD_SESSIONIZE_WINDOW is a window rewrite of its own (sessionize.py).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import lru_cache

from sqlglot import exp

import tdtime
from tdlocal.errors import TrinoError
from tdlocal.sql import json_url, td_geoip, td_udfs, td_user_agents
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.date_patterns import simple_date_format_sql
from tdlocal.sql.templates import fill
from tdlocal.sql.tree_walk import rewrite_bottom_up
from tdlocal.sql.zones import SqlZone, local_instant, local_timestamp, sql_zone, utc_offset_seconds

DEFAULT_ZONE = "UTC"
_MISSING = object()
# TD_TIME_STRING codes: the DuckDB date_trunc unit and the strftime pattern of the `!` form.
# tdtime decides what each code means; this only says how DuckDB spells the same thing.
_TIME_STRING_UNITS = {
    "y": ("year", "%Y"),
    "q": ("quarter", None),
    "M": ("month", "%Y-%m"),
    "w": ("week", "%Y-%m-%d"),
    "d": ("day", "%Y-%m-%d"),
    "h": ("hour", "%Y-%m-%d %H"),
    "m": ("minute", "%Y-%m-%d %H:%M"),
    "s": ("second", "%Y-%m-%d %H:%M:%S"),
}
_SUB_DAY_UNITS = {"second", "minute", "hour"}
# Rewritten elsewhere (sessionize.py): window functions need the whole SELECT.
_WINDOW_FUNCTIONS = {"TD_SESSIONIZE_WINDOW"}
_INT64_MIN, _INT64_MAX = -(2**63), 2**63 - 1


@dataclass(frozen=True)
class _Signature:
    name: str
    arguments: str  # as Trino would list it in an error
    minimum: int
    maximum: int


_SIGNATURES = {
    "TD_INTERVAL": _Signature("td_interval", "(bigint, varchar [, varchar])", 2, 3),
    "TD_TIME_RANGE": _Signature(
        "td_time_range", "(bigint, bigint|varchar [, bigint|varchar [, varchar]])", 2, 4
    ),
    "TD_TIME_STRING": _Signature("td_time_string", "(bigint, varchar [, varchar])", 2, 3),
    "TD_TIME_FORMAT": _Signature("td_time_format", "(bigint, varchar [, varchar])", 2, 3),
    "TD_TIME_PARSE": _Signature("td_time_parse", "(varchar [, varchar])", 1, 2),
    "TD_DATE_TRUNC": _Signature("td_date_trunc", "(varchar, bigint [, varchar])", 2, 3),
    "TD_TIME_ADD": _Signature("td_time_add", "(bigint|varchar, varchar [, varchar])", 2, 3),
    "TD_SCHEDULED_TIME": _Signature("td_scheduled_time", "()", 0, 0),
    "TD_INTERVAL_RANGE": _Signature("td_interval_range", "(varchar [, varchar])", 1, 2),
    "TD_MD5": _Signature("td_md5", "(varchar)", 1, 1),
    "TD_URL_DECODE": _Signature("td_url_decode", "(varchar)", 1, 1),
    "TD_PARSE_AGENT": _Signature("td_parse_agent", "(varchar)", 1, 1),
    "TD_PARSE_USER_AGENT": _Signature("td_parse_user_agent", "(varchar [, varchar])", 1, 2),
    **{name: _Signature(name.lower(), "(varchar)", 1, 1) for name in td_geoip.FUNCTION_NAMES},
}


def rewrite(tree: exp.Expression, context: TranslationContext) -> exp.Expression:
    """Replace every TD function call in `tree` with DuckDB SQL; returns the (new) tree."""

    def replace(node: exp.Expression) -> exp.Expression:
        name = td_function_name(node)
        if name is None or name in _WINDOW_FUNCTIONS:
            return node
        if name == "TD_SESSIONIZE":
            # Hive's deprecated grouping form; TD's Trino has only the window function.
            raise TrinoError(
                "Function 'td_sessionize' not registered: TD_SESSIONIZE is deprecated and TD's Trino "
                "does not have it; use TD_SESSIONIZE_WINDOW(time, timeout) OVER (PARTITION BY <key> "
                "ORDER BY time)",
                "FUNCTION_NOT_FOUND",
            )
        if name not in _REWRITERS:
            raise TrinoError(
                f"Function '{name.lower()}' not registered: tdlocal implements "
                f"{', '.join(sorted([*_REWRITERS, *_WINDOW_FUNCTIONS]))}",
                "FUNCTION_NOT_FOUND",
            )
        arguments = list(node.expressions)
        _check_arity(name, arguments)
        return _REWRITERS[name](arguments, context)

    return rewrite_bottom_up(tree, replace)


def td_function_name(node: exp.Expression) -> str | None:
    """The upper-case name of a TD_* function call, or None (TD function names ignore case)."""
    if isinstance(node, exp.Anonymous) and isinstance(node.this, str) and node.this.upper().startswith("TD_"):
        return node.this.upper()
    return None


def _check_arity(name: str, arguments: list[exp.Expression]) -> None:
    signature = _SIGNATURES[name]
    if not signature.minimum <= len(arguments) <= signature.maximum:
        raise TrinoError(
            f"Unexpected parameters ({len(arguments)} arguments) for function {signature.name}. "
            f"Expected: {signature.name}{signature.arguments}",
            "FUNCTION_NOT_FOUND",
        )


# --- literals -------------------------------------------------------------------------------------


def literal_value(node: exp.Expression) -> object:
    """The Python value of a literal argument (str, int, float or None), or _MISSING."""
    if isinstance(node, exp.Null):
        return None
    if isinstance(node, exp.Literal):
        if node.is_string:
            return node.this
        text = node.this
        try:
            return int(text)
        except ValueError:
            return float(text)
    if isinstance(node, exp.Neg):
        inner = literal_value(node.this)
        if isinstance(inner, (int, float)) and not isinstance(inner, bool):
            return -inner
    if isinstance(node, exp.Paren):
        return literal_value(node.this)
    return _MISSING


def _is_literal(node: exp.Expression | None) -> bool:
    return node is None or literal_value(node) is not _MISSING


def _zone_text(node: exp.Expression | None) -> str | object:
    """The zone argument's literal value (default UTC), or _MISSING when it is not a literal."""
    return DEFAULT_ZONE if node is None else literal_value(node)


def _tdtime(call: Callable[[], object]) -> object:
    """Run a tdtime computation; its ValueError becomes INVALID_FUNCTION_ARGUMENT, message intact."""
    try:
        return call()
    except ValueError as error:
        raise TrinoError(str(error), "INVALID_FUNCTION_ARGUMENT") from None


def _literal(value: object) -> exp.Expression:
    if value is None:
        return exp.Null()
    if isinstance(value, bool):
        return exp.Boolean(this=value)
    if isinstance(value, int):
        return exp.Literal.number(value) if value >= 0 else exp.Neg(this=exp.Literal.number(-value))
    if isinstance(value, str):
        return exp.Literal.string(value)
    raise TypeError(f"no SQL literal for {value!r}")


def _bigint(value: int) -> exp.Expression:
    return exp.Cast(this=_literal(value), to=exp.DataType.build("BIGINT"))


def _zone_argument(node: exp.Expression | None) -> exp.Expression:
    return exp.Literal.string(DEFAULT_ZONE) if node is None else node


def _varchar(node: exp.Expression) -> exp.Expression:
    return exp.Cast(this=node, to=exp.DataType.build("VARCHAR"))


def _optional(arguments: list[exp.Expression], index: int) -> exp.Expression | None:
    return arguments[index] if len(arguments) > index else None


def _range_predicate(time: exp.Expression, start: int | None, end: int | None) -> exp.Expression:
    """`(time >= start AND time < end)` with open bounds left out; NULL time stays NULL."""
    conditions: list[exp.Expression] = []
    if start is not None:
        conditions.append(exp.GTE(this=time.copy(), expression=_literal(start)))
    if end is not None:
        conditions.append(exp.LT(this=time.copy(), expression=_literal(end)))
    if not conditions:
        return fill("({t} IS NOT NULL OR NULL)", t=time)
    return exp.Paren(this=exp.and_(*conditions))


# --- TD_INTERVAL, TD_TIME_RANGE, TD_INTERVAL_RANGE, TD_SCHEDULED_TIME ---------------------------


def _td_interval(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    time, interval, zone = arguments[0], arguments[1], _optional(arguments, 2)
    if _is_literal(interval) and _is_literal(zone):
        interval_text, zone_text = literal_value(interval), _zone_text(zone)
        start, end = _tdtime(lambda: tdtime.td_interval_bounds(interval_text, context.now, zone_text))
        return _range_predicate(time, start, end)
    bounds = [interval, _zone_argument(zone), _bigint(context.now)]
    return fill(
        f"({{t}} >= {td_udfs.INTERVAL_START}({{i}}, {{z}}, {{n}}) AND {{t}} < {td_udfs.INTERVAL_END}({{i}}, {{z}}, {{n}}))",
        t=time,
        i=bounds[0],
        z=bounds[1],
        n=bounds[2],
    )


def _td_time_range(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    time, start, end, zone = arguments[0], arguments[1], _optional(arguments, 2), _optional(arguments, 3)
    if all(_is_literal(node) for node in (start, end, zone)):
        low, high = _tdtime(
            lambda: tdtime.time_range_bounds(
                literal_value(start), None if end is None else literal_value(end), _zone_text(zone)
            )
        )
        return _range_predicate(time, low, high)
    zone_node = _zone_argument(zone)
    end_node = exp.Null() if end is None else end
    return fill(
        f"({{t}} >= COALESCE({td_udfs.TIME_RANGE_BOUND}({{s}}, {{z}}), {_INT64_MIN}) "
        f"AND {{t}} < COALESCE({td_udfs.TIME_RANGE_BOUND}({{e}}, {{z}}), {_INT64_MAX}))",
        t=time,
        s=_varchar(start),
        e=_varchar(end_node),
        z=zone_node,
    )


def _td_interval_range(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    interval, zone = arguments[0], _optional(arguments, 1)
    if _is_literal(interval) and _is_literal(zone):
        start, end = _tdtime(
            lambda: tdtime.td_interval_range(literal_value(interval), _zone_text(zone), now=context.now)
        )
        return fill(f"CAST([{start}, {end}] AS BIGINT[])")
    return fill(
        f"{td_udfs.INTERVAL_RANGE}({{i}}, {{z}}, {{n}})",
        i=interval,
        z=_zone_argument(zone),
        n=_bigint(context.now),
    )


def _td_scheduled_time(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    return _bigint(context.now)


# --- per-row functions ------------------------------------------------------------------------


def _td_time_string(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    time, code, zone = arguments[0], arguments[1], _optional(arguments, 2)
    if not (_is_literal(code) and _is_literal(zone)):
        return fill(f"{td_udfs.TIME_STRING}({{t}}, {{c}}, {{z}})", t=time, c=code, z=_zone_argument(zone))
    code_text, zone_text = literal_value(code), _zone_text(zone)
    _tdtime(lambda: tdtime.td_time_string(0, code_text, zone_text))  # validates code and zone
    if _is_literal(time):
        return _literal(_tdtime(lambda: tdtime.td_time_string(_time_value(time), code_text, zone_text)))
    cut = code_text.endswith("!")
    unit, cut_pattern = _TIME_STRING_UNITS[code_text.rstrip("!")]
    zone_sql = sql_zone(zone_text)
    local = local_timestamp(time, zone_sql)
    truncated = fill(f"date_trunc('{unit}', {{l}})", l=local)
    if cut:
        if cut_pattern is None:  # q!: the quarter's first month, in tdtime's spelling
            cut_pattern = _quarter_cut_pattern()
        return fill(f"strftime({{l}}, '{cut_pattern}')", l=truncated)
    text = fill("strftime({l}, '%Y-%m-%d %H:%M:%S')", l=truncated)
    if unit in _SUB_DAY_UNITS:
        offset = utc_offset_seconds(time, zone_sql)
    else:
        offset = _offset_of_local(truncated, zone_sql)
    return exp.DPipe(this=text, expression=_rfc822_offset(offset, zone_sql), safe=True)


@lru_cache(maxsize=1)
def _quarter_cut_pattern() -> str:
    # tdtime renders 'q!' for a time in November 2019 (quarter starting October); mirror its shape.
    sample = tdtime.td_time_string(1572566400, "q!", "UTC")  # 2019-11-01 00:00:00 UTC
    if sample == "2019-10":
        return "%Y-%m"
    if sample == "2019":
        return "%Y"
    raise TrinoError(
        f"tdlocal does not know how to render TD_TIME_STRING 'q!' as {sample!r}", "NOT_SUPPORTED"
    )


def _offset_of_local(local: exp.Expression, zone: SqlZone) -> exp.Expression:
    """The UTC offset in seconds at the instant a naive local time denotes in `zone`."""
    if zone.fixed_offset is not None:
        return _literal(zone.fixed_offset)
    return fill("(CAST(epoch({l}) AS BIGINT) - {instant})", l=local, instant=local_instant(local, zone))


def _rfc822_offset(offset: exp.Expression, zone: SqlZone) -> exp.Expression:
    """+0900 / -0730 text of an offset in seconds."""
    if zone.fixed_offset is not None:
        return exp.Literal.string(_offset_text(zone.fixed_offset))
    return fill(
        "printf('%s%02d%02d', CASE WHEN {o} < 0 THEN '-' ELSE '+' END, abs({o}) // 3600, abs({o}) % 3600 // 60)",
        o=offset,
    )


def _offset_text(seconds: int) -> str:
    sign = "-" if seconds < 0 else "+"
    minutes = abs(seconds) // 60
    return f"{sign}{minutes // 60:02d}{minutes % 60:02d}"


def _td_time_format(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    time, pattern, zone = arguments[0], arguments[1], _optional(arguments, 2)
    if not (_is_literal(pattern) and _is_literal(zone)):
        return fill(f"{td_udfs.TIME_FORMAT}({{t}}, {{p}}, {{z}})", t=time, p=pattern, z=_zone_argument(zone))
    pattern_text, zone_text = literal_value(pattern), _zone_text(zone)
    _tdtime(lambda: tdtime.td_time_format(0, pattern_text, zone_text))  # validates pattern and zone
    if _is_literal(time):
        return _literal(_tdtime(lambda: tdtime.td_time_format(_time_value(time), pattern_text, zone_text)))
    zone_sql = sql_zone(zone_text)
    local = local_timestamp(time, zone_sql)

    def zone_field(letter: str, count: int) -> exp.Expression | str:
        return _zone_field_sql(letter * count, time, zone_text, zone_sql)

    return simple_date_format_sql(pattern_text, local, zone_field)


def _zone_field_sql(field: str, time: exp.Expression, zone_text: str, zone: SqlZone) -> exp.Expression | str:
    """A zone letter (z, zzzz, Z) as tdtime renders it: fixed text, or a CASE on the UTC offset."""
    if zone.fixed_offset is not None:
        return _tdtime(lambda: tdtime.td_time_format(0, field, zone_text))
    renderings = _zone_renderings(field, zone_text)
    if renderings is None:  # one offset, several names: let tdtime decide per row
        return fill(
            f"{td_udfs.TIME_FORMAT}({{t}}, {{p}}, {{z}})", t=time, p=_literal(field), z=_literal(zone_text)
        )
    offset = utc_offset_seconds(time, zone)
    cases = " ".join(f"WHEN {{o}} = {seconds} THEN '{text}'" for seconds, text in sorted(renderings.items()))
    fallback = f"{td_udfs.TIME_FORMAT}({{t}}, '{field}', '{zone_text}')"
    return fill(f"CASE {cases} ELSE {fallback} END", o=offset, t=time)


@lru_cache(maxsize=128)
def _zone_renderings(field: str, zone_text: str) -> dict[int, str] | None:
    """tdtime's text for `field` at each UTC offset the zone uses (1970-2100), if one per offset."""
    zone = tdtime.resolve_zone(zone_text)
    renderings: dict[int, str] = {}
    for year in range(1970, 2101):
        for month in (1, 4, 7, 10):
            moment = datetime(year, month, 15, 12, tzinfo=UTC)
            seconds = int(moment.timestamp())
            offset = int(moment.astimezone(zone).utcoffset().total_seconds())
            try:
                text = tdtime.td_time_format(seconds, field, zone_text)
            except ValueError:
                return None
            if renderings.setdefault(offset, text) != text or "'" in text:
                return None
    return renderings


def _td_time_parse(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    text, zone = arguments[0], _optional(arguments, 1)
    if not _is_literal(zone):
        return fill(f"{td_udfs.TIME_PARSE}({{s}}, {{z}})", s=text, z=zone)
    zone_text = _zone_text(zone)
    _tdtime(lambda: tdtime.td_time_parse(None, zone_text))  # validates the zone
    if _is_literal(text):
        value = literal_value(text)
        return _bigint(
            _tdtime(lambda: tdtime.td_time_parse(None if value is None else str(value), zone_text))
        )
    return _parse_time_sql(text, zone_text)


# Text without a zone (the common case) is read in SQL; text carrying a zone goes to tdtime.
_PLAIN_TIME_TEXT = r"^\d{4}-\d{2}-\d{2}( \d{2}:\d{2}:\d{2}(\.\d{1,9})?)?$"


def _parse_time_sql(text: exp.Expression, zone_text: str) -> exp.Expression:
    zone = sql_zone(zone_text)
    trimmed = fill("trim(CAST({s} AS VARCHAR))", s=text)
    wall = fill("TRY_CAST(substr({s}, 1, 19) AS TIMESTAMP)", s=trimmed)
    return fill(
        f"CASE WHEN regexp_full_match({{s}}, '{_PLAIN_TIME_TEXT}') THEN {{instant}} "
        f"ELSE {td_udfs.TIME_PARSE}({{s}}, {{z}}) END",
        s=trimmed,
        instant=local_instant(wall, zone),
        z=_literal(zone_text),
    )


def _td_date_trunc(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    unit, time, zone = arguments[0], arguments[1], _optional(arguments, 2)
    if not (_is_literal(unit) and _is_literal(zone)):
        return fill(f"{td_udfs.DATE_TRUNC}({{u}}, {{t}}, {{z}})", u=unit, t=time, z=_zone_argument(zone))
    unit_text, zone_text = literal_value(unit), _zone_text(zone)
    _tdtime(lambda: tdtime.td_date_trunc(unit_text, 0, zone_text))  # validates unit and zone
    if _is_literal(time):
        return _bigint(_tdtime(lambda: tdtime.td_date_trunc(unit_text, _time_value(time), zone_text)))
    zone_sql = sql_zone(zone_text)
    local = local_timestamp(time, zone_sql)
    unit_name = unit_text.lower()
    if unit_name in _SUB_DAY_UNITS:
        # Elapsed seconds within the local minute/hour, so :30 zones and DST repeats stay exact.
        return fill(
            f"(CAST({{t}} AS BIGINT) - CAST(epoch({{l}}) - epoch(date_trunc('{unit_name}', {{l}})) AS BIGINT))",
            t=time,
            l=local,
        )
    return local_instant(fill(f"date_trunc('{unit_name}', {{l}})", l=local), zone_sql)


def _td_time_add(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    time, duration, zone = arguments[0], arguments[1], _optional(arguments, 2)
    if not (_is_literal(duration) and _is_literal(zone)):
        return fill(
            f"{td_udfs.TIME_ADD}(CAST({{t}} AS VARCHAR), {{d}}, {{z}})",
            t=time,
            d=duration,
            z=_zone_argument(zone),
        )
    duration_text, zone_text = literal_value(duration), _zone_text(zone)
    seconds = _tdtime(lambda: tdtime.td_time_add(0, duration_text, zone_text))
    if _is_literal(time):
        value = literal_value(time)
        return _bigint(_tdtime(lambda: tdtime.td_time_add(value, duration_text, zone_text)))
    # `time` may be Unix seconds or a time string read in the zone, as TD allows.
    seconds_of_time = fill(
        "COALESCE(TRY_CAST({t} AS BIGINT), {parsed})", t=time, parsed=_parse_time_sql(time, zone_text)
    )
    return fill(f"({{t}} + {seconds})", t=seconds_of_time)


def _time_value(node: exp.Expression) -> int | None:
    value = literal_value(node)
    if value is None:
        return None
    if isinstance(value, str):
        raise TrinoError(
            f"expected Unix seconds (a bigint), got the string {value!r}", "INVALID_FUNCTION_ARGUMENT"
        )
    return int(value // 1)


_REWRITERS: dict[str, Callable[[list[exp.Expression], TranslationContext], exp.Expression]] = {
    "TD_INTERVAL": _td_interval,
    "TD_TIME_RANGE": _td_time_range,
    "TD_INTERVAL_RANGE": _td_interval_range,
    "TD_SCHEDULED_TIME": _td_scheduled_time,
    "TD_TIME_STRING": _td_time_string,
    "TD_TIME_FORMAT": _td_time_format,
    "TD_TIME_PARSE": _td_time_parse,
    "TD_DATE_TRUNC": _td_date_trunc,
    "TD_TIME_ADD": _td_time_add,
    "TD_MD5": json_url.td_md5,
    "TD_URL_DECODE": json_url.td_url_decode,
    "TD_PARSE_AGENT": td_user_agents.td_parse_agent,
    "TD_PARSE_USER_AGENT": td_user_agents.td_parse_user_agent,
    **{name: td_geoip.rewriter(name) for name in td_geoip.FUNCTION_NAMES},
}
