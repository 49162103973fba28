"""Aggregates as Trino 423 answers them, through the real `trino` client against a strict tdlocal.

Expected values, from Trino's aggregate function docs: histogram(x) is map(K, bigint) counting each
value; listagg(x, separator) WITHIN GROUP (ORDER BY ...) joins the values in that order and
skips NULLs. Strict mode once refused `WITHIN GROUP (` as a call of a DuckDB function `group`,
and histogram's counts reached the client as decimal(20,0) (DuckDB's UBIGINT).
"""

from __future__ import annotations


def test_histogram_counts_are_bigint(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("SELECT histogram(x), typeof(histogram(x)) FROM (VALUES 1, 2, 2) AS t (x)")
    assert cursor.fetchall() == [[{1: 1, 2: 2}, "map(integer, bigint)"]]
    assert [column[1] for column in cursor.description] == ["map(integer, bigint)", "varchar"]


def test_listagg_within_group_runs_in_strict_mode(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT listagg(v, '-') WITHIN GROUP (ORDER BY v DESC) FROM (VALUES 'b', 'a', NULL, 'c') AS t (v)"
    )
    assert cursor.fetchall() == [["c-b-a"]]
