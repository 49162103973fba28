"""TD_TIME_STRING (unit codes such as `d!`) and TD_TIME_FORMAT (SimpleDateFormat patterns)."""

from __future__ import annotations

import re
from datetime import datetime, tzinfo
from functools import lru_cache

from tdtime.calendar import Unit, to_local, trunc
from tdtime.errors import FormatPatternError, UnitError
from tdtime.inferred import QUARTER_BANG_PATTERN, week_of_year
from tdtime.zones import is_fixed_offset, resolve_zone

# TD_TIME_STRING: the unit to truncate to and, for the `!` form, how much of the text to keep.
_STRING_CODES = {
    "y": (Unit.YEAR, "%Y"),
    "q": (Unit.QUARTER, QUARTER_BANG_PATTERN),
    "M": (Unit.MONTH, "%Y-%m"),
    "w": (Unit.WEEK, "%Y-%m-%d"),
    "d": (Unit.DAY, "%Y-%m-%d"),
    "h": (Unit.HOUR, "%Y-%m-%d %H"),
    "m": (Unit.MINUTE, "%Y-%m-%d %H:%M"),
    "s": (Unit.SECOND, "%Y-%m-%d %H:%M:%S"),
}


def td_time_string(time: int | None, code: str, tz: str = "UTC") -> str | None:
    """TD_TIME_STRING(time, code, tz): `d` -> '2019-12-12 00:00:00+0900', `d!` -> '2019-12-12'."""
    zone = resolve_zone(tz)
    cut = isinstance(code, str) and code.endswith("!")
    unit_code = code[:-1] if cut else code
    if unit_code not in _STRING_CODES:
        raise UnitError(
            f"unknown TD_TIME_STRING format {code!r}: use one of "
            f"{', '.join(_STRING_CODES)}, optionally followed by '!' (e.g. 'd!')"
        )
    if time is None:
        return None
    unit, cut_pattern = _STRING_CODES[unit_code]
    local = to_local(trunc(int(time // 1), unit, zone), zone)
    if cut:
        return _strftime(local, cut_pattern)
    return _strftime(local, "%Y-%m-%d %H:%M:%S") + _rfc822_offset(local)


def td_time_format(time: int | None, pattern: str, tz: str = "UTC") -> str | None:
    """TD_TIME_FORMAT(time, pattern, tz) with Java SimpleDateFormat letters."""
    zone = resolve_zone(tz)
    tokens = _compile_pattern(pattern)
    if time is None:
        return None
    local = to_local(int(time // 1), zone)
    return "".join(token if isinstance(token, str) else _render(token, local, zone) for token in tokens)


def _strftime(local: datetime, pattern: str) -> str:
    # %Y is not zero-padded below year 1000 on every platform; pad it here.
    return local.strftime(pattern.replace("%Y", f"{local.year:04d}"))


def _rfc822_offset(local: datetime) -> str:
    minutes = int(local.utcoffset().total_seconds() // 60)
    sign = "-" if minutes < 0 else "+"
    return f"{sign}{abs(minutes) // 60:02d}{abs(minutes) % 60:02d}"


def _gmt_offset(local: datetime) -> str:
    rfc = _rfc822_offset(local)
    return f"GMT{rfc[:3]}:{rfc[3:]}"


# --- SimpleDateFormat ------------------------------------------------------------------------

_SUPPORTED_LETTERS = set("GyYMLwDdFEaHkKhmsSzZu")
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+|'")
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
# Java's long zone names for the zones TD users work in; others have no name we can vouch for.
_LONG_ZONE_NAMES = {
    ("UTC", False): "Coordinated Universal Time",
    ("GMT", False): "Greenwich Mean Time",
    ("Asia/Tokyo", False): "Japan Standard Time",
    ("Asia/Seoul", False): "Korean Standard Time",
    ("Asia/Shanghai", False): "China Standard Time",
    ("Asia/Singapore", False): "Singapore Time",
    ("Asia/Kolkata", False): "India Standard Time",
    ("America/Los_Angeles", False): "Pacific Standard Time",
    ("America/Los_Angeles", True): "Pacific Daylight Time",
    ("America/Denver", False): "Mountain Standard Time",
    ("America/Denver", True): "Mountain Daylight Time",
    ("America/Chicago", False): "Central Standard Time",
    ("America/Chicago", True): "Central Daylight Time",
    ("America/New_York", False): "Eastern Standard Time",
    ("America/New_York", True): "Eastern Daylight Time",
    ("Europe/London", False): "Greenwich Mean Time",
    ("Europe/London", True): "British Summer Time",
    ("Europe/Paris", False): "Central European Time",
    ("Europe/Paris", True): "Central European Summer Time",
    ("Europe/Berlin", False): "Central European Time",
    ("Europe/Berlin", True): "Central European Summer Time",
}


@lru_cache(maxsize=512)
def _compile_pattern(pattern: str) -> tuple[str | tuple[str, int], ...]:
    """Split a pattern into literal text and (letter, repeat count) fields."""
    if not isinstance(pattern, str):
        raise FormatPatternError(f"TD_TIME_FORMAT pattern must be a string, got {pattern!r}")
    tokens: list[str | tuple[str, int]] = []
    for match in _TOKEN.finditer(pattern):
        text = match.group(0)
        if text == "'":
            raise FormatPatternError(f"unterminated quote in TD_TIME_FORMAT pattern {pattern!r}")
        if text.startswith("'"):
            tokens.append("'" if text == "''" else text[1:-1].replace("''", "'"))
        elif match.group(1):
            letter = match.group(1)
            if letter not in _SUPPORTED_LETTERS:
                raise FormatPatternError(
                    f"unsupported letter {letter!r} in TD_TIME_FORMAT pattern {pattern!r}: "
                    f"use {' '.join(sorted(_SUPPORTED_LETTERS))}, and quote literal text ('T')"
                )
            tokens.append((letter, len(text)))
        else:
            tokens.append(text)
    return tuple(tokens)


def _render(field: tuple[str, int], local: datetime, zone: tzinfo) -> str:
    letter, count = field
    if letter == "G":
        return "AD"
    if letter in "yY":
        # Y is the week year: the year of the week `w` counts, ISO here as TD's weeks are
        # (tdtime.inferred.week_of_year); it differs from y only around New Year.
        year = local.year if letter == "y" else local.isocalendar().year
        return f"{year % 100:02d}" if count == 2 else f"{year:0{count}d}"
    if letter in "ML":  # L is SimpleDateFormat's stand-alone month: the same text in English
        if count >= 4:
            return _MONTHS[local.month - 1]
        if count == 3:
            return _MONTHS[local.month - 1][:3]
        return f"{local.month:0{count}d}"
    if letter == "E":
        name = _DAYS[local.weekday()]
        return name if count >= 4 else name[:3]
    if letter == "a":
        return "AM" if local.hour < 12 else "PM"
    if letter == "z":
        return _long_zone_name(local, zone) if count >= 4 else _short_zone_name(local, zone)
    if letter == "Z":
        return _rfc822_offset(local)
    return f"{_number(letter, local):0{count}d}"


def _number(letter: str, local: datetime) -> int:
    if letter == "w":
        return week_of_year(local.date())
    return {
        "D": local.timetuple().tm_yday,
        "d": local.day,
        "H": local.hour,
        "k": local.hour or 24,
        "K": local.hour % 12,
        "h": local.hour % 12 or 12,
        "m": local.minute,
        "s": local.second,
        "S": 0,  # TD times are whole seconds
        "u": local.isoweekday(),
        "F": (local.day - 1) // 7 + 1,  # the day's weekday occurrence in the month (2nd Monday: 2)
    }[letter]


def _short_zone_name(local: datetime, zone: tzinfo) -> str:
    if is_fixed_offset(zone):
        return _gmt_offset(local)
    name = local.tzname() or ""
    # IANA zones without an abbreviation report a numeric one ("-03"); Java shows GMT-03:00.
    return _gmt_offset(local) if not name or name[0] in "+-" else name


def _long_zone_name(local: datetime, zone: tzinfo) -> str:
    if is_fixed_offset(zone):
        return _gmt_offset(local)
    key = getattr(zone, "key", "")
    name = _LONG_ZONE_NAMES.get((key, bool(local.dst())))
    if name is None:
        raise FormatPatternError(
            f"the long zone name (zzzz) of {key!r} is not known here: use 'z' for the "
            "abbreviation or 'Z' for the offset"
        )
    return name
