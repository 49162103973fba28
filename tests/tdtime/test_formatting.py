"""TD_TIME_STRING and TD_TIME_FORMAT against TD's observed output."""

import pytest

from tdtime import FormatPatternError, UnitError, UnknownZoneError, td_time_format, td_time_string

T = 1576110613  # 2019-12-12 09:30:13 JST, a Thursday


@pytest.mark.parametrize(
    ("code", "text"),
    [
        ("y", "2019-01-01 00:00:00+0900"),
        ("y!", "2019"),
        ("M", "2019-12-01 00:00:00+0900"),
        ("M!", "2019-12"),
        ("w", "2019-12-09 00:00:00+0900"),
        ("w!", "2019-12-09"),
        ("d", "2019-12-12 00:00:00+0900"),
        ("d!", "2019-12-12"),
        ("h", "2019-12-12 09:00:00+0900"),
        ("h!", "2019-12-12 09"),
        ("m", "2019-12-12 09:30:00+0900"),
        ("m!", "2019-12-12 09:30"),
        ("s", "2019-12-12 09:30:13+0900"),
        ("s!", "2019-12-12 09:30:13"),
        ("q", "2019-10-01 00:00:00+0900"),
        ("q!", "2019-10"),
    ],
)
def test_td_time_string_matches_td(code, text):
    assert td_time_string(T, code, "JST") == text


def test_td_time_string_defaults_to_utc_and_prints_negative_offsets():
    assert td_time_string(T, "d") == "2019-12-12 00:00:00+0000"
    assert td_time_string(T, "h", "America/Los_Angeles") == "2019-12-11 16:00:00-0800"
    assert td_time_string(T, "d", "Asia/Kolkata") == "2019-12-12 00:00:00+0530"


def test_td_time_string_rejects_unknown_codes():
    with pytest.raises(UnitError, match="'D!'"):
        td_time_string(T, "D!", "JST")
    with pytest.raises(UnknownZoneError, match="'Mars/Base'"):
        td_time_string(T, "d", "Mars/Base")


def test_null_time_is_null():
    assert td_time_string(None, "d!") is None
    assert td_time_format(None, "yyyy") is None


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        ("yyyy-MM-dd HH:mm:ss", "2019-12-12 09:30:13"),
        ("yyyy-MM-dd", "2019-12-12"),
        ("G yy y yyyyy", "AD 19 2019 02019"),
        ("MMMM MMM MM M", "December Dec 12 12"),
        ("ww w DDD D dd d", "50 50 346 346 12 12"),
        ("EEEE EEE E u", "Thursday Thu Thu 4"),
        ("a HH H kk k KK K hh h", "AM 09 9 09 9 09 9 09 9"),
        ("mm m ss s SSS S", "30 30 13 13 000 0"),
        ("z zzzz Z", "GMT+09:00 GMT+09:00 +0900"),
        ("yyyy'T'HH 'o''clock' ''", "2019T09 o'clock '"),
        ("yyyy/MM/dd (E)", "2019/12/12 (Thu)"),
    ],
)
def test_td_time_format_in_a_fixed_offset_zone(pattern, text):
    assert td_time_format(T, pattern, "JST") == text


@pytest.mark.parametrize(
    ("tz", "text"),
    [
        ("UTC", "UTC Coordinated Universal Time +0000"),
        ("Asia/Tokyo", "JST Japan Standard Time +0900"),
        ("America/Los_Angeles", "PST Pacific Standard Time -0800"),
    ],
)
def test_zone_names_in_iana_zones(tz, text):
    assert td_time_format(T, "z zzzz Z", tz) == text


def test_daylight_time_names_and_afternoon_hours():
    july = 1562000000  # 2019-07-01 16:53:20 UTC
    assert td_time_format(july, "z zzzz", "America/Los_Angeles") == "PDT Pacific Daylight Time"
    assert td_time_format(july, "a hh KK kk HH", "UTC") == "PM 04 04 16 16"
    assert td_time_format(1562025600, "a hh KK kk HH", "UTC") == "AM 12 00 24 00"  # midnight


def test_unsupported_letters_and_long_names_are_errors_not_guesses():
    # W (week in month) depends on week rules TD does not document: refused, not guessed.
    with pytest.raises(FormatPatternError, match="'W'"):
        td_time_format(T, "yyyy-MM W")
    with pytest.raises(FormatPatternError, match="unterminated quote"):
        td_time_format(T, "yyyy'T")
    with pytest.raises(FormatPatternError, match="zzzz"):
        td_time_format(T, "zzzz", "Africa/Abidjan")


def test_week_year_follows_the_iso_weeks_w_counts():
    # The TD reading: TD_TIME_FORMAT(1705320000, 'YYYYMM') is '202401'. Y is the year of
    # the week `w` counts (ISO, as tdtime.inferred.week_of_year), so it differs from y at New Year.
    assert td_time_format(1705320000, "YYYYMM") == "202401"
    assert td_time_format(1609459200, "YYYY-ww yyyy") == "2020-53 2021"  # 2021-01-01
    assert td_time_format(1735516800, "YYYY-ww yyyy") == "2025-01 2024"  # 2024-12-30
