"""URL functions and TD's non-time UDFs, through the real `trino` client against a strict tdlocal.

Expected values: Trino's TestUrlFunctions (trinodb/trino, core/trino-main/src/test/java/io/trino/
operator/scalar/TestUrlFunctions.java), which also fixes url_encode/url_decode as Java's
URLEncoder/URLDecoder (DuckDB's own url_encode answered differently); TD's documentation for
TD_TIME_FORMAT (SimpleDateFormat letters; the issue's TD reading TD_TIME_FORMAT(1705320000,
'YYYYMM') = '202401'), TD_MD5 (hex MD5; RFC 1321's "abc" vector) and TD_URL_DECODE.
"""

from __future__ import annotations

import pytest


def rows(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    return cursor.fetchall()


URL_PARTS = "url_extract_protocol(u), url_extract_host(u), url_extract_port(u), url_extract_path(u), url_extract_query(u), url_extract_fragment(u)"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "http://example.com/path1/p.php?k1=v1&k2=v2#Ref1",
            ["http", "example.com", None, "/path1/p.php", "k1=v1&k2=v2", "Ref1"],
        ),
        ("http://example.com/path1/p.php?", ["http", "example.com", None, "/path1/p.php", "", ""]),
        ("http://example.com/path1/p.php", ["http", "example.com", None, "/path1/p.php", "", ""]),
        (
            "http://example.com:8080/path1/p.php?k1=v1&k2=v2#Ref1",
            ["http", "example.com", 8080, "/path1/p.php", "k1=v1&k2=v2", "Ref1"],
        ),
        ("https://username@example.com", ["https", "example.com", None, "", "", ""]),
        ("https://username:password@example.com", ["https", "example.com", None, "", "", ""]),
        ("mailto:test@example.com", ["mailto", "", None, "", "", ""]),
        ("foo", ["", "", None, "foo", "", ""]),
        ("http://example.com/^", [None, None, None, None, None, None]),
    ],
)
def test_url_extract_functions(td_connect, url, expected) -> None:
    # Over a column (per row) and over a literal: both must give TestUrlFunctions' values.
    assert rows(td_connect, f"SELECT {URL_PARTS} FROM (VALUES '{url}') AS t (u)") == [expected]


@pytest.mark.parametrize(
    ("name", "expected"),
    [("k1", "v1"), ("k2", "v2"), ("k3", ""), ("k4", ""), ("k5", None)],
)
def test_url_extract_parameter(td_connect, name, expected) -> None:
    url = "http://example.com/path1/p.php?k1=v1&k2=v2&k3&k4#Ref1"
    assert rows(td_connect, f"SELECT url_extract_parameter('{url}', '{name}')") == [[expected]]


@pytest.mark.parametrize(
    ("url", "name", "expected"),
    [
        ("http://example.com/path1/p.php?k1=v1&k1=v2&k1&k1#Ref1", "k1", "v1"),
        ("http://example.com/path1/p.php?k1&k1=v1&k1&k1#Ref1", "k1", ""),
        ("http://example.com/path1/p.php?k=a=b=c&x=y#Ref1", "k", "a=b=c"),
        ("http://example.com/path1/p.php?k1=a%26k2%3Db&k2=c#Ref1", "k2", "c"),
        ("foo", "k1", None),
    ],
)
def test_url_extract_parameter_edge_cases(td_connect, url, name, expected) -> None:
    assert rows(td_connect, f"SELECT url_extract_parameter('{url}', '{name}')") == [[expected]]


@pytest.mark.parametrize(
    ("encoded", "decoded"),
    [
        ("http%3A%2F%2Ftest", "http://test"),
        ("http%3A%2F%2Ftest%3Fa%3Db%26c%3Dd", "http://test?a=b&c=d"),
        ("http%3A%2F%2F%E3%83%86%E3%82%B9%E3%83%88", "http://テスト"),
        ("%7E%40%3A.-*_%2B+%E2%98%83", "~@:.-*_+ ☃"),
        ("test", "test"),
    ],
)
def test_url_encode_and_decode_are_javas(td_connect, encoded, decoded) -> None:
    assert rows(td_connect, f"SELECT url_encode('{decoded}'), url_decode('{encoded}')") == [
        [encoded, decoded]
    ]


def test_td_url_decode_and_td_md5(td_connect) -> None:
    assert rows(td_connect, "SELECT TD_URL_DECODE('a%20b+c%2Fd'), TD_MD5('abc')") == [
        ["a b c/d", "900150983cd24fb0d6963f7d28e17f72"]
    ]


@pytest.mark.parametrize(
    ("time", "pattern", "expected"),
    [
        (1705320000, "YYYYMM", "202401"),  # 2024-01-15 12:00 UTC
        (1705320000, "YY-ww", "24-03"),
        # 2021-01-01 is in ISO week 53 of 2020 (TD's weeks are ISO: tdtime.inferred).
        (1609459200, "YYYY-ww yyyy", "2020-53 2021"),
        # 2024-12-30 is in ISO week 1 of 2025.
        (1735516800, "YYYY-ww yyyy", "2025-01 2024"),
        # F: the weekday's occurrence in the month; L: the stand-alone month.
        (1705320000, "F LLL LLLL L", "3 Jan January 1"),
    ],
)
def test_td_time_format_week_year_and_other_simpledateformat_letters(
    td_connect, time, pattern, expected
) -> None:
    literal = rows(td_connect, f"SELECT TD_TIME_FORMAT({time}, '{pattern}', 'UTC')")
    from_column = rows(
        td_connect, f"SELECT TD_TIME_FORMAT({time}, p, 'UTC') FROM (VALUES '{pattern}') AS t (p)"
    )
    assert literal == from_column == [[expected]]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # Trino docs, JSON functions: json_size and json_format examples.
        ("""json_size('{"x": {"a": 1, "b": 2}}', '$.x')""", 2),
        ("""json_size('{"x": [1, 2, 3]}', '$.x')""", 3),
        ("""json_size('{"x": {"a": 1, "b": 2}}', '$.x.a')""", 0),
        ("json_format(JSON '[1, 2, 3]')", "[1,2,3]"),
    ],
)
def test_json_size_and_json_format(td_connect, expression, expected) -> None:
    assert rows(td_connect, f"SELECT {expression}") == [[expected]]
