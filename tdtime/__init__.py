"""Treasure Data's time functions as pure Python: the project's single source of TD time semantics.

Every function mirrors its TD SQL namesake (TD_INTERVAL -> td_interval, ...), takes `time` as Unix
seconds and a timezone that defaults to 'UTC', and raises a ValueError subclass naming the bad value
instead of ever returning a silently wrong result.
"""

from tdtime.arithmetic import duration_seconds, td_date_trunc, td_time_add
from tdtime.calendar import Unit
from tdtime.errors import (
    DurationError,
    FormatPatternError,
    IntervalError,
    TdTimeError,
    TimeOutOfRangeError,
    TimeParseError,
    UnitError,
    UnknownZoneError,
)
from tdtime.formatting import td_time_format, td_time_string
from tdtime.interval import (
    INTERVAL_PATTERN,
    Interval,
    Span,
    parse_interval,
    td_interval,
    td_interval_bounds,
    td_interval_range,
)
from tdtime.parsing import parse_time, td_time_parse
from tdtime.sessions import sessionize, starts_new_session
from tdtime.time_range import td_time_range, time_range_bounds
from tdtime.zones import resolve_zone

__all__ = [
    "INTERVAL_PATTERN",
    "DurationError",
    "FormatPatternError",
    "Interval",
    "IntervalError",
    "Span",
    "TdTimeError",
    "TimeOutOfRangeError",
    "TimeParseError",
    "Unit",
    "UnitError",
    "UnknownZoneError",
    "duration_seconds",
    "parse_interval",
    "parse_time",
    "resolve_zone",
    "sessionize",
    "starts_new_session",
    "td_date_trunc",
    "td_interval",
    "td_interval_bounds",
    "td_interval_range",
    "td_time_add",
    "td_time_format",
    "td_time_parse",
    "td_time_range",
    "td_time_string",
    "time_range_bounds",
]
