"""Cron schedules in the partition timezone, and the automation that refreshes marts after loads."""

from __future__ import annotations

from dagster import (
    AssetSelection,
    AutomationConditionSensorDefinition,
    DagsterRunStatus,
    DailyPartitionsDefinition,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    RunRequest,
    RunStatusSensorContext,
    RunStatusSensorDefinition,
    ScheduleDefinition,
    ScheduleEvaluationContext,
    SkipReason,
    build_schedule_from_partitioned_job,
    run_status_sensor,
    schedule,
)

from orchestration.jobs import DAILY_JOB_NAME, TEST_JOB_NAME

LOAD_HOUR = 3
TEST_HOUR = 4


def build_schedules(
    jobs_by_name: dict, partitions: DailyPartitionsDefinition, enabled: bool, load_lookback_days: int = 0
) -> list:
    """Load yesterday's partition at 03:00 and test at 04:00, both in the partition timezone.

    With `load_lookback_days` N > 0 (TD_LOAD_LOOKBACK_DAYS) the 03:00 tick loads the N days
    before yesterday too, as one range run (one dbt invocation).
    """
    status = DefaultScheduleStatus.RUNNING if enabled else DefaultScheduleStatus.STOPPED
    return [
        # The schedule takes its timezone from the partitions: the 03:00 tick on day D loads D-1.
        build_schedule_from_partitioned_job(
            jobs_by_name[DAILY_JOB_NAME],
            name=f"{DAILY_JOB_NAME}_schedule",
            hour_of_day=LOAD_HOUR,
            minute_of_hour=0,
            default_status=status,
        )
        if not load_lookback_days
        else _lookback_load_schedule(jobs_by_name[DAILY_JOB_NAME], partitions, load_lookback_days, status),
        ScheduleDefinition(
            name=f"{TEST_JOB_NAME}_schedule",
            job=jobs_by_name[TEST_JOB_NAME],
            cron_schedule=f"0 {TEST_HOUR} * * *",
            execution_timezone=partitions.timezone,
            default_status=status,
        ),
    ]


def _lookback_load_schedule(
    daily_job, partitions: DailyPartitionsDefinition, lookback_days: int, status: DefaultScheduleStatus
) -> ScheduleDefinition:
    """The 03:00 tick as a range run of yesterday and the `lookback_days` days before it (clipped
    at the first partition): dbt microbatch's `lookback`, for sources a fingerprint cannot see."""
    from dagster import partition_loading_context
    from dagster._core.storage.tags import (  # a range run's tags (Dagster's own)
        ASSET_PARTITION_RANGE_END_TAG,
        ASSET_PARTITION_RANGE_START_TAG,
    )

    @schedule(
        name=f"{DAILY_JOB_NAME}_schedule",
        job=daily_job,
        cron_schedule=f"0 {LOAD_HOUR} * * *",
        execution_timezone=partitions.timezone,
        default_status=status,
        description=f"Loads yesterday and the {lookback_days} days before it, as one run.",
    )
    def daily_incremental_schedule(context: ScheduleEvaluationContext):
        with partition_loading_context(effective_dt=context.scheduled_execution_time):
            keys = partitions.get_partition_keys()
        if not keys:
            return SkipReason("no complete daily partition yet")
        days = keys[-(lookback_days + 1) :]
        return RunRequest(
            run_key=f"{days[0]}..{days[-1]}",
            tags={ASSET_PARTITION_RANGE_START_TAG: days[0], ASSET_PARTITION_RANGE_END_TAG: days[-1]},
        )

    return daily_incremental_schedule


def build_automation_sensor(models: AssetSelection, enabled: bool) -> AutomationConditionSensorDefinition:
    return AutomationConditionSensorDefinition(
        "refresh_after_loads",
        target=models,
        default_status=DefaultSensorStatus.RUNNING if enabled else DefaultSensorStatus.STOPPED,
        description="Refreshes unpartitioned models once their upstream loads (including backfills) land.",
    )


#: Tag Dagster puts on every run of a backfill.
BACKFILL_TAG = "dagster/backfill"


def build_snapshots_after_load_sensor(daily_job, snapshot_job, enabled: bool) -> RunStatusSensorDefinition:
    """Launch the snapshot job when a daily load succeeds (a backfill's runs do not take snapshots:
    a snapshot records the sources as they are now, whatever day was loaded)."""

    @run_status_sensor(
        run_status=DagsterRunStatus.SUCCESS,
        monitored_jobs=[daily_job],
        request_job=snapshot_job,
        name="snapshots_after_daily_load",
        default_status=DefaultSensorStatus.RUNNING if enabled else DefaultSensorStatus.STOPPED,
        description="Takes the dbt snapshots after each successful daily load.",
    )
    def snapshots_after_daily_load(context: RunStatusSensorContext):
        if context.dagster_run.tags.get(BACKFILL_TAG):
            return SkipReason(f"run {context.dagster_run.run_id} belongs to a backfill")
        return RunRequest(run_key=f"after-{context.dagster_run.run_id}")

    return snapshots_after_daily_load
