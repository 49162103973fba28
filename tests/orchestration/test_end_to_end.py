"""The code location on tdlocal through the real dbt-trino adapter: what users do from the UI,
the schedules and backfills, checked against the data that lands in the tables."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from dagster import AssetCheckKey, AssetKey, DagsterInstance, build_schedule_context

from orchestration.jobs import DAILY_JOB_NAME, TEST_JOB_NAME
from orchestration.partition_window_checks import CHECK_NAME
from tdtime import td_interval_bounds

TOKYO = ZoneInfo("Asia/Tokyo")
PARTITIONED = [AssetKey("incremental_events"), AssetKey("user_daily_activity")]


def load(
    definitions, instance: DagsterInstance, first: str, last: str | None = None, tags: dict | None = None
):
    """Materialize the partitioned models for first..last the way a UI launch or backfill does."""
    job = definitions.resolve_implicit_global_asset_job_def()
    run_tags = dict(tags or {})
    if last and last != first:
        run_tags |= {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
        return job.execute_in_process(instance=instance, asset_selection=PARTITIONED, tags=run_tags)
    return job.execute_in_process(
        instance=instance, asset_selection=PARTITIONED, partition_key=first, tags=run_tags
    )


def source_event_ids(local_td, day: str) -> set[str]:
    """Distinct source events of one Tokyo day, selected with plain bounds computed by tdtime."""
    start, end = td_interval_bounds(f"-1d/{_next_day(day)}", 0, "Asia/Tokyo")
    rows = local_td.query(
        f"select distinct event_id from td.raw.events where time >= {start} and time < {end}"
    )
    return {row[0] for row in rows}


def _next_day(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def loaded(local_td, day: str) -> list[tuple]:
    return sorted(local_td.query(f"select * from incremental_events where event_date = '{day}'"))


def test_one_partition_loads_exactly_that_days_rows(local_td, definitions, instance):
    result = load(definitions, instance, "2026-11-20")
    assert result.success
    days = local_td.query("select distinct event_date from incremental_events")
    assert days == [("2026-11-20",)]
    assert {row[0] for row in local_td.query("select event_id from incremental_events")} == source_event_ids(
        local_td, "2026-11-20"
    )
    # Each materialization carries the load's row count and Trino query id.
    materialization = instance.get_latest_materialization_event(
        AssetKey("incremental_events")
    ).asset_materialization
    assert materialization.partition == "2026-11-20"
    assert materialization.metadata["td/rows_affected"].value == len(source_event_ids(local_td, "2026-11-20"))
    assert materialization.metadata["td/query_id"].value


def test_rerunning_a_partition_leaves_the_table_identical(local_td, definitions, instance):
    load(definitions, instance, "2026-11-19")
    before = sorted(local_td.query("select * from incremental_events"))
    daily_before = sorted(local_td.query("select * from user_daily_activity"))
    assert load(definitions, instance, "2026-11-19").success
    assert sorted(local_td.query("select * from incremental_events")) == before
    assert sorted(local_td.query("select * from user_daily_activity")) == daily_before


def test_an_older_day_after_newer_days_is_loaded(local_td, definitions, instance):
    load(definitions, instance, "2026-11-21")
    newer = loaded(local_td, "2026-11-21")
    assert load(definitions, instance, "2026-11-12").success
    assert {row[0] for row in loaded(local_td, "2026-11-12")} == source_event_ids(local_td, "2026-11-12")
    assert loaded(local_td, "2026-11-21") == newer  # untouched


def test_a_five_day_backfill_is_one_run_and_one_dbt_invocation(local_td, definitions, instance):
    partitioned = definitions.resolve_assets_def(AssetKey("incremental_events"))
    assert partitioned.backfill_policy.max_partitions_per_run is None  # single-run backfills
    result = load(definitions, instance, "2026-11-14", "2026-11-18")
    assert result.success
    materialized = [
        event.event_specific_data.materialization.partition
        for event in result.get_asset_materialization_events()
        if event.event_specific_data.materialization.asset_key == AssetKey("incremental_events")
    ]
    assert sorted(materialized) == ["2026-11-14", "2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18"]
    invocations = [
        entry.user_message
        for entry in instance.all_logs(result.run_id)
        if "Finished dbt command" in (entry.user_message or "")
    ]
    assert len(invocations) == 1 and '"target_range": "-5d/2026-11-19"' in invocations[0]
    for day in ["2026-11-14", "2026-11-16", "2026-11-18"]:
        assert {row[0] for row in loaded(local_td, day)} == source_event_ids(local_td, day)
    totals = dict(local_td.query("select event_date, sum(event_count) from user_daily_activity group by 1"))
    assert totals["2026-11-16"] == len(source_event_ids(local_td, "2026-11-16"))


def test_full_refresh_on_a_backfill_comes_from_a_run_tag(local_td, definitions, instance):
    load(definitions, instance, "2026-11-10")
    result = load(definitions, instance, "2026-11-16", "2026-11-17", tags={"td/full_refresh": "true"})
    assert result.success
    assert [
        row[0] for row in local_td.query("select distinct event_date from incremental_events order by 1")
    ] == [
        "2026-11-16",
        "2026-11-17",
    ]


def test_the_test_job_records_check_results(local_td, definitions, instance):
    load(definitions, instance, "2026-11-20", "2026-11-22")
    result = definitions.resolve_job_def(TEST_JOB_NAME).execute_in_process(
        instance=instance, raise_on_error=False
    )
    evaluations = {
        (e.asset_key.to_user_string(), e.check_name): e.passed for e in result.get_asset_check_evaluations()
    }
    assert evaluations[("incremental_events", "unique_incremental_events_event_id")]
    assert evaluations[("user_daily_activity", "assert_daily_activity_matches_events")]
    assert evaluations[("incremental_events", CHECK_NAME)]
    assert evaluations[("user_daily_activity", CHECK_NAME)]
    stored = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [e.asset_check_key for e in result.get_asset_check_evaluations()]
    )
    assert len(stored) == len(evaluations) >= 20


def test_the_window_check_fails_when_the_window_does_not_hold_the_loaded_rows(
    local_td, definitions, instance
):
    assert load(definitions, instance, "2026-11-20").success
    # What a model whose `time` falls outside its partition leaves behind: fewer rows in the
    # window than the load wrote (here some are removed from the window after the load).
    local_td.query("delete from incremental_events where event_date = '2026-11-20' and event_type = 'click'")
    result = definitions.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=instance,
        asset_selection=[],
        asset_check_selection=[AssetCheckKey(AssetKey("incremental_events"), CHECK_NAME)],
        raise_on_error=False,
    )
    (evaluation,) = result.get_asset_check_evaluations()
    assert not evaluation.passed
    assert "lie in its window -1d/2026-11-21" in evaluation.metadata["description"].value


@pytest.mark.parametrize(
    ("tick", "job", "partition"),
    [
        (datetime(2026, 11, 23, 3, 0, tzinfo=TOKYO), DAILY_JOB_NAME, "2026-11-22"),
        (datetime(2026, 1, 1, 3, 0, tzinfo=TOKYO), DAILY_JOB_NAME, "2025-12-31"),
        (datetime(2026, 11, 23, 4, 0, tzinfo=TOKYO), TEST_JOB_NAME, None),
    ],
)
def test_schedule_ticks_load_yesterday_then_test(definitions, instance, tick, job, partition):
    schedule = next(s for s in definitions.get_repository_def().schedule_defs if s.job_name == job)
    assert schedule.execution_timezone == "Asia/Tokyo"
    with build_schedule_context(instance=instance, scheduled_execution_time=tick) as context:
        requests = schedule.evaluate_tick(context).run_requests
    assert len(requests) == 1
    assert requests[0].partition_key == partition


def test_bad_vars_fail_before_any_sql_reaches_the_engine(local_td):
    from orchestration.project import dbt_resource

    before = local_td.statements_logged()
    invocation = dbt_resource(local_td.settings).cli(
        ["build", "--vars", json.dumps({"target_range": "2024-01-01/2024-01-31"})], raise_on_error=False
    )
    output = "\n".join(str(event) for event in invocation.stream_raw_events())
    assert not invocation.is_successful()
    assert "'2024-01-01/2024-01-31' is not a TD_INTERVAL string" in output
    assert "write '-30d/2024-01-31'" in output
    assert local_td.statements_logged() == before
