"""Where DuckDB would answer differently from Trino: each test states Trino's documented result."""

from datetime import date, datetime
from decimal import Decimal

import pytest


class TestArithmeticAndNames:
    def test_integer_division_truncates_like_trino(self, expr):
        # Trino: 7 / 2 = 3 and -7 / 2 = -3 (integer division truncates toward zero).
        answer = expr("SELECT 7 / 2, -7 / 2")
        assert answer.row == (3, -3)
        assert answer.types == ["integer", "integer"]

    def test_unaliased_columns_are_named_col_and_their_position(self, expr):
        # Trino names unaliased expressions _col<position>; columns keep their own names.
        answer = expr("SELECT 1, x AS named, x, x + 1, upper('a') FROM (VALUES 5) AS t(x)")
        assert answer.names == ["_col0", "named", "x", "_col3", "_col4"]

    def test_col_position_counts_columns_expanded_from_star(self, expr):
        answer = expr("SELECT *, 1 FROM (VALUES (1, 2)) AS t(a, b)")
        assert answer.names == ["a", "b", "_col2"]

    def test_unnamed_columns_of_a_subquery_stay_unnamed(self, expr):
        assert expr("SELECT * FROM (SELECT 1)").names == ["_col0"]

    def test_identifiers_are_case_insensitive_and_tables_are_created_lowercase(self, sql):
        sql('CREATE TABLE "Customers" ("Id" integer, Name varchar)')
        sql("INSERT INTO CUSTOMERS (ID, NAME) VALUES (1, 'a')")
        assert sql("SELECT id, name FROM customers").row == (1, "a")
        columns = sql(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'analytics' AND table_name = 'customers' AND column_name <> 'time'"
        )
        assert columns.rows == [("customers", "id"), ("customers", "name")]

    def test_a_column_is_named_as_written_in_the_select(self, expr):
        # Trino names a selected column after the identifier as written.
        assert expr("SELECT X FROM (VALUES 1) AS t(x)").names == ["X"]


class TestDates:
    def test_date_trunc_of_a_date_is_a_date(self, expr):
        # Trino: date_trunc('month', DATE '2020-01-15') = DATE '2020-01-01'.
        answer = expr("SELECT date_trunc('month', DATE '2020-01-15')")
        assert answer.types == ["date"]
        assert answer.value == date(2020, 1, 1)

    def test_date_add_to_a_date_is_a_date(self, expr):
        # Trino: date_add('day', 1, DATE '2020-01-15') = DATE '2020-01-16'.
        answer = expr("SELECT date_add('day', 1, DATE '2020-01-15'), DATE '2020-01-31' + INTERVAL '1' DAY")
        assert answer.types == ["date", "date"]
        assert answer.row == (date(2020, 1, 16), date(2020, 2, 1))

    def test_date_trunc_of_a_timestamp_keeps_its_precision(self, expr):
        # Trino: date_trunc('hour', TIMESTAMP '2020-01-15 10:20:30') is a timestamp(0).
        answer = expr("SELECT date_trunc('hour', TIMESTAMP '2020-01-15 10:20:30')")
        assert answer.types == ["timestamp(0)"]
        assert answer.value == datetime(2020, 1, 15, 10, 0)

    def test_sequence_of_dates_is_an_array_of_dates(self, expr):
        # Trino: sequence(DATE '2020-01-01', DATE '2020-01-03') = [2020-01-01, 2020-01-02, 2020-01-03].
        answer = expr("SELECT sequence(DATE '2020-01-01', DATE '2020-01-03'), sequence(1, 3)")
        assert answer.types == ["array(date)", "array(bigint)"]
        assert answer.row == ([date(2020, 1, 1), date(2020, 1, 2), date(2020, 1, 3)], [1, 2, 3])

    def test_from_unixtime_with_a_zone_reads_the_wall_clock_of_that_zone(self, expr):
        # Trino: from_unixtime(1500000000, 'Asia/Tokyo') = 2017-07-14 11:40:00.000 Asia/Tokyo.
        answer = expr(
            "SELECT hour(from_unixtime(1500000000, 'Asia/Tokyo')), "
            "format_datetime(from_unixtime(1500000000, 'America/Los_Angeles'), 'yyyy-MM-dd HH:mm'), "
            "hour(from_unixtime(1500000000, 2, 30))"
        )
        assert answer.row == (11, "2017-07-13 19:40", 5)

    def test_from_unixtime_without_a_zone_is_an_instant(self, expr):
        # Trino: from_unixtime(1500000000) = 2017-07-14 02:40:00.000 UTC (session zone UTC).
        answer = expr("SELECT from_unixtime(1500000000), to_unixtime(from_unixtime(1500000000))")
        assert answer.types[0].endswith("with time zone")
        assert answer.row[0].replace(tzinfo=None) == datetime(2017, 7, 14, 2, 40)
        assert answer.row[1] == 1500000000.0

    def test_format_datetime_takes_joda_patterns(self, expr):
        # Trino: format_datetime(TIMESTAMP '2019-12-12 09:30:13', 'yyyy-MM-dd HH:mm:ss EEE MMM')
        #        = '2019-12-12 09:30:13 Thu Dec'.
        answer = expr(
            "SELECT format_datetime(TIMESTAMP '2019-12-12 09:30:13', 'yyyy-MM-dd''T''HH:mm:ss EEE MMM'), "
            "format_datetime(TIMESTAMP '2019-12-12 09:30:13.123', 'EEEE d MMMM yy h a SSS')"
        )
        assert answer.row == ("2019-12-12T09:30:13 Thu Dec", "Thursday 12 December 19 9 AM 123")

    def test_date_format_and_date_parse_take_mysql_patterns(self, expr):
        # Trino: date_format(TIMESTAMP '2017-07-14 02:40:00', '%Y-%m-%d %H:%i:%s') = '2017-07-14 02:40:00'.
        answer = expr(
            "SELECT date_format(TIMESTAMP '2017-07-14 02:40:00', '%Y-%m-%d %H:%i:%s'), "
            "date_parse('2017-07-14 02:40', '%Y-%m-%d %H:%i')"
        )
        assert answer.row == ("2017-07-14 02:40:00", datetime(2017, 7, 14, 2, 40))

    def test_current_timestamp_is_the_query_start_time(self, expr):
        # Trino evaluates current_timestamp once per query; tdlocal uses the pinned "now" (TD_NOW).
        answer = expr("SELECT current_timestamp, now(), current_date, to_unixtime(current_timestamp)")
        assert answer.row[2] == date(2018, 8, 14)
        assert answer.row[3] == 1534209825.0
        assert answer.row[0] == answer.row[1]


class TestCasts:
    @pytest.mark.parametrize(
        ("expression", "trino_text"),
        [
            # Trino 423 prints doubles with DecimalFormat("0.0###################E0") (DoubleOperators
            # .castToVarchar; TestDoubleOperators.testCastToVarchar: 37.7E0 is '3.77E1', 12e2 '1.2E3',
            # 12345678.9e0 '1.23456789E7', 0e0 '0E0') and reals with "0.0#####E0" (RealOperators;
            # TestRealOperators: REAL '754.1985' is '7.541985E2', REAL '12345678.9e0' '1.234568E7').
            ("1e20", "1.0E20"),
            ("1.5e0", "1.5E0"),
            ("100e0", "1.0E2"),
            ("37.7e0", "3.77E1"),
            ("12345678.9e0", "1.23456789E7"),
            ("123456789.0e0", "1.23456789E8"),
            ("9999999e0", "9.999999E6"),
            ("1e7", "1.0E7"),
            ("0.001e0", "1.0E-3"),
            ("0.0001e0", "1.0E-4"),
            ("-2.5e-7", "-2.5E-7"),
            ("0e0", "0E0"),
            ("-0e0", "-0E0"),
            ("nan()", "NaN"),
            ("infinity()", "Infinity"),
            ("-infinity()", "-Infinity"),
            ("CAST(1.25 AS real)", "1.25E0"),
            ("REAL '754.1985'", "7.541985E2"),
            ("REAL '-754.2008'", "-7.542008E2"),
            ("REAL '12345678.9e0'", "1.234568E7"),
            ("CAST(0.1 AS real)", "1.0E-1"),
            ("12", "12"),
            ("DECIMAL '1.50'", "1.50"),
            ("true", "true"),
            ("DATE '2020-01-02'", "2020-01-02"),
            ("TIMESTAMP '2020-01-02 03:04:05.123'", "2020-01-02 03:04:05.123"),
            ("CAST('2020-01-02 03:04:05' AS timestamp)", "2020-01-02 03:04:05.000"),
        ],
    )
    def test_cast_to_varchar_prints_like_trino(self, expr, expression, trino_text):
        assert expr(f"SELECT CAST({expression} AS varchar)").value == trino_text

    def test_cast_of_a_double_column_to_varchar(self, expr):
        assert expr("SELECT CAST(x AS varchar) FROM (VALUES 1e20, 2.5e0) AS t(x)").rows == [
            ("1.0E20",),
            ("2.5E0",),
        ]

    def test_decimal_literal_keeps_its_precision_and_scale(self, expr):
        # Trino: DECIMAL '1.50' is decimal(3,2).
        answer = expr("SELECT DECIMAL '1.50'")
        assert answer.types == ["decimal(3,2)"]
        assert answer.value == Decimal("1.50")

    def test_timestamp_without_precision_is_timestamp_3(self, expr):
        # Trino: CAST(x AS timestamp) is timestamp(3).
        answer = expr("SELECT CAST('2020-01-01 10:00:00.123456' AS timestamp)")
        assert answer.types == ["timestamp(3)"]
        assert answer.value == datetime(2020, 1, 1, 10, 0, 0, 123000)

    def test_row_values_go_into_named_row_columns(self, sql):
        # Trino casts ROW(1, 'x') to row(a integer, b varchar) by position.
        sql("CREATE TABLE nested (id integer, r row(a integer, b varchar))")
        sql("INSERT INTO nested (id, r) VALUES (1, ROW(1, 'x'))")
        answer = sql("SELECT r, r.b, CAST(ROW(2, 'y') AS row(a integer, b varchar)) FROM nested")
        assert answer.types == ['row("a" integer, "b" varchar)', "varchar", 'row("a" integer, "b" varchar)']
        assert answer.row == ((1, "x"), "x", (2, "y"))

    def test_typeof_names_trino_types(self, expr):
        # Trino: typeof(1) = 'integer', typeof(ARRAY['a']) = 'array(varchar(1))' (tdlocal: varchar).
        assert expr("SELECT typeof(1), typeof(1e0), typeof(ARRAY['a'])").row == (
            "integer",
            "double",
            "array(varchar)",
        )


class TestFunctions:
    def test_map_agg_builds_a_map_and_skips_null_keys(self, expr):
        # Trino: map_agg(k, v) over ('a', 1), ('b', 2) = {a=1, b=2}.
        answer = expr("SELECT map_agg(k, v) FROM (VALUES ('a', 1), ('b', 2), (NULL, 3)) AS t(k, v)")
        assert answer.types == ["map(varchar, integer)"]
        assert answer.value == {"a": 1, "b": 2}

    def test_approx_distinct_and_approx_percentile(self, expr):
        # Trino: approx_distinct over 1, 2, 3, 3 = 3; approx_percentile(x, 0.5) over 1, 2, 3 = 2.
        answer = expr(
            "SELECT approx_distinct(x), approx_percentile(x, 0.5) FROM (VALUES 1, 2, 3, 3) AS t(x) WHERE x < 4"
        )
        assert answer.types[0] == "bigint"
        assert answer.row[0] == 3
        assert answer.row[1] in (2, 3)

    def test_approx_percentile_with_an_array_of_percentiles(self, expr):
        answer = expr("SELECT approx_percentile(x, ARRAY[0.0, 1.0]) FROM (VALUES 1, 5, 9) AS t(x)")
        assert answer.value == [1, 9]

    def test_regexp_like_matches_anywhere(self, expr):
        # Trino: regexp_like('1a 2b 14m', '\d+b') = true.
        assert expr("SELECT regexp_like('1a 2b 14m', '\\d+b'), regexp_like('abc', '^b')").row == (True, False)

    def test_regexp_extract_without_a_match_is_null(self, expr):
        # Trino: regexp_extract('abc', '\d+') = NULL; regexp_extract('1a 2b', '\d+') = '1'.
        assert expr("SELECT regexp_extract('abc', '\\d+'), regexp_extract('1a 2b', '\\d+')").row == (
            None,
            "1",
        )

    def test_json_extract_scalar(self, expr):
        # Trino: json_extract_scalar('{"a": {"b": 7}}', '$.a.b') = '7'; a non-scalar gives NULL.
        answer = expr(
            """SELECT json_extract_scalar('{"a": {"b": 7}}', '$.a.b'), json_extract_scalar('{"a": {"b": 7}}', '$.a')"""
        )
        assert answer.row == ("7", None)

    def test_json_extract_of_text_that_is_not_json_is_null(self, expr):
        # Trino's JsonExtract returns NULL when the text does not parse (TD's access logs hold '-'
        # referers); DuckDB raised "Malformed JSON".
        answer = expr(
            "SELECT json_extract_scalar(r, '$.a'), json_extract(r, '$.a'), json_extract_scalar(e, '$.a') "
            "FROM (VALUES ('-', '')) AS t(r, e)"
        )
        assert answer.row == (None, None, None)

    def test_lambdas_transform_filter_reduce(self, expr):
        # Trino: transform([1, 2], x -> x * 2) = [2, 4]; filter([1, 2], x -> x > 1) = [2];
        #        reduce([1, 2, 3], 0, (s, x) -> s + x, s -> s * 10) = 60.
        answer = expr(
            "SELECT transform(ARRAY[1, 2], x -> x * 2), filter(ARRAY[1, 2], x -> x > 1), "
            "reduce(ARRAY[1, 2, 3], 0, (s, x) -> s + x, s -> s * 10), reduce(ARRAY[5, 6], 0, (s, x) -> s + x, s -> s)"
        )
        assert answer.row == ([2, 4], [2], 60, 11)

    def test_array_join_skips_nulls(self, expr):
        # Trino: array_join(ARRAY['a', NULL, 'b'], ',') = 'a,b'; with a replacement: 'a,N,b'.
        answer = expr(
            "SELECT array_join(ARRAY['a', NULL, 'b'], ','), array_join(ARRAY['a', NULL, 'b'], ',', 'N')"
        )
        assert answer.row == ("a,b", "a,N,b")

    def test_sequence_of_integers(self, expr):
        # Trino: sequence(1, 5) = [1, 2, 3, 4, 5]; sequence(1, 9, 4) = [1, 5, 9].
        assert expr("SELECT sequence(1, 5), sequence(1, 9, 4)").row == ([1, 2, 3, 4, 5], [1, 5, 9])

    def test_greatest_and_least_are_null_when_an_argument_is_null(self, expr):
        # Trino: greatest(1, NULL) = NULL; least(2, 3) = 2.
        assert expr("SELECT greatest(1, NULL), least(2, 3), greatest(1, 5, 3)").row == (None, 2, 5)

    def test_format_takes_java_format_specifiers(self, expr):
        # Trino: format('%s-%03d', 'a', 8) = 'a-008'.
        assert expr("SELECT format('%s-%03d', 'a', 8)").value == "a-008"

    def test_concat_with_null_is_null(self, expr):
        # Trino: concat('a', NULL) = NULL.
        assert expr("SELECT concat('a', NULL), concat('a', 'b')").row == (None, "ab")

    def test_element_at_and_cardinality(self, expr):
        # Trino: element_at(ARRAY[1, 2, 3], -1) = 3; element_at(ARRAY[1], 5) = NULL; cardinality = 3.
        answer = expr(
            "SELECT element_at(ARRAY[1, 2, 3], -1), element_at(ARRAY[1], 5), cardinality(ARRAY[1, 2, 3])"
        )
        assert answer.row == (3, None, 3)

    def test_dbt_hash_macro_is_md5_hex(self, expr):
        # dbt-trino's hash(): lower(to_hex(md5(to_utf8(cast(x as varchar))))); md5('a') is 0cc175b9...
        assert (
            expr("SELECT lower(to_hex(md5(to_utf8(CAST('a' AS varchar)))))").value
            == "0cc175b9c0f1b6a831c399e269772661"
        )

    def test_division_by_zero_is_trinos_error(self, expr):
        from tdlocal.errors import TrinoError

        with pytest.raises(TrinoError) as error:
            expr("SELECT 1 / 0")
        assert error.value.name == "DIVISION_BY_ZERO"


# Trino's DecimalOperators signatures (DIVIDE: decimal(min(38, p1 + s2 + max(s2 - s1, 0)),
# max(s1, s2)); MODULUS: decimal(min(p1 - s1, p2 - s2) + max(s1, s2), max(s1, s2))) and
# TypeCoercion (an integer beside a decimal is decimal(10,0), a bigint decimal(19,0)), read from
# DuckDB's typeof() texts.
@pytest.mark.parametrize(
    ("operator", "left", "right", "expected"),
    [
        ("/", "DECIMAL(2,1)", "DECIMAL(1,0)", (2, 1)),
        ("/", "DECIMAL(5,2)", "DECIMAL(1,1)", (6, 2)),
        ("/", "DECIMAL(2,0)", "DECIMAL(9,9)", (20, 9)),
        ("/", "DECIMAL(36,0)", "DECIMAL(2,2)", (38, 2)),
        ("/", "INTEGER", "DECIMAL(2,1)", (12, 1)),
        ("/", "DECIMAL(38,1)", "BIGINT", (38, 1)),
        ("%", "DECIMAL(3,1)", "DECIMAL(1,0)", (2, 1)),
        ("%", "DECIMAL(4,2)", "DECIMAL(2,1)", (3, 2)),
        ("%", "DECIMAL(2,1)", "INTEGER", (2, 1)),
        ("/", "INTEGER", "INTEGER", None),
        ("/", "DOUBLE", "DECIMAL(2,1)", None),
        ("%", "VARCHAR", "DECIMAL(2,1)", None),
    ],
)
def test_decimal_result_type_follows_trinos_decimal_operators(operator, left, right, expected) -> None:
    from tdlocal.sql.numeric import decimal_result_type

    assert decimal_result_type(operator, left, right) == expected
