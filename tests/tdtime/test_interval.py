"""TD_INTERVAL: TD's documented examples, the rejections users hit, and the algorithm's invariants."""

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdtime import (
    Interval,
    IntervalError,
    Span,
    Unit,
    parse_interval,
    resolve_zone,
    td_interval,
    td_interval_bounds,
    td_interval_range,
)

TD_NOW = int(datetime(2018, 8, 14, 1, 23, 45, tzinfo=UTC).timestamp())  # a Tuesday


def utc(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp())


@pytest.mark.parametrize(
    ("interval", "start", "end"),
    [
        ("-7d", "2018-08-07 00:00:00", "2018-08-14 00:00:00"),
        ("-1w", "2018-08-06 00:00:00", "2018-08-13 00:00:00"),
        ("1d", "2018-08-14 00:00:00", "2018-08-15 00:00:00"),
        ("-1M", "2018-07-01 00:00:00", "2018-08-01 00:00:00"),
        ("1M", "2018-08-01 00:00:00", "2018-09-01 00:00:00"),
        ("1y", "2018-01-01 00:00:00", "2019-01-01 00:00:00"),
        ("-15m", "2018-08-14 01:08:00", "2018-08-14 01:23:00"),
        ("-30s", "2018-08-14 01:23:15", "2018-08-14 01:23:45"),
        ("-1h", "2018-08-14 00:00:00", "2018-08-14 01:00:00"),
        ("-1h/now", "2018-08-14 00:00:00", "2018-08-14 01:23:45"),
        ("-1h/0d", "2018-08-13 23:00:00", "2018-08-14 00:00:00"),
        ("-7d/2015-12-25", "2015-12-18 00:00:00", "2015-12-25 00:00:00"),
        ("-10d/-1M", "2018-06-21 00:00:00", "2018-07-01 00:00:00"),
        # Described in TD's reference without a table row:
        ("0d/now", "2018-08-14 00:00:00", "2018-08-14 01:23:45"),  # today so far
        ("0M/now", "2018-08-01 00:00:00", "2018-08-14 01:23:45"),  # month to date
        ("0y/now", "2018-01-01 00:00:00", "2018-08-14 01:23:45"),  # year to date
        ("-7d/0M", "2018-07-25 00:00:00", "2018-08-01 00:00:00"),  # 7 days before the 1st
        ("0M/-7d", "2018-08-01 00:00:00", "2018-08-07 00:00:00"),  # this month up to 7 days ago
    ],
)
def test_td_reference_examples(interval, start, end):
    assert td_interval_bounds(interval, TD_NOW) == (utc(start), utc(end))


def test_now_may_be_an_aware_datetime():
    now = datetime(2018, 8, 14, 10, 23, 45, tzinfo=ZoneInfo("Asia/Tokyo"))
    assert td_interval_bounds("-7d", now) == td_interval_bounds("-7d", TD_NOW)


def test_naive_now_is_rejected():
    with pytest.raises(ValueError, match="naive datetime"):
        td_interval_bounds("-7d", datetime(2018, 8, 14))


def test_the_timezone_moves_the_day_boundaries():
    # 01:23 UTC is 10:23 in Tokyo: "yesterday" there is the 13th from 00:00 JST = 15:00 UTC on the 12th.
    assert td_interval_bounds("-1d", TD_NOW, "Asia/Tokyo") == (
        utc("2018-08-12 15:00:00"),
        utc("2018-08-13 15:00:00"),
    )
    assert td_interval_bounds("-1d", TD_NOW, "JST") == td_interval_bounds("-1d", TD_NOW, "Asia/Tokyo")


@pytest.mark.parametrize(
    ("bad", "fix"),
    [
        ("2024-01-01/2024-01-31", "'-30d/2024-01-31'"),
        ("2024-01-15", "'-1d/2024-01-16'"),
        ("2024-12-31", "'-1d/2025-01-01'"),
        ("2015-01-01/1d", "'1d/2015-01-01'"),
        ("+7d", "'7d'"),
        (" -1d", "'-1d'"),
    ],
)
def test_undocumented_forms_are_rejected_with_the_documented_equivalent(bad, fix):
    with pytest.raises(IntervalError) as raised:
        parse_interval(bad)
    assert repr(bad) in str(raised.value)
    assert fix in str(raised.value)


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ("1d2h", "exactly one unit"),
        ("-1d/2024-01-01 00:00:00", "no time of day or zone"),
        ("-1d/2024-01-01T00:00:00+09:00", "no time of day or zone"),
        ("-7D", "unknown unit 'D'"),
        ("-7days", "unknown unit 'days'"),
        ("", "empty"),
        ("-1d/2024-02-30", "not a calendar date"),
        ("2024-01-31/2024-01-01", "is not after"),
        ("-1d/yesterday", "duration[/offset]"),
        ("-1d; DROP TABLE x", "duration[/offset]"),
        ("d", "duration[/offset]"),
        ("-1d/now/now", "duration[/offset]"),
        ("-1d\n", "whitespace"),
        ("-\u0663d", "duration[/offset]"),  # a non-ASCII digit
    ],
)
def test_invalid_strings_name_the_problem(bad, reason):
    with pytest.raises(IntervalError, match="not a TD_INTERVAL string") as raised:
        parse_interval(bad)
    assert reason in str(raised.value)


def test_non_strings_are_rejected():
    with pytest.raises(IntervalError, match="needs a string"):
        parse_interval(7)


def test_out_of_range_is_an_interval_error():
    with pytest.raises(IntervalError, match="out of range"):
        td_interval_bounds("-99999999y", TD_NOW)


@pytest.mark.parametrize(
    "text", ["-" + "9" * 5000 + "d", "-1d/-" + "7" * 13 + "M", "0" * 20 + "1" + "9" * 12 + "s"]
)
def test_counts_of_thousands_of_digits_are_out_of_range_not_a_crash(text):
    """Python cannot even read a 5,000-digit integer; the user gets TD_INTERVAL's error."""
    with pytest.raises(IntervalError, match="out of range") as raised:
        parse_interval(text)
    assert len(str(raised.value)) < 200


def test_parse_gives_a_value_object_that_prints_back():
    parsed = parse_interval("-10d/-1M")
    assert parsed == Interval(Span(-10, Unit.DAY), Span(-1, Unit.MONTH))
    assert str(parsed) == "-10d/-1M"
    assert str(parse_interval("-7d/2015-12-25")) == "-7d/2015-12-25"
    assert parse_interval("0d/now").offset == "now"


def test_quarter_unit():
    assert td_interval_bounds("-1q", TD_NOW) == (utc("2018-04-01 00:00:00"), utc("2018-07-01 00:00:00"))


def test_td_interval_is_half_open():
    start, end = td_interval_bounds("-7d", TD_NOW)
    assert [td_interval(t, "-7d", now=TD_NOW) for t in (start - 1, start, end - 1, end)] == [
        False,
        True,
        True,
        False,
    ]
    assert td_interval(None, "-7d", now=TD_NOW) is None


def test_td_interval_defaults_now_to_the_wall_clock():
    assert td_interval(int(datetime.now(UTC).timestamp()) - 60, "-1d/now")


def test_td_interval_range_returns_the_pair():
    assert td_interval_range("-7d", now=TD_NOW) == [utc("2018-08-07 00:00:00"), utc("2018-08-14 00:00:00")]


def test_dst_days_last_23_and_25_hours():
    la = "America/Los_Angeles"
    spring = td_interval_bounds("-1d/2024-03-11", TD_NOW, la)
    autumn = td_interval_bounds("-1d/2024-11-04", TD_NOW, la)
    assert spring[1] - spring[0] == 23 * 3600
    assert autumn[1] - autumn[0] == 25 * 3600
    assert datetime.fromtimestamp(autumn[0], ZoneInfo(la)).isoformat() == "2024-11-03T00:00:00-07:00"


def test_hours_in_a_dst_zone_are_elapsed_hours():
    # 01:30 happens twice in Los Angeles on 2024-11-03. From the second one (PST), "-1h" is the
    # elapsed hour before 01:00 PST: [01:00 PDT, 01:00 PST), not a two-hour wall-clock span.
    now = int(datetime(2024, 11, 3, 9, 30, tzinfo=UTC).timestamp())  # 01:30 PST
    start, end = td_interval_bounds("-1h", now, "America/Los_Angeles")
    assert (start, end) == (now - 90 * 60, now - 30 * 60)


# --- properties ---------------------------------------------------------------------------------

ZONES = ["UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kolkata", "Australia/Lord_Howe", "JST", "PST"]
UNITS = list("smhdwMqy")
nows = st.integers(min_value=0, max_value=4_102_444_800)  # 1970..2100
dates = st.dates(min_value=date(1971, 1, 1), max_value=date(2099, 12, 31))


@st.composite
def interval_strings(draw):
    count = draw(st.integers(min_value=-400, max_value=400))
    text = f"{count}{draw(st.sampled_from(UNITS))}"
    offset = draw(st.sampled_from(["none", "now", "span", "date"]))
    if offset == "now":
        text += "/now"
    elif offset == "span":
        text += f"/{draw(st.integers(min_value=-400, max_value=400))}{draw(st.sampled_from(UNITS))}"
    elif offset == "date":
        text += f"/{draw(dates).isoformat()}"
    return text


@settings(max_examples=400, deadline=None)
@given(interval_strings(), nows, st.sampled_from(ZONES))
def test_every_valid_string_gives_an_ordered_range(interval, now, tz):
    start, end = td_interval_bounds(interval, now, tz)
    if parse_interval(interval).duration.count == 0:
        assert start <= end  # `0d` alone is the empty range at the start of today
    else:
        assert start < end


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=1, max_value=1000), dates, nows, st.sampled_from(ZONES))
def test_minus_n_days_slash_date_covers_exactly_n_local_days_ending_at_the_date(n, day, now, tz):
    start, end = td_interval_bounds(f"-{n}d/{day.isoformat()}", now, tz)
    zone = resolve_zone(tz)
    local_start, local_end = datetime.fromtimestamp(start, zone), datetime.fromtimestamp(end, zone)
    assert local_end.date() == day and local_start.date() == day - timedelta(days=n)
    # Each end is the first instant of its local date.
    for moment in (start, end):
        assert datetime.fromtimestamp(moment - 1, zone).date() < datetime.fromtimestamp(moment, zone).date()


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=-500, max_value=500), nows)
def test_utc_days_and_hours_match_plain_arithmetic(n, now):
    day, hour = now // 86400 * 86400, now // 3600 * 3600
    if n <= 0:
        assert td_interval_bounds(f"{n}d", now) == (day + n * 86400, day)
        assert td_interval_bounds(f"{n}h", now) == (hour + n * 3600, hour)
    else:
        assert td_interval_bounds(f"{n}d", now) == (day, day + n * 86400)
        assert td_interval_bounds(f"{n}h", now) == (hour, hour + n * 3600)


def _months_after(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=120),
    dates,
    nows,
    st.sampled_from(["UTC", "Asia/Tokyo", "America/Los_Angeles"]),
)
def test_month_and_year_arithmetic_lands_on_first_days(n, day, now, tz):
    zone = ZoneInfo(tz)

    def local_date(t):
        return datetime.fromtimestamp(t, zone).date()

    start, end = td_interval_bounds(f"-{n}M/{day.isoformat()}", now, tz)
    assert local_date(start) == _months_after(day, -n) and local_date(end) == day
    start, end = td_interval_bounds(f"{n}M/{day.isoformat()}", now, tz)
    assert local_date(start) == day.replace(day=1) and local_date(end) == _months_after(day, n)
    start, end = td_interval_bounds(f"-{n}y/{day.isoformat()}", now, tz)
    assert local_date(start) == date(day.year - n, 1, 1) and local_date(end) == day


@pytest.mark.parametrize("month_end", ["2024-01-31", "2024-02-29", "2023-02-28", "2024-03-31", "2024-12-31"])
def test_month_ranges_ending_on_month_ends(month_end):
    day = date.fromisoformat(month_end)
    start, end = td_interval_bounds(f"-1M/{month_end}", TD_NOW)
    assert datetime.fromtimestamp(start, UTC).date() == _months_after(day, -1)
    assert datetime.fromtimestamp(end, UTC).date() == day
    # The day after a month end starts the next month: `-1M` from there is that whole month.
    start, end = td_interval_bounds(f"-1M/{day + timedelta(days=1)}", TD_NOW)
    assert datetime.fromtimestamp(start, UTC).date() == day.replace(day=1)


@settings(max_examples=200, deadline=None)
@given(dates, nows)
def test_los_angeles_days_last_23_24_or_25_hours(day, now):
    start, end = td_interval_bounds(f"-1d/{day.isoformat()}", now, "America/Los_Angeles")
    assert end - start in (23 * 3600, 24 * 3600, 25 * 3600)
    zone = ZoneInfo("America/Los_Angeles")
    expected = (
        datetime.combine(day, datetime.min.time(), zone).timestamp()
        - datetime.combine(day - timedelta(days=1), datetime.min.time(), zone).timestamp()
    )
    assert end - start == expected


@settings(max_examples=300, deadline=None)
@given(interval_strings(), nows, st.sampled_from(ZONES), st.integers(min_value=-5, max_value=5))
def test_td_interval_agrees_with_bounds_at_the_edges(interval, now, tz, nudge):
    start, end = td_interval_bounds(interval, now, tz)
    for edge in (start, end):
        t = edge + nudge
        assert td_interval(t, interval, tz, now=now) == (start <= t < end)
