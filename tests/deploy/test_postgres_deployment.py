"""The code location on a Postgres-backed instance built from deploy/dagster.yaml, as a team runs it
in production: the code server loads, CLI runs, schedule and sensor ticks, the `td` pool across
runs, and a backfill, each checked in what Postgres stores.

These tests share one deployment (module fixtures): dbt runs dominate their cost, so three runs
serve every claim (the CLI's, and a backfill run launched together with a scheduled run).
"""

from __future__ import annotations

import itertools
import logging
import sys
import time
from dataclasses import dataclass
from datetime import UTC, timedelta
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance, DagsterRunStatus, RunsFilter

from ..orchestration.conftest import PINNED_NOW

PARTITIONED = [AssetKey("incremental_events"), AssetKey("user_daily_activity")]
BACKFILL_KEYS = ["2026-11-17", "2026-11-18", "2026-11-19"]
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


@pytest.fixture(scope="module")
def cli_run(deployment) -> str:
    """`td-dagster run --partition 2026-11-22` on this deployment: its output. It also builds every
    table the later runs (tests, backfill) read."""
    completed = deployment.run(sys.executable, "-m", "orchestration.cli", "run", "--partition", "2026-11-22")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    return completed.stdout


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
        "observe_sources_schedule",
    }


def test_a_cli_run_records_its_run_and_materializations_in_postgres(cli_run, deployment):
    assert "SUCCESS" in cli_run and "incremental_events           1 partition" in cli_run, cli_run
    run_id = next(line for line in cli_run.splitlines() if line.startswith("Run ")).split()[1].rstrip(":")
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
    """The schedules' ticks on 2026-11-23 (03:00 load, 04:00 tests, and the hourly source
    observation at both), as the daemon's scheduler loop evaluates them: schedule name -> its
    stored ticks (status, timestamp, run ids)."""
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
    assert set(scheduled_runs) == {
        "daily_incremental_schedule",
        "dbt_tests_schedule",
        "observe_sources_schedule",
    }
    # The late-data observation ticks hourly (TD_LATE_DATA_SCHEDULE), newest first.
    observations = scheduled_runs["observe_sources_schedule"]
    assert [(status, timestamp) for status, timestamp, _ in observations] == [
        ("SUCCESS", (PINNED_NOW + timedelta(hours=1)).timestamp()),
        ("SUCCESS", PINNED_NOW.timestamp()),
    ]
    for _, _, [run_id] in observations:
        assert instance.get_run_by_id(run_id).job_name == "observe_sources"
    [(status, timestamp, [load_run_id])] = scheduled_runs["daily_incremental_schedule"]
    assert (status, timestamp) == ("SUCCESS", PINNED_NOW.timestamp())
    [(status, timestamp, [test_run_id])] = scheduled_runs["dbt_tests_schedule"]
    assert (status, timestamp) == ("SUCCESS", (PINNED_NOW + timedelta(hours=1)).timestamp())
    load_run = instance.get_run_by_id(load_run_id)
    assert (load_run.job_name, load_run.tags["dagster/partition"]) == ("daily_incremental", "2026-11-22")
    assert instance.get_run_by_id(test_run_id).job_name == "dbt_tests"
    # Queued in Postgres until the daemon's run queue launches them (the queued_runs fixture).
    assert deployment.postgres.query(
        "select status from runs where run_id in (%s, %s)", (load_run_id, test_run_id)
    ) == [("QUEUED",), ("QUEUED",)]


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


@dataclass
class QueuedRuns:
    backfill_id: str
    backfill_run_id: str
    tests_run_id: str


@pytest.fixture(scope="module")
def queued_runs(cli_run, scheduled_runs, workspace_context, instance, deployment) -> QueuedRuns:
    """With the td pool at 1, a three-day backfill and the 04:00 tests run, launched together by
    the daemon's run queue (as processes of the code server) and run to the end."""
    from dagster._core.execution.backfill import BulkActionStatus, PartitionBackfill
    from dagster._core.utils import make_new_backfill_id
    from dagster._daemon.backfill import execute_backfill_iteration
    from dagster._daemon.run_coordinator.queued_run_coordinator_daemon import QueuedRunCoordinatorDaemon

    # What README says to run to size the pool; the limit is stored in Postgres for every process.
    limit = deployment.run(DAGSTER, "instance", "concurrency", "set", "td", "1", timeout=120)
    assert limit.returncode == 0, limit.stdout + limit.stderr
    assert instance.event_log_storage.get_concurrency_info("td").slot_count == 1
    # The 03:00 load would only repeat the CLI test's day; the 04:00 tests run is the second run.
    [(_, _, [load_run_id])] = scheduled_runs["daily_incremental_schedule"]
    [(_, _, [tests_run_id])] = scheduled_runs["dbt_tests_schedule"]
    instance.run_coordinator.cancel_run(load_run_id)
    for _, _, [observation_run_id] in scheduled_runs["observe_sources_schedule"]:
        instance.run_coordinator.cancel_run(observation_run_id)  # not what this fixture measures

    backfill = PartitionBackfill.from_asset_partitions(
        backfill_id=make_new_backfill_id(),
        asset_graph=workspace_context.create_request_context().asset_graph,
        partition_names=BACKFILL_KEYS,
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
    while (
        instance.get_backfill(backfill.backfill_id).status == BulkActionStatus.REQUESTED
        or not instance.get_run_by_id(tests_run_id).is_finished
    ):
        assert time.monotonic() < deadline, "the backfill and the tests run did not finish in 15 minutes"
        list(execute_backfill_iteration(workspace_context, LOG))  # queues the backfill's run
        list(queue.run_iteration(workspace_context))  # launches what is queued, within the limits
        time.sleep(2)
    [backfill_run] = instance.get_runs(RunsFilter(tags={"dagster/backfill": backfill.backfill_id}))
    return QueuedRuns(backfill.backfill_id, backfill_run.run_id, tests_run_id)


def test_the_td_pool_limit_of_one_holds_across_two_concurrent_runs(queued_runs, instance):
    records = [
        instance.get_run_record_by_id(run_id)
        for run_id in (queued_runs.backfill_run_id, queued_runs.tests_run_id)
    ]
    assert [record.dagster_run.status for record in records] == [DagsterRunStatus.SUCCESS] * 2
    # Both were waiting to run at the same time: each was requested before the other ended.
    assert all(record.create_timestamp.timestamp() < min(r.end_time for r in records) for record in records)
    windows = sorted(
        (stats.start_time, stats.end_time, record.dagster_run.job_name, stats.step_key)
        for record in records
        for stats in instance.get_run_step_stats(record.dagster_run.run_id)
    )
    assert len({job for *_, job, _ in windows}) == 2
    # Every step of both runs queries TD, so at no moment do two of them run at once: the run queue
    # holds the second run, or its steps wait for the slot ("blocked by limit for pool td").
    for (_, earlier_end, *earlier), (later_start, _, *later) in itertools.pairwise(windows):
        assert later_start >= earlier_end, f"{later} started while {earlier} still held the td slot"


def test_a_backfill_runs_as_one_range_and_its_partition_status_reads_back(
    queued_runs, workspace_context, instance
):
    from dagster._core.execution.asset_backfill import AssetBackfillStatus
    from dagster._core.execution.backfill import BulkActionStatus

    backfill = instance.get_backfill(queued_runs.backfill_id)
    assert backfill.status == BulkActionStatus.COMPLETED_SUCCESS
    # Single-run backfill policy: the three days are one run, one dbt invocation.
    run = instance.get_run_by_id(queued_runs.backfill_run_id)
    assert run.tags["dagster/asset_partition_range_start"] == BACKFILL_KEYS[0]
    assert run.tags["dagster/asset_partition_range_end"] == BACKFILL_KEYS[-1]
    workspace = workspace_context.create_request_context()
    statuses = {status.asset_key: status for status in backfill.get_backfill_status_per_asset_key(workspace)}
    for key in PARTITIONED:
        assert statuses[key].num_targeted_partitions == 3
        assert statuses[key].partitions_counts_by_status[AssetBackfillStatus.MATERIALIZED] == 3
        assert statuses[key].partitions_counts_by_status[AssetBackfillStatus.FAILED] == 0
        materialized = instance.get_materialized_partitions(key)
        assert set(BACKFILL_KEYS) <= materialized
        assert "2026-11-10" not in materialized  # never loaded in this deployment
