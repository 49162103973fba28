"""TD_TIME_RANGE, TD_TIME_PARSE, TD_DATE_TRUNC, TD_TIME_ADD, sessions and timezone names."""

from datetime import UTC, datetime

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdtime import (
    DurationError,
    TimeParseError,
    UnitError,
    UnknownZoneError,
    resolve_zone,
    sessionize,
    td_date_trunc,
    td_time_add,
    td_time_format,
    td_time_parse,
    td_time_range,
)

T = 1576110613  # 2019-12-12 09:30:13 JST, a Thursday
JAN_1_JST = 1546268400  # 2019-01-01 00:00:00 JST


class TestTimeRange:
    def test_strings_are_read_in_the_timezone_and_the_end_is_exclusive(self):
        assert td_time_range(JAN_1_JST, "2019-01-01", "2019-01-02", "JST")
        assert not td_time_range(JAN_1_JST - 1, "2019-01-01", "2019-01-02", "JST")
        assert not td_time_range(JAN_1_JST + 86400, "2019-01-01", "2019-01-02", "JST")

    def test_null_bounds_are_open(self):
        assert td_time_range(JAN_1_JST, None, "2019-01-02", "JST")
        assert td_time_range(JAN_1_JST, "2019-01-01", None, "JST")
        assert td_time_range(JAN_1_JST, "2019-01-01 JST")  # the end may be omitted
        assert not td_time_range(JAN_1_JST - 1, "2019-01-01 JST")

    def test_unix_second_bounds_and_times_of_day(self):
        assert td_time_range(100, 100, 101)
        assert not td_time_range(101, 100, 101)
        assert td_time_range(T, "2019-12-12 09:30:13", "2019-12-12 09:30:14", "JST")

    def test_a_zone_in_the_bound_wins_over_the_default(self):
        assert td_time_range(JAN_1_JST, "2019-01-01 Asia/Tokyo", "2019-01-02 Asia/Tokyo")
        assert td_time_range(JAN_1_JST, "2019-01-01 00:00:00 +0900", None)

    def test_a_zone_as_third_argument_is_explained(self):
        with pytest.raises(TimeParseError, match=r"third argument is always the end.*NULL, 'PDT'"):
            td_time_range(JAN_1_JST, "2013-01-01", "PDT")

    def test_null_time(self):
        assert td_time_range(None, 1, 2) is None


class TestParse:
    @pytest.mark.parametrize(
        ("text", "tz", "expected"),
        [
            ("2019-12-12 09:30:13", "JST", T),
            ("2019-12-12 09:30:13", "Asia/Tokyo", T),
            ("2019-12-12 00:30:13", "UTC", T),
            ("2019-12-12 00:30:13", None, T),
            ("2019-12-12 09:30:13 JST", "UTC", T),
            ("2019-12-12 09:30:13+0900", "UTC", T),
            ("2019-12-12 09:30:13 +09:00", "UTC", T),
            ("2019-12-12 09:30:13.999", "JST", T),
            ("2019-01-01", "JST", JAN_1_JST),
            ("2019-01-01 PDT", "JST", 1546326000),
        ],
    )
    def test_documented_forms(self, text, tz, expected):
        assert (td_time_parse(text, tz) if tz else td_time_parse(text)) == expected

    @pytest.mark.parametrize(
        "text", ["yesterday", "2019-13-01", "2019-12-12 25:00:00", "2019-12-12 Mars/Base", "", "12/12/2019"]
    )
    def test_unreadable_text_is_null(self, text):
        assert td_time_parse(text, "JST") is None

    def test_a_bad_zone_argument_is_an_error_not_null(self):
        with pytest.raises(UnknownZoneError):
            td_time_parse("2019-01-01", "Mars/Base")


class TestDateTrunc:
    @pytest.mark.parametrize(
        ("unit", "text"),
        [
            ("minute", "2019-12-12 09:30:00"),
            ("hour", "2019-12-12 09:00:00"),
            ("day", "2019-12-12 00:00:00"),
            ("week", "2019-12-09 00:00:00"),
            ("month", "2019-12-01 00:00:00"),
            ("quarter", "2019-10-01 00:00:00"),
            ("year", "2019-01-01 00:00:00"),
        ],
    )
    def test_units_in_jst(self, unit, text):
        assert td_time_format(td_date_trunc(unit, T, "JST"), "yyyy-MM-dd HH:mm:ss", "JST") == text

    def test_utc_default_and_case(self):
        assert td_date_trunc("DAY", T) == T // 86400 * 86400

    def test_unknown_unit(self):
        with pytest.raises(UnitError, match="'fortnight'"):
            td_date_trunc("fortnight", T)


class TestTimeAdd:
    @pytest.mark.parametrize(
        ("duration", "seconds"),
        [
            ("1d", 86400),
            ("-1d", -86400),
            ("1w", 604800),
            ("1d12h30m", 131400),
            ("-2d3h", -183600),
            ("45s", 45),
            ("2h30m15s", 9015),
        ],
    )
    def test_durations(self, duration, seconds):
        assert td_time_add(T, duration) == T + seconds

    def test_string_times_are_read_in_the_zone(self):
        assert td_time_add("2019-01-01", "1d", "JST") == JAN_1_JST + 86400

    @pytest.mark.parametrize(
        ("duration", "reason"),
        [
            ("1M", "months and years"),
            ("1y", "months and years"),
            ("1x", "signed combination"),
            ("1d1d", "repeats a unit"),
            ("1d\n", "signed combination"),
            ("", "signed combination"),
        ],
    )
    def test_bad_durations(self, duration, reason):
        with pytest.raises(DurationError, match=reason):
            td_time_add(T, duration)

    def test_null(self):
        assert td_time_add(None, "1d") is None
        assert td_time_add("not a time", "1d") is None


class TestSessionize:
    def test_a_gap_over_the_timeout_starts_a_session(self):
        assert sessionize([0, 10, 3610, 7211, 7211, 20000], 3600) == [0, 0, 0, 1, 1, 2]

    def test_empty_and_unsorted(self):
        assert sessionize([], 60) == []
        with pytest.raises(ValueError, match="ascending order"):
            sessionize([5, 3], 60)
        with pytest.raises(ValueError, match="timeout"):
            sessionize([1], -1)

    @settings(max_examples=200, deadline=None)
    @given(
        st.lists(st.integers(min_value=0, max_value=10**6), max_size=50),
        st.integers(min_value=0, max_value=5000),
    )
    def test_sessions_are_maximal_runs_of_close_events(self, times, timeout):
        times.sort()
        sessions = sessionize(times, timeout)
        for i in range(1, len(times)):
            same = sessions[i] == sessions[i - 1]
            assert same == (times[i] - times[i - 1] <= timeout)
            assert sessions[i] - sessions[i - 1] in (0, 1)


class TestZones:
    def test_abbreviations_are_fixed_offsets(self):
        moment = datetime(2024, 7, 1, tzinfo=UTC)
        assert moment.astimezone(resolve_zone("JST")).utcoffset().total_seconds() == 9 * 3600
        assert moment.astimezone(resolve_zone("PST")).utcoffset().total_seconds() == -8 * 3600
        assert moment.astimezone(resolve_zone("PDT")).utcoffset().total_seconds() == -7 * 3600
        assert moment.astimezone(resolve_zone("America/Los_Angeles")).utcoffset().total_seconds() == -7 * 3600

    @pytest.mark.parametrize(
        ("name", "hint"),
        [
            ("jst", "did you mean 'JST'"),
            ("asia/tokyo", "did you mean 'Asia/Tokyo'"),
            ("CST", "ambiguous"),
            ("Mars/Base", "IANA name"),
            ("+25:00", "out of range"),
            ("../../etc/passwd", "IANA name"),
        ],
    )
    def test_unknown_zones_are_explained(self, name, hint):
        with pytest.raises(UnknownZoneError, match=hint):
            resolve_zone(name)
