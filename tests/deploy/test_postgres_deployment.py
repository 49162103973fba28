"""The code location on a Postgres-backed instance built from deploy/dagster.yaml, as a team runs it
in production: the code server loads, CLI runs, schedule and sensor ticks, the `td` pool across
runs, and a backfill, each checked in what Postgres stores.

These tests share one deployment (module fixtures) and run in file order: dbt runs dominate their
cost, so each launches as few runs as its claim needs.
"""

from __future__ import annotations

import itertools
import logging
import subprocess
import sys
import time
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, DagsterRunStatus, RunsFilter

from ..orchestration.conftest import PINNED_NOW

PARTITIONED = [AssetKey("incremental_events"), AssetKey("user_daily_activity")]
LOG = logging.getLogger("tests.deploy")
DAGSTER = str(Path(sys.executable).parent / "dagster")


@pytest.fixture(scope="module")
def instance(deployment):
    with DagsterInstance.get() as opened:
        yield opened


@pytest.fixture(scope="module")
def workspace_context(instance, code_server):
    from dagster._core.workspace.context import WorkspaceProcessContext
    from dagster._core.workspace.load_target import WorkspaceFileTarget

    with WorkspaceProcessContext(instance, WorkspaceFileTarget([str(code_server.workspace)])) as context:
        yield context


def _cli_run(deployment, *argv: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", *argv],
        env=deployment.env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen, timeout: float = 900) -> str:
    out, _ = process.communicate(timeout=timeout)
    assert process.returncode == 0, out[-4000:]
    return out


def _run_id(cli_output: str) -> str:
    line = next(line for line in cli_output.splitlines() if line.startswith("Run "))
    return line.split()[1].rstrip(":")


def test_the_instance_is_postgres_and_the_code_location_loads(instance, workspace_context):
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"
    entry = workspace_context.create_request_context().get_code_location_entries()["td_dagster"]
    assert entry.load_error is None, entry.load_error
    repository = next(iter(entry.code_location.get_repositories().values()))
    assert {job.name for job in repository.get_all_jobs()} >= {
        "daily_incremental",
        "dbt_tests",
        "load_and_test",
    }
    assert {schedule.name for schedule in repository.get_schedules()} == {
        "daily_incremental_schedule",
        "dbt_tests_schedule",
    }


def test_a_cli_run_records_its_run_and_materializations_in_postgres(deployment):
    out = _finish(_cli_run(deployment, "run", "--partition", "2026-11-22"))
    assert "SUCCESS" in out and "incremental_events           1 partition" in out, out
    run_id = _run_id(out)
    postgres = deployment.postgres
    assert postgres.query("select pipeline_name, status from runs where run_id = %s", (run_id,)) == [
        ("load_and_test", "SUCCESS")
    ]
    materialized = postgres.query(
        "select asset_key, partition from event_logs where run_id = %s and "
        "dagster_event_type = 'ASSET_MATERIALIZATION'",
        (run_id,),
    )
    assert ('["incremental_events"]', "2026-11-22") in materialized
    assert ('["user_daily_activity"]', "2026-11-22") in materialized
    # The unpartitioned models are rebuilt in the same run, without a partition.
    assert any(partition is None for _, partition in materialized)


@pytest.fixture(scope="module")
def scheduled_runs(workspace_context, instance) -> dict[str, list]:
    """Both schedules' ticks on 2026-11-23 (03:00 load, 04:00 tests), as the daemon's scheduler
    loop evaluates them: schedule name -> its stored ticks (status, timestamp, run ids)."""
    from dagster._core.scheduler.instigation import InstigatorType
    from dagster._core.test_utils import freeze_time
    from dagster._scheduler.scheduler import launch_scheduled_runs

    for moment in (
        PINNED_NOW - timedelta(minutes=2),
        PINNED_NOW + timedelta(seconds=30),
        PINNED_NOW + timedelta(hours=1, seconds=30),
    ):
        with freeze_time(moment.astimezone(UTC)):
            list(launch_scheduled_runs(workspace_context, LOG, moment.astimezone(UTC), iteration_times={}))
    return {
        state.name: [
            (tick.status.value, tick.timestamp, tick.run_ids)
            for tick in instance.get_ticks(state.instigator_origin_id, state.selector_id)
        ]
        for state in instance.all_instigator_state(instigator_type=InstigatorType.SCHEDULE)
    }


def test_schedule_ticks_are_evaluated_and_stored_with_their_queued_runs(scheduled_runs, instance, deployment):
    assert set(scheduled_runs) == {"daily_incremental_schedule", "dbt_tests_schedule"}
    [(status, timestamp, [load_run_id])] = scheduled_runs["daily_incremental_schedule"]
    assert (status, timestamp) == ("SUCCESS", PINNED_NOW.timestamp())
    [(status, timestamp, [test_run_id])] = scheduled_runs["dbt_tests_schedule"]
    assert (status, timestamp) == ("SUCCESS", (PINNED_NOW + timedelta(hours=1)).timestamp())
    load_run = instance.get_run_by_id(load_run_id)
    assert (load_run.job_name, load_run.tags["dagster/partition"]) == ("daily_incremental", "2026-11-22")
    assert instance.get_run_by_id(test_run_id).job_name == "dbt_tests"
    # Queued in Postgres until the daemon's run queue launches them (the next test).
    assert deployment.postgres.query(
        "select status from runs where run_id in (%s, %s)", (load_run_id, test_run_id)
    ) == [("QUEUED",), ("QUEUED",)]


def test_the_td_pool_limit_of_one_holds_across_two_concurrent_runs(
    scheduled_runs, workspace_context, instance, deployment
):
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

    # What README says to run to size the pool; the limit is stored in Postgres for every process.
    limit = deployment.run(DAGSTER, "instance", "concurrency", "set", "td", "1", timeout=120)
    assert limit.returncode == 0, limit.stdout + limit.stderr
    assert instance.event_log_storage.get_concurrency_info("td").slot_count == 1

    run_ids = [ticks[0][2][0] for ticks in scheduled_runs.values()]
    queue = QueuedRunCoordinatorDaemon(interval_seconds=1)
    deadline = time.monotonic() + 900
    while not all(instance.get_run_by_id(run_id).is_finished for run_id in run_ids):
        assert time.monotonic() < deadline, "the scheduled runs did not finish in 15 minutes"
        list(queue.run_iteration(workspace_context))
        time.sleep(2)

    windows = []
    blocked = []
    for run_id in run_ids:
        run = instance.get_run_by_id(run_id)
        assert run.status == DagsterRunStatus.SUCCESS, run_id
        for stats in instance.get_run_step_stats(run_id):
            windows.append((stats.start_time, stats.end_time, run.job_name, stats.step_key))
        blocked += [
            entry.step_key
            for entry in instance.all_logs(run_id)
            if "blocked by limit for pool td" in entry.message
        ]
    windows.sort()
    assert {job for *_, job, _ in windows} == {"daily_incremental", "dbt_tests"}
    # Every step of both jobs queries TD, so at no moment do two of them run at once.
    for (_, earlier_end, *earlier), (later_start, _, *later) in itertools.pairwise(windows):
        assert later_start >= earlier_end, f"{later} started while {earlier} still held the td slot"
    assert blocked, "the two runs never overlapped: neither waited for the td slot"


def test_a_sensor_tick_sees_a_failed_run_and_is_stored(workspace_context, instance):
    from dagster._core.scheduler.instigation import InstigatorType
    from dagster._core.test_utils import create_run_for_test, freeze_time
    from dagster._daemon.sensor import execute_sensor_iteration

    def sensor_iteration():
        list(execute_sensor_iteration(workspace_context, LOG, None, None))

    sensor_iteration()  # the first tick sets the failure sensor's cursor
    started = time.time()
    location = workspace_context.create_request_context().get_code_location("td_dagster")
    repository = next(iter(location.get_repositories().values()))
    remote_job = repository.get_full_job("dbt_tests")
    failed = create_run_for_test(
        instance,
        job_name="dbt_tests",
        remote_job_origin=remote_job.get_remote_origin(),
        job_code_origin=remote_job.get_python_origin(),
    )
    instance.report_run_failed(failed)
    # The daemon evaluates a sensor at most every 30 s: the next tick comes that much later.
    with freeze_time(started + 31):
        sensor_iteration()

    state = next(
        state
        for state in instance.all_instigator_state(instigator_type=InstigatorType.SENSOR)
        if state.name == "alert_on_run_failure"
    )
    ticks = instance.get_ticks(state.instigator_origin_id, state.selector_id)
    assert len(ticks) == 2
    assert ticks[0].origin_run_ids == [failed.run_id]  # newest first


def test_a_backfill_runs_as_one_range_and_its_partition_status_reads_back(workspace_context, instance):
    from dagster._core.execution.asset_backfill import AssetBackfillStatus
    from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
    from dagster._core.utils import make_new_backfill_id
    from dagster._daemon.backfill import execute_backfill_iteration
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

    keys = ["2026-11-17", "2026-11-18", "2026-11-19"]
    workspace = workspace_context.create_request_context()
    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=make_new_backfill_id(),
        asset_graph=workspace.asset_graph,
        partition_names=keys,
        asset_selection=PARTITIONED,
        backfill_timestamp=time.time(),
        tags={},
        dynamic_partitions_store=instance,
        all_partitions=False,
        title=None,
        description=None,
        run_config=None,
    )
    instance.add_backfill(backfill)
    queue = QueuedRunCoordinatorDaemon(interval_seconds=1)
    deadline = time.monotonic() + 900
    while instance.get_backfill(backfill.backfill_id).status == BulkActionStatus.REQUESTED:
        assert time.monotonic() < deadline, "the backfill did not finish in 15 minutes"
        list(execute_backfill_iteration(workspace_context, LOG))
        list(queue.run_iteration(workspace_context))
        time.sleep(2)

    finished = instance.get_backfill(backfill.backfill_id)
    assert finished.status == BulkActionStatus.COMPLETED_SUCCESS
    runs = instance.get_runs(RunsFilter(tags={"dagster/backfill": backfill.backfill_id}))
    assert len(runs) == 1  # single-run backfill policy: one run, one dbt invocation
    assert runs[0].tags["dagster/asset_partition_range_start"] == keys[0]
    assert runs[0].tags["dagster/asset_partition_range_end"] == keys[-1]
    statuses = {status.asset_key: status for status in finished.get_backfill_status_per_asset_key(workspace)}
    for key in PARTITIONED:
        assert statuses[key].num_targeted_partitions == 3
        assert statuses[key].partitions_counts_by_status[AssetBackfillStatus.MATERIALIZED] == 3
        assert statuses[key].partitions_counts_by_status[AssetBackfillStatus.FAILED] == 0
        materialized = instance.get_materialized_partitions(key)
        assert set(keys) <= materialized
        assert "2026-11-10" not in materialized  # never loaded in this deployment
