"""TD_DATE_TRUNC and TD_TIME_ADD."""

from __future__ import annotations

import re

from tdtime.calendar import Unit, trunc
from tdtime.errors import DurationError, UnitError
from tdtime.inferred import TIME_ADD_DAY_SECONDS
from tdtime.parsing import td_time_parse
from tdtime.zones import resolve_zone

_TRUNC_UNITS = {
    "minute": Unit.MINUTE,
    "hour": Unit.HOUR,
    "day": Unit.DAY,
    "week": Unit.WEEK,
    "month": Unit.MONTH,
    "quarter": Unit.QUARTER,
    "year": Unit.YEAR,
}
_ADD_UNIT_SECONDS = {
    "w": 7 * TIME_ADD_DAY_SECONDS,
    "d": TIME_ADD_DAY_SECONDS,
    "h": 3600,
    "m": 60,
    "s": 1,
}
_DURATION = re.compile(r"(?P<sign>-)?(?P<parts>(?:\d+[wdhms])+)", re.ASCII)
_DURATION_PART = re.compile(r"(\d+)([wdhms])", re.ASCII)


def td_date_trunc(unit: str, time: int | None, tz: str = "UTC") -> int | None:
    """TD_DATE_TRUNC(unit, time, tz): Unix seconds of the start of the local unit (weeks: Monday)."""
    zone = resolve_zone(tz)
    key = unit.lower() if isinstance(unit, str) else unit
    if key not in _TRUNC_UNITS:
        raise UnitError(f"unknown TD_DATE_TRUNC unit {unit!r}: use one of {', '.join(_TRUNC_UNITS)}")
    if time is None:
        return None
    return trunc(int(time // 1), _TRUNC_UNITS[key], zone)


def duration_seconds(duration: str) -> int:
    """Seconds in a TD_TIME_ADD duration such as '1d12h30m' or '-2d3h' (the sign covers all)."""
    match = _DURATION.fullmatch(duration) if isinstance(duration, str) else None
    if match is None:
        raise DurationError(_duration_message(duration))
    parts = _DURATION_PART.findall(match["parts"])
    units = [unit for _, unit in parts]
    if len(set(units)) != len(units):
        raise DurationError(f"TD_TIME_ADD duration {duration!r} repeats a unit: write each of w d h m s once")
    total = sum(int(count) * _ADD_UNIT_SECONDS[unit] for count, unit in parts)
    return -total if match["sign"] else total


def td_time_add(time: int | str | None, duration: str, tz: str = "UTC") -> int | None:
    """TD_TIME_ADD(time, duration, tz): `time` as Unix seconds or a string read in `tz`."""
    resolve_zone(tz)
    seconds = duration_seconds(duration)
    if isinstance(time, str):
        time = td_time_parse(time, tz)
    if time is None:
        return None
    return int(time // 1) + seconds


def _duration_message(duration: object) -> str:
    message = f"invalid TD_TIME_ADD duration {duration!r}: "
    if isinstance(duration, str) and re.search(r"\d+[My]", duration):
        return message + "months and years are not accepted; use w, d, h, m, s (e.g. '30d')"
    return message + "write a signed combination of w, d, h, m, s such as '1d12h30m' or '-2d3h'"
