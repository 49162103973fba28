"""TD functions in SQL give exactly what tdtime (the project's source of TD semantics) gives.

Each property runs the same inputs through the engine and through tdtime, including DST zones
(America/Los_Angeles, Europe/London, Australia/Adelaide), half-hour zones (Asia/Kolkata) and
NULLs; literal arguments take the translation-time path, column arguments the SQL/UDF paths.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import tdtime
from tdlocal.errors import TrinoError

TD_NOW = int(datetime(2018, 8, 14, 1, 23, 45, tzinfo=UTC).timestamp())
ZONES = [
    "UTC",
    "JST",
    "PST",
    "PDT",
    "Asia/Tokyo",
    "America/Los_Angeles",
    "Europe/London",
    "Asia/Kolkata",
    "Australia/Adelaide",
    "+05:45",
    "-03:30",
]
# TDLOCAL_PROPERTY_EXAMPLES=1000 for a deeper search than the fast default.
PROPERTY = settings(
    max_examples=int(os.environ.get("TDLOCAL_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

# 1900..2100, where every zone's rules are well defined.
times = st.integers(min_value=-2_208_988_800, max_value=4_102_444_800)
# Instants near DST changes in Los Angeles and London, where local-time arithmetic is tricky.
DST_EDGES = (
    [
        1552212000 + delta  # 2019-03-10 02:00 PST -> 03:00 PDT
        for delta in (-3601, -1, 0, 1, 3599, 3600, 7200)
    ]
    + [
        1572771600 + delta  # 2019-11-03 01:00 PDT -> 01:00 PST (repeated hour)
        for delta in (-3601, -1, 0, 1, 1800, 3599, 3600, 3601)
    ]
    + [1553994000 + delta for delta in (-1, 0, 1)]
)  # 2019-03-31 01:00 UTC, London springs forward
time_lists = st.lists(st.one_of(times, st.sampled_from(DST_EDGES)), min_size=1, max_size=12)
zones = st.sampled_from(ZONES)


def values_table(values: list, sql_type: str = "BIGINT") -> str:
    """A VALUES list of (position, value) rows, NULL included as written."""
    rows = ", ".join(
        f"({index}, CAST({'NULL' if value is None else _sql_literal(value)} AS {sql_type}))"
        for index, value in enumerate(values)
    )
    return f"(VALUES {rows}) AS v(position, x)"


def _sql_literal(value) -> str:
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    return str(value)


def column(expr, expression: str, values: list, sql_type: str = "BIGINT", constants: str = "") -> list:
    """`expression` (over column x, and the one-row table c of `constants`) for every value, in order."""
    extra = f", (SELECT {constants}) AS c" if constants else ""
    answer = expr(f"SELECT {expression} FROM {values_table(values, sql_type)}{extra} ORDER BY position")
    return [row[0] for row in answer.rows]


class TestIntervalAndRange:
    @pytest.mark.parametrize(
        ("interval", "start", "end"),
        [
            ("-7d", "2018-08-07 00:00:00", "2018-08-14 00:00:00"),
            ("-1w", "2018-08-06 00:00:00", "2018-08-13 00:00:00"),
            ("1M", "2018-08-01 00:00:00", "2018-09-01 00:00:00"),
            ("-15m", "2018-08-14 01:08:00", "2018-08-14 01:23:00"),
            ("-1h/now", "2018-08-14 00:00:00", "2018-08-14 01:23:45"),
            ("-7d/2015-12-25", "2015-12-18 00:00:00", "2015-12-25 00:00:00"),
            ("-10d/-1M", "2018-06-21 00:00:00", "2018-07-01 00:00:00"),
        ],
    )
    def test_td_reference_examples(self, expr, interval, start, end):
        # TD's documented examples (now = 2018-08-14 01:23:45 UTC): the range is [start, end).
        low = int(datetime.fromisoformat(start).replace(tzinfo=UTC).timestamp())
        high = int(datetime.fromisoformat(end).replace(tzinfo=UTC).timestamp())
        selected = column(expr, f"TD_INTERVAL(x, '{interval}')", [low - 1, low, high - 1, high])
        assert selected == [False, True, True, False]

    def test_literal_arguments_become_an_integer_range_on_time(self, expr):
        # Computed once, at translation time: DuckDB sees a plain range it can prune with.
        answer = expr("SELECT count(*) FROM (VALUES 1) AS t(time) WHERE TD_INTERVAL(time, '-1d', 'JST')")
        start, end = tdtime.td_interval_bounds("-1d", TD_NOW, "JST")
        assert f"time >= {start} AND time < {end}" in answer.result.executed_sql[0]

    @PROPERTY
    @given(
        sign=st.sampled_from(["", "-"]),
        count=st.integers(0, 40),
        unit=st.sampled_from("smhdwMqy"),
        offset=st.one_of(
            st.just(""),
            st.just("/now"),
            st.builds(
                lambda s, n, u: f"/{s}{n}{u}",
                st.sampled_from(["", "-"]),
                st.integers(0, 12),
                st.sampled_from("smhdwMy"),
            ),
            st.dates(min_value=datetime(1990, 1, 1).date(), max_value=datetime(2030, 12, 31).date()).map(
                lambda day: f"/{day.isoformat()}"
            ),
        ),
        zone=zones,
        probes=time_lists,
    )
    def test_td_interval_matches_tdtime(self, expr, sign, count, unit, offset, zone, probes):
        interval = f"{sign}{count}{unit}{offset}"
        start, end = tdtime.td_interval_bounds(interval, TD_NOW, zone)
        values = [*probes, start - 1, start, end - 1, end, None]
        expected = [tdtime.td_interval(value, interval, zone, now=TD_NOW) for value in values]
        assert column(expr, f"TD_INTERVAL(x, '{interval}', '{zone}')", values) == expected
        # The same interval and zone coming from columns take the UDF path.
        constants = f"'{interval}' AS i, '{zone}' AS z"
        assert column(expr, "TD_INTERVAL(x, c.i, c.z)", values, constants=constants) == expected

    @PROPERTY
    @given(zone=zones, probes=time_lists)
    def test_td_interval_with_column_arguments_matches_tdtime(self, expr, zone, probes):
        intervals = ["-1d", "-7d/now", "1M", "-2w/2019-01-01", "0y/now"]
        rows = ", ".join(
            f"({i}, {t}, '{interval}')"
            for i, (t, interval) in enumerate(zip(probes, intervals * 3, strict=False))
        )
        answer = expr(f"SELECT TD_INTERVAL(t, i, '{zone}') FROM (VALUES {rows}) AS v(p, t, i) ORDER BY p")
        expected = [
            tdtime.td_interval(t, interval, zone, now=TD_NOW)
            for t, interval in zip(probes, intervals * 3, strict=False)
        ]
        assert [row[0] for row in answer.rows] == expected

    bounds = st.one_of(
        st.none(),
        times,
        st.dates(min_value=datetime(1950, 1, 1).date(), max_value=datetime(2080, 1, 1).date()).map(str),
        st.datetimes(min_value=datetime(1950, 1, 1), max_value=datetime(2080, 1, 1)).map(
            lambda moment: moment.strftime("%Y-%m-%d %H:%M:%S")
        ),
        st.dates(min_value=datetime(1950, 1, 1).date(), max_value=datetime(2080, 1, 1).date()).map(
            lambda day: f"{day} PDT"
        ),
    )

    @PROPERTY
    @given(start=bounds, end=bounds, zone=zones, probes=time_lists)
    def test_td_time_range_matches_tdtime(self, expr, start, end, zone, probes):
        values = [*probes, None]
        expected = [tdtime.td_time_range(value, start, end, zone) for value in values]
        call = f"TD_TIME_RANGE(x, {_sql_or_null(start)}, {_sql_or_null(end)}, '{zone}')"
        assert column(expr, call, values) == expected
        # Bounds from columns (non-literal) take the UDF path and must agree.
        constants = f"{_sql_or_null(start, 'VARCHAR')} AS s, {_sql_or_null(end, 'VARCHAR')} AS e"
        assert column(expr, f"TD_TIME_RANGE(x, c.s, c.e, '{zone}')", values, constants=constants) == expected

    def test_td_time_range_two_argument_form_and_null_bounds(self, expr):
        jan_1_jst = int(datetime(2019, 1, 1, tzinfo=ZoneInfo("Asia/Tokyo")).timestamp())
        answer = expr(
            f"SELECT TD_TIME_RANGE({jan_1_jst}, '2019-01-01 JST'), TD_TIME_RANGE({jan_1_jst - 1}, '2019-01-01 JST'), "
            f"TD_TIME_RANGE({jan_1_jst}, NULL, '2019-01-02', 'JST'), TD_TIME_RANGE({jan_1_jst}, NULL, NULL), "
            "TD_TIME_RANGE(NULL, 0, 10)"
        )
        assert answer.row == (True, False, True, True, None)

    def test_td_interval_range_and_scheduled_time(self, expr):
        answer = expr("SELECT TD_INTERVAL_RANGE('-1d', 'JST'), TD_SCHEDULED_TIME(), td_interval_range('-1M')")
        assert answer.types == ["array(bigint)", "bigint", "array(bigint)"]
        assert answer.row == (
            tdtime.td_interval_range("-1d", "JST", now=TD_NOW),
            TD_NOW,
            tdtime.td_interval_range("-1M", "UTC", now=TD_NOW),
        )

    def test_td_interval_range_from_a_column(self, expr):
        answer = expr("SELECT TD_INTERVAL_RANGE(i, 'America/Los_Angeles') FROM (VALUES '-1d', '-1w') AS v(i)")
        assert [row[0] for row in answer.rows] == [
            tdtime.td_interval_range(i, "America/Los_Angeles", now=TD_NOW) for i in ("-1d", "-1w")
        ]


def _sql_or_null(value, cast: str | None = None) -> str:
    if value is None:
        return "NULL" if cast is None else f"CAST(NULL AS {cast})"
    text = _sql_literal(value)
    return text if cast is None else f"CAST({text} AS {cast})"


class TestPerRowFunctions:
    @PROPERTY
    @given(
        code=st.sampled_from(["y", "q", "M", "w", "d", "h", "m", "s"]),
        cut=st.booleans(),
        zone=zones,
        values=time_lists,
    )
    @example(code="d", cut=False, zone="America/Los_Angeles", values=DST_EDGES)
    @example(code="h", cut=False, zone="America/Los_Angeles", values=DST_EDGES)
    def test_td_time_string_matches_tdtime(self, expr, code, cut, zone, values):
        code = code + ("!" if cut else "")
        values = [*values, None]
        expected = [tdtime.td_time_string(value, code, zone) for value in values]
        assert column(expr, f"TD_TIME_STRING(x, '{code}', '{zone}')", values) == expected

    def test_td_time_string_reference_examples(self, expr):
        # TD's observed results for time = 1576110613 in JST (2019-12-12 09:30:13, a Thursday).
        answer = expr(
            "SELECT TD_TIME_STRING(1576110613, 'd', 'JST'), TD_TIME_STRING(1576110613, 'w!', 'JST'), "
            "TD_TIME_STRING(x, 'M', 'JST'), TD_TIME_STRING(x, 'h!', 'JST') FROM (VALUES 1576110613) AS t(x)"
        )
        assert answer.row == (
            "2019-12-12 00:00:00+0900",
            "2019-12-09",
            "2019-12-01 00:00:00+0900",
            "2019-12-12 09",
        )

    field_letters = st.sampled_from(list("GyMwDdEaHkKhmsSzZu"))
    pattern_tokens = st.one_of(
        st.tuples(field_letters, st.integers(1, 5)).map(lambda field: field[0] * field[1]),
        st.sampled_from(["-", " ", ":", "/", "'T'", "''", "'o''clock'", "%", ".", ", "]),
    )

    @PROPERTY
    @given(tokens=st.lists(pattern_tokens, min_size=1, max_size=8), zone=zones, values=time_lists)
    @example(tokens=["yyyy-MM-dd HH:mm:ss", " ", "z"], zone="America/Los_Angeles", values=DST_EDGES)
    @example(tokens=["zzzz", " ", "Z"], zone="Europe/London", values=DST_EDGES)
    @example(tokens=["EEEE", " ", "u", " ", "w", " ", "D"], zone="Asia/Kolkata", values=[0, 1576110613])
    def test_td_time_format_matches_tdtime(self, expr, tokens, zone, values):
        pattern = "".join(tokens)
        values = [*values, None]
        try:
            tdtime.td_time_format(0, pattern, zone)
        except ValueError as error:
            with pytest.raises(TrinoError) as raised:
                column(expr, f"TD_TIME_FORMAT(x, '{_quote(pattern)}', '{zone}')", values)
            assert raised.value.message == str(error)
            return
        try:
            expected = [tdtime.td_time_format(value, pattern, zone) for value in values]
        except ValueError:
            return  # e.g. a long zone name tdtime only knows for part of the year
        assert column(expr, f"TD_TIME_FORMAT(x, '{_quote(pattern)}', '{zone}')", values) == expected

    def test_td_time_format_reference_examples(self, expr):
        # TD: z in a fixed-offset zone prints GMT+09:00, in UTC it prints UTC.
        answer = expr(
            "SELECT TD_TIME_FORMAT(x, 'yyyy-MM-dd HH:mm:ss z', 'JST'), TD_TIME_FORMAT(x, 'yyyy-MM-dd z'), "
            "TD_TIME_FORMAT(x, 'EEE, d MMM yyyy hh:mm a Z', 'America/Los_Angeles') FROM (VALUES 1576110613) AS t(x)"
        )
        assert answer.row == (
            "2019-12-12 09:30:13 GMT+09:00",
            "2019-12-12 UTC",
            tdtime.td_time_format(1576110613, "EEE, d MMM yyyy hh:mm a Z", "America/Los_Angeles"),
        )

    def test_td_time_format_with_a_pattern_from_a_column_uses_tdtime(self, expr):
        answer = expr("SELECT TD_TIME_FORMAT(1576110613, p, 'JST') FROM (VALUES 'yyyy', 'HH:mm') AS v(p)")
        assert [row[0] for row in answer.rows] == ["2019", "09:30"]

    @PROPERTY
    @given(
        values=time_lists, zone=zones, shape=st.sampled_from(["date", "datetime", "fraction", "zone", "junk"])
    )
    def test_td_time_parse_matches_tdtime(self, expr, values, zone, shape):
        texts = [_time_text(value, shape) for value in values] + [None, "", "2019-02-30", "  2019-01-02  "]
        expected = [tdtime.td_time_parse(text, zone) for text in texts]
        assert column(expr, f"TD_TIME_PARSE(x, '{zone}')", texts, "VARCHAR") == expected

    def test_td_time_parse_literals_are_computed_at_translation(self, expr):
        answer = expr("SELECT TD_TIME_PARSE('2019-12-12 09:30:13', 'JST'), TD_TIME_PARSE('not a time')")
        assert answer.row == (1576110613, None)
        assert answer.types == ["bigint", "bigint"]

    @PROPERTY
    @given(
        unit=st.sampled_from(["minute", "hour", "day", "week", "month", "quarter", "year", "DAY"]),
        zone=zones,
        values=time_lists,
    )
    @example(unit="hour", zone="America/Los_Angeles", values=DST_EDGES)
    @example(unit="day", zone="America/Los_Angeles", values=DST_EDGES)
    def test_td_date_trunc_matches_tdtime(self, expr, unit, zone, values):
        values = [*values, None]
        expected = [tdtime.td_date_trunc(unit, value, zone) for value in values]
        assert column(expr, f"TD_DATE_TRUNC('{unit}', x, '{zone}')", values) == expected

    durations = st.builds(
        lambda sign, parts: sign + "".join(f"{count}{unit}" for unit, count in parts),
        st.sampled_from(["", "-"]),
        st.lists(
            st.tuples(st.sampled_from("wdhms"), st.integers(0, 99)),
            min_size=1,
            max_size=5,
            unique_by=lambda p: p[0],
        ),
    )

    @PROPERTY
    @given(duration=durations, zone=zones, values=time_lists)
    def test_td_time_add_matches_tdtime(self, expr, duration, zone, values):
        values = [*values, None]
        expected = [tdtime.td_time_add(value, duration, zone) for value in values]
        assert column(expr, f"TD_TIME_ADD(x, '{duration}', '{zone}')", values) == expected
        texts = [_time_text(value, "datetime") for value in values if value is not None]
        expected_texts = [tdtime.td_time_add(text, duration, zone) for text in texts]
        assert column(expr, f"TD_TIME_ADD(x, '{duration}', '{zone}')", texts, "VARCHAR") == expected_texts

    def test_function_names_ignore_case(self, expr):
        answer = expr(
            "SELECT td_time_format(0, 'yyyy'), Td_Time_Format(0, 'yyyy'), TD_TIME_FORMAT(0, 'yyyy')"
        )
        assert answer.row == ("1970", "1970", "1970")


def _quote(text: str) -> str:
    return text.replace("'", "''")


def _time_text(value: int | None, shape: str) -> str | None:
    if value is None:
        return None
    local = datetime.fromtimestamp(value, UTC)
    if shape == "date":
        return local.strftime("%Y-%m-%d")
    if shape == "fraction":
        return local.strftime("%Y-%m-%d %H:%M:%S") + ".25"
    if shape == "zone":
        return (local + timedelta(hours=9)).strftime("%Y-%m-%d %H:%M:%S") + " JST"
    if shape == "junk":
        return local.strftime("%d/%m/%Y")
    return local.strftime("%Y-%m-%d %H:%M:%S")


class TestBadArguments:
    @pytest.mark.parametrize(
        ("call", "tdtime_call"),
        [
            (
                "TD_INTERVAL(time, '2024-01-01/2024-01-31', 'JST')",
                lambda: tdtime.parse_interval("2024-01-01/2024-01-31"),
            ),
            ("TD_INTERVAL(time, '-1d', 'Mars/Olympus')", lambda: tdtime.resolve_zone("Mars/Olympus")),
            ("TD_TIME_FORMAT(time, 'yyyy-MM-dd Q')", lambda: tdtime.td_time_format(0, "yyyy-MM-dd Q")),
            ("TD_TIME_STRING(time, 'x!')", lambda: tdtime.td_time_string(0, "x!")),
            ("TD_DATE_TRUNC('fortnight', time)", lambda: tdtime.td_date_trunc("fortnight", 0)),
            ("TD_TIME_ADD(time, '1M')", lambda: tdtime.td_time_add(0, "1M")),
            (
                "TD_TIME_RANGE(time, '2013-01-01', 'PDT')",
                lambda: tdtime.time_range_bounds("2013-01-01", "PDT"),
            ),
            ("TD_TIME_PARSE(name, 'IST')", lambda: tdtime.resolve_zone("IST")),
        ],
    )
    def test_literal_errors_carry_tdtimes_message_before_any_sql_runs(self, expr, call, tdtime_call):
        with pytest.raises(ValueError) as reference:
            tdtime_call()
        # The table does not exist: an INVALID_FUNCTION_ARGUMENT shows no SQL ran.
        with pytest.raises(TrinoError) as error:
            expr(f"SELECT {call} FROM no_such_table")
        assert error.value.name == "INVALID_FUNCTION_ARGUMENT"
        assert str(reference.value) in error.value.message

    def test_bad_value_from_a_column_fails_with_tdtimes_message(self, expr):
        with pytest.raises(TrinoError) as error:
            expr("SELECT TD_INTERVAL(1, i) FROM (VALUES '-1x') AS v(i)")
        assert error.value.name == "INVALID_FUNCTION_ARGUMENT"
        assert "'-1x' is not a TD_INTERVAL string" in error.value.message

    def test_unknown_td_function(self, expr):
        with pytest.raises(TrinoError) as error:
            expr("SELECT TD_LAT_LONG_TO_COUNTRY('FULL_NAME', 35.6, 139.7)")
        assert error.value.name == "FUNCTION_NOT_FOUND"
        assert "td_lat_long_to_country" in error.value.message and "TD_INTERVAL" in error.value.message

    def test_wrong_number_of_arguments(self, expr):
        with pytest.raises(TrinoError) as error:
            expr("SELECT TD_INTERVAL(1)")
        assert error.value.name == "FUNCTION_NOT_FOUND"
        assert "td_interval(bigint, varchar [, varchar])" in error.value.message


class TestNonLiteralArguments:
    """Formats, zones and durations from columns fall back to tdtime UDFs: same answers."""

    def test_every_function_with_arguments_from_columns(self, expr):
        answer = expr(
            "SELECT TD_TIME_STRING(t, c, z), TD_DATE_TRUNC(u, t, z), TD_TIME_ADD(t, d, z), "
            "TD_TIME_PARSE(s, z), TD_TIME_FORMAT(t, p, z), TD_TIME_RANGE(t, s, NULL, z) "
            "FROM (VALUES (1576110613, 'd', 'Asia/Kolkata', 'week', '1d2h', '2019-12-12', 'yyyy-MM-dd HH z'), "
            "(NULL, 'h!', 'America/Los_Angeles', 'hour', '-30m', NULL, 'Z')) AS v(t, c, z, u, d, s, p)"
        )
        expected = []
        for t, c, z, u, d, s, p in [
            (1576110613, "d", "Asia/Kolkata", "week", "1d2h", "2019-12-12", "yyyy-MM-dd HH z"),
            (None, "h!", "America/Los_Angeles", "hour", "-30m", None, "Z"),
        ]:
            expected.append(
                (
                    tdtime.td_time_string(t, c, z),
                    tdtime.td_date_trunc(u, t, z),
                    tdtime.td_time_add(t, d, z),
                    tdtime.td_time_parse(s, z),
                    tdtime.td_time_format(t, p, z),
                    None if t is None else tdtime.td_time_range(t, s, None, z),
                )
            )
        assert answer.rows == expected
