"""Binding `?` placeholders to USING values, on the text."""

import pytest

from tdlocal.errors import TrinoError
from tdlocal.sql.parameters import bind_parameters, read_string_literal, split_parameters


def test_split_respects_strings_and_brackets():
    assert split_parameters("1, 'a,b', ARRAY[1, 2], MAP(ARRAY['k'], ARRAY[1]), 'it''s'") == [
        "1",
        "'a,b'",
        "ARRAY[1, 2]",
        "MAP(ARRAY['k'], ARRAY[1])",
        "'it''s'",
    ]


def test_bind_skips_question_marks_in_strings_identifiers_and_comments():
    sql = "SELECT ?, '?', \"a?\" -- ?\n, /* ? */ ?"
    assert bind_parameters(sql, ["1", "2"]) == "SELECT 1, '?', \"a?\" -- ?\n, /* ? */ 2"


def test_count_mismatch():
    with pytest.raises(TrinoError) as error:
        bind_parameters("SELECT ?", [])
    assert error.value.name == "INVALID_PARAMETER_USAGE"


def test_read_string_literal():
    assert read_string_literal("x 'it''s' rest", 2) == ("it's", 9)
    with pytest.raises(TrinoError):
        read_string_literal("'open", 0)
