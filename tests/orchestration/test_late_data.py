"""Late-arriving data on tdlocal, as the schedule and the sensor run it: five days loaded, late rows
and a deletion land in the source, one observation finds exactly the days whose source rows
changed, the sensor's run re-loads them, and the tables equal a fresh load of the five days.

The module works on its own copy of the source (`late_raw.events`) and its own TD database
(`late_analytics`) and Dagster instance, so changing the source cannot disturb other modules.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from dagster import (
    AssetKey,
    AssetRecordsFilter,
    DagsterEventType,
    DagsterInstance,
    Definitions,
    RunRequest,
    SkipReason,
    build_run_status_sensor_context,
    instance_for_test,
)

from orchestration.jobs import DAILY_JOB_NAME
from orchestration.late_data import LATE_DATA_REASON, OBSERVE_JOB_NAME, REASON_TAG, RELOAD_SENSOR_NAME
from orchestration.settings import Settings
from tdtime import td_interval_bounds
from tests.orchestration.conftest import copy_dbt_project

SOURCE = AssetKey(["late_raw", "events"])
EVENTS, ACTIVITY = AssetKey("incremental_events"), AssetKey("user_daily_activity")
# The five last complete days at the pinned now (2026-11-23 03:00 Tokyo), inside the default
# 7-day observation window (2026-11-16..2026-11-22).
DAYS = ["2026-11-18", "2026-11-19", "2026-11-20", "2026-11-21", "2026-11-22"]
LATE_DAY, DELETED_DAY = "2026-11-22", "2026-11-21"


def day_bounds(day: str) -> tuple[int, int]:
    """A Tokyo day's [start, end) in Unix seconds, computed by tdtime (not by the code under test)."""
    next_day = (date.fromisoformat(day) + timedelta(days=1)).isoformat()
    return td_interval_bounds(f"-1d/{next_day}", 0, "Asia/Tokyo")


@dataclass
class LateTd:
    local_td: object
    settings: Settings
    definitions: Definitions
    instance: DagsterInstance

    def query(self, sql: str) -> list[tuple]:
        return self.local_td.query(sql)

    def tables(self) -> dict[str, list[tuple]]:
        """Both tables' rows, sorted, with doubles to 6 places: sum(revenue) over doubles depends
        on the order a parallel aggregation adds them (in Trino as in DuckDB), not on the load."""
        return {
            name: sorted(
                tuple(round(value, 6) if isinstance(value, float) else value for value in row)
                for row in self.query(f"select * from td.late_analytics.{name}")
            )
            for name in ("incremental_events", "user_daily_activity")
        }

    def run(self, request: RunRequest):
        job = self.definitions.resolve_job_def(DAILY_JOB_NAME)
        result = job.execute_in_process(
            instance=self.instance, tags=request.tags, asset_selection=request.asset_selection
        )
        assert result.success
        return result

    def observe(self):
        result = self.definitions.resolve_job_def(OBSERVE_JOB_NAME).execute_in_process(instance=self.instance)
        assert result.success
        return result

    def sensor_after(self, observation):
        sensor = self.definitions.resolve_sensor_def(RELOAD_SENSOR_NAME)
        success = next(e for e in observation.all_events if e.event_type == DagsterEventType.RUN_SUCCESS)
        context = build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_event=success,
            dagster_instance=self.instance,
            dagster_run=observation.dagster_run,
        )
        return sensor(context)


@pytest.fixture(scope="module")
def late_td(local_td, tmp_path_factory) -> Iterator[LateTd]:
    from orchestration.code_location import build_definitions

    project_dir = copy_dbt_project(tmp_path_factory.mktemp("late_data") / "dbt_project")
    local_td.query("create schema if not exists td.late_raw")
    local_td.query("create schema if not exists td.late_analytics")
    local_td.query("create table td.late_raw.events as select * from td.raw.events")
    with pytest.MonkeyPatch.context() as env, instance_for_test() as instance:
        env.setenv("DBT_PROJECT_DIR", str(project_dir))
        env.setenv("TD_SOURCE_DATABASE", "late_raw")
        env.setenv("TD_DATABASE", "late_analytics")
        settings = Settings.from_env()
        yield LateTd(local_td, settings, build_definitions(settings), instance)


@dataclass
class Story:
    before: dict[str, list[tuple]]
    requests: list
    reload_run: object
    after_reload: dict[str, list[tuple]]
    second_requests: object
    statements_per_observation: int


def load_all_days() -> RunRequest:
    """The five days of both partitioned models as one range run (one dbt invocation)."""
    return RunRequest(
        asset_selection=[EVENTS, ACTIVITY],
        tags={
            "dagster/asset_partition_range_start": DAYS[0],
            "dagster/asset_partition_range_end": DAYS[-1],
        },
    )


@pytest.fixture(scope="module")
def story(late_td) -> Story:
    late_td.run(load_all_days())
    before = late_td.tables()
    # Late rows for the last day: copies of three of its events under new ids, an hour later.
    start, end = day_bounds(LATE_DAY)
    late_td.query(
        "insert into td.late_raw.events "
        "select time + 3600, 'late-' || event_id, user_id, event_type, path, device, revenue "
        f"from td.late_raw.events where time >= {start} and time < {end - 3600} "
        "order by time limit 3"
    )
    # One row of the day before disappears (a correction deleted it).
    start, end = day_bounds(DELETED_DAY)
    (victim,) = late_td.query(
        f"select event_id from td.late_raw.events where time >= {start} and time < {end} order by time limit 1"
    )[0]
    late_td.query(f"delete from td.late_raw.events where event_id = '{victim}'")

    requests = late_td.sensor_after(late_td.observe())
    reload_run = late_td.run(requests[0]) if isinstance(requests, list) and requests else None
    after_reload = late_td.tables()

    logged = late_td.local_td.statements_logged()
    second = late_td.sensor_after(late_td.observe())
    statements = late_td.local_td.statements_logged() - logged
    return Story(before, requests, reload_run, after_reload, second, statements)


def test_exactly_the_changed_days_are_reloaded_in_one_run_tagged_late_data(late_td, story):
    # The late rows are in day 11-22; the deletion in 11-21, which incremental_events' load of
    # 11-22 also reads (it looks one day back to drop copies): both days, nothing else.
    assert isinstance(story.requests, list) and len(story.requests) == 1
    request = story.requests[0]
    assert request.tags["dagster/asset_partition_range_start"] == DELETED_DAY
    assert request.tags["dagster/asset_partition_range_end"] == LATE_DAY
    assert request.tags[REASON_TAG] == LATE_DATA_REASON
    assert sorted(request.asset_selection, key=str) == [EVENTS, ACTIVITY]
    # One dbt invocation for the two days, in a run carrying the reason.
    run = story.reload_run
    assert run.dagster_run.tags[REASON_TAG] == "late_data"
    messages = [entry.user_message or "" for entry in late_td.instance.all_logs(run.run_id)]
    assert len([message for message in messages if "Finished dbt command" in message]) == 1
    (started,) = [message for message in messages if message.startswith("Running TD_RUN_")]
    assert started.startswith(
        "Running TD_RUN_TARGET_RANGE=-2d/2026-11-23 TD_RUN_TIMEZONE=Asia/Tokyo dbt build"
    )
    reloaded = sorted(
        (event.event_specific_data.materialization.asset_key.to_user_string(), event.partition)
        for event in run.get_asset_materialization_events()
    )
    assert reloaded == [
        ("incremental_events", DELETED_DAY),
        ("incremental_events", LATE_DAY),
        ("user_daily_activity", DELETED_DAY),
        ("user_daily_activity", LATE_DAY),
    ]


def test_after_the_reload_the_tables_equal_a_fresh_load_of_the_five_days(late_td, story):
    events = story.after_reload["incremental_events"]
    late_ids = {row[0] for row in events if row[0].startswith("late-")}
    assert len(late_ids) == 3  # the late rows arrived
    assert len(events) == len(story.before["incremental_events"]) + 3 - 1
    late_td.run(load_all_days())
    fresh = late_td.tables()
    for name, rows in fresh.items():
        only_fresh = Counter(rows) - Counter(story.after_reload[name])
        only_reloaded = Counter(story.after_reload[name]) - Counter(rows)
        assert (only_fresh, only_reloaded) == (Counter(), Counter()), name


def test_an_observation_without_changes_launches_nothing_and_sends_one_query_per_source(story):
    assert isinstance(story.second_requests, SkipReason)
    assert "no stale partitions" in story.second_requests.skip_message
    assert story.statements_per_observation == 1  # one source: late_raw.events


def test_the_source_shows_each_observed_days_rows(late_td, story):
    start, end = day_bounds(LATE_DAY)
    (expected,) = late_td.query(
        f"select count(*) from td.late_raw.events where time >= {start} and time < {end}"
    )[0]
    observation = late_td.instance.fetch_observations(
        AssetRecordsFilter(asset_key=SOURCE, asset_partitions=[LATE_DAY]), limit=1
    ).records[0]
    assert observation.asset_observation.metadata["td/rows"].value == expected
    partitions = {
        record.partition_key for record in late_td.instance.fetch_observations(SOURCE, limit=100).records
    }
    # The 7 watched days before the pinned now, and the day before them that incremental_events'
    # loads read (lookback_days=1): nothing older is observed.
    assert partitions == {(date(2026, 11, 15) + timedelta(days=n)).isoformat() for n in range(8)}


def test_each_loaded_day_records_the_source_days_its_load_read(late_td, story):
    record = late_td.instance.fetch_materializations(
        AssetRecordsFilter(asset_key=EVENTS, asset_partitions=["2026-11-19"]), limit=1
    ).records[0]
    versions = record.asset_materialization.metadata["td/source_versions"].value
    versions = json.loads(versions) if isinstance(versions, str) else versions
    assert set(versions) == {"late_raw/events"}
    assert set(versions["late_raw/events"]) == {"2026-11-18", "2026-11-19"}  # one day of lookback


def test_the_observation_reads_only_its_window_however_much_history_the_source_holds(late_td, story):
    # Ten times the window's rows, 30 to 100 days before it: TD's partitions the query must skip.
    # The window: the 7 watched days and the one before them incremental_events' loads read.
    window_start, window_end = td_interval_bounds("-8d/2026-11-23", 0, "Asia/Tokyo")
    for days_back in range(30, 100, 7):
        late_td.query(
            "insert into td.late_raw.events "
            f"select time - {days_back * 86400}, 'old{days_back}-' || event_id, user_id, event_type, path, "
            f"device, revenue from td.late_raw.events where time >= {window_start} and time < {window_end}"
        )
    logged = late_td.local_td.statements_logged()
    skipped = late_td.sensor_after(late_td.observe())
    assert isinstance(skipped, SkipReason)  # nothing in the window changed
    lines = late_td.local_td.statement_log.read_text().splitlines()[logged:]
    (statement,) = [json.loads(line) for line in lines]
    # The filter is TD_INTERVAL on the bare `time` column (what TD prunes partitions by), and
    # tdlocal runs it as a constant range (which DuckDB prunes by too): the window's bounds, as
    # tdtime computes TD_INTERVAL '-8d/2026-11-23' in Asia/Tokyo, whatever the table holds.
    assert "TD_INTERVAL(time, '-8d/2026-11-23', 'Asia/Tokyo')" in statement["sql"]
    (executed,) = statement["executed_sql"]
    assert f"WHERE (time >= {window_start} AND time < {window_end})" in executed


def test_the_cli_prints_the_stale_days_then_reloads_exactly_them(late_td, story, capsys, monkeypatch):
    from orchestration.cli import main

    # The CLI records in DAGSTER_HOME's instance: the one the loads above were recorded in.
    monkeypatch.setenv("DAGSTER_HOME", late_td.instance.root_directory)
    start, end = day_bounds("2026-11-19")
    (before,) = late_td.query(
        f"select count(*) from td.late_raw.events where time >= {start} and time < {end}"
    )[0]
    late_td.query(
        "insert into td.late_raw.events "
        f"select time + 60, 'cli-' || event_id, user_id, event_type, path, device, revenue "
        f"from td.late_raw.events where time >= {start} and time < {end - 60} order by time limit 1"
    )
    assert main(["stale"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Stale partitions (sources observed over 2026-11-15..2026-11-22):"), out
    changed = f"late_raw/events 2026-11-19 changed ({before} rows -> {before + 1} rows)"
    # incremental_events' loads of 11-19 and 11-20 read 11-19; user_daily_activity reads those.
    assert out.splitlines()[1:] == [
        "incremental_events",
        f"  2026-11-19  {changed}",
        f"  2026-11-20  {changed}",
        "user_daily_activity",
        "  2026-11-19  reads incremental_events 2026-11-19, which is stale too",
        "  2026-11-20  reads incremental_events 2026-11-20, which is stale too",
    ]
    assert main(["run", "--stale"]) == 0
    out = capsys.readouterr().out
    assert "loaded days 2026-11-19..2026-11-20 (Asia/Tokyo) as target_range -2d/2026-11-21" in out
    assert ("2026-11-19",) in late_td.query(
        "select event_date from td.late_analytics.incremental_events where event_id like 'cli-%'"
    )
    runs = late_td.instance.get_runs()
    assert runs[0].tags.get(REASON_TAG) == LATE_DATA_REASON
    assert main(["stale"]) == 0
    assert "No stale partitions" in capsys.readouterr().out
