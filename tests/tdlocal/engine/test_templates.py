"""Template holes are unambiguous: `{name}` outside quotes only, so regex literals keep `{4}`.

The bug (issue 8, item 9): the filler took `{4}` in TD_TIME_PARSE's `'^\\d{4}-...'` for a hole,
the regex never matched, and every parse fell back to the per-row Python UDF. Expected value:
TD's documentation, TD_TIME_PARSE('2019-12-12 09:30:13', 'JST') is 1576110613.
"""

from __future__ import annotations

import pytest
from sqlglot import exp

from tdlocal.sql.templates import fill, holes


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("f({a}, {b})", ["a", "b"]),
        (r"regexp_full_match({s}, '^\d{4}-\d{2}')", ["s"]),
        ("concat({x}, '{not_a_hole}', \"{nor_this}\")", ["x"]),
        ("'it''s {quoted}' || {y}", ["y"]),
        ("{_under}", ["_under"]),
        ("x{4}", []),
    ],
)
def test_only_named_holes_outside_quotes_are_holes(template, expected) -> None:
    assert holes(template) == expected


def test_fill_leaves_regex_quantifiers_alone() -> None:
    filled = fill(r"regexp_full_match({s}, '^\d{4}-\d{2}$')", s=exp.column("x"))
    assert filled.sql(dialect="duckdb") == r"REGEXP_FULL_MATCH(x, '^\d{4}-\d{2}$')"


def test_td_time_parse_over_a_column_takes_the_sql_path(sql) -> None:
    answer = sql(
        "SELECT TD_TIME_PARSE(s, 'JST') FROM (VALUES '2019-12-12 09:30:13', '2019-12-12') AS v (s) ORDER BY 1"
    )
    assert [row[0] for row in answer.rows] == [1576076400, 1576110613]
    executed = " ".join(answer.result.executed_sql)
    assert r"\d{4}-\d{2}-\d{2}" in executed and "__tdlocal_hole_" not in executed
