"""Arrays, maps and numbers answer as Trino 423 does, through the real `trino` client.

Expected values: Trino's TestArrayOperators / TestMapOperators (subscript errors, array_distinct
order), TestDoubleOperators (casts round half away from zero; division by zero gives Infinity or
NaN for doubles), TestJsonFunctions (json_array_length is a bigint), and the Trino docs pages
Array functions and operators and Mathematical functions and operators.
"""

from __future__ import annotations

import math

import pytest
from trino.exceptions import TrinoUserError


def row(connect, expressions: str) -> list:
    cursor = connect().cursor()
    cursor.execute(f"SELECT {expressions}")
    rows = cursor.fetchall()
    assert len(rows) == 1, rows
    return rows[0]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("array_distinct(ARRAY [2, 3, 4, 3, 1, 2, 3])", [2, 3, 4, 1]),  # "Order matters here"
        ("array_distinct(ARRAY [1, NULL, NULL])", [1, None]),  # Trino docs
        ("array_distinct(ARRAY ['b', 'a', 'b', 'c'])", ["b", "a", "c"]),
        ("array_distinct(ARRAY [0, NULL, 0, NULL])", [0, None]),
    ],
)
def test_array_distinct_keeps_first_seen_order(td_connect, expression, expected) -> None:
    assert row(td_connect, expression) == [expected]


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("ARRAY [1, 2, 3][4]", "Array subscript must be less than or equal to array length: 4 > 3"),
        ("ARRAY [1, 2, 3][0]", "SQL array indices start at 1"),
        ("ARRAY [1, 2, 3][-1]", "Array subscript is negative: -1"),
        ("MAP(ARRAY ['a'], ARRAY [1])['b']", "Key not present in map: b"),
        ("(SELECT MAP(ARRAY [1], ARRAY ['x']))[2]", "Key not present in map: 2"),
    ],
)
def test_subscripts_out_of_range_fail_as_in_trino(td_connect, expression, message) -> None:
    with pytest.raises(TrinoUserError) as error:
        row(td_connect, expression)
    assert error.value.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert message in error.value.message


def test_subscripts_in_range_and_element_at(td_connect) -> None:
    # element_at returns NULL where [] fails (Trino docs, element_at).
    assert row(
        td_connect,
        "ARRAY [1, 2, 3][3], MAP(ARRAY ['a'], ARRAY [1])['a'], element_at(ARRAY [1, 2], 5), "
        "element_at(MAP(ARRAY ['a'], ARRAY [1]), 'b'), ARRAY [ARRAY [1, 2]][1][2]",
    ) == [3, 1, None, None, 2]


def test_subscripts_on_table_columns(td_connect) -> None:
    rows = row(
        td_connect,
        "count(*) FROM (SELECT split(path, '/')[2] AS part FROM td.sample_datasets.www_access) WHERE part IS NOT NULL",
    )
    assert rows[0] > 0


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("CAST(2.5E0 AS integer)", 3),
        ("CAST(-2.5E0 AS integer)", -3),
        ("CAST(3.5E0 AS bigint)", 4),
        ("CAST(1.5E0 AS smallint)", 2),
        ("CAST(-0.5E0 AS tinyint)", -1),
        ("CAST(REAL '2.5' AS integer)", 3),
        ("CAST(DECIMAL '2.5' AS integer)", 3),  # TestDecimalCasts: HALF_UP
        ("CAST('7' AS integer)", 7),
    ],
)
def test_casts_to_integers_round_half_away_from_zero(td_connect, expression, expected) -> None:
    assert row(td_connect, expression) == [expected]


def test_double_division_by_zero_is_ieee_and_integer_division_by_zero_fails(td_connect) -> None:
    positive, negative, not_a_number, integer = row(td_connect, "1E0 / 0E0, -1E0 / 0E0, 0E0 / 0E0, 7 / 2")
    assert positive == math.inf and negative == -math.inf and math.isnan(not_a_number)
    assert integer == 3
    with pytest.raises(TrinoUserError) as error:
        row(td_connect, "1 / 0")
    assert error.value.error_name == "DIVISION_BY_ZERO"


def test_json_array_length_is_a_bigint(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("SELECT json_array_length('[1, 2, [3]]'), typeof(json_array_length('[]'))")
    assert cursor.fetchall() == [[3, "bigint"]]


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        # TestArrayOperators (array_union / array_except / array_intersect): first-seen order.
        ("array_union(ARRAY[1, 5], ARRAY[2])", [1, 5, 2]),
        ("array_union(ARRAY[1, 1, 2, 4], ARRAY[1, 1, 4, 4])", [1, 2, 4]),
        ("array_except(ARRAY[1, 5, 3], ARRAY[3])", [1, 5]),
        ("array_except(ARRAY[1, 1, 2, 4], ARRAY[1, 1, 4, 4])", [2]),
        ("array_except(ARRAY[3, 1, 2, 3], ARRAY[])", [3, 1, 2]),
        ("array_intersect(ARRAY[1, 5], ARRAY[5])", [5]),
        ("array_intersect(ARRAY[3, 1, 2, 1], ARRAY[1, 3, 5])", [3, 1]),
        # Trino docs, zip: padded with NULL to the longest array.
        ("zip(ARRAY[1, 2], ARRAY['1b', null, '3b'])", [(1, "1b"), (2, None), (None, "3b")]),  # rows: tuples
        # Trino docs, map_filter / transform_values / transform_keys / cardinality.
        (
            "map_filter(MAP(ARRAY[10, 20, 30], ARRAY['a', NULL, 'c']), (k, v) -> v IS NOT NULL)",
            {10: "a", 30: "c"},
        ),
        ("transform_values(MAP(ARRAY[1, 2, 3], ARRAY[10, 20, 30]), (k, v) -> v + k)", {1: 11, 2: 22, 3: 33}),
        (
            "transform_keys(MAP(ARRAY[1, 2, 3], ARRAY['a', 'b', 'c']), (k, v) -> k + 1)",
            {2: "a", 3: "b", 4: "c"},
        ),
        ("cardinality(MAP(ARRAY['a', 'b'], ARRAY[1, 2]))", 2),
    ],
)
def test_array_set_functions_and_map_functions(td_connect, expression, expected) -> None:
    assert row(td_connect, expression) == [expected]


def test_every_is_bool_and(td_connect) -> None:
    # Trino docs, Aggregate functions: every(boolean) is an alias of bool_and.
    cursor = td_connect().cursor()
    cursor.execute("SELECT every(x), every(x) FILTER (WHERE x) FROM (VALUES true, false) AS t (x)")
    assert cursor.fetchall() == [[False, True]]


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # Trino docs, SELECT / UNNEST: a map unnests to (key, value) rows; several arrays are
        # zipped, the shorter padded with NULL; WITH ORDINALITY numbers the rows from 1.
        (
            "SELECT k, v FROM UNNEST(MAP(ARRAY['a', 'b'], ARRAY[1, 2])) AS t (k, v) ORDER BY k",
            [["a", 1], ["b", 2]],
        ),
        (
            "SELECT a, b FROM UNNEST(ARRAY[1, 2], ARRAY['x', 'y', 'z']) AS t (a, b)",
            [[1, "x"], [2, "y"], [None, "z"]],
        ),
        (
            "SELECT a, b, n FROM UNNEST(ARRAY[1, 2], ARRAY['x', 'y', 'z']) WITH ORDINALITY AS t (a, b, n)",
            [[1, "x", 1], [2, "y", 2], [None, "z", 3]],
        ),
        ("SELECT x, n FROM UNNEST(ARRAY['a', 'b']) WITH ORDINALITY AS t (x, n)", [["a", 1], ["b", 2]]),
        (
            "WITH s AS (SELECT 1 AS id, ARRAY[1, 2] AS a, ARRAY['p'] AS b) "
            "SELECT s.id, u.x, u.y FROM s CROSS JOIN UNNEST(s.a, s.b) AS u (x, y)",
            [[1, 1, "p"], [1, 2, None]],
        ),
        ("SELECT x, y FROM UNNEST(ARRAY[ROW(1, 'a'), ROW(2, 'b')]) AS t (x, y)", [[1, "a"], [2, "b"]]),
    ],
)
def test_unnest_of_maps_several_arrays_and_rows(td_connect, sql, expected) -> None:
    cursor = td_connect().cursor()
    cursor.execute(sql)
    assert cursor.fetchall() == expected


def test_normal_cdf_and_its_inverse(td_connect) -> None:
    # TestMathFunctions: normal_cdf(0, 1, 1.96) = 0.9750021048517796 and
    # inverse_normal_cdf(0, 1, 0.3) = -0.52440051270804089 (commons-math; Python's NormalDist
    # agrees to the last bits, hence approx).
    cdf, inverse = row(td_connect, "normal_cdf(0, 1, 1.96), inverse_normal_cdf(0, 1, 0.3)")
    assert cdf == pytest.approx(0.9750021048517796, rel=1e-14)
    assert inverse == pytest.approx(-0.52440051270804089, rel=1e-12)
    with pytest.raises(TrinoUserError) as error:
        row(td_connect, "inverse_normal_cdf(0, 1, 1.5)")
    assert error.value.error_name == "INVALID_FUNCTION_ARGUMENT"
