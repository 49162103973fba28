"""Strict TD mode rejects what TD's Trino rejects, with TD's words; lenient mode allows it."""

from __future__ import annotations

import pytest

from tdlocal.errors import TrinoError


@pytest.fixture(params=["strict", "lenient"])
def both(request, sql, lenient_sql):
    """(mode, run) for each mode, with a table `events` in each."""
    run = sql if request.param == "strict" else lenient_sql
    run("CREATE TABLE events (id integer, name varchar, time bigint)")
    run("INSERT INTO events (id, name, time) VALUES (1, 'a', 100), (2, 'b', 200)")
    return request.param, run


REJECTIONS = [
    ("CREATE VIEW v AS SELECT 1 AS x", "NOT_SUPPORTED", "This connector does not support creating views"),
    (
        "CREATE OR REPLACE VIEW v SECURITY DEFINER AS SELECT 1 AS x",
        "NOT_SUPPORTED",
        "This connector does not support creating views",
    ),
    ("CREATE OR REPLACE TABLE t AS SELECT 1 AS x", "SYNTAX_ERROR", "mismatched input 'TABLE'"),
    ("DELETE FROM events", "NOT_SUPPORTED", "Does not support DELETE statement without WHERE condition"),
    (
        "MERGE INTO events AS d USING (SELECT 1 AS id) AS s ON d.id = s.id WHEN MATCHED THEN UPDATE SET name = 'z'",
        "NOT_SUPPORTED",
        "This connector does not support merges",
    ),
    ("UPDATE events SET name = 'z' WHERE id = 1", "NOT_SUPPORTED", "This connector does not support updates"),
    (
        "COMMENT ON TABLE events IS 'x'",
        "NOT_SUPPORTED",
        "This connector does not support setting table comments",
    ),
    (
        "COMMENT ON COLUMN events.id IS 'x'",
        "NOT_SUPPORTED",
        "This connector does not support setting column comments",
    ),
    (
        "CREATE TABLE described (x integer) COMMENT 'from persist_docs'",
        "NOT_SUPPORTED",
        "This connector does not support setting table comments",
    ),
    (
        "SELECT * FROM system.metadata.materialized_views",
        "TABLE_NOT_FOUND",
        "Table 'system.metadata.materialized_views' does not exist",
    ),
    (
        "SELECT * FROM system.metadata.table_comments",
        "TABLE_NOT_FOUND",
        "Table 'system.metadata.table_comments' does not exist",
    ),
]


@pytest.mark.parametrize(("statement", "error_name", "td_text"), REJECTIONS)
def test_strict_mode_rejects_with_tds_message_and_lenient_mode_allows(both, statement, error_name, td_text):
    mode, run = both
    if mode == "strict":
        with pytest.raises(TrinoError) as error:
            run(statement)
        assert error.value.name == error_name
        assert td_text in error.value.message
        assert "strict TD mode" in error.value.message
        # The way out is a command users have (or TD's own alternative), never tdlocal's Python API.
        assert "Engine(" not in error.value.message
        assert (
            "`tdlocal serve --lenient`" in error.value.message
            or "td.information_schema" in error.value.message
        )
    else:
        run(statement)  # no error


def test_lenient_merge_and_update_change_rows(lenient_sql):
    lenient_sql("CREATE TABLE events (id integer, name varchar)")
    lenient_sql("INSERT INTO events (id, name) VALUES (1, 'a')")
    merged = lenient_sql(
        "MERGE INTO events AS d USING (SELECT 1 AS id, 'm' AS name UNION ALL SELECT 2, 'n') AS s ON d.id = s.id "
        "WHEN MATCHED THEN UPDATE SET name = s.name WHEN NOT MATCHED THEN INSERT (id, name) VALUES (s.id, s.name)"
    )
    assert (merged.result.update_type, merged.result.update_count) == ("MERGE", 2)
    updated = lenient_sql("UPDATE events SET name = 'u' WHERE id = 2")
    assert (updated.result.update_type, updated.result.update_count) == ("UPDATE", 1)
    assert lenient_sql("SELECT id, name FROM events ORDER BY id").rows == [(1, "m"), (2, "u")]


def test_delete_with_where_is_allowed_in_strict_mode(both):
    _, run = both
    deleted = run("DELETE FROM events WHERE id IN (SELECT 1)")
    assert (deleted.result.update_type, deleted.result.update_count) == ("DELETE", 1)


def test_rename_is_allowed_in_both_modes(both):
    _, run = both
    run("ALTER TABLE events RENAME TO events_renamed")
    assert run("SELECT count(*) FROM events_renamed").value == 2


def test_strict_mode_gives_a_new_table_a_time_column_holding_the_creation_time(sql):
    created = sql("CREATE TABLE people AS SELECT 1 AS id, 'a' AS name")
    assert created.result.update_count == 1
    # TD_NOW is the engine's pinned "now" (2018-08-14 01:23:45 UTC).
    assert sql("SELECT id, name, time FROM people").row == (1, "a", 1534209825)
    sql("CREATE TABLE empty_people (id integer)")
    sql("INSERT INTO empty_people (id) VALUES (7)")
    assert sql("SELECT id, time FROM empty_people").row == (7, 1534209825)


def test_a_table_with_its_own_time_column_keeps_it(sql):
    sql("CREATE TABLE logs AS SELECT 5 AS time, 'x' AS message")
    assert sql("SELECT * FROM logs").rows == [(5, "x")]


def test_lenient_mode_adds_no_time_column(lenient_sql):
    lenient_sql("CREATE TABLE people AS SELECT 1 AS id")
    assert lenient_sql("SELECT * FROM people").names == ["id"]


def test_query_text_over_one_megabyte_is_rejected(expr):
    with pytest.raises(TrinoError) as error:
        expr("SELECT '" + "x" * 1_000_001 + "'")
    assert error.value.name == "QUERY_TEXT_TOO_LARGE"
