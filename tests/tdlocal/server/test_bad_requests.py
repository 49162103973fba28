"""The server never dies on bad input: every malformed request gets a Trino-shaped error, and the
server keeps serving afterwards."""

from __future__ import annotations

import contextlib
import socket

import pytest
import requests
from trino.exceptions import TrinoUserError

from tdlocal import protocol


def post(url: str, body: bytes | str, headers: dict[str, str] | None = None) -> requests.Response:
    return requests.post(
        f"{url}/v1/statement", data=body, headers={"X-Trino-User": "u", **(headers or {})}, timeout=60
    )


def assert_still_serving(url: str) -> None:
    document = post(url, "ROWS 1").json()
    assert document["data"] == [[0, "row 0"]]


def failed_error(response: requests.Response) -> dict:
    assert response.status_code == 200
    document = response.json()
    assert document["stats"]["state"] == "FAILED" and document["id"] and "nextUri" not in document
    return document["error"]


def test_query_text_over_the_limit_is_query_text_too_large(fake_server) -> None:
    error = failed_error(post(fake_server.url, "select '" + "x" * protocol.MAX_QUERY_TEXT_LENGTH + "'"))
    assert error["errorName"] == "QUERY_TEXT_TOO_LARGE" and error["errorType"] == "USER_ERROR"
    assert str(protocol.MAX_QUERY_TEXT_LENGTH) in error["message"]
    assert_still_serving(fake_server.url)


def test_the_client_sees_too_large_text_as_a_user_error(fake_connect) -> None:
    cursor = fake_connect().cursor()
    with pytest.raises(TrinoUserError) as raised:
        cursor.execute("ROWS 1 -- " + "x" * (protocol.MAX_QUERY_TEXT_LENGTH + 1))
    assert raised.value.error_name == "QUERY_TEXT_TOO_LARGE"


def test_a_huge_body_is_rejected_without_reading_it_all(fake_server) -> None:
    response = post(fake_server.url, b"x" * (8 * 1024 * 1024))
    assert failed_error(response)["errorName"] == "QUERY_TEXT_TOO_LARGE"
    assert_still_serving(fake_server.url)


@pytest.mark.parametrize(
    ("body", "headers", "message"),
    [
        (b"\xff\xfe not utf-8", {}, "not valid UTF-8"),
        (b"", {}, "SQL statement is empty"),
        (b"   \n ", {}, "SQL statement is empty"),
        (b"ROWS 1", {"X-Trino-User": ""}, "X-Trino-User"),
        (b"ROWS 1", {"X-Trino-Session": "no-equals-sign"}, "X-Trino-Session"),
        (b"ROWS 1", {"X-Trino-Prepared-Statement": "=nameless"}, "X-Trino-Prepared-Statement"),
    ],
)
def test_malformed_statements_are_failed_queries(
    fake_server, body: bytes, headers: dict, message: str
) -> None:
    error = failed_error(post(fake_server.url, body, headers))
    assert message in error["message"] and error["errorType"] == "USER_ERROR"
    assert_still_serving(fake_server.url)


def test_a_json_body_is_just_bad_sql(fake_server) -> None:
    error = failed_error(post(fake_server.url, '{"query": "select 1"}', {"Content-Type": "application/json"}))
    assert error["errorName"] == "NOT_SUPPORTED"  # the fake engine's answer to unknown text


def test_unknown_query_id_is_a_trino_shaped_404(fake_server) -> None:
    response = requests.get(
        f"{fake_server.url}/v1/statement/executing/20240101_000000_00000_xxxxx/abc/0", timeout=30
    )
    assert response.status_code == 404
    assert response.json()["error"]["errorName"] == "NOT_FOUND"
    assert "not known" in response.json()["error"]["message"]
    assert (
        requests.delete(f"{fake_server.url}/v1/statement/executing/nope/abc/0", timeout=30).status_code == 404
    )


def test_a_wrong_slug_or_token_is_not_found(fake_server) -> None:
    document = post(fake_server.url, "ROWS 1500").json()
    next_uri = document["nextUri"]
    query_path, token = next_uri.rsplit("/", 1)
    wrong_slug = query_path.rsplit("/", 1)[0] + "/not-the-slug/" + token
    assert requests.get(wrong_slug, timeout=30).status_code == 404
    skipped = requests.get(f"{query_path}/{int(token) + 5}", timeout=30)
    assert skipped.status_code == 404 and "no page" in skipped.json()["error"]["message"]
    assert requests.get(f"{query_path}/not-a-number", timeout=30).status_code == 404
    assert len(requests.get(next_uri, timeout=30).json()["data"]) == 500  # the query itself is unharmed


def test_unknown_paths_and_methods_get_trino_shaped_errors(fake_server) -> None:
    missing = requests.get(f"{fake_server.url}/v2/nothing", timeout=30)
    assert missing.status_code == 404 and missing.json()["error"]["errorName"] == "NOT_FOUND"
    wrong_method = requests.put(f"{fake_server.url}/v1/statement", data="x", timeout=30)
    assert wrong_method.status_code == 405 and "error" in wrong_method.json()
    get_statement = requests.get(f"{fake_server.url}/v1/statement", timeout=30)
    assert get_statement.status_code == 405


def test_heartbeat_head_requests_are_answered(fake_server) -> None:
    document = post(fake_server.url, "ROWS 1500").json()
    assert requests.head(document["nextUri"], timeout=30).status_code == 200
    assert requests.head(f"{fake_server.url}/v1/statement/executing/nope/x/0", timeout=30).status_code == 404


def test_garbage_bytes_on_the_socket_do_not_hurt_the_server(fake_server) -> None:
    host, port = fake_server.url.split("://")[1].rsplit(":", 1)
    for garbage in (
        b"\x00\x01\x02\xff" * 100 + b"\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"POST /v1/statement HTTP/1.1\r\nContent-Length: -5\r\n\r\n",
    ):
        with socket.create_connection((host, int(port)), timeout=10) as connection:
            connection.sendall(garbage)
            with contextlib.suppress(ConnectionResetError, TimeoutError):
                connection.recv(4096)
    assert_still_serving(fake_server.url)


def test_a_client_that_disconnects_mid_request_does_not_hurt_the_server(fake_server) -> None:
    host, port = fake_server.url.split("://")[1].rsplit(":", 1)
    with socket.create_connection((host, int(port)), timeout=10) as connection:
        connection.sendall(
            b"POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: u\r\nContent-Length: 1000\r\n\r\nROWS"
        )
    assert_still_serving(fake_server.url)
