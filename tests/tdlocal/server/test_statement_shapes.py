"""Statements as dbt-trino sends them, through the real `trino` client against a strict tdlocal.

dbt prefixes every statement with a `/* {"app": "dbt", ...} */` comment (dbt-core's query
comment) and users end lines with `-- ...`; Trino's parser treats comments as whitespace, so
every statement kind must run with them. Expected values come from Trino 423's documentation
(SQL statement syntax pages: SET TIME ZONE, EXPLAIN, DROP SCHEMA, CREATE TABLE, Session
information functions) and Trino's SetTimeZoneTask (the zone lives in the time_zone_id property).
"""

from __future__ import annotations

import itertools

import pytest
import requests
from trino.exceptions import TrinoUserError

DBT_COMMENT = '/* {"app": "dbt", "dbt_version": "1.11.0", "profile_name": "td", "node_id": "model.x.y"} */'
_schemas = itertools.count()


def fresh_schema(connect) -> str:
    name = f"shapes_{next(_schemas)}"
    connect().cursor().execute(f"CREATE SCHEMA td.{name}").fetchall()
    return name


def run(connect, sql: str, **options):
    cursor = connect(**options).cursor()
    cursor.execute(sql)
    return cursor.fetchall(), cursor


@pytest.mark.parametrize(
    "wrap",
    [
        lambda sql: f"{DBT_COMMENT}\n{sql}",
        lambda sql: f"{DBT_COMMENT} {sql}",
        lambda sql: f"-- leading line comment\n{sql}",
        lambda sql: f"{sql} -- trailing line comment",
        lambda sql: f"{sql}\n/* trailing block comment */",
        lambda sql: f"{DBT_COMMENT}\n{sql};\n-- after the semicolon",
    ],
    ids=["dbt-newline", "dbt-inline", "leading-dash", "trailing-dash", "trailing-block", "after-semicolon"],
)
@pytest.mark.parametrize(
    "statement",
    [
        "SHOW SCHEMAS",
        "SHOW TABLES FROM td.sample_datasets",
        "SHOW COLUMNS FROM td.sample_datasets.www_access",
        "DESCRIBE td.sample_datasets.www_access",
        "SHOW FUNCTIONS FROM td.sample_datasets",
        "SET SESSION query_max_run_time = '1h'",
        "RESET SESSION query_max_run_time",
        "USE td.sample_datasets",
        "EXPLAIN SELECT count(*) FROM td.sample_datasets.www_access",
        "SET TIME ZONE 'Asia/Tokyo'",
        "SELECT 1",
    ],
)
def test_every_statement_kind_runs_with_dbt_and_user_comments(td_connect, statement, wrap) -> None:
    # Trino's lexer skips comments anywhere; a statement behind one must run exactly as without it.
    plain, _ = run(td_connect, statement)
    commented, _ = run(td_connect, wrap(statement))
    assert commented == plain


def test_comment_markers_inside_quotes_are_text_not_comments(td_connect) -> None:
    rows, cursor = run(td_connect, "SELECT '-- kept' AS \"/* name */\", 'a /* b */ c' AS t -- gone")
    assert rows == [["-- kept", "a /* b */ c"]]
    assert [column[0] for column in cursor.description] == ["/* name */", "t"]


def test_set_time_zone_changes_the_session_zone_and_local_restores_utc(td_connect) -> None:
    # Trino docs, SET TIME ZONE: "Sets the default time zone for the current session";
    # current_timezone() returns it. TD's default zone is UTC, so LOCAL (the server's zone) is UTC.
    connection = td_connect(timezone="UTC")
    cursor = connection.cursor()
    cursor.execute(f"{DBT_COMMENT} SET TIME ZONE 'Asia/Kolkata'")
    cursor.fetchall()
    cursor = connection.cursor()
    cursor.execute(
        "SELECT current_timezone(), hour(from_unixtime(0)), format_datetime(from_unixtime(0), 'HH:mm')"
    )
    # 1970-01-01 00:00 UTC is 05:30 in Asia/Kolkata; from_unixtime reads the session zone.
    assert cursor.fetchall() == [["Asia/Kolkata", 5, "05:30"]]
    cursor = connection.cursor()
    cursor.execute("SET TIME ZONE LOCAL")
    cursor.fetchall()
    cursor = connection.cursor()
    cursor.execute("SELECT current_timezone()")
    assert cursor.fetchall() == [["UTC"]]


def test_set_time_zone_refuses_an_unknown_zone_with_trinos_message(td_connect) -> None:
    # Trino's TimeZoneKey.getTimeZoneKey: "Time zone not supported: <id>".
    with pytest.raises(TrinoUserError, match="Time zone not supported: Mars/Olympus_Mons"):
        run(td_connect, "SET TIME ZONE 'Mars/Olympus_Mons'")


def test_current_timezone_is_utc_when_the_client_names_no_zone(td_server) -> None:
    # TD runs its Trino in UTC; a request without X-Trino-Time-Zone gets the server's zone.
    document = requests.post(
        f"{td_server.url}/v1/statement",
        data="SELECT current_timezone()",
        headers={"X-Trino-User": "raw", "X-Trino-Catalog": "td"},
        timeout=30,
    ).json()
    while "nextUri" in document and "data" not in document:
        document = requests.get(document["nextUri"], timeout=30).json()
    assert document["data"] == [["UTC"]]


def test_current_user_schema_and_catalog_are_the_sessions(td_connect) -> None:
    # Trino docs, Session information functions: current_user is the user running the query,
    # current_catalog / current_schema the session's (DuckDB would say 'duckdb' and 'main').
    rows, _ = run(
        td_connect,
        f"{DBT_COMMENT} SELECT current_user, current_catalog, current_schema",
        user="ana@example.com",
        schema="sample_datasets",
    )
    assert rows == [["ana@example.com", "td", "sample_datasets"]]
    rows, _ = run(td_connect, "SELECT current_schema IS NULL", user="someone")
    assert rows == [[True]]


def test_explain_answers_one_query_plan_text_column(td_connect) -> None:
    # Trino docs, EXPLAIN: the result is one varchar column named "Query Plan".
    rows, cursor = run(
        td_connect, f"{DBT_COMMENT}\nEXPLAIN SELECT count(*) FROM td.sample_datasets.www_access"
    )
    assert [column[0] for column in cursor.description] == ["Query Plan"]
    assert len(rows) == 1 and isinstance(rows[0][0], str) and rows[0][0]
    rows, cursor = run(td_connect, "EXPLAIN (TYPE VALIDATE) SELECT 1")
    assert rows == [[True]] and [column[0] for column in cursor.description] == ["Valid"]


def test_explain_of_a_statement_trino_would_reject_fails(td_connect) -> None:
    with pytest.raises(TrinoUserError, match="does not exist"):
        run(td_connect, "EXPLAIN SELECT * FROM td.sample_datasets.no_such_table")
    with pytest.raises(TrinoUserError):
        run(td_connect, "EXPLAIN SELECT FROM WHERE")


def test_explain_does_not_run_the_statement(td_connect) -> None:
    schema = fresh_schema(td_connect)
    run(td_connect, f"CREATE TABLE td.{schema}.t (x bigint)")
    run(td_connect, f"EXPLAIN INSERT INTO td.{schema}.t (x) VALUES (1)")
    rows, _ = run(td_connect, f"SELECT count(*) FROM td.{schema}.t")
    assert rows == [[0]]


def test_drop_schema_cascade_drops_its_tables_and_plain_drop_refuses_a_non_empty_schema(td_connect) -> None:
    # Trino docs, DROP SCHEMA: "the schema must be empty" unless CASCADE, which drops its objects.
    schema = fresh_schema(td_connect)
    run(td_connect, f"CREATE TABLE td.{schema}.t (x bigint)")
    with pytest.raises(TrinoUserError) as refused:
        run(td_connect, f"DROP SCHEMA td.{schema}")
    assert refused.value.error_name == "SCHEMA_NOT_EMPTY"
    assert f"Cannot drop non-empty schema '{schema}'" in refused.value.message
    run(td_connect, f"{DBT_COMMENT} DROP SCHEMA IF EXISTS td.{schema} CASCADE")
    rows, _ = run(
        td_connect, f"SELECT count(*) FROM td.information_schema.schemata WHERE schema_name = '{schema}'"
    )
    assert rows == [[0]]


def test_create_table_like_copies_the_other_tables_columns(td_connect) -> None:
    # Trino docs, CREATE TABLE: "The LIKE clause can be used to include all the column
    # definitions from an existing table in the new table"; further columns follow in order.
    schema = fresh_schema(td_connect)
    run(td_connect, f"CREATE TABLE td.{schema}.source (id bigint, name varchar, time bigint)")
    run(td_connect, f"INSERT INTO td.{schema}.source VALUES (1, 'a', 0)")
    run(td_connect, f"CREATE TABLE td.{schema}.copy (LIKE td.{schema}.source)")
    run(
        td_connect,
        f"CREATE TABLE td.{schema}.wider (LIKE td.{schema}.source INCLUDING PROPERTIES, score double)",
    )
    rows, _ = run(
        td_connect,
        "SELECT table_name, column_name, data_type FROM td.information_schema.columns "
        f"WHERE table_schema = '{schema}' AND table_name IN ('copy', 'wider') ORDER BY table_name, ordinal_position",
    )
    assert rows == [
        ["copy", "id", "bigint"],
        ["copy", "name", "varchar"],
        ["copy", "time", "bigint"],
        ["wider", "id", "bigint"],
        ["wider", "name", "varchar"],
        ["wider", "time", "bigint"],
        ["wider", "score", "double"],
    ]
    rows, _ = run(td_connect, f"SELECT count(*) FROM td.{schema}.copy")
    assert rows == [[0]]  # columns only, never rows
