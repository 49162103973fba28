"""The protocol over the real engine and the sample data: trino DB-API and SQLAlchemy clients."""

from __future__ import annotations

import math
import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
import requests
import sqlalchemy
from trino.exceptions import TrinoUserError

from tdlocal.sample_data import DEFAULT_ROWS_PER_DAY


def test_paging_through_a_whole_sample_table(td_connect) -> None:
    cursor = td_connect(schema="raw").cursor()
    cursor.execute("select event_id, time from events order by time, event_id")
    rows = cursor.fetchall()
    assert (
        len(rows)
        == len({event_id for event_id, _ in rows})
        > 30 * DEFAULT_ROWS_PER_DAY - DEFAULT_ROWS_PER_DAY
    )
    assert [t for _, t in rows] == sorted(t for _, t in rows)


def test_sql_values_reach_the_client_as_python_values(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "select 1 as i, cast(2 as bigint) as b, 1.5e0 as d, cast(1.25 as decimal(10,2)) as dec, 'x' as s, "
        "true as t, x'0102' as bin, date '2024-02-29' as dt, timestamp '2024-01-02 03:04:05.678' as ts, "
        "array[1, 2] as arr, map(array['a'], array[1.5e0]) as m, "
        "cast(row(1, 'a') as row(x bigint, y varchar)) as r, cast(null as varchar) as n"
    )
    row = cursor.fetchone()
    assert row[:10] == [
        1,
        2,
        1.5,
        Decimal("1.25"),
        "x",
        True,
        b"\x01\x02",
        date(2024, 2, 29),
        datetime(2024, 1, 2, 3, 4, 5, 678000),
        [1, 2],
    ]
    assert row[10] == {"a": 1.5}
    assert (row[11].x, row[11].y) == (1, "a")
    assert row[12] is None
    assert [d[1] for d in cursor.description][:4] == ["integer", "bigint", "double", "decimal(10,2)"]


def test_non_finite_doubles_reach_the_client_as_themselves(td_connect) -> None:
    # Trino's JSON carries NaN and the infinities as the strings "NaN", "Infinity", "-Infinity",
    # which the python client's DoubleValueMapper turns back into floats; the finite ones are numbers.
    cursor = td_connect().cursor()
    cursor.execute("select x from (values 1.5e0, nan(), infinity(), -infinity(), null) t(x)")
    values = [row[0] for row in cursor.fetchall()]
    assert values[0] == 1.5 and math.isnan(values[1]) and values[2:] == [math.inf, -math.inf, None]


def test_sql_errors_are_user_errors_with_trino_names(td_connect) -> None:
    cursor = td_connect(schema="raw").cursor()
    with pytest.raises(TrinoUserError) as syntax:
        cursor.execute("selec 1")
    assert syntax.value.error_name == "SYNTAX_ERROR"
    with pytest.raises(TrinoUserError) as missing:
        cursor.execute("select * from no_such_table")
    assert missing.value.error_name == "TABLE_NOT_FOUND" and "no_such_table" in missing.value.message
    cursor.execute("select 1")
    assert cursor.fetchall() == [[1]]


def test_strict_mode_rejects_views_as_td_does(td_connect) -> None:
    cursor = td_connect(schema="raw").cursor()
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute("create view raw.v as select 1 as x")
    assert "This connector does not support creating views" in raised.value.message


def test_use_changes_the_schema_of_later_statements(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("use sample_datasets")
    cursor.fetchall()
    cursor.execute("select count(*) from www_access")
    assert cursor.fetchone()[0] > 0


def test_parameters_travel_as_execute_immediate_and_as_legacy_prepared_statements(td_connect) -> None:
    for legacy in (False, True):
        cursor = td_connect(schema="raw", legacy_prepared_statements=legacy).cursor()
        cursor.execute("select count(*) from events where event_type = ? and time >= ?", ("purchase", 0))
        purchases = cursor.fetchone()[0]
        assert purchases > 0
        cursor.execute("select ? || ?", ("a,b", "'c'"))
        assert cursor.fetchone() == ["a,b'c'"]


def test_a_stale_prepared_statement_header_does_not_break_later_statements(td_server) -> None:
    response = requests.post(
        f"{td_server.url}/v1/statement",
        data="select 42",
        headers={
            "X-Trino-User": "u",
            "X-Trino-Catalog": "td",
            "X-Trino-Prepared-Statement": "old=select+%3F",
        },
        timeout=30,
    )
    assert response.json()["data"] == [[42]]


def test_session_properties_round_trip(td_connect) -> None:
    connection = td_connect(session_properties={"query_max_run_time": "1h"})
    cursor = connection.cursor()
    cursor.execute("select 1")
    cursor.fetchall()
    cursor.execute("set session query_max_run_time = '2h'")
    cursor.fetchall()
    assert connection._client_session.properties["query_max_run_time"] == "2h"


def test_sqlalchemy_dialect(td_server) -> None:
    host_port = td_server.url.split("://")[1]
    engine = sqlalchemy.create_engine(f"trino://someone@{host_port}/td/raw")
    try:
        with engine.connect() as connection:
            count = connection.execute(
                sqlalchemy.text("select count(*) from events where event_type = :kind"), {"kind": "signup"}
            ).scalar()
            assert count > 0
            inspector = sqlalchemy.inspect(connection)
            assert "events" in inspector.get_table_names(schema="raw")
            assert {"raw", "sample_datasets"} <= set(inspector.get_schema_names())
            columns = {
                column["name"]: str(column["type"])
                for column in inspector.get_columns("events", schema="raw")
            }
            assert columns["time"] == "BIGINT" and columns["revenue"] == "DOUBLE"
            # Not autoload: SQLAlchemy reflection reads system.metadata.table_comments, which TD lacks.
            events = sqlalchemy.table(
                "events", sqlalchemy.column("user_id"), sqlalchemy.column("event_type"), schema="raw"
            )
            query = sqlalchemy.select(events.c.user_id).where(events.c.event_type == "purchase").limit(3)
            assert len(connection.execute(query).fetchall()) == 3
    finally:
        engine.dispose()


def test_concurrent_clients_write_and_read(td_connect) -> None:
    setup = td_connect().cursor()
    setup.execute("create schema if not exists concurrency")
    setup.fetchall()
    failures: list[BaseException] = []

    def writer(number: int) -> None:
        try:
            cursor = td_connect(schema="concurrency").cursor()
            cursor.execute(f"create table t{number} as select time, user_id from raw.events limit 100")
            cursor.fetchall()
            for _ in range(3):
                cursor.execute(f"insert into t{number} select time, user_id from raw.events limit 10")
                assert cursor.fetchall() == [[10]]
                cursor.execute(f"select count(*) from t{number}")
                cursor.fetchall()
            cursor.execute(f"select count(*) from t{number}")
            assert cursor.fetchone() == [130]
        except BaseException as failure:  # collected, asserted in the main thread
            failures.append(failure)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    assert not failures, failures
