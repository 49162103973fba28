"""Errors for unknown columns and NULLs in NOT NULL columns, with Trino's names and texts, through
the real `trino` client.

Trino's analyzer reports a column it cannot find as COLUMN_NOT_FOUND, "Column 'x' cannot be
resolved" (qualified as written: "Column 't.x' cannot be resolved"), and a NULL written to a NOT
NULL column as CONSTRAINT_VIOLATION, "NULL value not allowed for NOT NULL column: x" (the text
dbt-trino's own contract tests expect). dbt-tests-adapter's incremental and constraint suites
check these failures; before, tdlocal sent DuckDB's texts and, for a qualified column, the name
GENERIC_USER_ERROR.
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError


@pytest.mark.parametrize(
    ("query", "message"),
    [
        # Trino's analyzer locates the reference (a qualified one at its first part): `line L:C: `.
        ("SELECT nope FROM (VALUES 1) AS t (a)", "line 1:8: Column 'nope' cannot be resolved"),
        ("SELECT t.nope FROM (VALUES 1) AS t (a)", "line 1:8: Column 't.nope' cannot be resolved"),
        (
            "SELECT 1 FROM td.sample_datasets.www_access AS w WHERE w.nope = 1",
            "line 1:56: Column 'w.nope' cannot be resolved",
        ),
    ],
)
def test_an_unknown_column_is_column_not_found(td_connect, query, message) -> None:
    cursor = td_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute(query)
        cursor.fetchall()
    assert error.value.error_name == "COLUMN_NOT_FOUND"
    assert error.value.message == message


def test_null_into_a_not_null_column_names_the_column(lenient_connect) -> None:
    cursor = lenient_connect().cursor()
    cursor.execute("CREATE SCHEMA IF NOT EXISTS td.contracts")
    cursor.fetchall()
    cursor = lenient_connect().cursor()
    cursor.execute("CREATE TABLE td.contracts.required_ids (id integer NOT NULL, color varchar)")
    cursor.fetchall()
    cursor = lenient_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute("INSERT INTO td.contracts.required_ids VALUES (NULL, 'blue')")
        cursor.fetchall()
    assert error.value.error_name == "CONSTRAINT_VIOLATION"
    assert error.value.message == "NULL value not allowed for NOT NULL column: id"


def test_a_trino_function_tdlocal_lacks_is_named_as_not_implemented(td_connect) -> None:
    # approx_set (HyperLogLog) is in Trino 423's function list; tdlocal has no implementation. It must say
    # so, not answer with DuckDB's "does not exist! Did you mean ..." naming DuckDB functions.
    cursor = td_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute("SELECT approx_set(1)")
        cursor.fetchall()
    assert error.value.error_name == "NOT_SUPPORTED"
    assert "'approx_set' exists in Trino 423" in error.value.message
    assert "Did you mean" not in error.value.message


def test_an_unknown_function_is_trinos_function_not_found(lenient_connect) -> None:
    # Trino: "Function 'no_such_function' not registered" (FUNCTION_NOT_FOUND).
    cursor = lenient_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute("SELECT no_such_function(1)")
        cursor.fetchall()
    assert error.value.error_name == "FUNCTION_NOT_FOUND"
    assert error.value.message == "Function 'no_such_function' not registered"
