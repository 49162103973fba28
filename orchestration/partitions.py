"""Daily Dagster partitions <-> TD_INTERVAL ranges.

A partition key is a local date (`2026-11-22`) in the partition timezone; its window is
[local midnight, next local midnight). dbt receives the window as the documented absolute form
`-Nd/yyyy-MM-dd` (end date exclusive), never as a relative range that would follow the wall clock
of a late or retried run.
"""

from __future__ import annotations

import os
import re
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import pytz
from dagster import DailyPartitionsDefinition

from orchestration.settings import SettingsError
from tdtime import parse_interval, resolve_zone
from tdtime.calendar import start_of_day, to_local
from tdtime.interval import Now

TIMEZONE_ENV = "TD_TIMEZONE"
PARTITION_START_ENV = "TD_PARTITION_START"
DEFAULT_TIMEZONE = "Asia/Tokyo"
DEFAULT_PARTITION_START = "2025-01-01"
KEY_FORMAT = "%Y-%m-%d"

# TD abbreviations are fixed offsets; Dagster partitions need IANA rules. Suggest the usual zone.
_IANA_FOR_ABBREVIATION = {
    "JST": "Asia/Tokyo",
    "KST": "Asia/Seoul",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "EST": "America/New_York",
    "EDT": "America/New_York",
}


class PartitionRangeError(ValueError):
    """A window or TD_INTERVAL range that does not map onto whole daily partitions."""


def partition_timezone(value: str | None = None) -> str:
    """The partition timezone: `value`, else env TD_TIMEZONE, else Asia/Tokyo.

    Raises SettingsError unless it is an IANA name (daily partitions need DST rules).
    """
    name = value if value is not None else os.environ.get(TIMEZONE_ENV, DEFAULT_TIMEZONE)
    if name in _IANA_FOR_ABBREVIATION:
        raise SettingsError(
            f"{TIMEZONE_ENV}={name!r} is a fixed-offset abbreviation; daily partitions need an IANA "
            f"zone name. Set {TIMEZONE_ENV}={_IANA_FOR_ABBREVIATION[name]!r}"
        )
    try:
        ZoneInfo(name)
        # The dbt macros check td_timezone against pytz's list (dbt's modules.pytz): a zone the
        # partitions accept but dbt refuses (Factory, localtime, posixrules) would fail every run.
        if name not in pytz.all_timezones_set:
            raise ValueError(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        # IANA names are case-sensitive on Linux (they are file names): `asia/tokyo` is not found.
        same_but_case = next((zone for zone in pytz.all_timezones if zone.lower() == name.lower()), None)
        suggestion = (
            f"did you mean {same_but_case!r}? (zone names are case-sensitive)"
            if same_but_case
            else "use one such as 'Asia/Tokyo', 'UTC' or 'America/Los_Angeles'"
        )
        raise SettingsError(f"{TIMEZONE_ENV}={name!r} is not an IANA timezone name: {suggestion}") from None
    return name


def partition_start(value: str | None = None) -> date:
    """The first partition: `value`, else env TD_PARTITION_START, else 2025-01-01.

    Raises SettingsError unless it is a yyyy-MM-dd date from 1970 on.
    """
    text = value if value is not None else os.environ.get(PARTITION_START_ENV, DEFAULT_PARTITION_START)
    try:
        if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text):
            raise ValueError(text)
        first = date.fromisoformat(text)
    except ValueError:
        raise SettingsError(
            f"{PARTITION_START_ENV}={text!r} is not a date: write it as yyyy-MM-dd, e.g. 2025-01-01"
        ) from None
    if first.year < 1970:
        raise SettingsError(
            f"{PARTITION_START_ENV}={text!r} is before 1970: TD's time column starts at 1970-01-01 UTC"
        )
    return first


def daily_partitions_def(timezone: str | None = None, start: str | None = None) -> DailyPartitionsDefinition:
    """Daily partitions in the TD timezone; the newest key is the last complete local day."""
    return DailyPartitionsDefinition(
        start_date=partition_start(start).strftime(KEY_FORMAT),
        timezone=partition_timezone(timezone),
        end_offset=0,
        fmt=KEY_FORMAT,
    )


def target_range_for_window(start: datetime, end: datetime, tz: str | None = None) -> str:
    """A half-open window of whole local days -> TD_INTERVAL `-Nd/yyyy-MM-dd` (end exclusive).

    `tz` defaults to the window's own timezone (Dagster gives windows in the partition timezone).
    """
    for name, moment in (("start", start), ("end", end)):
        if moment.tzinfo is None:
            raise PartitionRangeError(f"window {name} {moment.isoformat()} has no timezone")
    zone = resolve_zone(tz) if tz else start.tzinfo
    local_start, local_end = start.astimezone(zone), end.astimezone(zone)
    for name, moment in (("start", local_start), ("end", local_end)):
        if moment.time() != time(0) or start_of_day(moment.date(), zone) != int(moment.timestamp()):
            raise PartitionRangeError(
                f"window {name} {moment.isoformat()} is not a local midnight in {zone}: daily "
                "partitions map only onto whole local days"
            )
    days = (local_end.date() - local_start.date()).days
    if days <= 0:
        raise PartitionRangeError(
            f"window [{local_start.isoformat()}, {local_end.isoformat()}) is empty: end must be after start"
        )
    return f"-{days}d/{local_end.date().isoformat()}"


def target_range_for_keys(first_key: str, last_key: str) -> str:
    """The TD_INTERVAL covering partition keys first..last inclusive (timezone-free: dates only)."""
    first, last = parse_partition_key(first_key), parse_partition_key(last_key)
    if last < first:
        raise PartitionRangeError(f"partition range {first_key}..{last_key} ends before it starts")
    return f"-{(last - first).days + 1}d/{(last + timedelta(days=1)).isoformat()}"


def partition_keys_for_interval(
    interval: str, now: Now, tz: str, include_partial_days: bool = False
) -> list[str]:
    """The daily partition keys a TD_INTERVAL range covers, in `tz`.

    A range whose ends are not local midnights (`-1h`, `-7d/now`) raises PartitionRangeError,
    unless `include_partial_days` asks for every day the range touches.
    """
    zone = resolve_zone(tz)
    start, end = parse_interval(interval).bounds(now, tz)
    if start >= end:
        raise PartitionRangeError(
            f"TD_INTERVAL {interval!r} selects nothing at this time: [{start}, {end}) is empty"
        )
    first_day = to_local(start, zone).date()
    last_day = to_local(end - 1, zone).date()
    if not include_partial_days:
        ragged = [
            f"{name} {to_local(moment, zone).isoformat()}"
            for name, moment in (("starts", start), ("ends", end))
            if start_of_day(to_local(moment, zone).date(), zone) != moment
        ]
        if ragged:
            raise PartitionRangeError(
                f"TD_INTERVAL {interval!r} {' and '.join(ragged)}, not at local midnight in {tz}, "
                "so it covers part of a day: use whole days (e.g. '-7d' or '-3d/2026-11-20')"
            )
    days = (last_day - first_day).days + 1
    return [(first_day + timedelta(days=offset)).strftime(KEY_FORMAT) for offset in range(days)]


def parse_partition_key(key: str) -> date:
    """A partition key's date, or PartitionRangeError naming the key and the expected format."""
    try:
        parsed = datetime.strptime(key, KEY_FORMAT).date()
    except (TypeError, ValueError):
        if isinstance(key, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
            raise PartitionRangeError(
                f"partition key {key!r} is not a day of the calendar (check the month and the day)"
            ) from None
        raise PartitionRangeError(f"partition key {key!r} is not a date in yyyy-MM-dd form") from None
    if parsed.strftime(KEY_FORMAT) != key:
        raise PartitionRangeError(f"partition key {key!r} is not a date in yyyy-MM-dd form")
    return parsed


def keys_within_definition(
    keys: list[str], partitions: DailyPartitionsDefinition, now: datetime
) -> list[str]:
    """`keys` unchanged if every one is a partition of `partitions` at `now`, else a clear error."""
    from dagster import partition_loading_context

    with partition_loading_context(effective_dt=now):
        first, last = partitions.get_first_partition_key(), partitions.get_last_partition_key()
    if last is None or first is None:
        raise no_partitions_yet(partitions, now)
    outside = [key for key in keys if not first <= key <= last]
    if outside:
        raise PartitionRangeError(
            f"{_describe_keys(outside)} outside the daily partitions {first}..{last} "
            f"({partitions.timezone}): the newest partition is the last complete day, and the first is "
            f"{PARTITION_START_ENV} (set it earlier to backfill older days)"
        )
    return keys


def no_partitions_yet(partitions: DailyPartitionsDefinition, now: datetime) -> PartitionRangeError:
    """The error for a partition start that is not before today (local date in the partition zone)."""
    local_now = now.astimezone(ZoneInfo(partitions.timezone))
    return PartitionRangeError(
        f"there are no complete daily partitions yet: {PARTITION_START_ENV}="
        f"{partitions.start.strftime(KEY_FORMAT)} is not before today ({local_now.date()} in "
        f"{partitions.timezone}). Set {PARTITION_START_ENV} to an earlier date"
    )


def _describe_keys(keys: list[str]) -> str:
    return f"partition {keys[0]} is" if len(keys) == 1 else f"partitions {keys[0]}..{keys[-1]} are"


def full_refresh_problem(
    first_key: str, last_key: str, partitions: DailyPartitionsDefinition, now: datetime
) -> str:
    """'' when a full refresh over first..last rebuilds every partition, else why it is refused.

    A full refresh recreates a partitioned model's table from the selected days only. Over a
    sub-range it would drop every other day while Dagster still showed them materialized, so it
    must cover the first partition through the last (README: Full refresh).
    """
    from dagster import partition_loading_context

    with partition_loading_context(effective_dt=now):
        first, last = partitions.get_first_partition_key(), partitions.get_last_partition_key()
    if first_key == first and last_key == last:
        return ""
    dropped = []
    if first and first_key > first:
        dropped.append(f"{first}..{(parse_partition_key(first_key) - timedelta(days=1)).isoformat()}")
    if last and last_key < last:
        dropped.append(f"{(parse_partition_key(last_key) + timedelta(days=1)).isoformat()}..{last}")
    return (
        f"a full refresh of {first_key}..{last_key} would rebuild the partitioned models from those days "
        f"only and drop {' and '.join(dropped)}. Rebuild every partition instead: "
        "`td-dagster run --full-refresh` (no --range), or backfill all partitions with the tag "
        "td/full_refresh=true"
    )
