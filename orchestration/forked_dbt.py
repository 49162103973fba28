"""dbt started as a fork of this process instead of a new Python process.

A `dbt build` process spends about 1.8 s of CPU importing dbt-core and its adapter before it reads
its first file (measured on the benchmark machine: more than a third of the bare `dbt build`s P2
compares against). A process running Dagster over dbt assets has already imported most of dbt-core
(dagster-dbt uses dbt's selector in process), so a child forked from it starts dbt with those
imports done and pays only for what dbt itself does. The child then behaves as the `dbt` console
script: same arguments, environment, working directory, stdout/stderr pipe and exit code, so
dagster-dbt streams its JSON events exactly as from a subprocess.

Forking is only safe where no other thread holds something the child needs (a lock held by
another thread at the fork stays locked forever in the child), so `fork_allowed` is checked before
every start and the caller falls back to a subprocess otherwise: `td-dagster run` executes its
steps in its main thread, beside at most the terminal's live display; a Dagster run worker or step
process with threads of its own starts dbt as dagster-dbt does. `TD_DBT_FORK=false` turns forking
off.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import io
import logging
import multiprocessing.util
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

#: How often wait(timeout) polls a child that has not exited (os.waitpid has no timeout).
_POLL_SECONDS = 0.05


def fork_allowed(dbt_executable: str) -> bool:
    """True when dbt may be forked from this process: os.fork exists (POSIX), every other thread is
    one the child never needs (_fork_safe_thread), and `dbt_executable` is the dbt console script
    installed beside this Python (the dbt-core this process imports). Another dbt (another venv,
    dbt Fusion) always runs as itself."""
    if not hasattr(os, "fork"):
        return False
    current = threading.current_thread()
    others = [thread for thread in threading.enumerate() if thread is not current]
    if not all(_fork_safe_thread(thread) for thread in others):
        return False
    # A thread a library started natively (DuckDB's, numpy's BLAS pool) is not in threading's list.
    if _os_thread_count() not in (None, len(others) + 1):
        return False
    found = shutil.which(dbt_executable)
    return found is not None and Path(found).parent.resolve() == Path(sys.executable).parent.resolve()


def _fork_safe_thread(thread: threading.Thread) -> bool:
    """A thread that may run while this process forks: rich's live-display refresher, which
    `td-dagster run` keeps on a terminal. It only redraws the parent's terminal through the
    parent's console and stdout, which the child replaces before writing anything; whatever lock
    it holds at the fork, the child never takes."""
    return type(thread).__module__ == "rich.live" and type(thread).__name__ == "_RefreshThread"


def _os_thread_count() -> int | None:
    """The threads of this process as the OS counts them (Linux's /proc), or None where unknown."""
    try:
        status = Path("/proc/self/status").read_text()
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("Threads:"):
            return int(line.split()[1])
    return None


def preload_dbt(adapter_type: str | None) -> None:
    """Import dbt's CLI and the adapter's plugin (e.g. "trino") here, once, so every forked dbt
    inherits them instead of importing them itself. Import errors are left for dbt to report.

    The trino client logs an INFO line at import ("keyring module not found"): kept out of this
    process's log, as a dbt subprocess would have kept it out.
    """
    modules = ["dbt.cli.main", *([f"dbt.adapters.{adapter_type}"] if adapter_type else [])]
    previous = logging.root.manager.disable
    logging.disable(logging.INFO)
    try:
        for name in modules:
            with contextlib.suppress(Exception):  # the forked dbt then fails on it in dbt's words
                importlib.import_module(name)
    finally:
        logging.disable(previous)


class ForkedDbtProcess:
    """A running dbt forked from this process, with the part of subprocess.Popen's interface that
    dagster-dbt's DbtCliInvocation uses: `args`, `pid`, `stdout` (dbt's stdout and stderr, bytes),
    `returncode`, `poll()`, `wait(timeout)`, `send_signal()`, `terminate()`, `kill()`.

    `args[0]` is the dbt executable (not run: `fork_allowed` checked it is this Python's dbt) and
    `args[1:]` dbt's arguments; `env` is dbt's whole environment and `cwd` its working directory,
    as Popen takes them. The other Popen keywords dagster-dbt passes (stdout=PIPE,
    stderr=STDOUT) are the only behaviour there is.
    """

    def __init__(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: str | os.PathLike[str] | None = None,
        stdout: Any = None,
        stderr: Any = None,
    ) -> None:
        if stdout != subprocess.PIPE or stderr != subprocess.STDOUT:
            raise ValueError("ForkedDbtProcess streams stdout and stderr together into one pipe")
        self.args = list(args)
        self.returncode: int | None = None
        read_end, write_end = os.pipe()
        # Buffered output written before the fork would be written twice, once by each process.
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(AttributeError, ValueError, OSError):
                stream.flush()
        # The child's garbage collector then skips everything this process had allocated, which
        # also keeps those pages shared (Python's gc docs: freeze before fork). Not thawed after:
        # gc.unfreeze() would also thaw what orchestration/definitions.py froze, and what a freeze
        # keeps for good is only the cyclic garbage of this moment.
        gc.freeze()
        try:
            pid = os.fork()
            if pid == 0:  # the child: never returns
                os.close(read_end)
                _run_dbt_and_exit(self.args, dict(os.environ if env is None else env), cwd, write_end)
        except BaseException:
            os.close(read_end)
            raise
        finally:
            os.close(write_end)
        self.pid = pid
        self.stdout: IO[bytes] = os.fdopen(read_end, "rb")

    def poll(self) -> int | None:
        if self.returncode is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid == self.pid:
                self.returncode = os.waitstatus_to_exitcode(status)
        return self.returncode

    def wait(self, timeout: float | None = None) -> int:
        """dbt's exit code (negative: the signal that ended it), as Popen.wait; raises
        subprocess.TimeoutExpired if `timeout` seconds pass first."""
        if self.returncode is not None:
            return self.returncode
        if timeout is None:
            _, status = os.waitpid(self.pid, 0)
            self.returncode = os.waitstatus_to_exitcode(status)
            return self.returncode
        deadline = time.monotonic() + timeout
        while self.poll() is None:
            if time.monotonic() >= deadline:
                raise subprocess.TimeoutExpired(self.args, timeout)
            time.sleep(_POLL_SECONDS)
        return self.returncode  # type: ignore[return-value]  # poll() set it

    def send_signal(self, sig: int) -> None:
        if self.poll() is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def _run_dbt_and_exit(args: list[str], env: dict[str, str], cwd: Any, output_fd: int) -> None:
    """In the forked child: become the `dbt` console script with `args`, then exit with its code.

    Everything the parent set up for itself is put back as a new process has it: stdout/stderr go
    to the pipe, signals are as an exec would leave them, the parent's other file descriptors are
    let go, its logging handlers (which may write to its terminal or the Dagster event log) are
    detached, and os._exit ends the child without the parent's atexit handlers or finalizers (its
    temporary folders, its database connections) running twice.
    """
    code = 1
    try:
        os.dup2(output_fd, 1)
        os.dup2(output_fd, 2)
        os.close(output_fd)
        # First: the parent's sys.stdout/stderr may be wrapped (rich's live display, a redirect)
        # behind locks another thread of the parent held at the fork.
        sys.stdout = io.TextIOWrapper(io.FileIO(1, "w", closefd=False), encoding="utf-8", line_buffering=True)
        sys.stderr = io.TextIOWrapper(io.FileIO(2, "w", closefd=False), encoding="utf-8", line_buffering=True)
        _signals_as_after_exec()
        _release_inherited_fds()
        _forget_parent_resource_tracker()
        _detach_inherited_logging()
        if cwd is not None:
            os.chdir(cwd)
        os.environ.clear()
        os.environ.update(env)
        sys.argv = list(args)
        from dbt.cli.main import cli

        try:
            cli.main(args=args[1:], prog_name="dbt")  # click's standalone mode: always SystemExit
            code = 0
        except SystemExit as exit_:
            code = _exit_code(exit_.code)
    except BaseException:  # whatever it is, the parent reads its traceback from the pipe
        traceback.print_exc()
        code = 1
    finally:
        try:
            # What a normal interpreter exit does for dbt: its locks' named semaphores (dbt makes them
            # in multiprocessing's spawn context) are unlinked, or the parent's resource tracker
            # warns of leaked semaphores; Finalize skips any object the parent registered.
            multiprocessing.util._run_finalizers(0)
            _flush_own_logging()  # dbt.log's handler, as logging.shutdown at a normal exit
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def _signals_as_after_exec() -> None:
    """Signal dispositions as a new dbt process would start with: an exec keeps an ignored signal
    ignored (a `nohup` run's SIGHUP) and resets a handled one to the default (Dagster's SIGINT and
    SIGTERM handlers; Dagster handles SIGINT during a run even where it was ignored, so a dbt it
    starts either way is interrupted by it); Python's start-up then handles SIGINT with
    KeyboardInterrupt unless it is ignored, and ignores SIGPIPE and SIGXFSZ (POSIX exec; CPython)."""
    for number in signal.valid_signals():
        handler = signal.getsignal(number)
        if callable(handler) and handler is not signal.default_int_handler:
            with contextlib.suppress(OSError, ValueError):
                signal.signal(number, signal.SIG_DFL)
    if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    for name in ("SIGPIPE", "SIGXFSZ"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)


def _release_inherited_fds() -> None:
    """Let go of the parent's open files, sockets and pipes (a subprocess gets only stdin, stdout
    and stderr): a pipe the child held open would keep `td-dagster run ... | tee` waiting for an
    orphaned dbt after its run was killed. Each is pointed at /dev/null rather than closed, so its
    number stays taken: a parent's object still holding it can never close a file dbt opens later.

    multiprocessing's resource-tracker pipe goes too: the tracker, a child of the parent writing
    to the parent's stdout, lives until every copy of that pipe is closed, and would hold a pipeline
    open for as long as an orphaned dbt waits on the warehouse (_forget_parent_resource_tracker
    gives dbt a tracker of its own instead).
    """
    keep = {0, 1, 2}
    try:
        open_fds = [int(name) for name in os.listdir("/proc/self/fd")]
    except OSError:
        open_fds = list(range(3, _max_fd()))
    null = os.open(os.devnull, os.O_RDWR)
    for fd in open_fds:
        if fd not in keep and fd != null:
            with contextlib.suppress(OSError):  # not open (the listing's own fd, a gap in the range)
                os.dup2(null, fd)
    os.close(null)


def _forget_parent_resource_tracker() -> None:
    """Make dbt start a resource tracker of its own, as a new dbt process does at its first named
    semaphore (dbt makes its locks in multiprocessing's spawn context, which names them).

    The parent's tracker, if it started one, is only reachable through the pipe that
    _release_inherited_fds pointed at /dev/null: registering there succeeds and reaches nobody, so
    a dbt killed outright (SIGKILL, the OOM killer) would leave its semaphores in /dev/shm for good.
    Its own tracker sees its pipe close when dbt dies, however it dies, and unlinks them. The lock
    is replaced too: a thread of the parent may have held it at the fork.
    """
    from multiprocessing import resource_tracker

    tracker = resource_tracker._resource_tracker
    tracker._lock = type(tracker._lock)()
    tracker._fd = None
    tracker._pid = None


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 65536)
    except (OSError, ValueError):
        return 1024


#: Handlers the child took off its loggers: kept referenced so that collecting them cannot close
#: (and flush again) the parent's streams and files.
_detached_handlers: list[logging.Handler] = []


def _loggers() -> list[logging.Logger]:
    named = logging.root.manager.loggerDict.values()
    return [logging.root, *(logger for logger in named if isinstance(logger, logging.Logger))]


def _detach_inherited_logging() -> None:
    for logger in _loggers():
        _detached_handlers.extend(logger.handlers)
        logger.handlers = []
    logging.disable(logging.NOTSET)


def _flush_own_logging() -> None:
    """Flush the handlers dbt attached in the child (the inherited ones were detached first).
    Not logging.shutdown(): it would flush and close every handler ever made, the parent's too."""
    for logger in _loggers():
        for handler in logger.handlers:
            handler.flush()


def _exit_code(code: object) -> int:
    """sys.exit's argument as the process exit code the interpreter would give it."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1
