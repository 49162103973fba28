"""TD_TIME_PARSE: `yyyy-MM-dd[ HH:mm:ss[.fff]][ zone]` read in a timezone, to Unix seconds."""

from __future__ import annotations

import re
from datetime import datetime

from tdtime.calendar import from_local
from tdtime.errors import TimeParseError, UnknownZoneError
from tdtime.inferred import UNPARSEABLE_TIME_IS_NULL
from tdtime.zones import resolve_zone

_TIME_TEXT = re.compile(
    r"(?P<date>\d{4}-\d{2}-\d{2})"
    r"(?: (?P<clock>\d{2}:\d{2}:\d{2})(?:\.\d{1,9})?)?"
    r"(?: ?(?P<zone>[+-]\d{2}:?\d{2})| (?P<zone_name>[A-Za-z][A-Za-z0-9_/+-]*))?",
    re.ASCII,
)


def parse_time(text: str, tz: str = "UTC") -> int:
    """Unix seconds of a TD time string; a zone in the text wins over `tz`. Raises TimeParseError."""
    zone = resolve_zone(tz)
    match = _TIME_TEXT.fullmatch(text.strip()) if isinstance(text, str) else None
    if match is None:
        raise TimeParseError(
            f"cannot read time {text!r}: expected 'yyyy-MM-dd', 'yyyy-MM-dd HH:mm:ss', "
            "optionally followed by a zone such as ' JST', ' Asia/Tokyo' or '+0900'"
        )
    written_zone = match["zone"] or match["zone_name"]
    if written_zone:
        try:
            zone = resolve_zone(written_zone)
        except UnknownZoneError as error:
            raise TimeParseError(f"cannot read time {text!r}: {error}") from None
    try:
        wall = datetime.fromisoformat(f"{match['date']} {match['clock'] or '00:00:00'}")
    except ValueError:
        raise TimeParseError(f"cannot read time {text!r}: not a calendar date and time") from None
    return from_local(wall, zone)


def td_time_parse(text: str | None, tz: str = "UTC") -> int | None:
    """TD_TIME_PARSE(text, tz): Unix seconds, or None for NULL or unreadable text."""
    resolve_zone(tz)  # a bad zone argument is a mistake in the query, not in the data
    if text is None:
        return None
    try:
        return parse_time(text, tz)
    except TimeParseError:
        if UNPARSEABLE_TIME_IS_NULL:
            return None
        raise
