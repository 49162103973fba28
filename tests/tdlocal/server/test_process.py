"""Starting, reusing and stopping servers: persistence, data dir ownership, ensure_running."""

from __future__ import annotations

import http.server
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import trino

import tdlocal
from tdlocal.process import ServerRecord, probe


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def query(url: str, sql: str) -> list:
    host, port = url.split("://")[1].rsplit(":", 1)
    cursor = trino.dbapi.connect(host=host, port=int(port), user="tester", catalog="td").cursor()
    cursor.execute(sql)
    return cursor.fetchall()


def run_tdlocal(*arguments: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tdlocal", *arguments],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def test_data_survives_a_restart(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with tdlocal.start_in_thread(data_dir, load_sample_when_fresh=False) as server:
        query(server.url, "create schema if not exists keep")
        query(server.url, "create table keep.rows as select 1 as id, 'one' as name")
        assert ServerRecord.read(data_dir) is not None
    assert ServerRecord.read(data_dir) is None  # removed on stop
    with tdlocal.start_in_thread(data_dir, load_sample_when_fresh=False) as server:
        assert query(server.url, "select id, name from keep.rows") == [[1, "one"]]


def test_a_new_data_dir_gets_the_sample(tmp_path: Path) -> None:
    with tdlocal.start_in_thread(tmp_path / "fresh") as server:
        assert query(server.url, "select count(*) > 0 from raw.events") == [[True]]
        assert query(server.url, "select count(*) > 0 from sample_datasets.www_access") == [[True]]


def test_a_second_server_on_the_same_data_dir_refuses_to_start(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with tdlocal.start_in_thread(data_dir, load_sample_when_fresh=False) as server:
        with pytest.raises(tdlocal.DataDirInUseError, match="in use"):
            tdlocal.start_in_thread(data_dir)
        # Another process: the CLI names the data dir, exits 1 and prints no traceback.
        result = run_tdlocal("serve", "--data-dir", str(data_dir), "--port", str(free_port()))
        assert result.returncode == 1
        assert "in use" in result.stderr and str(data_dir) in result.stderr
        assert "Traceback" not in result.stderr
        assert query(server.url, "select 1") == [[1]]  # the first server is unharmed


def test_a_taken_port_is_a_clear_error(tmp_path: Path) -> None:
    with (
        tdlocal.start_in_thread(tmp_path / "a", load_sample_when_fresh=False) as server,
        pytest.raises(tdlocal.PortInUseError, match=f"{server.port}"),
    ):
        tdlocal.start_in_thread(tmp_path / "b", port=server.port, load_sample_when_fresh=False)


def test_ensure_running_reuses_the_server_of_its_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    with tdlocal.start_in_thread(data_dir, port=free_port(), load_sample_when_fresh=False) as server:
        assert tdlocal.ensure_running(data_dir, port=server.port) == server.url
        assert tdlocal.find_running(data_dir) == server.url
        with pytest.raises(tdlocal.PortInUseError, match="serves the data dir"):
            tdlocal.ensure_running(tmp_path / "other", port=server.port)
        with pytest.raises(tdlocal.TdlocalStartError, match="strict mode but lenient"):
            tdlocal.ensure_running(data_dir, port=server.port, strict=False)
        with pytest.raises(tdlocal.TdlocalStartError, match="already served by tdlocal at"):
            tdlocal.ensure_running(data_dir, port=free_port())


def test_ensure_running_refuses_a_port_held_by_something_else(tmp_path: Path) -> None:
    class Hello(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body = b'{"hello": "not trino"}'
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Hello)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    try:
        with pytest.raises(tdlocal.PortInUseError, match="something else listens"):
            tdlocal.ensure_running(tmp_path / "data", port=other.server_address[1], timeout=10)
    finally:
        other.shutdown()
        other.server_close()


def test_a_host_that_does_not_resolve_is_named_not_taken_for_another_program(tmp_path: Path) -> None:
    # RFC 6761: no name under .invalid resolves. Nothing listens there; before, the DNS error was
    # read as "something else listens on ...", sending the user to look for a program on a port.
    with pytest.raises(
        tdlocal.TdlocalStartError,
        match=re.escape("the host 'tdlocal-test.invalid' of http://tdlocal-test.invalid:"),
    ) as raised:
        tdlocal.ensure_running(tmp_path / "data", host="tdlocal-test.invalid", port=8765, timeout=10)
    assert not isinstance(raised.value, tdlocal.PortInUseError)
    assert "set TDLOCAL_HOST to an address of this machine" in str(raised.value)


ENSURE_RUNNING = """
import sys, tdlocal
print(tdlocal.ensure_running(sys.argv[1], port=int(sys.argv[2]), strict=False))
"""


def test_concurrent_ensure_running_starts_one_background_server(tmp_path: Path) -> None:
    data_dir = tmp_path / "shared"
    port = free_port()
    environment = {**os.environ, "TDLOCAL_NOW": "2024-03-15T12:00:00+00:00"}
    callers = [
        subprocess.Popen(
            [sys.executable, "-c", ENSURE_RUNNING, str(data_dir), str(port)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=environment,
        )
        for _ in range(3)
    ]
    try:
        outputs = [caller.communicate(timeout=120) for caller in callers]
        assert [caller.returncode for caller in callers] == [0, 0, 0], [err for _, err in outputs]
        urls = {out.strip() for out, _ in outputs}
        assert urls == {f"http://127.0.0.1:{port}"}
        url = urls.pop()
        record = ServerRecord.read(data_dir.resolve())
        assert record is not None and record.url == url and record.strict is False
        identity = probe(url).tdlocal
        assert (
            identity is not None
            and identity["pid"] == record.pid
            and identity["pid"] not in {c.pid for c in callers}
        )
        assert query(url, "select count(*) > 0 from raw.events") == [[True]]
        assert "lenient mode" in (data_dir / "server.log").read_text()
        # The CLI finds it and queries through it.
        result = run_tdlocal(
            "query", "select count(*) as n from sample_datasets.www_access", "--data-dir", str(data_dir)
        )
        assert result.returncode == 0 and f"via {url}" in result.stdout, result.stderr
    finally:
        assert tdlocal.stop_running(data_dir)
    assert tdlocal.find_running(data_dir) is None
    assert not tdlocal.stop_running(data_dir)
