"""Calendar arithmetic on Unix seconds in a timezone: the units TD's functions share.

Seconds, minutes and hours are elapsed time; days and longer are calendar steps on the local
wall clock, so a day in a DST zone may last 23 or 25 hours, as TD's local-day ranges do.
"""

from __future__ import annotations

import calendar as _gregorian
import enum
from datetime import date, datetime, time, timedelta, tzinfo

from tdtime.errors import TimeOutOfRangeError


class Unit(enum.Enum):
    """A TD_INTERVAL unit, by its one-letter code (`m` is minutes, `M` is months)."""

    SECOND = "s"
    MINUTE = "m"
    HOUR = "h"
    DAY = "d"
    WEEK = "w"
    MONTH = "M"
    QUARTER = "q"
    YEAR = "y"

    @property
    def is_elapsed_time(self) -> bool:
        return self in _ELAPSED_SECONDS

    @property
    def seconds(self) -> int:
        """Length of an elapsed-time unit; calendar units have no fixed length."""
        return _ELAPSED_SECONDS[self]


_ELAPSED_SECONDS = {Unit.SECOND: 1, Unit.MINUTE: 60, Unit.HOUR: 3600}
_MONTHS_PER_UNIT = {Unit.MONTH: 1, Unit.QUARTER: 3, Unit.YEAR: 12}


def to_local(t: int, zone: tzinfo) -> datetime:
    """The aware local datetime of Unix seconds `t`."""
    try:
        return datetime.fromtimestamp(t, zone)
    except (OverflowError, OSError, ValueError) as error:
        raise TimeOutOfRangeError(f"time {t} is outside the supported years 1..9999") from error


def from_local(wall: datetime, zone: tzinfo) -> int:
    """Unix seconds of a naive local wall-clock time.

    An ambiguous time (DST fall-back) takes its first occurrence; a time skipped by a DST jump
    maps to the instant of the jump, so a local midnight that does not exist becomes the first
    instant of that day.
    """
    return int(wall.replace(tzinfo=zone, fold=0).timestamp())


def start_of_day(day: date, zone: tzinfo) -> int:
    """Unix seconds of the first instant of a local date."""
    return from_local(datetime.combine(day, time()), zone)


def trunc(t: int, unit: Unit, zone: tzinfo) -> int:
    """Round `t` down to the start of its unit in `zone` (weeks start on Monday)."""
    local = to_local(t, zone)
    if unit is Unit.SECOND:
        return t
    if unit is Unit.MINUTE:
        return t - local.second
    if unit is Unit.HOUR:
        # Subtract the elapsed part of the local hour, so zones with :30 offsets and the
        # repeated hour of a DST fall-back both truncate to the hour the clock shows.
        return t - local.minute * 60 - local.second
    day = local.date()
    if unit is Unit.WEEK:
        day -= timedelta(days=day.weekday())
    elif unit is Unit.MONTH:
        day = day.replace(day=1)
    elif unit is Unit.QUARTER:
        day = day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    elif unit is Unit.YEAR:
        day = day.replace(month=1, day=1)
    return start_of_day(day, zone)


def shift(t: int, count: int, unit: Unit, zone: tzinfo) -> int:
    """`t` moved by `count` units: elapsed seconds for s/m/h, local calendar steps otherwise.

    Month steps clamp to the month's last day (January 31st + 1 month = February 28th/29th).
    """
    if unit.is_elapsed_time:
        result = t + count * unit.seconds
        to_local(result, zone)  # range check
        return result
    wall = to_local(t, zone).replace(tzinfo=None)
    try:
        if unit in (Unit.DAY, Unit.WEEK):
            wall += timedelta(days=count * (7 if unit is Unit.WEEK else 1))
        else:
            wall = _add_months(wall, count * _MONTHS_PER_UNIT[unit])
    except (OverflowError, ValueError) as error:
        raise TimeOutOfRangeError(
            f"moving {t} by {count}{unit.value} leaves the supported years 1..9999"
        ) from error
    return from_local(wall, zone)


def _add_months(wall: datetime, months: int) -> datetime:
    index = wall.year * 12 + wall.month - 1 + months
    year, month = divmod(index, 12)
    if not 1 <= year <= 9999:
        raise ValueError(f"year {year} is out of range")
    last_day = _gregorian.monthrange(year, month + 1)[1]
    return wall.replace(year=year, month=month + 1, day=min(wall.day, last_day))
