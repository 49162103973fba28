"""Daily partitions <-> TD_INTERVAL: the mapping every partitioned dbt run depends on."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dagster import PartitionKeyRange, partition_loading_context
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.partitions import (
    PartitionRangeError,
    daily_partitions_def,
    partition_keys_for_interval,
    target_range_for_keys,
    target_range_for_window,
)
from tdtime import td_interval_bounds

NOW = int(datetime(2026, 11, 23, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp())


def test_defaults_are_tokyo_days_and_the_newest_key_is_yesterday(monkeypatch):
    monkeypatch.delenv("TD_TIMEZONE", raising=False)
    monkeypatch.delenv("TD_PARTITION_START", raising=False)
    partitions = daily_partitions_def()
    assert partitions.timezone == "Asia/Tokyo"
    assert partitions.get_first_partition_key() == "2025-01-01"
    at_three_am = datetime(2026, 11, 23, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    with partition_loading_context(effective_dt=at_three_am):
        assert partitions.get_last_partition_key() == "2026-11-22"


def test_environment_sets_zone_and_start(monkeypatch):
    monkeypatch.setenv("TD_TIMEZONE", "America/Los_Angeles")
    monkeypatch.setenv("TD_PARTITION_START", "2026-01-15")
    partitions = daily_partitions_def()
    assert (partitions.timezone, partitions.get_first_partition_key()) == (
        "America/Los_Angeles",
        "2026-01-15",
    )


@pytest.mark.parametrize(
    ("env", "value", "message"),
    [
        ("TD_TIMEZONE", "JST", "Set TD_TIMEZONE='Asia/Tokyo'"),
        ("TD_TIMEZONE", "Tokyo", "'Tokyo' is not an IANA timezone"),
        ("TD_PARTITION_START", "2026/01/01", "'2026/01/01' is not a date"),
    ],
)
def test_bad_settings_name_the_variable_and_the_fix(monkeypatch, env, value, message):
    monkeypatch.setenv(env, value)
    with pytest.raises(ValueError, match=message):
        daily_partitions_def()


def test_one_partition_window_is_one_day_ending_the_next_midnight():
    window = daily_partitions_def("Asia/Tokyo").time_window_for_partition_key("2026-11-22")
    assert target_range_for_window(window.start, window.end) == "-1d/2026-11-23"


def test_target_range_for_keys():
    assert target_range_for_keys("2026-11-18", "2026-11-22") == "-5d/2026-11-23"
    assert target_range_for_keys("2024-02-28", "2024-03-01") == "-3d/2024-03-02"
    with pytest.raises(PartitionRangeError, match="ends before it starts"):
        target_range_for_keys("2026-11-22", "2026-11-18")
    with pytest.raises(PartitionRangeError, match="'2026-11-31'"):
        target_range_for_keys("2026-11-31", "2026-12-01")


def test_unaligned_or_empty_windows_are_rejected():
    tokyo = ZoneInfo("Asia/Tokyo")
    with pytest.raises(PartitionRangeError, match="not a local midnight"):
        target_range_for_window(datetime(2026, 11, 22, 3, tzinfo=tokyo), datetime(2026, 11, 23, tzinfo=tokyo))
    # Midnight UTC is 09:00 in Tokyo: aligned for one zone is not aligned for another.
    utc_midnight = datetime(2026, 11, 22, tzinfo=ZoneInfo("UTC"))
    with pytest.raises(PartitionRangeError, match="not a local midnight"):
        target_range_for_window(utc_midnight, utc_midnight + timedelta(days=1), tz="Asia/Tokyo")
    with pytest.raises(PartitionRangeError, match="is empty"):
        target_range_for_window(datetime(2026, 11, 22, tzinfo=tokyo), datetime(2026, 11, 22, tzinfo=tokyo))
    with pytest.raises(PartitionRangeError, match="no timezone"):
        target_range_for_window(datetime(2026, 11, 22), datetime(2026, 11, 23))


def test_relative_whole_day_ranges_give_keys():
    assert partition_keys_for_interval("-3d", NOW, "Asia/Tokyo") == ["2026-11-20", "2026-11-21", "2026-11-22"]
    assert partition_keys_for_interval("-1M", NOW, "Asia/Tokyo")[0] == "2026-10-01"
    assert len(partition_keys_for_interval("-1M", NOW, "Asia/Tokyo")) == 31


def test_partial_days_are_refused_unless_asked_for():
    with pytest.raises(PartitionRangeError, match=r"'-1h'.*not at local midnight"):
        partition_keys_for_interval("-1h", NOW, "Asia/Tokyo")
    with pytest.raises(PartitionRangeError, match=r"'-7d/now' ends 2026-11-23T03:00:00\+09:00"):
        partition_keys_for_interval("-7d/now", NOW, "Asia/Tokyo")
    assert partition_keys_for_interval("-1h", NOW, "Asia/Tokyo", include_partial_days=True) == ["2026-11-23"]
    assert partition_keys_for_interval("-2d/now", NOW, "Asia/Tokyo", include_partial_days=True) == [
        "2026-11-21",
        "2026-11-22",
        "2026-11-23",
    ]


def test_empty_ranges_and_bad_strings():
    with pytest.raises(PartitionRangeError, match="selects nothing"):
        partition_keys_for_interval("0d", NOW, "Asia/Tokyo")
    with pytest.raises(ValueError, match="'-30d/2024-01-31'"):
        partition_keys_for_interval("2024-01-01/2024-01-31", NOW, "Asia/Tokyo")


ZONES = ["Asia/Tokyo", "UTC", "America/Los_Angeles"]


@settings(max_examples=150, deadline=None)
@given(
    st.dates(min_value=date(2025, 1, 1), max_value=date(2029, 6, 1)),
    st.integers(min_value=1, max_value=120),
    st.sampled_from(ZONES),
    st.integers(min_value=0, max_value=4_102_444_800),
)
def test_round_trip_between_key_ranges_and_target_ranges(first, length, tz, now):
    partitions = daily_partitions_def(tz, "2025-01-01")
    first_key = first.isoformat()
    last_key = (first + timedelta(days=length - 1)).isoformat()
    keys = partitions.get_partition_keys_in_range(PartitionKeyRange(first_key, last_key))
    window_start = partitions.time_window_for_partition_key(first_key).start
    window_end = partitions.time_window_for_partition_key(last_key).end

    target_range = target_range_for_window(window_start, window_end)
    assert target_range == target_range_for_keys(first_key, last_key)
    # The keys the range covers are exactly the keys we started from, whatever "now" is...
    assert partition_keys_for_interval(target_range, now, tz) == keys
    # ...and TD_INTERVAL selects exactly the Dagster time window.
    assert td_interval_bounds(target_range, now, tz) == (
        int(window_start.timestamp()),
        int(window_end.timestamp()),
    )
