"""The Engine's contract: results, paging, errors, cancel, the data dir lock, many threads."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from datetime import datetime

import pytest

from tdlocal.engine import DATABASE_FILE_NAME, Column, DataDirInUseError, Engine
from tdlocal.errors import TrinoError
from tdlocal.session import Session

SESSION = Session(catalog="td", schema="analytics")


def test_the_database_file_is_catalog_td_with_schemas_for_td_databases(tmp_path):
    engine = Engine(tmp_path, now=0)
    engine.execute("CREATE SCHEMA td.sales", SESSION, "q1")
    engine.execute("CREATE TABLE td.sales.orders AS SELECT 1 AS id", SESSION, "q2")
    engine.close()
    assert (tmp_path / DATABASE_FILE_NAME).exists()
    reopened = Engine(tmp_path, now=0)
    assert reopened.execute("SELECT id FROM td.sales.orders", SESSION, "q3").fetch(5) == [(1,)]
    reopened.close()


def test_results_have_trino_columns_and_are_fetched_in_pages(engine):
    result = engine.execute("SELECT range AS n, 'x' FROM range(2500)", SESSION, "q1")
    assert result.columns == [Column("n", "bigint"), Column("_col1", "varchar")]
    assert result.update_type is None and result.update_count is None
    pages = [result.fetch(1000), result.fetch(1000), result.fetch(1000), result.fetch(1000)]
    assert [len(page) for page in pages] == [1000, 1000, 500, 0]
    assert pages[0][0] == (0, "x")
    result.close()
    assert result.fetch(10) == []


def test_columns_claim_a_python_type_only_where_every_fetched_value_has_it(engine):
    # The server sends a column with a claimed type without looking at its values
    # (tdlocal.protocol.encode_rows): every non-NULL value must be exactly that type, and types
    # DuckDB gives in several shapes (decimals, timestamps, arrays, UUIDs) claim none.
    result = engine.execute(
        "SELECT cast(1 AS tinyint) a, 2 b, cast(3 AS bigint) c, sum(x) d, true e, 1.5e0 f, "
        "cast(2.5 AS real) g, 'x' h, cast(1.25 AS decimal(10,2)) i, timestamp '2024-01-02 03:04:05' j, "
        "array[1] k, uuid() l FROM (VALUES 1, 2) t(x) "
        "UNION ALL SELECT null, null, null, null, null, null, null, null, null, null, null, null",
        SESSION,
        "q1",
    )
    claimed = [column.value_type for column in result.columns]
    assert claimed == [int, int, int, int, bool, float, float, str, None, None, None, None]
    rows = result.fetch_all()
    assert len(rows) == 2
    for index, value_type in enumerate(claimed):
        if value_type is not None:
            assert {type(row[index]) for row in rows} == {value_type, type(None)}


def test_ddl_reports_an_update_type_and_no_rows(engine):
    result = engine.execute("CREATE TABLE t (x integer)", SESSION, "q1")
    assert (result.update_type, result.update_count, result.columns) == ("CREATE TABLE", None, [])
    assert result.executed_sql[0].startswith('CREATE TABLE "td"."analytics"."t"')
    assert result.fetch(10) == []


def test_syntax_errors_have_a_location(engine):
    with pytest.raises(TrinoError) as error:
        engine.execute("SELECT * FROM t WHERE", SESSION, "q1")
    assert error.value.name == "SYNTAX_ERROR"
    assert error.value.line == 1 and error.value.column is not None


@pytest.mark.parametrize(
    ("statement", "error_name"),
    [
        ("SELECT * FROM missing_table", "TABLE_NOT_FOUND"),
        ("SELECT * FROM td.missing_schema.t", "SCHEMA_NOT_FOUND"),
        ("SELECT * FROM hive.default.t", "CATALOG_NOT_FOUND"),
        ("SELECT missing_column FROM (VALUES 1) AS t(x)", "COLUMN_NOT_FOUND"),
        ("SELECT no_such_function(1)", "FUNCTION_NOT_FOUND"),
        ("SELECT CAST('x' AS integer)", "INVALID_CAST_ARGUMENT"),
        ("SELECT x, count(*) FROM (VALUES 1) AS t(x)", "EXPRESSION_NOT_AGGREGATE"),
        ("GRANT SELECT ON t TO someone", "NOT_SUPPORTED"),
        ("\x00\x01 garbage (((", "SYNTAX_ERROR"),
    ],
)
def test_failures_are_trino_errors(engine, statement, error_name):
    with pytest.raises(TrinoError) as error:
        engine.execute(statement, SESSION, "q1")
    assert error.value.name == error_name
    assert error.value.message


def test_messages_name_the_missing_table(engine):
    with pytest.raises(TrinoError) as error:
        engine.execute("SELECT * FROM missing_table", SESSION, "q1")
    assert "missing_table" in error.value.message
    assert "information_schema" not in error.value.message  # no suggestions from DuckDB's own catalog


def test_cancel_interrupts_a_running_query(engine):
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            engine.execute("SELECT count(*) FROM range(100000000000) a", SESSION, "long")
        except TrinoError as error:
            outcome["error"] = error

    worker = threading.Thread(target=run)
    worker.start()
    time.sleep(0.3)
    engine.cancel("long")
    worker.join(timeout=10)
    assert not worker.is_alive()
    assert outcome["error"].name == "USER_CANCELED"


def test_cancel_stops_fetching(engine):
    result = engine.execute("SELECT * FROM range(10000)", SESSION, "q1")
    result.fetch(10)
    engine.cancel("q1")
    with pytest.raises(TrinoError) as error:
        result.fetch(10)
    assert error.value.name == "USER_CANCELED"


def test_cancel_of_an_unknown_query_is_harmless(engine):
    engine.cancel("never-ran")


def test_a_data_dir_held_by_another_process_is_in_use(tmp_path):
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('ok', flush=True); time.sleep(60)",
            str(tmp_path / DATABASE_FILE_NAME),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(DataDirInUseError) as error:
            Engine(tmp_path)
        assert str(tmp_path) in str(error.value)
        assert "tdlocal server is probably running" in str(error.value)
    finally:
        holder.kill()
        holder.wait()


def test_a_data_dir_already_open_in_this_process_is_in_use(engine):
    with pytest.raises(DataDirInUseError) as error:
        Engine(engine.data_dir)
    assert str(engine.data_dir) in str(error.value)


def test_many_threads_at_once(engine):
    engine.execute("CREATE TABLE counts (thread integer, n integer)", SESSION, "setup")
    errors: list[BaseException] = []

    def work(thread: int) -> None:
        try:
            for n in range(15):
                engine.execute(
                    f"INSERT INTO counts (thread, n) VALUES ({thread}, {n})", SESSION, f"i{thread}-{n}"
                )
                rows = engine.execute(
                    f"SELECT count(*) FROM counts WHERE thread = {thread}", SESSION, f"s{thread}-{n}"
                ).fetch(1)
                assert rows == [(n + 1,)]
                engine.execute(
                    f"CREATE TABLE IF NOT EXISTS t_{thread} AS SELECT {n} AS n", SESSION, f"c{thread}-{n}"
                )
                assert engine.execute("SELECT 7 / 2", SESSION, f"d{thread}-{n}").fetch(1) == [(3,)]
        except BaseException as error:
            errors.append(error)

    threads = [threading.Thread(target=work, args=(thread,)) for thread in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert engine.execute("SELECT count(*) FROM counts", SESSION, "total").fetch(1) == [(90,)]


def test_two_results_can_be_fetched_interleaved(engine):
    first = engine.execute("SELECT * FROM range(3)", SESSION, "a")
    second = engine.execute("SELECT * FROM range(10, 13)", SESSION, "b")
    assert [first.fetch(1), second.fetch(1), first.fetch(5), second.fetch(5)] == [
        [(0,)],
        [(10,)],
        [(1,), (2,)],
        [(11,), (12,)],
    ]


def test_the_session_time_zone_shapes_timestamps_with_time_zone(engine):
    tokyo = Session(catalog="td", schema="analytics", time_zone="Asia/Tokyo")
    value = engine.execute("SELECT from_unixtime(0)", tokyo, "q1").fetch(1)[0][0]
    assert (value.hour, value.utcoffset().total_seconds()) == (9, 9 * 3600)
    utc = engine.execute("SELECT from_unixtime(0)", SESSION, "q2").fetch(1)[0][0]
    assert utc.hour == 0


def test_now_can_be_pinned_by_constructor_or_environment(tmp_path, monkeypatch):
    pinned = Engine(tmp_path / "a", now="2024-01-15T09:00:00+09:00")
    assert pinned.execute("SELECT TD_SCHEDULED_TIME()", SESSION, "q").fetch(1) == [(1705276800,)]
    pinned.close()
    monkeypatch.setenv("TDLOCAL_NOW", "1700000000")
    from_environment = Engine(tmp_path / "b")
    assert from_environment.execute("SELECT TD_SCHEDULED_TIME()", SESSION, "q").fetch(1) == [(1700000000,)]
    from_environment.close()
    monkeypatch.delenv("TDLOCAL_NOW")
    unpinned = Engine(tmp_path / "c")
    now = unpinned.execute("SELECT TD_SCHEDULED_TIME()", SESSION, "q").fetch(1)[0][0]
    assert abs(now - datetime.now().timestamp()) < 60
    unpinned.close()


def test_a_bad_tdlocal_now_names_the_variable_and_the_accepted_forms(tmp_path, monkeypatch):
    monkeypatch.setenv("TDLOCAL_NOW", "yesterday")
    with pytest.raises(ValueError) as error:
        Engine(tmp_path)
    assert "TDLOCAL_NOW='yesterday'" in str(error.value)
    assert "Unix seconds" in str(error.value) and "ISO-8601" in str(error.value)


def test_a_closed_engine_refuses_work(tmp_path):
    engine = Engine(tmp_path, now=0)
    engine.close()
    with pytest.raises(TrinoError):
        engine.execute("SELECT 1", SESSION, "q")
