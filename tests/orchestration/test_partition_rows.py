"""Per-day row counting, the full-refresh rule and dead pool holders, without a warehouse."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlglot
from dagster import DagsterRun

from orchestration.partition_rows import partition_keys_between, rows_per_day, rows_per_day_sql
from orchestration.partitions import daily_partitions_def, full_refresh_problem
from orchestration.pool_slots import CLI_HOST_TAG, CLI_PID_TAG, holder_is_gone

NOW = datetime(2026, 11, 23, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo"))


def test_the_count_query_is_one_grouped_scan_pruned_by_td_interval_on_the_bare_time_column():
    sql = rows_per_day_sql(
        {"b": '"td"."analytics"."b"', "a": '"td"."analytics"."a"'}, "2026-11-14", "2026-11-18", "Asia/Tokyo"
    )
    selects = [tree for tree in sqlglot.parse_one(sql, read="trino").find_all(sqlglot.exp.Select)]
    assert len(selects) == 2
    for select in selects:
        assert "TD_INTERVAL(time, '-5d/2026-11-19', 'Asia/Tokyo')" in select.sql(dialect="trino")
        assert select.args.get("group")
    assert sql.index("'a' as name") < sql.index("'b' as name")  # stable order


def test_days_without_rows_count_zero_and_foreign_rows_are_ignored():
    rows = [
        ("m", "2026-11-15", 7),
        ("m", "2026-11-17", 3),
        ("m", "2026-11-20", 99),
        ("other", "2026-11-15", 1),
    ]
    assert rows_per_day(rows, ["m"], "2026-11-15", "2026-11-17") == {
        "m": {"2026-11-15": 7, "2026-11-16": 0, "2026-11-17": 3}
    }
    assert partition_keys_between("2026-02-27", "2026-03-01") == ["2026-02-27", "2026-02-28", "2026-03-01"]


@pytest.fixture
def partitions(monkeypatch):
    monkeypatch.setenv("TD_TIMEZONE", "Asia/Tokyo")
    return daily_partitions_def(start="2026-11-01")


def test_a_full_refresh_must_cover_every_partition(partitions):
    assert full_refresh_problem("2026-11-01", "2026-11-22", partitions, NOW) == ""
    problem = full_refresh_problem("2026-11-16", "2026-11-17", partitions, NOW)
    assert "drop 2026-11-01..2026-11-15 and 2026-11-18..2026-11-22" in problem
    assert "td-dagster run --full-refresh" in problem
    assert "drop 2026-11-22..2026-11-22" in full_refresh_problem("2026-11-01", "2026-11-21", partitions, NOW)


def test_a_slot_holder_is_gone_when_its_run_ended_or_its_cli_process_died():
    finished = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True
    )
    dead_pid = finished.stdout.strip()
    host = socket.gethostname()

    def run(status: str, tags: dict) -> DagsterRun:
        from dagster import DagsterRunStatus

        return DagsterRun(job_name="load_and_test", run_id="r1", status=DagsterRunStatus(status), tags=tags)

    assert holder_is_gone(None)
    assert holder_is_gone(run("SUCCESS", {}))
    assert holder_is_gone(run("STARTED", {CLI_PID_TAG: dead_pid, CLI_HOST_TAG: host}))
    assert not holder_is_gone(run("STARTED", {CLI_PID_TAG: str(os.getppid()), CLI_HOST_TAG: host}))
    assert not holder_is_gone(run("STARTED", {CLI_PID_TAG: dead_pid, CLI_HOST_TAG: "another-host"}))
    assert not holder_is_gone(run("STARTED", {}))  # launched by the daemon or the UI: Dagster's to judge


def test_a_retried_step_reporting_its_partitions_again_counts_each_once():
    from dagster import AssetMaterialization

    from orchestration.range_run import asset_outcomes

    def day(key: str, rows: int) -> AssetMaterialization:
        return AssetMaterialization("incremental_events", partition=key, metadata={"td/rows": rows})

    attempts = [day("2026-11-20", 5), day("2026-11-21", 6), day("2026-11-20", 5), day("2026-11-21", 7)]
    outcome = asset_outcomes(attempts)["incremental_events"]
    assert outcome.partitions == {"2026-11-20", "2026-11-21"}
    assert outcome.total_rows == 12  # the latest count of each day, not 23


def test_the_status_calendar_marks_each_day_and_counts_them():
    from orchestration.partition_status import ModelStatus, as_json, day_marks, render

    keys = [f"2026-11-{day:02d}" for day in range(16, 23)]  # Monday 16th .. Sunday 22nd
    marks = day_marks(
        keys, materialized=keys[:4], failed=["2026-11-18", "2026-11-20"], in_progress=["2026-11-21"]
    )
    assert marks == {
        "2026-11-16": "loaded",
        "2026-11-17": "loaded",
        "2026-11-18": "failed",  # its latest attempt failed after an earlier load
        "2026-11-19": "loaded",
        "2026-11-20": "failed",
        "2026-11-21": "running",
        "2026-11-22": "missing",
    }
    text = render([ModelStatus("incremental_events", marks)], "Asia/Tokyo")
    assert "  2026-11-16  # # F # F R ." in text
    assert "3 loaded, 1 missing, 2 failed, 1 running" in text
    assert "\x1b" not in text  # plain text: no control codes
    assert as_json([ModelStatus("m", marks)], "Asia/Tokyo")["models"]["m"]["totals"]["failed"] == 2


def test_stale_marks_only_loaded_days_and_the_legend_explains_it_only_then():
    from orchestration.partition_status import LEGEND, ModelStatus, day_marks, mark_stale, render

    keys = ["2026-11-20", "2026-11-21", "2026-11-22"]
    status = ModelStatus("incremental_events", day_marks(keys, keys[:2], failed=[keys[1]], in_progress=[]))
    assert render([status], "Asia/Tokyo").splitlines()[0] == LEGEND  # nothing stale: no stale legend
    mark_stale(status, ["2026-11-20", "2026-11-21", "2026-11-22"])  # as late-data detection would say
    # Only the loaded day becomes stale: a failed or missing day needs a load whatever arrived late.
    assert status.marks == {"2026-11-20": "stale", "2026-11-21": "failed", "2026-11-22": "missing"}
    text = render([status], "Asia/Tokyo")
    assert (
        "S stale (its source rows, or a partitioned model it reads, changed after the load)"
        in text.splitlines()[0]
    )
    assert "  2026-11-16          S F ." in text  # the week of Monday 16th, from Friday 20th
    assert text.endswith("  1 missing, 1 failed, 1 stale")
    assert status.totals() == {"missing": 1, "failed": 1, "stale": 1}


def test_a_dead_runs_orphaned_dbt_process_is_stopped_and_nothing_else(tmp_path):
    from dagster import DagsterRunStatus

    from orchestration.pool_slots import DBT_PID_TAG, process_alive, stop_orphaned_dbt

    fake_dbt = tmp_path / "bin" / "dbt"  # what `dbt build` looks like in /proc: python .../bin/dbt
    fake_dbt.parent.mkdir()
    fake_dbt.write_text("import time\ntime.sleep(120)\n")
    orphan = subprocess.Popen([sys.executable, str(fake_dbt)])
    bystander = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    try:

        def run(pid: int) -> DagsterRun:
            tags = {CLI_PID_TAG: "1", CLI_HOST_TAG: socket.gethostname(), DBT_PID_TAG: str(pid)}
            return DagsterRun(
                job_name="load_and_test", run_id="r1", status=DagsterRunStatus.STARTED, tags=tags
            )

        assert not stop_orphaned_dbt(run(bystander.pid))  # a reused pid that is not dbt: left alone
        assert bystander.poll() is None
        assert stop_orphaned_dbt(run(orphan.pid))
        orphan.wait(timeout=15)
        assert not process_alive(orphan.pid)
    finally:
        for process in (orphan, bystander):
            process.kill()
            process.wait()


def test_an_orphaned_dbt_is_interrupted_first_so_that_it_cancels_its_queries(tmp_path):
    """dbt cancels its open warehouse queries on KeyboardInterrupt (SIGINT), not on SIGTERM: an
    orphan's INSERT must not land after the next run loaded the same days. One that ignores SIGINT
    (started from a background job or nohup) is terminated instead."""
    from dagster import DagsterRunStatus

    from orchestration.pool_slots import DBT_PID_TAG, process_alive, stop_orphaned_dbt

    marker = tmp_path / "cancelled"
    fake_dbt = tmp_path / "bin" / "dbt"
    fake_dbt.parent.mkdir()
    fake_dbt.write_text(
        "import pathlib, signal, sys, time\n"
        "def cancel(*_):\n"
        "    pathlib.Path(sys.argv[1]).write_text('cancelled')  # as dbt cancels its connections\n"
        "    sys.exit(2)\n"
        "signal.signal(signal.SIGINT, signal.SIG_IGN if sys.argv[2] == 'ignore' else cancel)\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)\n"
    )
    interruptible = subprocess.Popen(
        [sys.executable, str(fake_dbt), str(marker), "cancel"], stdout=subprocess.PIPE
    )
    deaf = subprocess.Popen([sys.executable, str(fake_dbt), str(marker), "ignore"], stdout=subprocess.PIPE)
    try:
        for process in (interruptible, deaf):
            assert process.stdout.readline() == b"ready\n"  # its SIGINT disposition is set

        def run(pid: int) -> DagsterRun:
            tags = {CLI_PID_TAG: "1", CLI_HOST_TAG: socket.gethostname(), DBT_PID_TAG: str(pid)}
            return DagsterRun(
                job_name="load_and_test", run_id="r1", status=DagsterRunStatus.STARTED, tags=tags
            )

        assert stop_orphaned_dbt(run(interruptible.pid))
        assert interruptible.wait(timeout=30) == 2
        assert marker.read_text() == "cancelled"
        assert stop_orphaned_dbt(run(deaf.pid))
        assert deaf.wait(timeout=30) == -signal.SIGTERM
        assert not process_alive(deaf.pid)
    finally:
        for process in (interruptible, deaf):
            process.kill()
            process.wait()


def test_a_failed_step_is_summarised_by_its_innermost_error():
    # What an unreachable warehouse looks like to the CLI's summary: Dagster's wrapper around the
    # client's error. The user needs the connection error, not "Error occurred while executing op".
    from dagster._utils.error import SerializableErrorInfo

    from orchestration.run_errors import root_cause

    refused = SerializableErrorInfo(
        "trino.exceptions.TrinoConnectionError: failed to execute: connection refused\n",
        [],
        "TrinoConnectionError",
    )
    wrapped = SerializableErrorInfo(
        'dagster._core.errors.DagsterExecutionStepExecutionError: Error occurred while executing op "td_partitioned_models":\n',
        [],
        "DagsterExecutionStepExecutionError",
        cause=refused,
    )
    assert (
        root_cause(wrapped) == "trino.exceptions.TrinoConnectionError: failed to execute: connection refused"
    )
    assert root_cause(SerializableErrorInfo("boom\nmore", [], "ValueError")) == "ValueError: boom"
