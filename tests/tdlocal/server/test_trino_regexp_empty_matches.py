"""Trino's regular-expression functions where a pattern can match the empty string, or leave a
group out of its match, through the `trino` client against a strict server.

Expected values follow Trino's JoniRegexpFunctions (the source of regexp_replace, regexp_split,
regexp_extract_all, regexp_count and regexp_extract): each search starts where the previous match
ended, or one code point further when that match was empty (getNextStart), so 'a*' over 'aaa'
matches 'aaa' and then '' at the end; regexp_extract returns NULL when the group's region is -1
(it took no part in the match), and regexp_count counts every match the same loop finds. DuckDB's
RE2 skipped the empty match after a non-empty one ('X' for 'XX'), dropped the empty pieces of a
split, counted 0 for an empty pattern and gave '' for a group that did not participate.
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    ("expression", "value"),
    [
        ("regexp_replace('aaa', 'a*', 'X')", "XX"),
        ("regexp_replace('baaac', 'a*', 'X')", "XbXXcX"),
        ("regexp_replace('ab', 'a|', '-')", "--b-"),
        ("regexp_replace('abc', '', '-')", "-a-b-c-"),
        ("regexp_split('abc', 'x*')", ["", "a", "b", "c", ""]),
        ("regexp_split('baaac', 'a*')", ["", "b", "", "c", ""]),
        ("regexp_extract_all('baaac', 'a*')", ["", "aaa", "", ""]),
        ("regexp_count('baaac', 'a*')", 4),
        # Every code point boundary of a two-character string: 3 empty matches.
        ("regexp_count('日本', '')", 3),
        ("regexp_count('aXbX', '(?=X)')", 2),
        # A group left out of the match is NULL, not ''.
        ("regexp_extract('abc', '(x)?', 1)", None),
        ("regexp_extract('abc', '(a)|(b)', 2)", None),
        ("regexp_extract('x=1', 'x=(\\d)?', 1)", "1"),
        # Patterns that never match the empty string keep RE2's (equal) answers.
        ("regexp_split('a1b2c', '\\d')", ["a", "b", "c"]),
        ("regexp_replace('a1b22', '\\d+', '#')", "a#b#"),
        ("regexp_extract('abc123', '[a-z]+(\\d+)', 1)", "123"),
        # A group that always takes part (the repeat is inside it) matches '' as itself: ''.
        ("regexp_extract('id=&x', 'id=([^&]*)', 1)", ""),
        ("regexp_extract('ab', '((a)(c)?)+', 3)", None),
    ],
)
def test_regexp_functions_step_over_matches_as_trino(td_connect, expression, value) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT {expression}")
    assert cursor.fetchall() == [[value]]
