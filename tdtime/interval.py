"""TD_INTERVAL: the documented grammar, its reference-point algorithm, and helpful rejections.

The algorithm (TD does not publish it; it reproduces every documented example):
1. Reference point R: no offset -> trunc(now, duration unit); `now` -> now itself;
   `K v` -> trunc(now, v) + K v; `yyyy-MM-dd` -> that local midnight.
2. A duration `N u` with N <= 0 spans [trunc(R, u) + N u, R).
3. N > 0 spans [trunc(R, u), trunc(R, u) + N u).
"""

from __future__ import annotations

import re
import time as _clock
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tdtime.calendar import Unit, shift, start_of_day, trunc
from tdtime.errors import IntervalError, TimeOutOfRangeError
from tdtime.inferred import QUARTER_UNIT_SUPPORTED
from tdtime.zones import resolve_zone

Now = int | float | datetime

_UNIT_LETTERS = "smhdwMqy" if QUARTER_UNIT_SUPPORTED else "smhdwMy"
_DATE = r"[0-9]{4}-[0-9]{2}-[0-9]{2}"
_COUNT_AND_UNIT = rf"(?P<{{sign}}>-)?(?P<{{count}}>[0-9]+)(?P<{{unit}}>[{_UNIT_LETTERS}])"
#: The documented grammar, matched whole with `fullmatch` (td_dbt/macros/validated_vars.sql
#: validates target_range with the same grammar).
INTERVAL_PATTERN = re.compile(
    _COUNT_AND_UNIT.format(sign="sign", count="count", unit="unit")
    + "(?:/(?:(?P<now>now)|"
    + _COUNT_AND_UNIT.format(sign="offset_sign", count="offset_count", unit="offset_unit")
    + rf"|(?P<date>{_DATE})))?"
)
_GRAMMAR_HINT = (
    "TD_INTERVAL takes duration[/offset]: a duration such as -7d, -1M or 1d, and an optional "
    "offset that is 'now', a signed count and unit such as -1M, or a date yyyy-MM-dd "
    f"(units: {' '.join(_UNIT_LETTERS)}; m is minutes, M is months)"
)


@dataclass(frozen=True)
class Span:
    """A signed count of one unit, such as `-7d` or `1M`."""

    count: int
    unit: Unit

    def __str__(self) -> str:
        return f"{self.count}{self.unit.value}"


@dataclass(frozen=True)
class Interval:
    """A parsed TD_INTERVAL string. `offset` is None, the string "now", a Span, or a date."""

    duration: Span
    offset: str | Span | date | None = None

    def __str__(self) -> str:
        if self.offset is None:
            return str(self.duration)
        offset = self.offset.isoformat() if isinstance(self.offset, date) else str(self.offset)
        return f"{self.duration}/{offset}"

    def bounds(self, now: Now, tz: str = "UTC") -> tuple[int, int]:
        """The half-open [start, end) in Unix seconds, for reference time `now`, in `tz`."""
        zone = resolve_zone(tz)
        now_seconds = _unix_seconds(now)
        try:
            reference = self._reference_point(now_seconds, zone)
            unit, count = self.duration.unit, self.duration.count
            if count <= 0:
                return shift(trunc(reference, unit, zone), count, unit, zone), reference
            start = trunc(reference, unit, zone)
            return start, shift(start, count, unit, zone)
        except TimeOutOfRangeError as error:
            raise IntervalError(f"TD_INTERVAL {str(self)!r} is out of range: {error}") from error

    def _reference_point(self, now: int, zone) -> int:
        if self.offset is None:
            return trunc(now, self.duration.unit, zone)
        if self.offset == "now":
            return now
        if isinstance(self.offset, Span):
            return shift(trunc(now, self.offset.unit, zone), self.offset.count, self.offset.unit, zone)
        return start_of_day(self.offset, zone)


def parse_interval(text: str) -> Interval:
    """Parse a TD_INTERVAL string, or raise IntervalError quoting it and suggesting a fix."""
    if not isinstance(text, str):
        raise IntervalError(f"TD_INTERVAL needs a string, got {type(text).__name__} {text!r}")
    match = INTERVAL_PATTERN.fullmatch(text)
    if match is None:
        raise IntervalError(_explain_rejection(text))
    duration = Span(_signed(match["sign"], match["count"], text), Unit(match["unit"]))
    offset: str | Span | date | None = None
    if match["now"]:
        offset = "now"
    elif match["offset_unit"]:
        offset = Span(_signed(match["offset_sign"], match["offset_count"], text), Unit(match["offset_unit"]))
    elif match["date"]:
        offset = _calendar_date(match["date"], text)
    return Interval(duration, offset)


def td_interval_bounds(interval: str, now: Now, tz: str = "UTC") -> tuple[int, int]:
    """The half-open [start, end) in Unix seconds that TD_INTERVAL(time, interval, tz) selects."""
    return parse_interval(interval).bounds(now, tz)


def td_interval(time: int | None, interval: str, tz: str = "UTC", now: Now | None = None) -> bool | None:
    """TD_INTERVAL(time, interval, tz); `now` defaults to the current time, as for an ad hoc query."""
    start, end = td_interval_bounds(interval, _current_time() if now is None else now, tz)
    if time is None:
        return None
    return start <= time < end


def td_interval_range(interval: str, tz: str = "UTC", now: Now | None = None) -> list[int]:
    """TD_INTERVAL_RANGE: the [start, end] pair TD_INTERVAL would use, as Unix seconds."""
    return list(td_interval_bounds(interval, _current_time() if now is None else now, tz))


#: More digits than any count that stays inside the years 1..9999 in seconds (3.2e11) needs.
_MAX_COUNT_DIGITS = 12


def _signed(sign: str | None, digits: str, whole: str) -> int:
    # Python refuses to read integers of over 4,300 digits; such a count is out of range anyway.
    if len(digits.lstrip("0")) > _MAX_COUNT_DIGITS:
        shown = whole if len(whole) <= 40 else whole[:37] + "..."
        raise IntervalError(
            f"TD_INTERVAL {shown!r} is out of range: a count of {len(digits)} digits moves past the years 1..9999"
        )
    return -int(digits) if sign else int(digits)


def _calendar_date(text: str, whole: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise IntervalError(f"{whole!r} is not a TD_INTERVAL string: {text} is not a calendar date") from None


def _unix_seconds(now: Now) -> int:
    if isinstance(now, datetime):
        if now.tzinfo is None or now.utcoffset() is None:
            raise ValueError(f"now={now!r} is a naive datetime: pass an aware datetime or Unix seconds")
        return int(now.timestamp() // 1)
    if isinstance(now, bool) or not isinstance(now, (int, float)):
        raise ValueError(f"now must be Unix seconds or an aware datetime, got {now!r}")
    return int(now // 1)


def _current_time() -> int:
    return int(_clock.time())


_DATE_RANGE = re.compile(rf"^({_DATE})/({_DATE})$")
_BARE_DATE = re.compile(rf"^({_DATE})$")
_DATE_THEN_SPAN = re.compile(rf"^({_DATE})/(-?\d+[{_UNIT_LETTERS}])$")
_OFFSET_WITH_TIME = re.compile(rf"^(-?\d+[{_UNIT_LETTERS}])/({_DATE})[ T].+$")
_COMPOUND = re.compile(r"^-?\d+[A-Za-z](\d+[A-Za-z])+(/.*)?$")
_WRONG_UNIT = re.compile(r"^-?\d+([A-Za-z]+)(/.*)?$")


def _explain_rejection(text: str) -> str:
    prefix = f"{text!r} is not a TD_INTERVAL string: "
    if not text.strip():
        return prefix + "it is empty. " + _GRAMMAR_HINT
    if text != text.strip():
        return prefix + f"remove the surrounding whitespace: write {text.strip()!r}"
    if match := _DATE_RANGE.match(text):
        first, last = (_calendar_date(part, text) for part in match.groups())
        if last <= first:
            return (
                prefix + f"a start/end date pair is not TD_INTERVAL syntax, and {last} is not after {first}"
            )
        days = (last - first).days
        return prefix + (
            "a start/end date pair is not TD_INTERVAL syntax. For the days from "
            f"{first} up to (not including) {last}, write '-{days}d/{last}'"
        )
    if match := _BARE_DATE.match(text):
        day = _calendar_date(match.group(1), text)
        return prefix + (
            f"a bare date is not TD_INTERVAL syntax. For the single day {day}, write "
            f"'-1d/{day + timedelta(days=1)}'"
        )
    if match := _DATE_THEN_SPAN.match(text):
        return prefix + (
            "the date goes after the slash. For the span starting on that date, write "
            f"'{match.group(2)}/{match.group(1)}'"
        )
    if match := _OFFSET_WITH_TIME.match(text):
        return prefix + (
            "an offset date carries no time of day or zone. Write the date alone, such as "
            f"'{match.group(1)}/{match.group(2)}', pass the zone as TD_INTERVAL's third argument, "
            "and use TD_TIME_RANGE for bounds with a time of day"
        )
    if text.startswith("+"):
        return prefix + f"a positive count has no '+' sign; write '{text[1:]}'"
    if _COMPOUND.match(text):
        return (
            prefix + "a duration has exactly one unit (no compound durations such as 1d2h). " + _GRAMMAR_HINT
        )
    if (match := _WRONG_UNIT.match(text)) and match.group(1) not in _UNIT_LETTERS:
        return prefix + f"unknown unit {match.group(1)!r}. " + _GRAMMAR_HINT
    return prefix + _GRAMMAR_HINT
