"""TD timezone arguments as DuckDB SQL: local wall-clock time and back, per row, without Python.

tdtime.resolve_zone decides what a zone name means (IANA names, TD's fixed-offset abbreviations
such as JST = +09:00 and PDT = -07:00, numeric offsets). DuckDB's ICU must never see an
abbreviation: it reads 'PST' as America/Los_Angeles, with DST, where TD means a fixed -08:00.
So fixed offsets (UTC included) become plain arithmetic on Unix seconds, and only IANA names go
to ICU's timezone().
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import tzinfo
from zoneinfo import ZoneInfo

from sqlglot import exp

import tdtime
from tdlocal.errors import TrinoError
from tdtime.zones import is_fixed_offset


@dataclass(frozen=True)
class SqlZone:
    """A TD zone as SQL sees it: a fixed offset in seconds, or an IANA name for ICU."""

    name: str
    fixed_offset: int | None = None
    iana_name: str | None = None


def sql_zone(name: str) -> SqlZone:
    """The SqlZone for a TD zone argument; INVALID_FUNCTION_ARGUMENT (tdtime's message) if unknown."""
    zone = resolve(name)
    offset = _constant_offset(zone)
    if offset is not None:
        return SqlZone(name, fixed_offset=offset)
    return SqlZone(name, iana_name=zone.key)  # type: ignore[attr-defined]


def resolve(name: str) -> tzinfo:
    """tdtime's tzinfo for `name`, with its error as a Trino INVALID_FUNCTION_ARGUMENT."""
    try:
        return tdtime.resolve_zone(name)
    except ValueError as error:
        raise TrinoError(str(error), "INVALID_FUNCTION_ARGUMENT") from None


def _constant_offset(zone: tzinfo) -> int | None:
    if is_fixed_offset(zone):
        delta = zone.utcoffset(None)
        return int(delta.total_seconds()) if delta is not None else 0
    if isinstance(zone, ZoneInfo) and zone.key in ("UTC", "GMT", "Etc/UTC", "Etc/GMT"):
        return 0
    return None


def local_timestamp(time: exp.Expression, zone: SqlZone) -> exp.Expression:
    """The naive TIMESTAMP showing the local wall clock, in `zone`, at Unix seconds `time`."""
    if zone.fixed_offset is not None:
        seconds: exp.Expression = exp.Cast(this=time, to=exp.DataType.build("BIGINT"))
        if zone.fixed_offset:
            seconds = exp.Add(this=seconds, expression=_number(zone.fixed_offset))
        micros = exp.Mul(this=exp.Paren(this=seconds), expression=_number(1_000_000))
        return exp.Anonymous(this="make_timestamp", expressions=[micros])
    return exp.Anonymous(
        this="timezone",
        expressions=[
            exp.Literal.string(zone.iana_name),
            exp.Anonymous(this="to_timestamp", expressions=[time]),
        ],
    )


def local_instant(local: exp.Expression, zone: SqlZone) -> exp.Expression:
    """Unix seconds (BIGINT) of a naive local wall-clock TIMESTAMP in `zone`."""
    if zone.fixed_offset is not None:
        seconds = exp.Anonymous(this="epoch", expressions=[local])
        if zone.fixed_offset:
            seconds = exp.Sub(this=seconds, expression=_number(zone.fixed_offset))
        return exp.Cast(this=seconds, to=exp.DataType.build("BIGINT"))
    aware = exp.Anonymous(this="timezone", expressions=[exp.Literal.string(zone.iana_name), local])
    return exp.Cast(this=exp.Anonymous(this="epoch", expressions=[aware]), to=exp.DataType.build("BIGINT"))


def utc_offset_seconds(time: exp.Expression, zone: SqlZone) -> exp.Expression:
    """The zone's UTC offset in seconds at Unix seconds `time` (constant for fixed zones)."""
    if zone.fixed_offset is not None:
        return _number(zone.fixed_offset)
    local = exp.Anonymous(this="epoch", expressions=[local_timestamp(time, zone)])
    return exp.Cast(
        this=exp.Sub(this=local, expression=exp.Paren(this=time)), to=exp.DataType.build("BIGINT")
    )


def duckdb_session_time_zone(name: str | None) -> str:
    """A DuckDB TimeZone setting for a Trino session zone (X-Trino-Time-Zone); UTC when unusable."""
    if not name:
        return "UTC"
    try:
        zone = tdtime.resolve_zone(name)
    except ValueError:
        return "UTC"
    offset = _constant_offset(zone)
    if offset is None:
        return zone.key  # type: ignore[attr-defined]
    if offset % 3600 == 0:
        hours = offset // 3600
        # POSIX-style Etc names have the sign inverted: Etc/GMT-9 is UTC+09:00.
        return "UTC" if hours == 0 else f"Etc/GMT{'-' if hours > 0 else '+'}{abs(hours)}"
    return "UTC"


def _number(value: int) -> exp.Expression:
    literal = exp.Literal.number(abs(value))
    return exp.Neg(this=literal) if value < 0 else literal
