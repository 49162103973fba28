"""Date arithmetic as Trino 423 answers it, through the real `trino` client.

date_diff counts whole units elapsed (Trino's DateTimeFunctions use Joda's field difference), not
calendar boundaries crossed: the issue's Trino reading is date_diff('day', TIMESTAMP '2024-01-01
23:00:00', TIMESTAMP '2024-01-02 01:00:00') = 0, where DuckDB's date_diff says 1.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("date_diff('day', TIMESTAMP '2024-01-01 23:00:00', TIMESTAMP '2024-01-02 01:00:00')", 0),
        ("date_diff('day', TIMESTAMP '2024-01-01 23:00:00', TIMESTAMP '2024-01-02 23:00:00')", 1),
        ("date_diff('hour', TIMESTAMP '2024-01-01 00:59:00', TIMESTAMP '2024-01-01 01:58:00')", 0),
        ("date_diff('year', DATE '2020-06-01', DATE '2021-05-31')", 0),
        ("date_diff('second', TIMESTAMP '2024-01-01 00:00:00', TIMESTAMP '2024-01-01 00:00:01.999')", 1),
        ("date_diff('day', DATE '2024-01-01', DATE '2024-01-31')", 30),
        ("date_diff('day', TIMESTAMP '2024-01-02 01:00:00', TIMESTAMP '2024-01-01 23:00:00')", 0),
    ],
)
def test_date_diff_counts_whole_units(td_connect, expression, expected) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT {expression}")
    assert cursor.fetchall() == [[expected]]
