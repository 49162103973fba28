"""The statement protocol through the real `trino` client, over a scripted fake engine."""

from __future__ import annotations

import json
import math
import threading
import time

import pytest
import requests
import trino
from trino.exceptions import TrinoQueryError, TrinoUserError

from tdlocal.queries import PAGE_ROWS, TARGET_PAGE_BYTES


def post(url: str, sql: str | bytes, **headers: str) -> requests.Response:
    return requests.post(
        f"{url}/v1/statement", data=sql, headers={"X-Trino-User": "raw-client", **headers}, timeout=30
    )


def test_rows_are_paged_and_arrive_complete_and_in_order(fake_connect, fake_server) -> None:
    cursor = fake_connect().cursor()
    cursor.execute("ROWS 120000")
    rows = cursor.fetchall()
    assert rows == [[i, f"row {i}"] for i in range(120000)]
    assert [d[0] for d in cursor.description] == ["n", "s"]

    # The same statement followed by hand: the POST's page has PAGE_ROWS rows; later pages hold
    # about 1 MB of JSON each (Trino's default target result size); FINISHED at the end.
    answer = post(fake_server.url, "ROWS 120000")
    pages = [answer]
    while "nextUri" in answer.json():
        answer = requests.get(answer.json()["nextUri"], timeout=30)
        pages.append(answer)
    sizes = [len(page.json().get("data", [])) for page in pages]
    assert sizes[0] == PAGE_ROWS and sum(sizes) == 120000 and len(pages) >= 3
    assert all(
        0.8 * TARGET_PAGE_BYTES <= len(page.content) <= 1.2 * TARGET_PAGE_BYTES for page in pages[1:-1]
    )
    assert pages[-1].json()["stats"]["state"] == "FINISHED"
    assert all(page.json()["stats"]["state"] == "RUNNING" for page in pages[:-1])


def test_an_exact_multiple_of_the_page_size_needs_no_empty_last_page(fake_server) -> None:
    document = post(fake_server.url, f"ROWS {PAGE_ROWS}").json()
    assert len(document["data"]) == PAGE_ROWS and "nextUri" not in document


def test_a_retried_get_returns_the_same_page(fake_server) -> None:
    first = post(fake_server.url, "ROWS 1500").json()
    page = requests.get(first["nextUri"], timeout=30).json()
    again = requests.get(first["nextUri"], timeout=30).json()
    assert page["data"] == again["data"] and page["data"][0] == [1000, "row 1000"]


def test_every_type_reaches_the_client_as_the_right_python_value(fake_connect, typed_values) -> None:
    cursor = fake_connect().cursor()
    cursor.execute("TYPES")
    row = cursor.fetchone()
    assert [d[0] for d in cursor.description] == [name for name, _, _ in typed_values]
    for (name, kind, expected), actual in zip(typed_values, row, strict=True):
        if isinstance(expected, float) and math.isnan(expected):
            assert math.isnan(actual), name
        elif kind == "real":
            assert actual == pytest.approx(expected), name
        else:
            assert actual == expected, f"{name} ({kind}): {actual!r} != {expected!r}"
            assert expected is None or type(actual) is type(expected) or isinstance(expected, tuple), name


def test_an_engine_error_is_a_trino_user_error_with_name_message_and_location(fake_connect) -> None:
    cursor = fake_connect().cursor()
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute("FAIL mismatched input 'selec'")
    assert raised.value.error_name == "SYNTAX_ERROR"
    assert raised.value.message == "line 1:6: mismatched input 'selec'"
    assert raised.value.error_location == (1, 6)
    assert raised.value.query_id


def test_an_engine_crash_is_an_internal_error_and_the_server_keeps_serving(fake_connect) -> None:
    cursor = fake_connect().cursor()
    with pytest.raises(TrinoQueryError) as raised:
        cursor.execute("CRASH")
    assert not isinstance(raised.value, TrinoUserError)
    assert raised.value.error_name == "GENERIC_INTERNAL_ERROR"
    assert "the fake engine broke" in raised.value.message
    cursor.execute("ROWS 1")
    assert cursor.fetchall() == [[0, "row 0"]]


def test_update_and_ddl_statements_answer_a_count_or_true(fake_connect) -> None:
    cursor = fake_connect().cursor()
    cursor.execute("INSERT 42")
    assert cursor.fetchall() == [[42]]
    assert (cursor.rowcount, cursor.update_type) == (42, "INSERT")
    cursor.execute("CREATE TABLE x")
    assert cursor.fetchall() == [[True]]
    assert cursor.update_type == "CREATE TABLE"


def test_request_headers_become_the_session(fake_connect, fake_engine) -> None:
    connection = fake_connect(
        user="td-api-key",
        schema="raw",
        session_properties={"query_max_run_time": "1h", "odd": "a,b=c"},
        timezone="Asia/Tokyo",
        source="dbt-trino",
    )
    cursor = connection.cursor()
    cursor.execute("SESSION")
    user, catalog, schema, zone, properties, prepared, source = cursor.fetchone()
    assert (user, catalog, schema, zone, source) == ("td-api-key", "td", "raw", "Asia/Tokyo", "dbt-trino")
    assert properties == repr([("odd", "a,b=c"), ("query_max_run_time", "1h")])
    assert prepared == "[]"


def test_use_set_session_and_prepare_change_what_the_client_sends_next(fake_connect) -> None:
    connection = fake_connect(schema="raw")
    cursor = connection.cursor()
    cursor.execute("USE analytics")
    cursor.fetchall()
    cursor.execute("SET query_max_run_time=2h")
    cursor.fetchall()
    cursor.execute("PREPARE q1 FROM select 'a,b' = ?")
    cursor.fetchall()
    cursor.execute("SESSION")
    _, catalog, schema, _, properties, prepared, _ = cursor.fetchone()
    assert (catalog, schema) == ("td", "analytics")
    assert properties == repr([("query_max_run_time", "2h")])
    assert prepared == repr([("q1", "select 'a,b' = ?")])
    cursor.execute("DEALLOCATE q1")
    cursor.fetchall()
    cursor.execute("SESSION")
    assert cursor.fetchone()[5] == "[]"


def test_a_stale_prepared_statement_header_is_tolerated(fake_server) -> None:
    # dbt-trino's shared HTTP session keeps sending prepared statements already deallocated.
    document = post(fake_server.url, "ROWS 2", **{"X-Trino-Prepared-Statement": "gone=select+1"}).json()
    assert document["data"] == [[0, "row 0"], [1, "row 1"]]


def test_delete_on_the_next_uri_cancels_a_running_statement(fake_server, fake_engine) -> None:
    started = time.monotonic()
    document = post(fake_server.url, "SLEEP").json()
    assert document["stats"]["state"] == "RUNNING" and "nextUri" in document
    assert time.monotonic() - started < 10  # the POST did not wait for the statement
    response = requests.delete(document["nextUri"], timeout=30)
    assert response.status_code == 204
    assert fake_engine.canceled == [document["id"]]
    after = requests.get(document["nextUri"], timeout=30).json()
    assert after["stats"]["state"] == "FAILED" and after["error"]["errorName"] == "USER_CANCELED"


def test_the_client_cancels_a_running_statement(fake_connect, fake_engine) -> None:
    cursor = fake_connect().cursor()
    finished = threading.Event()

    def run() -> None:
        try:
            cursor.execute("SLEEP")
        except TrinoQueryError:
            pass
        finally:
            finished.set()

    threading.Thread(target=run, daemon=True).start()
    assert fake_engine.started.wait(10)
    deadline = time.monotonic() + 10
    while cursor._query is None or cursor._query._next_uri is None:  # the POST has been answered
        assert time.monotonic() < deadline
        time.sleep(0.02)
    cursor.cancel()
    assert finished.wait(10)
    assert len(fake_engine.canceled) == 1


def test_a_slow_statement_is_polled_until_it_finishes(fake_server, fake_engine) -> None:
    document = post(fake_server.url, "SLEEP").json()
    polled = requests.get(document["nextUri"], timeout=30).json()  # waits about a second, still running
    assert polled["stats"]["state"] == "RUNNING" and polled["nextUri"] == document["nextUri"]
    fake_engine.cancel(document["id"])  # lets the statement end (as a failure)
    final = requests.get(polled["nextUri"], timeout=30).json()
    assert final["stats"]["state"] == "FAILED"


def test_many_clients_at_once(fake_connect) -> None:
    failures: list[BaseException] = []

    def client(number: int) -> None:
        try:
            cursor = fake_connect(user=f"user{number}").cursor()
            for size in (1, 999, 1001, 2500):
                cursor.execute(f"ROWS {size}")
                rows = cursor.fetchall()
                assert len(rows) == size and rows[-1][0] == size - 1
        except BaseException as failure:  # collected, asserted in the main thread
            failures.append(failure)

    threads = [threading.Thread(target=client, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not failures


def test_info_identifies_tdlocal_like_trino_does(fake_server) -> None:
    info = requests.get(f"{fake_server.url}/v1/info", timeout=30).json()
    assert info["starting"] is False and info["environment"] == "tdlocal"
    assert info["nodeVersion"]["version"].startswith("423")
    assert info["tdlocal"]["dataDir"] == str(fake_server.data_dir)
    assert isinstance(info["uptime"], str)
    assert requests.get(f"{fake_server.url}/v1/info/state", timeout=30).json() == "ACTIVE"


def test_the_info_uri_describes_the_query(fake_server) -> None:
    document = post(fake_server.url, "ROWS 1").json()
    info = requests.get(document["infoUri"], timeout=30).json()
    assert info["queryId"] == document["id"] and info["state"] == "FINISHED"


def test_statement_log_records_queries_without_the_user_value(tmp_path, fake_engine) -> None:
    import tdlocal

    log_path = tmp_path / "statements.jsonl"
    with tdlocal.start_in_thread(tmp_path / "data", engine=fake_engine, log_statements=log_path) as server:
        host, port = server.url.split("://")[1].split(":")
        cursor = trino.dbapi.connect(
            host=host, port=int(port), user="SECRET-API-KEY", source="tests"
        ).cursor()
        cursor.execute("ROWS 3")
        cursor.fetchall()
        with pytest.raises(TrinoUserError):
            cursor.execute("FAIL nope")
        post(server.url, b"\xff not utf-8")  # rejected before it became a query: logged all the same
    text = log_path.read_text()
    assert "SECRET-API-KEY" not in text
    ok, failed, rejected = [json.loads(line) for line in text.splitlines()]
    assert ok["sql"] == "ROWS 3" and ok["state"] == "FINISHED" and ok["executed_sql"] == ["-- fake"]
    assert ok["user"].startswith("sha256:") and ok["source"] == "tests"
    assert ok["query_id"] and ok["received_at"] and ok["finished_at"]
    assert failed["state"] == "FAILED" and failed["error"]["name"] == "SYNTAX_ERROR"
    assert rejected["state"] == "FAILED" and "UTF-8" in rejected["error"]["message"]


def test_trino_client_with_legacy_primitive_types_gets_raw_json(fake_connect) -> None:
    cursor = fake_connect(legacy_primitive_types=True).cursor()
    cursor.execute("ROWS 1")
    assert cursor.fetchall() == [[0, "row 0"]]
