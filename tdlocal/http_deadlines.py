"""The HTTP connection protocol: uvicorn's httptools protocol plus a deadline for request headers.

uvicorn closes idle keep-alive connections, but a connection that sends part of a request's
headers and stalls (or sends nothing) is kept open forever, so a slow or broken client can hold
every file descriptor the server has. Here each request's headers must be complete within
HEADER_TIMEOUT_SECONDS of the connection opening or of their first byte; otherwise the
connection is closed. A request line without an HTTP version (HTTP/0.9, or garbage) is answered
400 and closed at once, instead of waiting for headers that will never come.

httptools (llhttp, in C) rather than h11 (pure Python): parsing a request and writing its answer
with h11 was half of the server's own CPU per `select 1`.
"""

from __future__ import annotations

import asyncio
import re

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

#: Seconds a client has to send a request's complete headers (a real client sends them at once).
HEADER_TIMEOUT_SECONDS = 10.0
# An HTTP/1.x request line: method, target, version.
_REQUEST_LINE = re.compile(rb"^[A-Za-z]+ \S+ HTTP/\d\.\d\r?$")
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s"
)


class HeaderDeadlineProtocol(HttpToolsProtocol):
    """uvicorn's HttpToolsProtocol that closes connections whose request headers do not arrive in time."""

    _header_deadline: asyncio.TimerHandle | None = None
    # True from a request's first byte (or the connection's opening) until its headers are complete.
    _awaiting_headers = True
    # True between a request's first byte and its end, as the parser reports them.
    _in_message = False
    # The bytes of a request's first line while it is incomplete; None once it was checked, or
    # when the request's start was fed together with an earlier request (pipelining).
    _request_line: bytes | None = b""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        if self._request_line is not None:
            self._request_line += data
            if _not_http1(self._request_line):
                self._refuse(b"tdlocal speaks HTTP/1.1: send 'METHOD /path HTTP/1.1' and headers\n")
                return
            if b"\n" in self._request_line:
                self._request_line = None
        super().data_received(data)
        if self.transport.is_closing():
            self._disarm_header_deadline()

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._in_message = True
        self._awaiting_headers = True
        self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._awaiting_headers = False
        self._disarm_header_deadline()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_message = False
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        # The next bytes start the next request, unless the client already sent some of it.
        self._request_line = None if self._in_message else b""

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def _arm_header_deadline(self) -> None:
        if self._header_deadline is None:
            self._header_deadline = self.loop.call_later(HEADER_TIMEOUT_SECONDS, self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if self._awaiting_headers and not self.transport.is_closing():
            self.transport.close()

    def _refuse(self, message: bytes) -> None:
        self._disarm_header_deadline()
        self.transport.write(_BAD_REQUEST % (len(message), message))
        self.transport.close()


def _not_http1(buffered: bytes) -> bool:
    """True when the first complete line of `buffered` is not an HTTP/1.x request line."""
    end = buffered.find(b"\n")
    if end < 0:
        return False
    line = buffered[:end]
    return line.strip() != b"" and _REQUEST_LINE.match(line) is None
