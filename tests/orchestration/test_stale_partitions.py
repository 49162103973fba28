"""Late-arriving data without a warehouse: the fingerprint query, what each model reads, which
days are stale, how they group into runs, the settings and the lookback schedule."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import sqlglot
from dagster import build_schedule_context, job, op

from orchestration.jobs import DAILY_JOB_NAME, TEST_JOB_NAME
from orchestration.partitions import daily_partitions_def
from orchestration.schedules import build_schedules
from orchestration.settings import Settings, SettingsError
from orchestration.source_fingerprints import (
    EMPTY_DAY,
    Fingerprint,
    fingerprint_sql,
    fingerprints_per_day,
    model_reads,
)
from orchestration.stale_partitions import (
    Loaded,
    Observed,
    Reason,
    Reload,
    read_reloaded_parent_days,
    reload_runs,
    stale_days,
    with_downstream_models,
)


def test_the_fingerprint_is_one_grouped_query_per_source_pruned_by_td_interval_on_bare_time():
    sql = fingerprint_sql({"raw/events": '"td"."raw"."events"'}, "2026-11-16", "2026-11-22", "Asia/Tokyo")
    (select,) = list(sqlglot.parse_one(sql, read="trino").find_all(sqlglot.exp.Select))
    where = select.args["where"].this
    # TD prunes its hourly partitions only for a constant range on the bare `time` column (TD docs,
    # "Partition pruning": TD_INTERVAL / TD_TIME_RANGE on time).
    assert where.sql(dialect="trino") == "TD_INTERVAL(time, '-7d/2026-11-23', 'Asia/Tokyo')"
    assert select.args.get("group")
    # Only the time column is read: count(*), sum(time % 86400), max(time).
    columns = {column.name for column in select.find_all(sqlglot.exp.Column)}
    assert columns == {"time"}


def test_a_day_without_rows_has_version_0_and_changes_show_in_the_version():
    rows = [("s", "2026-11-20", 3, 100, 1795000000)]
    days = fingerprints_per_day(rows, ["s"], "2026-11-20", "2026-11-21")["s"]
    assert days == {"2026-11-20": Fingerprint(3, 100, 1795000000), "2026-11-21": EMPTY_DAY}
    assert days["2026-11-21"].data_version == "0"
    # A row replaced by one at another second of the day: same count, same newest row.
    assert Fingerprint(3, 100, 1795000000).data_version != Fingerprint(3, 160, 1795000000).data_version


def _node(name, strategy="td_window", materialized="incremental", depends=(), code=""):
    return {
        "name": name,
        "resource_type": "model",
        "config": {"materialized": materialized, "incremental_strategy": strategy},
        "depends_on": {"nodes": list(depends)},
        "raw_code": code,
    }


def test_what_a_model_reads_follows_ephemeral_models_and_its_lookback():
    manifest = {
        "nodes": {
            "model.p.eph": _node("eph", materialized="ephemeral", depends=["source.p.raw.events"]),
            "model.p.events": _node(
                "events",
                depends=["model.p.eph", "source.p.raw.users"],
                code="select * from {{ incremental_scan(ref('eph'), lookback_days=1) }}",
            ),
            "model.p.daily": _node(
                "daily", depends=["model.p.events"], code="{{ incremental_scan(ref('events')) }}"
            ),
            "model.p.varied": _node(
                "varied", depends=["source.p.raw.events"], code="incremental_scan(x, lookback_days=var('n'))"
            ),
            "model.p.table": _node("table", materialized="table", depends=["source.p.raw.events"]),
        }
    }
    reads = model_reads(manifest)
    assert set(reads) == {"model.p.events", "model.p.daily", "model.p.varied"}
    events = reads["model.p.events"]
    assert events.sources == ("source.p.raw.events", "source.p.raw.users")
    assert events.days_read("2026-11-20") == ["2026-11-19", "2026-11-20"]
    assert reads["model.p.daily"].partitioned_parents == ("model.p.events",)
    assert reads["model.p.daily"].days_read("2026-11-20") == ["2026-11-20"]
    # A lookback the SQL does not spell out counts as incremental_scan's maximum.
    assert reads["model.p.varied"].lookback_days == 31


def test_a_day_is_stale_only_when_a_later_observation_differs_from_what_its_load_recorded():
    loaded = {
        "2026-11-20": Loaded(10, {"raw/events": {"2026-11-19": "5:1:1", "2026-11-20": "7:1:1"}}),
        "2026-11-21": Loaded(10, {"raw/events": {"2026-11-20": "7:1:1", "2026-11-21": "9:1:1"}}),
        "2026-11-22": Loaded(30, {"raw/events": {"2026-11-21": "9:1:1", "2026-11-22": "4:1:1"}}),
        "2026-11-18": Loaded(10, None),  # loaded before loads recorded source versions
    }
    observed = {
        "raw/events": {
            "2026-11-19": Observed("5:1:1", 20),  # unchanged
            "2026-11-20": Observed("8:1:2", 20),  # a late row, after the loads at 10
            "2026-11-22": Observed("3:1:1", 25),  # changed before the load at 30 saw it
            "2026-11-18": Observed("1:1:1", 20),
        }
    }
    assert stale_days(loaded, observed) == {
        "2026-11-20": [Reason("raw/events", "2026-11-20", "7:1:1", "8:1:2")],
        "2026-11-21": [Reason("raw/events", "2026-11-20", "7:1:1", "8:1:2")],
    }
    assert str(Reason("raw/events", "2026-11-20", "7:1:1", "8:1:2")) == (
        "raw/events 2026-11-20 changed (7 rows -> 8 rows)"
    )


def test_models_reading_a_stale_model_are_stale_on_the_days_they_read_it():
    manifest = {
        "nodes": {
            "model.p.events": _node("events", depends=["source.p.raw.events"]),
            "model.p.daily": _node("daily", depends=["model.p.events"], code="lookback_days=1"),
        }
    }
    reads = model_reads(manifest)
    stale = {"model.p.events": {"2026-11-20": [Reason("raw/events", "2026-11-20", "1", "2")]}}
    result = with_downstream_models(
        stale,
        reads,
        {"model.p.events": ["2026-11-20"], "model.p.daily": ["2026-11-19", "2026-11-20", "2026-11-21"]},
    )
    # daily's load of day D reads events D-1..D: 11-20 and 11-21 read the stale 11-20; 11-22 was
    # never loaded, so it is not stale.
    assert sorted(result["model.p.daily"]) == ["2026-11-20", "2026-11-21"]
    assert str(result["model.p.daily"]["2026-11-21"][0]) == "reads events 2026-11-20, which is stale too"


def test_a_day_that_read_a_parent_day_another_run_loaded_again_is_stale():
    manifest = {
        "nodes": {
            "model.p.events": _node("events", depends=["source.p.raw.events"]),
            "model.p.daily": _node("daily", depends=["model.p.events"], code="lookback_days=1"),
        }
    }
    reads = model_reads(manifest)["model.p.daily"]
    daily = {
        "2026-11-20": Loaded(20, None, "run-a"),
        "2026-11-21": Loaded(40, None, "run-b"),
        "2026-11-22": Loaded(60, None, "run-c"),
    }
    events = {
        "2026-11-19": Loaded(10, None, "run-a"),
        "2026-11-20": Loaded(50, None, "run-x"),  # loaded again alone, after daily's 11-20 and 11-21
        "2026-11-21": Loaded(35, None, "run-b"),
        "2026-11-22": Loaded(65, None, "run-c"),  # the run that loaded daily 11-22: recorded after it
    }
    result = read_reloaded_parent_days(daily, reads, {"model.p.events": events}, {"model.p.events": "events"})
    # daily's load of day D reads events D-1..D.
    assert result == {
        "2026-11-20": [Reason("events", "2026-11-20", reloaded=True)],
        "2026-11-21": [Reason("events", "2026-11-20", reloaded=True)],
    }
    assert str(result["2026-11-21"][0]) == "reads events 2026-11-20, loaded again since"


def test_consecutive_days_with_the_same_stale_models_are_one_run_and_nothing_else_is_reloaded():
    runs = reload_runs(
        {
            "events": ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-22"],
            "daily": ["2026-11-18", "2026-11-19"],
        }
    )
    assert runs == [
        Reload(("events",), "2026-11-17", "2026-11-17"),
        Reload(("daily", "events"), "2026-11-18", "2026-11-19"),
        Reload(("events",), "2026-11-22", "2026-11-22"),
    ]
    assert reload_runs({}) == []


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"TD_LATE_DATA_LOOKBACK_DAYS": "0"},
            "TD_LATE_DATA_LOOKBACK_DAYS='0' is not a whole number from 1 up",
        ),
        ({"TD_LATE_DATA_LOOKBACK_DAYS": "400"}, "TD_LATE_DATA_LOOKBACK_DAYS='400' is more than 366 days"),
        ({"TD_LATE_DATA_SCHEDULE": "hourly"}, "TD_LATE_DATA_SCHEDULE='hourly' is not a cron schedule"),
        ({"TD_LOAD_LOOKBACK_DAYS": "-1"}, "TD_LOAD_LOOKBACK_DAYS='-1' is not a whole number from 0 up"),
    ],
)
def test_late_data_settings_name_the_bad_value_and_the_fix(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_late_data_settings_defaults():
    settings = Settings.from_env({})
    assert (settings.late_data_lookback_days, settings.late_data_schedule, settings.load_lookback_days) == (
        7,
        "0 * * * *",
        0,
    )


@op
def _load():
    pass


@job
def _daily():
    _load()


def test_a_load_lookback_makes_the_daily_tick_one_range_run_of_yesterday_and_the_days_before(monkeypatch):
    monkeypatch.setenv("TD_TIMEZONE", "Asia/Tokyo")
    partitions = daily_partitions_def(start="2026-11-01")
    schedule = build_schedules({DAILY_JOB_NAME: _daily, TEST_JOB_NAME: _daily}, partitions, True, 2)[0]
    assert schedule.execution_timezone == "Asia/Tokyo" and schedule.cron_schedule == "0 3 * * *"
    tick = datetime(2026, 11, 23, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
    (request,) = schedule.evaluate_tick(build_schedule_context(scheduled_execution_time=tick)).run_requests
    assert request.tags["dagster/asset_partition_range_start"] == "2026-11-20"
    assert request.tags["dagster/asset_partition_range_end"] == "2026-11-22"


def test_the_observed_source_days_include_what_the_oldest_watched_days_load_read():
    # A late row on the day before the oldest watched day changes what that day's load read
    # (lookback_days=1), so that source day is observed too: 7 model days -> 8 source days.
    from dagster import AssetKey, DailyPartitionsDefinition

    from orchestration.late_data import WatchedSources, observed_window, source_window
    from orchestration.source_fingerprints import ModelReads

    partitions = DailyPartitionsDefinition(start_date="2026-11-01", timezone="Asia/Tokyo")
    now = datetime(2026, 11, 23, 3, tzinfo=ZoneInfo("Asia/Tokyo"))

    def watched(lookback_days: int) -> WatchedSources:
        reads = ModelReads("model.p.m", "m", lookback_days, ("source.p.raw.events",), ())
        return WatchedSources(
            relations={"raw/events": '"td"."raw"."events"'},
            reads={"model.p.m": reads},
            model_keys={"model.p.m": AssetKey("m")},
            source_asset_keys={"raw/events": AssetKey(["raw", "events"])},
        )

    assert observed_window(partitions, now, 7) == [f"2026-11-{day}" for day in range(16, 23)]
    assert source_window(partitions, now, 7, watched(0)) == [f"2026-11-{day}" for day in range(16, 23)]
    assert source_window(partitions, now, 7, watched(1)) == [f"2026-11-{day}" for day in range(15, 23)]
