"""The server under slow and broken clients: stalled headers are cut off, HTTP/0.9 is refused.

Before: 40 of 40 connections that sent part of a request's headers and stalled stayed open
forever (a slow client could hold every file descriptor), and an HTTP/0.9 request line got
silence. A server must answer or close in bounded time (RFC 9112, section 9.5, lets a server
close a connection; Jetty, Trino's HTTP server, closes idle ones too).
"""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator

import pytest
import requests

from tdlocal import http_deadlines
from tests.tdlocal.server.conftest import host_and_port

HEADER_TIMEOUT = 0.5


@pytest.fixture
def short_deadline(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    # The protocol reads the deadline when a connection opens.
    monkeypatch.setattr(http_deadlines, "HEADER_TIMEOUT_SECONDS", HEADER_TIMEOUT)
    yield


def open_connection(url: str) -> socket.socket:
    connection = socket.create_connection(host_and_port(url), timeout=10)
    return connection


def closed_by_server(connection: socket.socket, within: float) -> tuple[bool, bytes]:
    """(whether the server closed the connection within `within` seconds, what it sent first)."""
    connection.settimeout(within)
    received = b""
    try:
        while chunk := connection.recv(4096):
            received += chunk
    except TimeoutError:
        return False, received
    except ConnectionResetError:
        return True, received
    return True, received


def test_connections_stalled_in_their_headers_are_closed(fake_server, short_deadline) -> None:
    connections = [open_connection(fake_server.url) for _ in range(40)]
    for connection in connections:
        connection.sendall(b"POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: slow\r\n")
    started = time.monotonic()
    outcomes = [closed_by_server(connection, HEADER_TIMEOUT + 5) for connection in connections]
    assert all(closed for closed, _ in outcomes), "a stalled connection stayed open"
    assert time.monotonic() - started < HEADER_TIMEOUT + 5
    for connection in connections:
        connection.close()
    assert requests.get(f"{fake_server.url}/v1/info", timeout=10).status_code == 200


def test_a_connection_that_sends_nothing_is_closed(fake_server, short_deadline) -> None:
    connection = open_connection(fake_server.url)
    closed, _ = closed_by_server(connection, HEADER_TIMEOUT + 5)
    connection.close()
    assert closed


def test_a_slow_but_complete_request_is_served(fake_server, short_deadline) -> None:
    connection = open_connection(fake_server.url)
    body = b"ROWS 1"
    head = (
        b"POST /v1/statement HTTP/1.1\r\nHost: x\r\nX-Trino-User: patient\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    )
    connection.sendall(head[:20])
    time.sleep(HEADER_TIMEOUT / 4)
    connection.sendall(head[20:] + body)
    closed, received = closed_by_server(connection, 10)
    connection.close()
    assert closed and received.startswith(b"HTTP/1.1 200") and b'"row 0"' in received


@pytest.mark.parametrize("request_line", [b"GET /v1/info\r\n", b"GET /\n", b"\x16\x03\x01garbage\r\n"])
def test_a_request_line_without_http_1_is_answered_400_and_closed(fake_server, request_line) -> None:
    connection = open_connection(fake_server.url)
    connection.sendall(request_line)
    closed, received = closed_by_server(connection, 5)
    connection.close()
    assert closed and received.startswith(b"HTTP/1.1 400")
    assert requests.get(f"{fake_server.url}/v1/info", timeout=10).status_code == 200


def test_requests_pipelined_on_one_connection_are_all_answered(fake_server) -> None:
    # HTTP/1.1 lets a client send its next request before the previous answer (RFC 9112, 9.3.2);
    # the request-line check must not mistake the middle of a request for a request line.
    connection = open_connection(fake_server.url)
    get = b"GET /v1/info HTTP/1.1\r\nHost: x\r\n\r\n"
    connection.sendall(get + get[:10])
    time.sleep(0.2)
    connection.sendall(get[10:])
    time.sleep(0.2)
    connection.sendall(get[:-2] + b"Connection: close\r\n\r\n")
    closed, received = closed_by_server(connection, 10)
    connection.close()
    assert closed and received.count(b"HTTP/1.1 200") == 3 and b"HTTP/1.1 400" not in received
