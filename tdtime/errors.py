"""Errors raised by tdtime. All are ValueErrors, so callers can catch bad input in one place."""


class TdTimeError(ValueError):
    """Base class: the input is not something TD's time functions accept."""


class IntervalError(TdTimeError):
    """A string that is not documented TD_INTERVAL syntax."""


class UnknownZoneError(TdTimeError):
    """A timezone name that is neither an IANA zone nor one of TD's abbreviations."""


class UnitError(TdTimeError):
    """A unit or format code that the function does not know."""


class FormatPatternError(TdTimeError):
    """A TD_TIME_FORMAT pattern with a letter outside the supported SimpleDateFormat set."""


class DurationError(TdTimeError):
    """A TD_TIME_ADD duration that is not a signed combination of w, d, h, m, s."""


class TimeParseError(TdTimeError):
    """A time string that is not `yyyy-MM-dd[ HH:mm:ss][ zone]`."""


class TimeOutOfRangeError(TdTimeError):
    """A computation that leaves the representable calendar (years 1 to 9999)."""
