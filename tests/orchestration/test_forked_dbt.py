"""dbt forked from the process running the step (orchestration/forked_dbt.py) behaves as the dbt
subprocess dagster-dbt would start: same events, errors and exit codes; nothing of the parent's
logging, output or run state leaks into it; and it is used only where forking is safe.

The forking cases run in a fresh Python process: this test process serves tdlocal from threads,
and a process with threads must not fork (which is what fork_allowed enforces).
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from dagster import DagsterRun, DagsterRunStatus

from orchestration.pool_slots import (
    CLI_HOST_TAG,
    CLI_PID_TAG,
    DBT_PID_TAG,
    DBT_STARTED_TAG,
    process_alive,
    process_start_ticks,
    stop_orphaned_dbt,
)

# Runs in a fresh, single-threaded interpreter; prints one JSON object.
_SCENARIOS = textwrap.dedent(
    """
    import json, logging, sys, threading
    from pathlib import Path

    from orchestration.forked_dbt import fork_allowed
    from orchestration.project import TdDbtCliResource, dbt_executable, dbt_project, dbt_resource
    from orchestration.settings import Settings

    log_file = Path(sys.argv[1])
    handler = logging.FileHandler(log_file)
    logging.root.addHandler(handler)
    logging.root.setLevel(logging.DEBUG)

    settings = Settings.from_env()
    project = dbt_project(settings)
    report = {"fork_allowed": fork_allowed(dbt_executable()), "fork_dbt": dbt_resource(settings).fork_dbt}
    stop = threading.Event()
    worker = threading.Thread(target=stop.wait)
    worker.start()
    report["fork_allowed_with_a_thread"] = fork_allowed(dbt_executable())
    stop.set()
    worker.join()

    commands = {
        "ls": ["ls", "--resource-type", "model", "--output", "name", "--quiet"],
        "debug": ["debug"],
        "unknown_macro": ["run-operation", "no_such_macro"],
        "bad_option": ["ls", "--no-such-option"],
    }
    for fork in (True, False):
        resource = TdDbtCliResource(
            project_dir=project, target=settings.dbt_target, dbt_executable=dbt_executable(), fork_dbt=fork
        )
        for name, args in commands.items():
            invocation = resource.cli(args, raise_on_error=False, target_path=Path("target", f"fork_test_{name}"))
            events = list(invocation.stream_raw_events())
            report[f"{name}/{fork}"] = {
                "process": type(invocation.process).__name__,
                "exit_code": invocation.process.wait(),
                "messages": sorted(
                    event.raw_event["info"]["msg"] for event in events
                    if event.raw_event["info"]["level"] in ("info", "error")
                    and event.raw_event["info"]["name"] in ("PrintEvent", "ListCmdOut", "MainEncounteredError", "RunningOperationUncaughtError")
                ),
                "errors": invocation._error_messages,
                "dbt_log": (invocation.target_path / "dbt.log").is_file(),
            }
    # While rich's live display refreshes the terminal from its thread (td-dagster run on a
    # terminal), dbt still forks. A pipe this process holds open is not held by the forked dbt: its
    # reader sees the end of the pipe while dbt still runs.
    import io, os, select, time
    from rich.console import Console
    from rich.progress import Progress

    resource = TdDbtCliResource(project_dir=project, target=settings.dbt_target, dbt_executable=dbt_executable())
    with Progress(console=Console(file=io.StringIO(), force_terminal=True)) as display:
        display.add_task("running", total=None)
        report["fork_allowed_with_a_live_display"] = fork_allowed(dbt_executable())
        read_end, write_end = os.pipe()
        invocation = resource.cli(["debug"], raise_on_error=False, target_path=Path("target", "fork_test_pipe"))
        os.close(write_end)
        readable, _, _ = select.select([read_end], [], [], 60)
        ended = time.monotonic()
        assert readable and os.read(read_end, 1) == b""
        report["live_display_process"] = type(invocation.process).__name__
        invocation.wait()
        # dbt debug imports, reads the project and connects to tdlocal: about a second after the
        # fork, where releasing the pipe takes microseconds.
        report["seconds_dbt_ran_after_the_pipe_ended"] = time.monotonic() - ended
    # Nor the pipe to multiprocessing's resource tracker, a child of this process that writes to
    # this process's stdout: while the forked dbt holds it, the tracker (and a `| tee`) lives on.
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    tracker_pipe = os.readlink(f"/proc/self/fd/{resource_tracker._resource_tracker._fd}")
    invocation = resource.cli(["debug"], raise_on_error=False, target_path=Path("target", "fork_test_tracker"))
    held = None
    while invocation.process.poll() is None:
        try:
            fds = os.listdir(f"/proc/{invocation.process.pid}/fd")
            links = {os.readlink(f"/proc/{invocation.process.pid}/fd/{fd}") for fd in fds}
        except OSError:
            continue
        held = tracker_pipe in links
        if not held:
            break
        time.sleep(0.01)
    report["dbt_let_go_of_the_tracker_pipe"] = held is False
    invocation.wait()
    # A forked dbt killed outright (SIGKILL, the OOM killer) has its named semaphores unlinked all
    # the same: it registers them with a resource tracker of its own (this process's is out of its
    # reach), which unlinks them and warns of them on dbt's output when dbt's end closes its pipe.
    # The dbt killed waits on a warehouse that never answers (a socket that accepts and is silent),
    # so that it is killed well after its start, whatever the machine's load.
    import socket
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    silent.settimeout(60)
    invocation = resource.cli_with_env(
        ["debug"], {"TDLOCAL_PORT": str(silent.getsockname()[1])},
        raise_on_error=False, target_path=Path("target", "fork_test_kill"),
    )
    pid, tracker, deadline = invocation.process.pid, None, time.monotonic() + 60
    while tracker is None and invocation.process.poll() is None and time.monotonic() < deadline:
        try:
            for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split():
                if b"resource_tracker" in Path(f"/proc/{child}/cmdline").read_bytes():
                    tracker = int(child)
        except OSError:
            pass
        time.sleep(0.002)
    silent.accept()  # dbt debug's connection test: from here on dbt waits for an answer
    time.sleep(0.5)
    report["killed_dbt_was_running"] = invocation.process.poll() is None
    invocation.process.kill()
    invocation.process.wait()
    report["killed_dbt_had_a_tracker_of_its_own"] = tracker is not None
    report["killed_dbt_semaphores_unlinked"] = (
        b"leaked semaphore objects to clean up" in invocation.process.stdout.read()
    )
    silent.close()
    # A resource built without fork_dbt (dbt parse, dbt deps) follows TD_DBT_FORK.
    os.environ["TD_DBT_FORK"] = "false"
    invocation = resource.cli(["ls", "--quiet"], raise_on_error=False, target_path=Path("target", "fork_test_off"))
    invocation.wait()
    report["td_dbt_fork_false_process"] = type(invocation.process).__name__
    handler.flush()
    print(json.dumps(report))
    """
)


def _run_scenarios(local_td, tmp_path: Path, **env: str) -> dict:
    parent_log = tmp_path / "parent.log"
    completed = subprocess.run(
        [sys.executable, "-c", _SCENARIOS, str(parent_log)],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    report["parent_log"] = parent_log.read_text()
    return report


def test_a_forked_dbt_gives_the_events_errors_and_exit_codes_of_a_dbt_subprocess(local_td, tmp_path):
    report = _run_scenarios(local_td, tmp_path)
    # A single-threaded process with this environment's dbt forks; with a second thread it does not.
    assert report["fork_allowed"] is True
    assert report["fork_allowed_with_a_thread"] is False
    for name in ("ls", "debug", "unknown_macro", "bad_option"):
        forked, started = report[f"{name}/True"], report[f"{name}/False"]
        assert forked["process"] == "ForkedDbtProcess", name  # dagster-dbt still starts dbt through us
        assert started["process"] == "Popen", name
        assert forked["exit_code"] == started["exit_code"], name
        assert forked["messages"] == started["messages"], name
        assert forked["errors"] == started["errors"], name
    ls = report["ls/True"]
    assert ls["exit_code"] == 0 and ls["dbt_log"]
    assert {"incremental_events", "user_daily_activity", "stg_events"} <= set(ls["messages"])
    # `dbt debug` connects to tdlocal: exit code 0 either way.
    assert report["debug/True"]["exit_code"] == 0
    # dbt's exit codes: 2 for an error dbt raised (no macro) and for a usage error (click's).
    assert report["unknown_macro/True"]["exit_code"] == 2
    assert any("no_such_macro" in error for error in report["unknown_macro/True"]["errors"])
    assert report["bad_option/True"]["exit_code"] == 2
    assert report["fork_allowed_with_a_live_display"] is True
    assert report["live_display_process"] == "ForkedDbtProcess"
    assert report["seconds_dbt_ran_after_the_pipe_ended"] > 0.3
    assert report["dbt_let_go_of_the_tracker_pipe"] is True
    assert report["killed_dbt_had_a_tracker_of_its_own"] is True
    assert report["killed_dbt_was_running"] is True  # else the kill came too late to test anything
    assert report["killed_dbt_semaphores_unlinked"] is True
    assert report["td_dbt_fork_false_process"] == "Popen"
    # The parent logs to a file at DEBUG. The forked dbt connects to tdlocal (urllib3 logs each
    # connection at DEBUG) and logs its own events, none of which may land in the parent's log.
    assert report["parent_log"].count("Starting new HTTP connection") == 0
    assert "Running with dbt" not in report["parent_log"]


def test_a_forked_dbt_starts_with_the_signal_dispositions_of_a_new_dbt_process():
    """As after an exec: an ignored signal stays ignored (`nohup td-dagster run`: SIGHUP; SIGINT
    where nothing handles it, e.g. a background job's `dbt parse` before the run), a handled one is reset (Dagster's SIGTERM handler), and SIGINT raises
    KeyboardInterrupt as Python's start-up sets it, unless ignored."""
    script = textwrap.dedent(
        """
        import json, signal
        from orchestration.forked_dbt import _signals_as_after_exec

        signal.signal(signal.SIGHUP, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, lambda *_: None)
        signal.signal(signal.SIGUSR1, lambda *_: None)
        _signals_as_after_exec()
        after = {name: signal.getsignal(getattr(signal, name)) for name in ("SIGHUP", "SIGTERM", "SIGUSR1", "SIGINT")}
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        _signals_as_after_exec()
        after["SIGINT ignored"] = signal.getsignal(signal.SIGINT)
        names = {signal.SIG_IGN: "ignored", signal.SIG_DFL: "default", signal.default_int_handler: "KeyboardInterrupt"}
        print(json.dumps({name: names.get(handler, repr(handler)) for name, handler in after.items()}))
        """
    )
    completed = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=60)
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout) == {
        "SIGHUP": "ignored",
        "SIGTERM": "default",
        "SIGUSR1": "default",
        "SIGINT": "KeyboardInterrupt",
        "SIGINT ignored": "ignored",
    }


def test_a_resource_without_fork_dbt_follows_td_dbt_fork(monkeypatch):
    from orchestration.settings import SettingsError, dbt_fork_setting

    monkeypatch.setenv("TD_DBT_FORK", "false")
    assert dbt_fork_setting() is False
    monkeypatch.setenv("TD_DBT_FORK", "maybe")
    with pytest.raises(SettingsError, match="TD_DBT_FORK='maybe' is not a yes/no value"):
        dbt_fork_setting()


def test_forking_is_turned_off_by_td_dbt_fork(local_td):
    from dataclasses import replace

    from orchestration.project import dbt_resource
    from orchestration.settings import Settings

    assert Settings.from_env({**os.environ, "TD_DBT_FORK": "false"}).dbt_fork is False
    assert Settings.from_env({**os.environ, "TD_DBT_FORK": ""}).dbt_fork is True
    assert dbt_resource(replace(local_td.settings, dbt_fork=False)).fork_dbt is False


def test_a_dbt_of_another_environment_is_never_forked(tmp_path):
    from orchestration.forked_dbt import fork_allowed

    other = tmp_path / "other_venv" / "bin" / "dbt"
    other.parent.mkdir(parents=True)
    other.write_text("#!/bin/sh\nexit 0\n")
    other.chmod(0o755)
    assert not fork_allowed(str(other))
    assert not fork_allowed("no-such-dbt-executable")


def test_an_orphaned_forked_dbt_is_told_from_a_reused_pid_by_its_start_time():
    """A forked dbt's command line is the run's (`td-dagster run ...`), not dbt's: the run records
    the process's start time, and only the process with that pid and start time is stopped."""
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:
        started = process_start_ticks(sleeper.pid)
        assert started is not None and started.isdigit()

        def run(started_tag: str) -> DagsterRun:
            tags = {
                CLI_PID_TAG: "1",
                CLI_HOST_TAG: socket.gethostname(),
                DBT_PID_TAG: str(sleeper.pid),
                DBT_STARTED_TAG: started_tag,
            }
            return DagsterRun(
                job_name="load_and_test", run_id="r1", status=DagsterRunStatus.STARTED, tags=tags
            )

        assert not stop_orphaned_dbt(run(str(int(started) - 1)))  # same pid, another process
        assert sleeper.poll() is None
        assert stop_orphaned_dbt(run(started))
        sleeper.wait(timeout=15)
        assert not process_alive(sleeper.pid)
    finally:
        sleeper.kill()
        sleeper.wait()


def test_the_cli_can_fork_dbt_after_starting_tdlocal_on_a_fresh_data_dir(tmp_path):
    """The quick start's first run starts tdlocal and loads its sample in the CLI's process; nothing
    that leaves a thread behind (DuckDB's, numpy's BLAS pool) may stop it from forking dbt."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    data_dir = tmp_path / "tdlocal"
    script = textwrap.dedent(
        """
        from orchestration.forked_dbt import fork_allowed
        from orchestration.local_engine_start import start_tdlocal
        from orchestration.project import dbt_executable
        from orchestration.settings import Settings

        assert start_tdlocal(Settings.from_env(), lambda line: None)  # started it, loading the sample
        print(fork_allowed(dbt_executable()))
        """
    )
    env = {**os.environ, "TDLOCAL_DATA_DIR": str(data_dir), "TDLOCAL_PORT": str(port)}
    try:
        completed = subprocess.run(
            [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120
        )
        assert completed.returncode == 0, completed.stderr[-3000:]
        assert completed.stdout.split() == ["True"]
    finally:
        subprocess.run(
            [sys.executable, "-m", "tdlocal.cli", "stop", "--data-dir", str(data_dir)],
            env=env, capture_output=True, timeout=60,
        )  # fmt: skip
