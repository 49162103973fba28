"""The HTTP connection protocol: uvicorn's h11 protocol plus a deadline for request headers.

uvicorn closes idle keep-alive connections, but a connection that sends part of a request's
headers and stalls (or sends nothing) is kept open forever, so a slow or broken client can hold
every file descriptor the server has. Here each request's headers must be complete within
HEADER_TIMEOUT_SECONDS of the connection opening or of their first byte; otherwise the
connection is closed. A request line without an HTTP version (HTTP/0.9, or garbage) is answered
400 and closed at once, instead of waiting for headers that will never come.
"""

from __future__ import annotations

import asyncio
import re

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

#: Seconds a client has to send a request's complete headers (a real client sends them at once).
HEADER_TIMEOUT_SECONDS = 10.0
# An HTTP/1.x request line: method, target, version.
_REQUEST_LINE = re.compile(rb"^[A-Za-z]+ \S+ HTTP/\d\.\d\r?$")
_BAD_REQUEST = (
    b"HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain; charset=utf-8\r\nconnection: close\r\n"
    b"content-length: %d\r\n\r\n%s"
)


class HeaderDeadlineProtocol(H11Protocol):
    """uvicorn's H11Protocol that closes connections whose request headers do not arrive in time."""

    _header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()

    def data_received(self, data: bytes) -> None:
        if self.conn.their_state is h11.IDLE and _not_http1(bytes(self.conn.trailing_data[0]) + data):
            self._refuse(b"tdlocal speaks HTTP/1.1: send 'METHOD /path HTTP/1.1' and headers\n")
            return
        super().data_received(data)
        if self.transport.is_closing():
            self._disarm_header_deadline()
        elif self.conn.their_state is h11.IDLE:
            # Part of the next request's headers arrived (uvicorn stopped its keep-alive timer).
            self._arm_header_deadline()
        else:
            self._disarm_header_deadline()

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
        if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
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
