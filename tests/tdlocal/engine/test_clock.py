"""TDLOCAL_NOW: Unix seconds or ISO-8601 with an offset; anything else is a clear error."""

import pytest

from tdlocal.clock import Clock, InvalidNowError, parse_now, pinned_now_from_environment


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("1700000000", 1700000000),
        (" 1700000000.9 ", 1700000000),
        ("2024-01-15T09:00:00+09:00", 1705276800),
        ("2024-01-15T00:00:00Z", 1705276800),
        ("2024-01-15 00:00:00+00:00", 1705276800),
    ],
)
def test_accepted_forms(text, seconds):
    assert parse_now(text) == seconds


@pytest.mark.parametrize("text", ["yesterday", "2024-01-15T09:00:00", "2024-13-01T00:00:00Z", ""])
def test_rejected_forms_name_the_variable_and_the_fix(text):
    with pytest.raises(InvalidNowError) as error:
        parse_now(text)
    assert f"TDLOCAL_NOW={text!r}" in str(error.value)
    assert "2024-01-15T09:00:00+09:00" in str(error.value)


def test_environment():
    assert pinned_now_from_environment({}) is None
    assert pinned_now_from_environment({"TDLOCAL_NOW": " "}) is None
    assert pinned_now_from_environment({"TDLOCAL_NOW": "5"}) == 5


def test_clock():
    assert Clock(42).query_start() == 42
    assert Clock().query_start() > 1_700_000_000
