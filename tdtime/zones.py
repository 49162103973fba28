"""Timezone names as TD accepts them: IANA names, TD's abbreviations, and numeric offsets."""

from __future__ import annotations

import re
from datetime import timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from tdtime.errors import UnknownZoneError
from tdtime.inferred import ABBREVIATION_OFFSETS, AMBIGUOUS_ABBREVIATIONS

_NUMERIC_OFFSET = re.compile(r"(?P<sign>[+-])(?P<hours>\d{2}):?(?P<minutes>\d{2})", re.ASCII)
_UTC_NAMES = ("UTC", "GMT")


@lru_cache(maxsize=256)
def resolve_zone(name: str) -> tzinfo:
    """The tzinfo for a TD timezone argument, or UnknownZoneError naming the bad value."""
    if not isinstance(name, str) or not name:
        raise UnknownZoneError(f"timezone must be a non-empty string, got {name!r}")
    if name in _UTC_NAMES:
        return ZoneInfo(name)
    if name in ABBREVIATION_OFFSETS:
        return timezone(ABBREVIATION_OFFSETS[name], name)
    if name in AMBIGUOUS_ABBREVIATIONS:
        raise UnknownZoneError(
            f"timezone {name!r} is ambiguous: write the IANA name, {AMBIGUOUS_ABBREVIATIONS[name]}"
        )
    offset = _NUMERIC_OFFSET.fullmatch(name)
    if offset:
        return _fixed_offset(offset)
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise UnknownZoneError(_unknown_zone_message(name))


def is_fixed_offset(zone: tzinfo) -> bool:
    """True for zones that are a constant offset (TD abbreviations, `+09:00`), not IANA rules."""
    return isinstance(zone, timezone)


def _fixed_offset(match: re.Match[str]) -> tzinfo:
    hours, minutes = int(match["hours"]), int(match["minutes"])
    if hours > 18 or minutes > 59:
        raise UnknownZoneError(f"timezone offset {match.string!r} is out of range (-18:00..+18:00)")
    delta = timedelta(hours=hours, minutes=minutes)
    return timezone(-delta if match["sign"] == "-" else delta, match.string)


def _unknown_zone_message(name: str) -> str:
    message = (
        f"unknown timezone {name!r}: use an IANA name such as 'Asia/Tokyo' or "
        f"'America/Los_Angeles', one of {', '.join((*_UTC_NAMES, *ABBREVIATION_OFFSETS))}, "
        "or an offset such as '+09:00'"
    )
    known = (*_UTC_NAMES, *ABBREVIATION_OFFSETS, *_iana_names())
    close = [zone for zone in known if zone.lower() == name.lower()]
    if close:
        message += f" (did you mean {close[0]!r}?)"
    return message


@lru_cache(maxsize=1)
def _iana_names() -> tuple[str, ...]:
    return tuple(sorted(available_timezones()))
