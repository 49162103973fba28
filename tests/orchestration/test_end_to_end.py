"""The code location on tdlocal through the real dbt-trino adapter: what users do from the UI,
the schedules and backfills, checked against the data that lands in the tables.

dbt takes seconds to start, so one scripted history of loads (module fixture) serves several
tests, each asserting one thing a user relies on.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from dagster import (
    AssetCheckKey,
    AssetKey,
    AssetRecordsFilter,
    AssetSelection,
    Definitions,
    build_schedule_context,
    define_asset_job,
)

from orchestration.code_location import partitioned_relations
from orchestration.jobs import DAILY_JOB_NAME, TEST_JOB_NAME
from orchestration.partition_status import read_statuses, render
from orchestration.partition_window_checks import CHECK_NAME
from orchestration.project import dbt_project
from orchestration.status_verification import verify_statuses
from tdtime import td_interval_bounds

TOKYO = ZoneInfo("Asia/Tokyo")
PARTITIONED = [AssetKey("incremental_events"), AssetKey("user_daily_activity")]


def load_job(definitions: Definitions):
    """A job loading the partitioned models only, as a UI launch or a backfill does (no checks)."""
    job = define_asset_job(
        "load_partitioned_models",
        selection=AssetSelection.assets(*PARTITIONED).without_checks(),
    )
    return Definitions.merge(definitions, Definitions(jobs=[job])).resolve_job_def(job.name)


def run_load(job, instance, first: str, last: str | None = None, tags: dict | None = None):
    run_tags = dict(tags or {})
    if last and last != first:
        run_tags |= {"dagster/asset_partition_range_start": first, "dagster/asset_partition_range_end": last}
        result = job.execute_in_process(instance=instance, tags=run_tags)
    else:
        result = job.execute_in_process(instance=instance, partition_key=first, tags=run_tags)
    assert result.success
    return result


def source_event_ids(local_td, day: str) -> set[str]:
    """Distinct source events of one Tokyo day, selected with plain bounds computed by tdtime."""
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    start, end = td_interval_bounds(f"-1d/{next_day}", 0, "Asia/Tokyo")
    rows = local_td.query(
        f"select distinct event_id from td.raw.events where time >= {start} and time < {end}"
    )
    return {row[0] for row in rows}


def table(local_td, name: str, day: str | None = None) -> list[tuple]:
    where = f" where event_date = '{day}'" if day else ""
    return sorted(local_td.query(f"select * from {name}{where}"))


@dataclass
class History:
    """What the tables held after each step of the scripted loads."""

    snapshots: dict[str, dict[str, list[tuple]]] = field(default_factory=dict)
    results: dict[str, object] = field(default_factory=dict)
    materializations: dict[str, object] = field(default_factory=dict)


@pytest.fixture(scope="module")
def history(local_td, definitions, instance) -> History:
    job = load_job(definitions)
    story = History()

    def step(name: str, first: str, last: str | None = None, tags: dict | None = None) -> None:
        story.results[name] = run_load(job, instance, first, last, tags)
        story.snapshots[name] = {
            model: table(local_td, model) for model in ("incremental_events", "user_daily_activity")
        }
        story.materializations[name] = instance.get_latest_materialization_event(
            AssetKey("incremental_events")
        ).asset_materialization

    step("first load", "2026-11-20")
    step("same day again", "2026-11-20")
    step("newer day", "2026-11-21")
    step("older day", "2026-11-12")
    step("five-day backfill", "2026-11-14", "2026-11-18")
    return story


def test_one_partition_loads_exactly_that_days_rows(local_td, history):
    rows = history.snapshots["first load"]["incremental_events"]
    assert {row[6] for row in rows} == {"2026-11-20"}  # event_date
    assert {row[0] for row in rows} == source_event_ids(local_td, "2026-11-20")
    # The materialization carries the day's rows in the table, the load's count and query id.
    materialization = history.materializations["first load"]
    assert materialization.partition == "2026-11-20"
    assert materialization.metadata["td/rows"].value == len(rows)
    assert materialization.metadata["td/run_rows_affected"].value == len(rows)
    assert materialization.metadata["td/target_range"].value == "-1d/2026-11-21"
    assert materialization.metadata["td/query_id"].value


def test_partition_runs_reuse_dbts_saved_parse(local_td, history):
    """The window reaches dbt outside --vars, so no partition makes dbt re-parse the project.

    dbt discards its saved parse when --vars change ("Unable to do partial parsing because config
    vars ... changed"); with the window in TD_RUN_* it logs that it found no changes instead.
    """
    for name, result in history.results.items():
        logs = list(
            (local_td.project_dir / "target").glob(f"td_partitioned_models-{result.run_id[:7]}-*/dbt.log")
        )
        assert len(logs) == 1, name
        log = logs[0].read_text()
        assert "Partial parsing enabled, no changes found, skipping parsing" in log, name
        assert "Unable to do partial parsing" not in log, name


def test_rerunning_a_partition_leaves_the_tables_identical(history):
    assert history.snapshots["same day again"] == history.snapshots["first load"]


def test_an_older_day_after_newer_days_is_loaded(local_td, history):
    after = history.snapshots["older day"]["incremental_events"]
    assert {row[0] for row in after if row[6] == "2026-11-12"} == source_event_ids(local_td, "2026-11-12")
    newer = [row for row in history.snapshots["newer day"]["incremental_events"] if row[6] == "2026-11-21"]
    assert newer and [row for row in after if row[6] == "2026-11-21"] == newer  # untouched


def test_a_five_day_backfill_is_one_run_and_one_dbt_invocation(local_td, definitions, instance, history):
    partitioned = definitions.resolve_assets_def(AssetKey("incremental_events"))
    assert partitioned.backfill_policy.max_partitions_per_run is None  # single-run backfills
    result = history.results["five-day backfill"]
    materialized = sorted(
        event.event_specific_data.materialization.partition
        for event in result.get_asset_materialization_events()
        if event.event_specific_data.materialization.asset_key == AssetKey("incremental_events")
    )
    assert materialized == ["2026-11-14", "2026-11-15", "2026-11-16", "2026-11-17", "2026-11-18"]
    messages = [entry.user_message or "" for entry in instance.all_logs(result.run_id)]
    assert len([message for message in messages if "Finished dbt command" in message]) == 1
    # The window goes to dbt in its environment (TD_RUN_*), which the run's log states.
    started = [message for message in messages if message.startswith("Running TD_RUN_")]
    assert started == [
        "Running TD_RUN_TARGET_RANGE=-5d/2026-11-19 TD_RUN_TIMEZONE=Asia/Tokyo dbt build "
        "--log-file-max-bytes 0 --log-level-file debug"
    ]
    loaded = history.snapshots["five-day backfill"]
    # Each day's materialization records that day's own rows, not the range's total.
    per_day = {
        event.event_specific_data.materialization.partition: event.event_specific_data.materialization.metadata
        for event in result.get_asset_materialization_events()
        if event.event_specific_data.materialization.asset_key == AssetKey("incremental_events")
    }
    for day, metadata in per_day.items():
        assert metadata["td/rows"].value == sum(1 for row in loaded["incremental_events"] if row[6] == day)
    assert len({metadata["td/rows"].value for metadata in per_day.values()}) > 1  # days differ
    assert (
        sum(metadata["td/rows"].value for metadata in per_day.values())
        == next(iter(per_day.values()))["td/run_rows_affected"].value
    )
    for day in ["2026-11-14", "2026-11-16", "2026-11-18"]:
        assert {row[0] for row in loaded["incremental_events"] if row[6] == day} == source_event_ids(
            local_td, day
        )
    totals = {}
    for row in loaded["user_daily_activity"]:
        totals[row[2]] = totals.get(row[2], 0) + row[3]  # event_date, event_count
    assert totals["2026-11-16"] == len(source_event_ids(local_td, "2026-11-16"))
    assert set(totals) == {
        "2026-11-12",
        "2026-11-14",
        "2026-11-15",
        "2026-11-16",
        "2026-11-17",
        "2026-11-18",
        "2026-11-20",
        "2026-11-21",
    }


def test_the_test_job_records_check_results_and_the_window_check_catches_misplaced_rows(
    local_td, definitions, instance, history
):
    test_job = definitions.resolve_job_def(TEST_JOB_NAME)
    result = test_job.execute_in_process(instance=instance, raise_on_error=False)
    evaluations = {
        (e.asset_key.to_user_string(), e.check_name): e for e in result.get_asset_check_evaluations()
    }
    assert evaluations[("incremental_events", "unique_incremental_events_event_id")].passed
    assert evaluations[("user_daily_activity", "assert_daily_activity_matches_events")].passed
    window = evaluations[("incremental_events", CHECK_NAME)]
    assert window.passed and "All" in window.metadata["description"].value
    assert evaluations[("user_daily_activity", CHECK_NAME)].passed
    stored = instance.event_log_storage.get_latest_asset_check_execution_by_key(
        [evaluation.asset_check_key for evaluation in evaluations.values()]
    )
    assert len(stored) == len(evaluations) >= 20

    # What a model whose `time` falls outside its partition leaves behind: fewer rows in the
    # window than the latest load wrote (here, some are removed after the load).
    local_td.query("delete from incremental_events where event_date = '2026-11-16' and event_type = 'click'")
    window_key = AssetCheckKey(AssetKey("incremental_events"), CHECK_NAME)
    window_only = define_asset_job("window_check_only", selection=AssetSelection.checks(window_key))
    result = (
        Definitions.merge(definitions, Definitions(jobs=[window_only]))
        .resolve_job_def(window_only.name)
        .execute_in_process(instance=instance, raise_on_error=False)
    )
    (window,) = result.get_asset_check_evaluations()
    assert not window.passed
    assert "lie in its window -5d/2026-11-19" in window.metadata["description"].value


def _days_in_table(local_td, model: str) -> dict[str, int]:
    return dict(local_td.query(f"select event_date, count(*) from {model} group by 1"))


def _materialized_rows(instance, key: AssetKey) -> dict[str, int]:
    """Dagster's view: each materialized partition's latest `td/rows`."""
    partitions = instance.get_materialized_partitions(key)
    events = {
        partition: instance.fetch_materializations(
            AssetRecordsFilter(asset_key=key, asset_partitions=[partition]), limit=1
        ).records[0]
        for partition in partitions
    }
    return {
        partition: record.asset_materialization.metadata["td/rows"].value
        for partition, record in events.items()
    }


def test_a_full_refresh_of_some_partitions_is_refused_and_of_all_rebuilds_every_day(
    local_td, definitions, instance, history
):
    before = _days_in_table(local_td, "incremental_events")
    statements = local_td.statements_logged()
    job = load_job(definitions)
    refused = job.execute_in_process(
        instance=instance,
        tags={
            "dagster/asset_partition_range_start": "2026-11-16",
            "dagster/asset_partition_range_end": "2026-11-17",
            "td/full_refresh": "true",
        },
        raise_on_error=False,
    )
    assert not refused.success
    message = "\n".join(
        event.event_specific_data.error.message
        for event in refused.all_events
        if event.is_step_failure and event.event_specific_data.error
    )
    assert (
        "would rebuild the partitioned models from those days only and drop 2026-11-01..2026-11-15" in message
    )
    assert "2026-11-18..2026-11-22" in message and "td-dagster run --full-refresh" in message
    assert local_td.statements_logged() == statements  # refused before any SQL
    assert _days_in_table(local_td, "incremental_events") == before

    # `td-dagster status` reads what the UI shows: the scripted loads, and the refused days failed.
    keys = [f"2026-11-{day:02d}" for day in range(10, 23)]
    partitions = definitions.resolve_assets_def(PARTITIONED[0]).partitions_def
    local_td.query("delete from incremental_events where event_date = '2026-11-14' and event_type = 'click'")
    (status,) = read_statuses(instance, [AssetKey("incremental_events")], partitions, keys)
    relations = partitioned_relations(dbt_project(local_td.settings))
    verify_statuses(instance, local_td.settings, [status], relations, "Asia/Tokyo")
    assert {day for day, mark in status.marks.items() if mark == "loaded"} == {
        "2026-11-12",
        "2026-11-15",
        "2026-11-18",
        "2026-11-20",
        "2026-11-21",
    }
    assert {day for day, mark in status.marks.items() if mark == "failed"} == {"2026-11-16", "2026-11-17"}
    assert {day for day, mark in status.marks.items() if mark == "mismatch"} == {"2026-11-14"}
    assert status.marks["2026-11-22"] == "missing"

    run_load(job, instance, "2026-11-01", "2026-11-22", tags={"td/full_refresh": "true"})
    for model in ("incremental_events", "user_daily_activity"):
        in_table = _days_in_table(local_td, model)
        shown = _materialized_rows(instance, AssetKey(model))
        assert set(shown) == {f"2026-11-{day:02d}" for day in range(1, 23)}
        # What Dagster shows per partition is what the table holds (0 for days without events).
        assert {day: rows for day, rows in shown.items() if rows} == in_table
    # After the full refresh `status` shows every day loaded: the refused days' failures and the
    # day whose rows were deleted are superseded by the rebuild.
    (status,) = read_statuses(instance, [AssetKey("incremental_events")], partitions, keys)
    verify_statuses(instance, local_td.settings, [status], relations, "Asia/Tokyo")
    assert set(status.marks.values()) == {"loaded"}
    assert render([status], "Asia/Tokyo").endswith("  13 loaded")


@pytest.mark.parametrize(
    ("tick", "job", "partition"),
    [
        (datetime(2026, 11, 23, 3, 0, tzinfo=TOKYO), DAILY_JOB_NAME, "2026-11-22"),
        (datetime(2026, 11, 2, 3, 0, tzinfo=TOKYO), DAILY_JOB_NAME, "2026-11-01"),  # the first partition
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


@pytest.mark.parametrize(
    ("dbt_vars", "messages"),
    [
        (
            {"target_range": "2024-01-01/2024-01-31"},
            ["'2024-01-01/2024-01-31' is not a TD_INTERVAL string", "write '-30d/2024-01-31'"],
        ),
        # A user-reported injection: pasted into the marts' TD_INTERVAL it read every row.
        (
            {"mart_window": "-30d', 'UTC') OR 1=1 OR TD_INTERVAL(time, '-1d"},
            ["mart_window '-30d', 'UTC') OR 1=1 OR TD_INTERVAL(time, '-1d' is not a TD_INTERVAL string"],
        ),
        (
            {"session_timeout_seconds": "1800) or (1=1"},
            ["session_timeout_seconds '1800) or (1=1' is not a whole"],
        ),
        ({"td_source_database": "raw.events --"}, ["'raw.events --' is not a TD database name"]),
        ({"target_range": "-" + "9" * 5000 + "d"}, ["counts are limited to 6 digits"]),
    ],
)
def test_bad_vars_fail_before_any_sql_reaches_the_engine(local_td, dbt_vars, messages):
    from orchestration.project import dbt_resource

    before = local_td.statements_logged()
    invocation = dbt_resource(local_td.settings).cli(
        ["build", "--vars", json.dumps(dbt_vars)], raise_on_error=False
    )
    output = "\n".join(str(event) for event in invocation.stream_raw_events())
    assert not invocation.is_successful()
    for message in messages:
        assert message in output
    assert local_td.statements_logged() == before


def test_a_bad_window_in_the_run_environment_fails_validation_like_the_var(local_td):
    """TD_RUN_TARGET_RANGE goes through the same validating macro as --vars target_range.

    dbt reads it only while executing, after its metadata queries, so the check is that no model
    statement and nothing carrying the value reaches the engine.
    """
    import json as json_module

    from orchestration.project import dbt_resource

    before = local_td.statements_logged()
    invocation = dbt_resource(local_td.settings).cli_with_env(
        ["build", "--select", "incremental_events"],
        {"TD_RUN_TARGET_RANGE": "2024-01-01/2024-01-31"},
        raise_on_error=False,
    )
    output = "\n".join(str(event) for event in invocation.stream_raw_events())
    assert not invocation.is_successful()
    assert "'2024-01-01/2024-01-31' is not a TD_INTERVAL string" in output
    assert "write '-30d/2024-01-31'" in output
    sent = [
        json_module.loads(line)["sql"] for line in local_td.statement_log.read_text().splitlines()[before:]
    ]
    assert not [sql for sql in sent if "2024-01-01" in sql or "incremental_events" in sql]


def test_docs_generate_reads_the_catalog_through_information_schema_only(local_td, history):
    """Stock dbt-trino reads system.metadata for the docs catalog; strict tdlocal rejects that as TD does."""
    from orchestration.project import dbt_resource

    invocation = dbt_resource(local_td.settings).cli(["docs", "generate"], raise_on_error=False).wait()
    assert invocation.is_successful()
    catalog = invocation.get_artifact("catalog.json")
    assert "model.td_analytics.incremental_events" in catalog["nodes"]
    assert not catalog.get("errors")
