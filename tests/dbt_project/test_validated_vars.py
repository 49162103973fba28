"""Every value a dbt var brings into SQL goes through one validating macro.

Runs the project's validators through real dbt (one `dbt run-operation`); the end-to-end test
`test_bad_vars_fail_before_any_sql_reaches_the_engine` shows a `dbt build` with each bad var
stopping before a statement reaches tdlocal.
"""

from __future__ import annotations

import re

import pytest

from .conftest import PROJECT_DIR, TD_DBT_DIR, run_operation_report

#: td_dbt validates the TD vars every project shares; the project validates its own.
VALIDATED_VARS = TD_DBT_DIR / "macros" / "validated_vars.sql"
PROJECT_VARS = PROJECT_DIR / "macros" / "project_vars.sql"
_VAR_CALL = re.compile(r"\bvar\(\s*['\"](\w+)['\"]")
# The payload a user reported: pasted into TD_INTERVAL's quotes it would read every row.
INJECTION = "-30d', 'UTC') OR 1=1 OR TD_INTERVAL(time, '-1d"


def test_every_var_the_project_reads_is_read_by_a_validating_macro():
    """A var read outside the validating macros would reach SQL unchecked."""
    unvalidated = []
    paths = [*sorted(PROJECT_DIR.rglob("*")), *sorted(TD_DBT_DIR.rglob("*"))]
    for path in paths:
        if path.suffix not in (".sql", ".yml", ".yaml") or {"target", "logs", "dbt_packages"} & set(
            path.parts
        ):
            continue
        for number, line in enumerate(path.read_text().splitlines(), start=1):
            for name in _VAR_CALL.findall(line):
                where = f"{path}:{number} var('{name}')"
                if path in (VALIDATED_VARS, PROJECT_VARS) and "validated_" in line:
                    continue
                # sources.yml renders a source's TD database from a var (YAML cannot raise); the
                # project's `source` override validates every source schema when a model uses it.
                if path.name == "sources.yml" and line.strip().startswith("schema:"):
                    continue
                unvalidated.append(where)
    assert unvalidated == []
    declared = set(_declared_vars())
    read = set(_VAR_CALL.findall(VALIDATED_VARS.read_text() + PROJECT_VARS.read_text()))
    assert declared == read, "every var in dbt_project.yml has a validating macro"


def _declared_vars() -> list[str]:
    text = (PROJECT_DIR / "dbt_project.yml").read_text()
    block = text.split("\nvars:\n", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"^  (\w+):", block, flags=re.MULTILINE)


def test_python_and_jinja_refuse_the_same_reserved_words():
    from orchestration.settings import TRINO_RESERVED_WORDS

    listed = re.search(r"set reserved = \[(.*?)\]", VALIDATED_VARS.read_text()).group(1)
    assert set(re.findall(r"'(\w+)'", listed)) == TRINO_RESERVED_WORDS


def test_the_source_override_validates_every_source_schema():
    text = VALIDATED_VARS.read_text()
    assert "{% macro source(source_name, table_name) %}" in text
    assert "validated_td_database(relation.schema" in text


VALUES = [
    INJECTION,
    "-30d",
    "-999999d",
    "-1000000d",
    "-" + "9" * 5000 + "d",
    "-1d/1970-01-02",
    "-1d/1969-12-31",
    "-999999y/now",
    "-1d/-999999y",
    "-1000y/-1000y",
    "-1001y",
    "-52178w",
    "1800",
    "1800) or (1=1",
    "0",
    "604801",
    "raw",
    "production_2",
    "raw.events --",
    "select",
    "Raw",
    "Asia/Tokyo",
    "Mars/Olympus",
]


@pytest.fixture(scope="module")
def problems() -> dict[str, dict[str, str]]:
    return run_operation_report("report_var_problems", {"values": VALUES}, "VAR_PROBLEMS")


@pytest.mark.parametrize(
    ("kind", "accepted"),
    [
        ("td_interval", {"-30d", "-1d/1970-01-02", "-1000y/-1000y"}),
        ("positive_integer", {"1800"}),
        ("td_database", {"raw", "production_2"}),
        ("td_timezone", {"Asia/Tokyo"}),
    ],
)
def test_each_validator_accepts_exactly_the_good_values(problems, kind, accepted):
    assert {value for value, problem in problems[kind].items() if not problem} == accepted
    assert problems[kind][INJECTION].startswith(f"'{INJECTION}'")  # names the value


def test_interval_bounds_name_the_limit_and_the_fix(problems):
    assert "counts are limited to 6 digits" in problems["td_interval"]["-1000000d"]
    huge = problems["td_interval"]["-" + "9" * 5000 + "d"]
    assert "has a count of 5000 digits" in huge and len(huge) < 300  # the value is cut, not echoed
    assert "before 1970" in problems["td_interval"]["-1d/1969-12-31"]
    assert "more than 1000 years: use at most 1000y" in problems["td_interval"]["-999999y/now"]
    assert "use at most 52177w" in problems["td_interval"]["-52178w"]
    assert "reserved word in Trino SQL" in problems["td_database"]["select"]
    assert "from 1 to 604800" in problems["positive_integer"]["604801"]
    assert "lower-case letters" in problems["td_database"]["Raw"]
