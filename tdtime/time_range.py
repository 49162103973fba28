"""TD_TIME_RANGE: `start <= time < end` with bounds given as Unix seconds or time strings."""

from __future__ import annotations

from tdtime.parsing import parse_time
from tdtime.zones import resolve_zone

Bound = int | float | str | None


def time_range_bounds(start: Bound, end: Bound = None, tz: str = "UTC") -> tuple[int | None, int | None]:
    """The bounds TD_TIME_RANGE compares with, in Unix seconds; None means unbounded."""
    resolve_zone(tz)
    return _bound(start, tz, "start"), _bound(end, tz, "end")


def td_time_range(time: int | None, start: Bound, end: Bound = None, tz: str = "UTC") -> bool | None:
    """TD_TIME_RANGE(time, start, end, tz). The third argument is always `end`."""
    low, high = time_range_bounds(start, end, tz)
    if time is None:
        return None
    return (low is None or low <= time) and (high is None or time < high)


def _bound(value: Bound, tz: str, which: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValueError(f"TD_TIME_RANGE {which} must be Unix seconds or a time string, got {value!r}")
    if isinstance(value, (int, float)):
        return int(value // 1)
    try:
        return parse_time(value, tz)
    except ValueError as error:
        hint = ""
        try:
            resolve_zone(value)
            hint = (
                f" ({value!r} is a timezone: the third argument is always the end; "
                f"write TD_TIME_RANGE(time, start, NULL, {value!r}))"
            )
        except ValueError:
            pass
        raise type(error)(f"TD_TIME_RANGE {which}: {error}{hint}") from None
