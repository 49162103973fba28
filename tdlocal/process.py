"""Running a tdlocal server: in this process (on a thread, for tests), in the foreground (the CLI),
or as a detached background process shared by every caller (the Dagster code location).

A running server records itself in <data_dir>/server.json and identifies itself in GET /v1/info
(`tdlocal.dataDir`), so callers can tell a tdlocal serving their data dir from anything else that
answers on the port. Starting is serialized by a file lock in the data dir, so two processes that
call ensure_running() at once end up sharing one server.
"""

from __future__ import annotations

import contextlib
import gc
import http.client
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tdlocal.data_dir import DATABASE_FILE_NAME

# The engine, the HTTP server and uvicorn are imported where a server runs in this process
# (open_engine, start_in_thread, serve). A client that only finds, starts (as its own process) or
# stops tdlocal, such as `td-dagster run`, then pays neither their import (about 0.8 s of CPU)
# nor their threads (numpy starts its BLAS pool at import; a process with threads cannot fork dbt).
if TYPE_CHECKING:
    import uvicorn

    from tdlocal.engine import Engine
    from tdlocal.queries import StatementEngine
    from tdlocal.statement_log import StatementLog

logger = logging.getLogger("tdlocal")

DEFAULT_HOST = "127.0.0.1"
# Not 8080: a real Trino (or anything else) often listens there.
DEFAULT_PORT = 8765
DEFAULT_DATA_DIR = Path(".tdlocal")
SERVER_FILE_NAME = "server.json"
SERVER_LOG_FILE_NAME = "server.log"
START_LOCK_FILE_NAME = "start.lock"
# Generous: a fresh data dir loads its sample before the server answers.
DEFAULT_START_TIMEOUT_SECONDS = 60.0
# Longer than the gaps between a dbt run's statements, so the client rarely reuses a connection the
# server has just closed.
KEEP_ALIVE_SECONDS = 75
# Allocations between two collections of the youngest generation in a `tdlocal serve` process (see
# serve(); Python's default is 700).
SERVER_GC_THRESHOLD = 50_000
PROBE_TIMEOUT_SECONDS = 2.0


class TdlocalStartError(RuntimeError):
    """A tdlocal server could not be started or reached; the message says why and what to do."""


class PortInUseError(TdlocalStartError):
    """The port is taken, by something other than a tdlocal serving the wanted data dir."""


def base_url(host: str, port: int) -> str:
    """The URL clients use for a server listening on host:port (wildcard hosts become loopback)."""
    client_host = {"0.0.0.0": "127.0.0.1", "::": "::1", "": "127.0.0.1"}.get(host, host)
    if ":" in client_host:
        client_host = f"[{client_host}]"
    return f"http://{client_host}:{port}"


# ---------------------------------------------------------------------------------------------
# Preparing the pieces
# ---------------------------------------------------------------------------------------------


def open_engine(data_dir: Path | str, *, strict: bool = True, load_sample_when_fresh: bool = True) -> Engine:
    """Open the data dir's engine, loading the default sample first when the data dir is new."""
    directory = Path(data_dir)
    directory.mkdir(parents=True, exist_ok=True)
    from tdlocal.engine import Engine
    from tdlocal.loading import open_database
    from tdlocal.sample_data import load_sample

    if load_sample_when_fresh and not (directory / DATABASE_FILE_NAME).exists():
        with open_database(directory) as connection:
            loaded = load_sample(connection)
        logger.info("new data dir %s: loaded %s", directory, loaded.describe())
    return Engine(directory, strict=strict)


def bind_socket(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0 picks a free one); PortInUseError if it is taken."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    # Lets a restarted server take its port back while old connections sit in TIME_WAIT.
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
        sock.listen(128)
    except OSError as error:
        sock.close()
        raise PortInUseError(
            f"cannot listen on {host}:{port}: {error.strerror or error}. Another program (or another "
            f"tdlocal) uses that port: pick another with --port, or stop what runs there"
        ) from None
    return sock


@dataclass(frozen=True)
class ServerRecord:
    """<data_dir>/server.json: where the server that holds a data dir listens."""

    url: str
    pid: int
    data_dir: str
    strict: bool

    @staticmethod
    def path(data_dir: Path) -> Path:
        return data_dir / SERVER_FILE_NAME

    def write(self) -> None:
        path = self.path(Path(self.data_dir))
        temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
        temporary.write_text(json.dumps(self.__dict__, indent=2) + "\n", encoding="utf-8")
        temporary.replace(path)

    def remove(self) -> None:
        """Delete the record if it still describes this server."""
        path = self.path(Path(self.data_dir))
        if ServerRecord.read(Path(self.data_dir)) == self:
            path.unlink(missing_ok=True)

    @staticmethod
    def read(data_dir: Path) -> ServerRecord | None:
        try:
            document = json.loads(ServerRecord.path(data_dir).read_text(encoding="utf-8"))
            return ServerRecord(
                str(document["url"]),
                int(document["pid"]),
                str(document["data_dir"]),
                bool(document["strict"]),
            )
        except (OSError, ValueError, KeyError, TypeError):
            return None


def _uvicorn_config(app: Any) -> uvicorn.Config:
    import uvicorn

    from tdlocal.http_deadlines import HeaderDeadlineProtocol

    return uvicorn.Config(
        app,
        log_config=None,  # leave logging to the application
        log_level="warning",
        access_log=False,
        # Clients talk to tdlocal directly: no X-Forwarded-* rewriting (it cost every request).
        proxy_headers=False,
        lifespan="on",
        timeout_keep_alive=KEEP_ALIVE_SECONDS,
        http=HeaderDeadlineProtocol,  # httptools with a deadline for request headers (slow clients)
        timeout_graceful_shutdown=5,
    )


def _describe_start(url: str, data_dir: Path, strict: bool, log_statements: Path | str | None) -> str:
    mode = "strict TD mode" if strict else "lenient mode (stock dbt-trino SQL that TD rejects is allowed)"
    statements = f", logging statements to {log_statements}" if log_statements else ""
    return (
        f"tdlocal serving the Trino protocol at {url} (catalog td, data dir {data_dir}, {mode}{statements})"
    )


# ---------------------------------------------------------------------------------------------
# In this process, on a thread
# ---------------------------------------------------------------------------------------------


class LocalServer:
    """A tdlocal server running on a thread of this process; stop() it (or use it as a context manager)."""

    def __init__(
        self,
        url: str,
        data_dir: Path,
        engine: Any,
        server: uvicorn.Server,
        thread: threading.Thread,
        record: ServerRecord,
        statement_log: StatementLog | None,
        owns_engine: bool,
    ) -> None:
        self.url = url
        self.data_dir = data_dir
        self.engine = engine
        self.port = int(url.rsplit(":", 1)[1])
        self._server = server
        self._thread = thread
        self._record = record
        self._statement_log = statement_log
        self._owns_engine = owns_engine
        self._stopped = False

    def stop(self, timeout: float = 15.0) -> None:
        """Stop serving, cancel running statements and close the engine (idempotent)."""
        if self._stopped:
            return
        self._stopped = True
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._thread.is_alive():
            self._server.force_exit = True
            self._thread.join(timeout)
        self._record.remove()
        if self._owns_engine:
            self.engine.close()
        if self._statement_log is not None:
            self._statement_log.close()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def start_in_thread(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    *,
    host: str = DEFAULT_HOST,
    port: int = 0,
    strict: bool = True,
    log_statements: Path | str | None = None,
    load_sample_when_fresh: bool = True,
    engine: StatementEngine | None = None,
    timeout: float = 30.0,
) -> LocalServer:
    """Start a server on a thread of this process (port 0: a free port) and wait until it answers.

    `engine` serves a given engine instead of opening the data dir's (tests use small fakes).
    """
    import uvicorn

    from tdlocal.server import create_app
    from tdlocal.statement_log import StatementLog

    directory = Path(data_dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    owns_engine = engine is None
    # The engine first: the port only listens once the server can answer (a new data dir loads
    # its sample first), so a caller never mistakes a busy port for a foreign program.
    served = (
        engine
        if engine is not None
        else open_engine(directory, strict=strict, load_sample_when_fresh=load_sample_when_fresh)
    )
    statement_log: StatementLog | None = None
    sock: socket.socket | None = None
    try:
        sock = bind_socket(host, port)
        statement_log = StatementLog(log_statements) if log_statements else None
        url = base_url(host, sock.getsockname()[1])
        app = create_app(served, data_dir=directory, strict=strict, statement_log=statement_log)
        server = uvicorn.Server(_uvicorn_config(app))
        thread = threading.Thread(
            target=server.run, kwargs={"sockets": [sock]}, name=f"tdlocal-server-{url}", daemon=True
        )
        thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if not thread.is_alive() or time.monotonic() > deadline:
                server.should_exit = True
                raise TdlocalStartError(
                    f"the tdlocal server thread for {url} did not start (see the log above)"
                )
            time.sleep(0.01)
    except BaseException:
        if sock is not None:
            sock.close()
        if owns_engine:
            served.close()  # type: ignore[attr-defined]
        if statement_log is not None:
            statement_log.close()
        raise
    record = ServerRecord(url, os.getpid(), str(directory), strict)
    record.write()
    logger.info(_describe_start(url, directory, strict, log_statements))
    return LocalServer(url, directory, served, server, thread, record, statement_log, owns_engine)


# ---------------------------------------------------------------------------------------------
# In the foreground (tdlocal serve)
# ---------------------------------------------------------------------------------------------


def serve(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    strict: bool = True,
    log_statements: Path | str | None = None,
) -> None:
    """Serve until interrupted (Ctrl-C or SIGTERM). Raises PortInUseError or DataDirInUseError."""
    import uvicorn

    from tdlocal.server import create_app
    from tdlocal.statement_log import StatementLog

    directory = Path(data_dir).resolve()
    engine = open_engine(directory, strict=strict)  # before listening: see start_in_thread
    try:
        sock = bind_socket(host, port)
    except BaseException:
        engine.close()
        raise
    statement_log = StatementLog(log_statements) if log_statements else None
    url = base_url(host, sock.getsockname()[1])
    record = ServerRecord(url, os.getpid(), str(directory), strict)
    # uvicorn handles SIGTERM, then re-raises it once shut down; turning that into SystemExit lets
    # the cleanup below run instead of the process dying on the spot.
    in_main_thread = threading.current_thread() is threading.main_thread()
    previous_handler = signal.signal(signal.SIGTERM, _exit_on_sigterm) if in_main_thread else None
    thresholds = gc.get_threshold()
    try:
        app = create_app(engine, data_dir=directory, strict=strict, statement_log=statement_log)
        server = uvicorn.Server(_uvicorn_config(app))
        record.write()
        logger.info(_describe_start(url, directory, strict, log_statements))
        # Everything loaded so far (sqlglot, DuckDB, the function library) lives as long as the
        # process: leaving it out of the cyclic garbage collector's full passes saves them
        # re-scanning it while result pages are built (a third of the server's CPU for 1M rows).
        gc.freeze()
        # A result page creates ~13,500 row tuples: at the default threshold (700 allocations) the
        # young generation was collected ~20 times a page, scanning tuples still in use (the page being
        # built) that hold no cycles. One pass per ~50,000 allocations lowered the server's CPU for
        # 1M rows from 1.12 to 1.02 s (5 fetches each, two servers side by side).
        gc.set_threshold(SERVER_GC_THRESHOLD, *thresholds[1:])
        server.run(sockets=[sock])
    finally:
        gc.unfreeze()  # frozen objects are never freed: DuckDB's bindings report them as leaks
        gc.set_threshold(*thresholds)
        if in_main_thread:
            signal.signal(signal.SIGTERM, previous_handler)
        record.remove()
        engine.close()
        if statement_log is not None:
            statement_log.close()
        sock.close()
        logger.info("tdlocal stopped (data dir %s)", directory)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(0)


# ---------------------------------------------------------------------------------------------
# Finding, reusing, starting and stopping a background server
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """Who answers GET /v1/info at a URL: nobody, a tdlocal (with its /v1/info), or something else."""

    listening: bool
    info: dict[str, Any] | None = None
    problem: str = ""

    @property
    def tdlocal(self) -> dict[str, Any] | None:
        identity = (self.info or {}).get("tdlocal")
        return identity if isinstance(identity, dict) else None


def probe(url: str, timeout: float = PROBE_TIMEOUT_SECONDS) -> Probe:
    """Ask `url` for GET /v1/info and classify the answer."""
    host_port = url.split("://", 1)[1].rstrip("/")
    connection = http.client.HTTPConnection(host_port, timeout=timeout)
    try:
        connection.request("GET", "/v1/info")
        response = connection.getresponse()
        body = response.read(1_000_000)
    except ConnectionRefusedError:
        return Probe(listening=False)
    except socket.gaierror as error:
        # A host name that does not resolve: nothing listens there, and tdlocal cannot either.
        host = host_port.rsplit(":", 1)[0]
        raise TdlocalStartError(
            f"the host {host!r} of {url} does not resolve ({error.strerror}): set TDLOCAL_HOST to an "
            "address of this machine, e.g. 127.0.0.1"
        ) from None
    except (OSError, http.client.HTTPException) as error:
        return Probe(listening=True, problem=f"it did not answer like an HTTP server ({error})")
    finally:
        connection.close()
    try:
        info = json.loads(body)
    except ValueError:
        return Probe(
            listening=True, problem=f"it answered GET /v1/info with HTTP {response.status}, not JSON"
        )
    if not isinstance(info, dict):
        return Probe(listening=True, problem="it answered GET /v1/info with unexpected JSON")
    return Probe(listening=True, info=info)


def find_running(data_dir: Path | str = DEFAULT_DATA_DIR) -> str | None:
    """The URL of the tdlocal server holding `data_dir`, or None when none answers."""
    directory = Path(data_dir).resolve()
    record = ServerRecord.read(directory)
    if record is None:
        return None
    identity = probe(record.url).tdlocal
    if identity is not None and _same_dir(identity.get("dataDir"), directory):
        return record.url
    return None


def ensure_running(
    data_dir: Path | str = DEFAULT_DATA_DIR,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    strict: bool = True,
    timeout: float = DEFAULT_START_TIMEOUT_SECONDS,
) -> str:
    """The base URL of a tdlocal serving `data_dir` on host:port, starting a detached one if needed.

    Reuses a running tdlocal on that data dir and port. Safe when several processes call it at once.
    Raises PortInUseError when something else holds the port, TdlocalStartError when starting fails.
    """
    directory = Path(data_dir).resolve()
    directory.mkdir(parents=True, exist_ok=True)
    url = base_url(host, port)
    with _start_lock(directory, timeout):
        answer = probe(url)
        if answer.listening:
            _check_reusable(answer, url, directory, strict)
            return url
        elsewhere = find_running(directory)
        if elsewhere is not None:
            raise TdlocalStartError(
                f"the data dir {directory} is already served by tdlocal at {elsewhere}, not at {url}: "
                f"use that URL (port), or stop it with `tdlocal stop --data-dir {directory}`"
            )
        _start_detached(directory, host, port, strict, url, timeout)
    return url


def _check_reusable(answer: Probe, url: str, directory: Path, strict: bool) -> None:
    identity = answer.tdlocal
    if identity is None:
        reason = answer.problem or "it is not tdlocal (its GET /v1/info has no `tdlocal` field)"
        raise PortInUseError(
            f"something else listens on {url}: {reason}. Give tdlocal another port (e.g. TDLOCAL_PORT or "
            "--port), or stop that program"
        )
    if not _same_dir(identity.get("dataDir"), directory):
        raise PortInUseError(
            f"the tdlocal at {url} serves the data dir {identity.get('dataDir')}, not {directory}: use another "
            "port for this data dir, or point this caller at that data dir"
        )
    if bool(identity.get("strict")) != strict:
        running_mode, wanted_mode = ("strict", "lenient") if identity.get("strict") else ("lenient", "strict")
        raise TdlocalStartError(
            f"the tdlocal at {url} runs in {running_mode} mode but {wanted_mode} mode was asked for: stop it "
            f"(`tdlocal stop --data-dir {directory}`) and start it again in the mode you need"
        )


def _same_dir(reported: object, directory: Path) -> bool:
    return isinstance(reported, str) and Path(reported).resolve() == directory.resolve()


@contextlib.contextmanager
def _start_lock(directory: Path, timeout: float) -> Iterator[None]:
    import fcntl  # POSIX only; imported here so the rest of the package imports everywhere

    path = directory / START_LOCK_FILE_NAME
    deadline = time.monotonic() + timeout
    with path.open("a+") as handle:
        while True:
            try:
                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TdlocalStartError(
                        f"another process has been starting tdlocal for {directory} for over {timeout:.0f} s "
                        f"(it holds {path}); see {directory / SERVER_LOG_FILE_NAME}"
                    ) from None
                time.sleep(0.05)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)


def _start_detached(directory: Path, host: str, port: int, strict: bool, url: str, timeout: float) -> None:
    command = [
        sys.executable,
        "-m",
        "tdlocal",
        "serve",
        "--host",
        host,
        "--port",
        str(port),
        "--data-dir",
        str(directory),
    ]
    if not strict:
        command.append("--lenient")
    log_path = directory / SERVER_LOG_FILE_NAME
    with log_path.open("ab") as log:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # outlives the caller and its Ctrl-C
            close_fds=True,
        )
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        exit_code = process.poll()
        if exit_code is not None:
            raise TdlocalStartError(
                f"tdlocal exited with code {exit_code} while starting on {url}; the end of {log_path}:\n"
                f"{_tail(log_path)}"
            )
        answer = probe(url, timeout=0.5)
        if answer.listening and answer.tdlocal is not None:
            _check_reusable(answer, url, directory, strict)
            logger.info("started tdlocal (pid %d) at %s for %s", process.pid, url, directory)
            return
        time.sleep(0.1)
    process.terminate()
    raise TdlocalStartError(
        f"tdlocal did not answer on {url} within {timeout:.0f} s, so it was stopped; the end of {log_path}:\n"
        f"{_tail(log_path)}"
    )


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def stop_running(data_dir: Path | str = DEFAULT_DATA_DIR, timeout: float = 15.0) -> bool:
    """Stop the background tdlocal holding `data_dir` (SIGTERM, then wait). False if none was running."""
    directory = Path(data_dir).resolve()
    record = ServerRecord.read(directory)
    if record is None or find_running(directory) is None:
        return False
    identity = probe(record.url).tdlocal or {}
    pid = int(identity.get("pid", record.pid))
    if pid == os.getpid():
        raise TdlocalStartError(
            f"the tdlocal at {record.url} runs inside this process: stop it with LocalServer.stop()"
        )
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not _process_exists(pid):
            return True
        time.sleep(0.05)
    raise TdlocalStartError(f"tdlocal (pid {pid}) did not stop within {timeout:.0f} s after SIGTERM")


def _process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A child of this process that exited stays a zombie until reaped.
    with contextlib.suppress(ChildProcessError):
        finished, _ = os.waitpid(pid, os.WNOHANG)
        if finished == pid:
            return False
    return True
