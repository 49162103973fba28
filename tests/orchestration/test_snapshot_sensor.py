"""The snapshots follow a successful daily load, but not the runs of a backfill (a snapshot
records the sources as they are now, whatever day a backfill loads)."""

from __future__ import annotations

from dagster import (
    DagsterEventType,
    RunRequest,
    SkipReason,
    build_run_status_sensor_context,
    instance_for_test,
    job,
    op,
)

from orchestration.schedules import BACKFILL_TAG, build_snapshots_after_load_sensor


@op
def load():
    pass


@job
def daily_incremental():
    load()


@job
def dbt_snapshots():
    load()


def evaluate(tags: dict[str, str]):
    sensor = build_snapshots_after_load_sensor(daily_incremental, dbt_snapshots, enabled=True)
    with instance_for_test() as instance:
        result = daily_incremental.execute_in_process(instance=instance, tags=tags)
        success = next(e for e in result.all_events if e.event_type == DagsterEventType.RUN_SUCCESS)
        context = build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_event=success,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        )
        return sensor(context), result.run_id


def test_a_successful_daily_load_requests_the_snapshots_once():
    request, run_id = evaluate({})
    assert isinstance(request, RunRequest) and request.run_key == f"after-{run_id}"


def test_a_backfill_run_takes_no_snapshots():
    skipped, _ = evaluate({BACKFILL_TAG: "abcdefgh"})
    assert isinstance(skipped, SkipReason) and "belongs to a backfill" in skipped.skip_message
