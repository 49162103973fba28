"""A stand-in Trino server that answers from memory, for measuring the `trino` client's own cost.

`tdlocal_bench.py` records tdlocal's answers to a statement (the POST's body and every page its
nextUris lead to) and starts this script on them in a separate process. Replaying those exact
bytes costs the client exactly what tdlocal's answers cost it, while the server does nothing but
write bytes: the client's CPU against it is the floor no server-side change can go below.

Run as `python benchmarks/replay_server.py RECORDING_FILE`: it listens on a free loopback port,
prints the port on stdout, and serves until its stdin closes. The recording is a pickled dict
{"post": {sql: body}, "get": {path: body}}, its nextUris already pointing at `{replay}` (replaced
here by this server's address).

HTTP/1.1 with keep-alive, by hand on an asyncio protocol (no framework): every request costs this
process a few microseconds, and the answer carries only the headers the client needs
(Content-Type, Content-Length), so the client parses no more than any server must send.
"""

from __future__ import annotations

import asyncio
import pickle
import socket
import sys
from pathlib import Path

_HEAD = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n"
_NOT_FOUND = b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n"


class _Replay(asyncio.Protocol):
    def __init__(self, post: dict[bytes, bytes], get: dict[bytes, bytes]) -> None:
        self._post = post
        self._get = get
        self._buffer = b""
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self._transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while True:
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self._buffer[:end]
            length = 0
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value)
            if len(self._buffer) < end + 4 + length:
                return
            body = self._buffer[end + 4 : end + 4 + length]
            self._buffer = self._buffer[end + 4 + length :]
            method, target = head.split(b" ", 2)[:2]
            answer = self._post.get(body) if method == b"POST" else self._get.get(target)
            assert self._transport is not None
            if answer is None:
                self._transport.write(_NOT_FOUND)
            else:
                self._transport.write(_HEAD % len(answer) + answer)


async def _serve(recording: Path) -> None:
    loaded = pickle.loads(recording.read_bytes())
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    address = f"http://127.0.0.1:{port}".encode()
    post = {sql.encode(): body.replace(b"{replay}", address) for sql, body in loaded["post"].items()}
    get = {path.encode(): body.replace(b"{replay}", address) for path, body in loaded["get"].items()}
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: _Replay(post, get), sock=sock)
    print(port, flush=True)
    # Serve until the benchmark closes our stdin (or exits).
    await loop.run_in_executor(None, sys.stdin.read)
    server.close()


if __name__ == "__main__":
    asyncio.run(_serve(Path(sys.argv[1])))
