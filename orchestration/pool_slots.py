"""The `td` pool's slots held by runs that are no longer alive, and waiting for a slot in the open.

Dagster frees a run's pool slots when the run ends. A `td-dagster run` killed by SIGKILL, a closed
terminal or the OOM killer never ends: its run stays STARTED and its slot stays claimed, so every
later run on the instance would wait forever. Each CLI run therefore records its process id and
host in its tags; before a run starts, slots held by finished runs, or by CLI runs whose process
is gone from this host, are freed and those runs marked failed. A run that must wait says which
run holds the slot and how to free it, and Ctrl-C stops the wait.
"""

from __future__ import annotations

import os
import signal
import socket
import time
from collections.abc import Callable
from pathlib import Path

from dagster import DagsterInstance, DagsterRun

from orchestration.instance import dagster_cli_command

#: Run tags a CLI run carries, so a later run can tell whether its process is still alive.
CLI_PID_TAG = "td/cli_pid"
CLI_HOST_TAG = "td/cli_host"
#: The pid of the dbt process a run step started (an orphan once the run's own process is killed),
#: and its start time (process_start_ticks), which tells it from a later process given the same pid.
DBT_PID_TAG = "td/dbt_pid"
DBT_STARTED_TAG = "td/dbt_started"
_POLL_SECONDS = 2.0
#: How long an orphaned dbt gets to cancel its warehouse queries and exit after SIGINT.
_CANCEL_SECONDS = 15.0


def cli_run_tags() -> dict[str, str]:
    """The tags that identify this process as a run's owner."""
    return {CLI_PID_TAG: str(os.getpid()), CLI_HOST_TAG: socket.gethostname()}


def process_alive(pid: int) -> bool:
    """True if a process with this id exists on this host (signal 0 checks without signalling)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    try:  # a process that exited but is not yet reaped (a zombie) is gone too
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def process_start_ticks(pid: int) -> str | None:
    """When the process started, in clock ticks after boot (field 22 of Linux's /proc/<pid>/stat,
    as text); None where there is no /proc or no such process. A pid and this identify a process."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[19]
    except (OSError, IndexError):
        return None


def dbt_process_tags(pid: int) -> dict[str, str]:
    """The run tags that let a later run find and stop this dbt process (stop_orphaned_dbt)."""
    started = process_start_ticks(pid)
    return {DBT_PID_TAG: str(pid), **({DBT_STARTED_TAG: started} if started else {})}


def holder_is_gone(run: DagsterRun | None) -> bool:
    """True when a slot's holder can never free it: no such run, a finished run, or a CLI run
    from this host whose process no longer exists. Runs from other hosts are trusted to be alive."""
    if run is None or run.is_finished:
        return True
    pid, host = run.tags.get(CLI_PID_TAG), run.tags.get(CLI_HOST_TAG)
    if pid is None or host != socket.gethostname() or not pid.isdigit():
        return False
    return int(pid) != os.getpid() and not process_alive(int(pid))


def release_dead_holders(instance: DagsterInstance, pool: str) -> list[str]:
    """Free the pool slots of runs that are gone (see holder_is_gone); returns their run ids.

    A gone CLI run that is still STARTED is marked failed, so the UI shows what happened to it.
    """
    info = instance.event_log_storage.get_concurrency_info(pool)
    holders = {slot.run_id for slot in info.claimed_slots} | {step.run_id for step in info.pending_steps}
    released = []
    for run_id in sorted(holders):
        run = instance.get_run_by_id(run_id)
        if not holder_is_gone(run):
            continue
        if run is not None and not run.is_finished:
            stop_orphaned_dbt(run)
            instance.report_run_failed(
                run,
                f"The process of this run (pid {run.tags.get(CLI_PID_TAG)}) is gone: marked failed to free its '{pool}' pool slot.",
            )
        instance.event_log_storage.free_concurrency_slots_for_run(run_id)
        released.append(run_id)
    return released


def stop_orphaned_dbt(run: DagsterRun) -> bool:
    """Stop the dbt process a dead CLI run left behind, so it cannot write while the next run
    loads the same days; True if one was stopped. The pid is checked to still be that dbt process
    on this host (pids are reused): by its start time where the run recorded it (a dbt forked from
    the run's process has the run's command line), else by a command line that runs dbt.

    It is interrupted (SIGINT) first, so that dbt cancels its open warehouse queries, unless it
    ignores SIGINT; then terminated (SIGTERM), then killed."""
    pid = run.tags.get(DBT_PID_TAG, "")
    if run.tags.get(CLI_HOST_TAG) != socket.gethostname() or not pid.isdigit() or not process_alive(int(pid)):
        return False
    if DBT_STARTED_TAG in run.tags:
        if process_start_ticks(int(pid)) != run.tags[DBT_STARTED_TAG]:
            return False
    else:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            return False  # no /proc (macOS): leave it, the slot is freed all the same
        if not any(part.endswith(b"dbt") for part in command[:2]):
            return False
    # SIGINT first, as dagster-dbt stops a dbt it runs: dbt then cancels the queries it has open on
    # the warehouse (dbt-trino cancels through the client), so an INSERT of the dead run cannot
    # land after the next run has loaded the same days. SIGTERM ends dbt but not its queries.
    for sig, grace_seconds in ((signal.SIGINT, _CANCEL_SECONDS), (signal.SIGTERM, 5.0)):
        if sig == signal.SIGINT and _ignores_signal(int(pid), sig):
            continue  # a dbt started from a background job or nohup: SIGINT would do nothing
        os.kill(int(pid), sig)
        deadline = time.monotonic() + grace_seconds
        while process_alive(int(pid)) and time.monotonic() < deadline:
            time.sleep(0.1)
        if not process_alive(int(pid)):
            return True
    os.kill(int(pid), signal.SIGKILL)
    return True


def _ignores_signal(pid: int, sig: int) -> bool:
    """True if the process ignores `sig` (the SigIgn mask of Linux's /proc/<pid>/status; bit n-1
    is signal n); False where that cannot be read."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("SigIgn:"):
                return bool(int(line.split()[1], 16) >> (sig - 1) & 1)
    except (OSError, ValueError, IndexError):
        pass
    return False


def wait_for_pool(
    instance: DagsterInstance, pool: str, say: Callable[[str], None], poll_seconds: float = _POLL_SECONDS
) -> None:
    """Return once the pool has a free slot; say once who holds it while waiting.

    Waits in this process, outside Dagster's executor, so Ctrl-C (KeyboardInterrupt) stops it.
    """
    announced: set[str] = set()
    while True:
        release_dead_holders(instance, pool)
        info = instance.event_log_storage.get_concurrency_info(pool)
        if info.limit is None or len(info.claimed_slots) < info.limit:
            return
        holders = sorted(info.active_run_ids - announced)
        for run_id in holders:
            run = instance.get_run_by_id(run_id)
            job = run.job_name if run else "an unknown job"
            say(
                f"waiting for the '{pool}' pool ({info.limit} slot{'s' if info.limit != 1 else ''}): run "
                f"{run_id} ({job}) holds it. Ctrl-C stops waiting; if that run is stuck, terminate it in "
                "the UI (Runs) or raise the limit: "
                + dagster_cli_command(f"instance concurrency set {pool} {info.limit + 1}")
            )
            announced.add(run_id)
        time.sleep(poll_seconds)
