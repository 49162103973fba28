"""The dbt project's Jinja validation of target_range agrees with tdtime on every string.

Runs the project's own macro through real dbt (one `dbt run-operation`), so what is tested is what
`dbt run --vars` would do: accept exactly what tdtime accepts, and name the documented fix.
"""

import re

import pytest

from tdtime import IntervalError, parse_interval

from .conftest import run_operation_report

VALID = [
    "-7d",
    "-1w",
    "1d",
    "-1M",
    "1M",
    "1y",
    "-15m",
    "-30s",
    "-1h",
    "-1h/now",
    "-1h/0d",
    "-7d/2015-12-25",
    "-10d/-1M",
    "0d/now",
    "0M/now",
    "-7d/0M",
    "0M/-7d",
    "-3M/now",
    "-1q",
    "-400d/2024-02-29",
    "12h/-3h",
]
INVALID = [
    "2024-01-01/2024-01-31",
    "2024-01-15",
    "2015-01-01/1d",
    "1d2h",
    "-1d/2024-01-01 00:00:00",
    "-7D",
    "-7days",
    "",
    " -1d",
    "-1d ",
    "-1d\n",
    "+7d",
    "-1d/2024-02-30",
    "2023-02-29",
    "-1d/yesterday",
    "now",
    "-1d/now/now",
    "-1d'; drop table x; --",
    "-1d/2024-1-1",
    "d",
    "-٣d",
    "2024-01-31/2024-01-01",
]


@pytest.fixture(scope="module")
def jinja_problems() -> dict[str, str]:
    return run_operation_report(
        "report_target_range_problems", {"values": VALID + INVALID}, "TARGET_RANGE_PROBLEMS"
    )


def _tdtime_problem(value: str) -> str:
    try:
        parse_interval(value)
    except IntervalError as error:
        return str(error)
    return ""


@pytest.mark.parametrize("value", VALID + INVALID)
def test_jinja_accepts_exactly_what_tdtime_accepts(jinja_problems, value):
    assert (jinja_problems[value] == "") == (_tdtime_problem(value) == ""), (value, jinja_problems[value])


@pytest.mark.parametrize("value", ["2024-01-01/2024-01-31", "2024-01-15"])
def test_both_suggest_the_same_documented_equivalent(jinja_problems, value):
    suggestion = re.search(r"write ('[^']+')", _tdtime_problem(value)).group(1)
    assert suggestion in jinja_problems[value]


@pytest.mark.parametrize("value", INVALID)
def test_rejections_quote_the_value(jinja_problems, value):
    assert jinja_problems[value].startswith("'" + value.replace("\n", "\\n") + "'")
