"""Loads that never depend on how days are grouped into runs, never collide, never lose a table.

Plain `dbt run`s of the project's macros on tdlocal, each in its own TD database, so the
scripted history of test_end_to_end is not disturbed. The raw rows added here lie on days
(2026-11-05, 2026-11-06) that the other modules do not compare with the source.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from orchestration.cli import main

from .conftest import copy_dbt_project

TOKYO = ZoneInfo("Asia/Tokyo")
FIXTURE_MODELS = Path(__file__).parent / "fixtures" / "load_invariants"


def _unix(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=TOKYO).timestamp())


@pytest.fixture(scope="module")
def project(local_td, tmp_path_factory) -> Path:
    project_dir = copy_dbt_project(tmp_path_factory.mktemp("load_invariants") / "dbt_project")
    (project_dir / "models" / "fixtures").mkdir()
    for model in FIXTURE_MODELS.glob("*.sql"):
        (project_dir / "models" / "fixtures" / model.name).write_text(model.read_text())
    # Plain dbt, as a user runs it: the td_dbt package is installed first.
    subprocess.run(
        [sys.executable, "-m", "dbt.cli.main", "deps", "--project-dir", str(project_dir)], check=True
    )
    # One event delivered twice across local midnight, plus a same-second copy (ties).
    rows = [
        (_unix("2026-11-05 23:59:55"), "dup-across-midnight", "u-dup", "click", "/a", "ios", None),
        (_unix("2026-11-05 23:59:55"), "dup-across-midnight", "u-dup", "click", "/b", "ios", None),
        (_unix("2026-11-06 00:00:05"), "dup-across-midnight", "u-dup", "click", "/a", "ios", None),
        (_unix("2026-11-06 12:00:00"), "dup-same-day", "u-dup", "purchase", "/c", "web", 10.0),
        (_unix("2026-11-06 12:00:01"), "dup-same-day", "u-dup", "purchase", "/c", "web", 10.0),
    ]
    values = ", ".join(
        f"({t}, '{e}', '{u}', '{k}', '{p}', '{d}', {'null' if r is None else r})"
        for t, e, u, k, p, d, r in rows
    )
    local_td.query(
        f"insert into td.raw.events (time, event_id, user_id, event_type, path, device, revenue) values {values}"
    )
    return project_dir


def dbt(project: Path, database: str, *args: str, check: bool = True, background: bool = False):
    """`dbt <args>` on tdlocal writing to TD database `database`, with private target and log dirs."""
    run_dir = project.parent / f"run-{database}-{len(list(project.parent.glob('run-*')))}"
    env = {**os.environ, "TD_DATABASE": database, "DBT_TARGET": "local"}
    command = [
        sys.executable,
        "-m",
        "dbt.cli.main",
        *args,
        "--project-dir",
        str(project),
        "--profiles-dir",
        str(project),
        "--target-path",
        str(run_dir / "target"),
        "--log-path",
        str(run_dir / "logs"),
    ]
    if background:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    completed = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600, check=False)
    if check:
        assert completed.returncode == 0, completed.stdout[-4000:] + completed.stderr[-2000:]
    return completed


def load(project: Path, database: str, target_range: str, select: str = "incremental_events", **kwargs):
    return dbt(
        project,
        database,
        "run",
        "--select",
        select,
        "--vars",
        json.dumps({"target_range": target_range, "td_timezone": "Asia/Tokyo"}),
        **kwargs,
    )


def rows(local_td, database: str, model: str) -> list[tuple]:
    return sorted(local_td.query(f"select * from td.{database}.{model}"), key=repr)


def test_a_load_does_not_depend_on_how_days_are_grouped_into_runs(local_td, project):
    load(project, "group_one_range", "-2d/2026-11-07")  # 11-05 and 11-06 in one run
    load(project, "group_day_by_day", "-1d/2026-11-06")
    load(project, "group_day_by_day", "-1d/2026-11-07")
    load(project, "group_newer_first", "-1d/2026-11-07")  # the later day first: a backfill
    load(project, "group_newer_first", "-1d/2026-11-06")

    one_range = rows(local_td, "group_one_range", "incremental_events")
    assert rows(local_td, "group_day_by_day", "incremental_events") == one_range
    assert rows(local_td, "group_newer_first", "incremental_events") == one_range
    # The copy at 00:00:05 is the same event as its original at 23:59:55 the day before.
    kept = [row for row in one_range if row[0] == "dup-across-midnight"]
    assert len(kept) == 1 and kept[0][6] == "2026-11-05" and kept[0][3] == "/a"  # event_date, path
    assert len([row for row in one_range if row[0] == "dup-same-day"]) == 1


def test_incremental_predicates_narrow_the_delete_and_the_insert_alike(local_td, project):
    """A re-run with `incremental_predicates` replaces what it deleted: no growth, no alias error."""
    counts = []
    for _ in range(3):
        load(project, "predicates", "-1d/2026-11-07", select="mobile_replaced_events")  # 2026-11-06
        counts.append(local_td.query("select count(*) from td.predicates.mobile_replaced_events")[0][0])
    source = local_td.query(
        f"select count(*) from td.raw.events where time >= {_unix('2026-11-06 00:00:00')} "
        f"and time < {_unix('2026-11-07 00:00:00')}"
    )[0][0]
    assert counts == [source, source, source]
    mobile = local_td.query(
        "select count(*) from td.predicates.mobile_replaced_events where device = 'mobile'"
    )
    assert 0 < mobile[0][0] < source  # the predicate selected some of the window's rows


def test_two_loads_of_one_model_for_different_days_run_at_once(local_td, project):
    """With the td pool above 1: no shared staging table, so neither fails nor reads the other's rows."""
    load(project, "concurrent", "-1d/2026-11-05")  # 11-04: the table exists before the two loads race
    first = load(project, "concurrent", "-1d/2026-11-06", background=True)  # 11-05
    second = load(project, "concurrent", "-1d/2026-11-07", background=True)  # 11-06
    outputs = [process.communicate(timeout=600)[0] for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs
    days = dict(
        local_td.query("select event_date, count(*) from td.concurrent.incremental_events group by 1")
    )
    assert set(days) == {"2026-11-04", "2026-11-05", "2026-11-06"}
    reference = dict(
        local_td.query("select event_date, count(*) from td.group_one_range.incremental_events group by 1")
    )
    assert days["2026-11-05"] == reference["2026-11-05"] and days["2026-11-06"] == reference["2026-11-06"]
    leftovers = local_td.query(
        "select table_name from td.information_schema.tables where table_schema = 'concurrent' "
        "and table_name like '%dbt_tmp%'"
    )
    assert leftovers == []
    # Each load staged its rows in a table of its own (the fixed `__dbt_tmp` name made them collide).
    stages = {
        match
        for line in local_td.statement_log.read_text().splitlines()
        for match in re.findall(r'concurrent"?\."?(incremental_events__dbt_tmp\w*)', json.loads(line)["sql"])
    }
    assert len(stages) == 3, stages


def test_a_table_model_whose_rebuild_fails_keeps_the_previous_table(local_td, project):
    dbt(project, "fragile", "run", "--select", "fragile_mart", "--vars", json.dumps({"fragile_input": "7"}))
    assert local_td.query("select value from td.fragile.fragile_mart") == [(7,)]
    failed = dbt(
        project,
        "fragile",
        "run",
        "--select",
        "fragile_mart",
        "--vars",
        json.dumps({"fragile_input": "seven"}),
        check=False,
    )
    assert failed.returncode == 1 and "fragile_mart" in failed.stdout
    assert local_td.query("select value from td.fragile.fragile_mart") == [(7,)]  # still readable
    dbt(project, "fragile", "run", "--select", "fragile_mart", "--vars", json.dumps({"fragile_input": "8"}))
    assert local_td.query("select value from td.fragile.fragile_mart") == [(8,)]
    tables = local_td.query(
        "select table_name from td.information_schema.tables where table_schema = 'fragile'"
    )
    assert tables == [("fragile_mart",)]  # the build-beside table is gone after success


def test_intermediates_a_killed_run_left_never_block_the_next_run(local_td, project, monkeypatch, capsys):
    """A run killed between building a model's new table and dropping it leaves `<model>__dbt_tmp`
    behind; every later rebuild then failed with TABLE_ALREADY_EXISTS until it was dropped by hand.
    Doctor lists such leftovers, and the next rebuild (table model, incremental full refresh)
    drops its own and writes what an uninterrupted run writes."""
    # The mart of the report (a table model with its staging parents), a fixture table model, and
    # an incremental model, whose full refresh builds beside the old table the same way.
    models = ("--select", "+user_session_metrics fragile_mart incremental_events")
    window = {"target_range": "-1d/2026-11-06", "td_timezone": "Asia/Tokyo"}
    dbt(project, "leftover", "run", *models, "--vars", json.dumps({**window, "fragile_input": "7"}))
    uninterrupted = rows(local_td, "leftover", "incremental_events")
    sessions = rows(local_td, "leftover", "user_session_metrics")
    assert (
        uninterrupted and sessions and local_td.query("select value from td.leftover.fragile_mart") == [(7,)]
    )
    # What killed runs leave: the fixed intermediates (with rows the next run must not publish),
    # and a td_window stage named per invocation (never reused, so it blocks nothing).
    local_td.query("create table td.leftover.fragile_mart__dbt_tmp as select 99 as value, 0 as time")
    local_td.query(
        "create table td.leftover.user_session_metrics__dbt_tmp as "
        "select * from td.leftover.user_session_metrics limit 1"
    )
    local_td.query(
        "create table td.leftover.incremental_events__dbt_tmp as "
        "select * from td.leftover.incremental_events limit 1"
    )
    local_td.query(
        "create table td.leftover.incremental_events__dbt_tmp_0123456789ab as "
        "select * from td.leftover.incremental_events limit 1"
    )

    monkeypatch.setenv("TD_DATABASE", "leftover")
    assert main(["doctor"]) == 0
    listed = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("leftover"))
    assert listed.endswith(
        ": fragile_mart__dbt_tmp, incremental_events__dbt_tmp, incremental_events__dbt_tmp_0123456789ab, "
        "user_session_metrics__dbt_tmp"
    )

    dbt(
        project,
        "leftover",
        "run",
        "--full-refresh",
        *models,
        "--vars",
        json.dumps({**window, "fragile_input": "8"}),
    )
    assert local_td.query("select value from td.leftover.fragile_mart") == [(8,)]
    assert rows(local_td, "leftover", "incremental_events") == uninterrupted
    assert rows(local_td, "leftover", "user_session_metrics") == sessions
    tables = local_td.query(
        "select table_name from td.information_schema.tables where table_schema = 'leftover'"
    )
    # Only the per-invocation stage stays: it may belong to a run still going, so no run drops it.
    assert sorted(name for (name,) in tables if "__dbt_" in name) == [
        "incremental_events__dbt_tmp_0123456789ab"
    ]


def test_results_survive_a_rotating_dbt_log(local_td, definitions, instance, monkeypatch):
    """DBT_LOG_FILE_MAX_BYTES=20000 rotated dbt.log mid-run: row counts and query ids went missing
    and the window check failed. The run now keeps dbt.log whole (--log-file-max-bytes 0)."""
    from dagster import AssetCheckKey, AssetSelection, Definitions, define_asset_job

    from orchestration.partition_window_checks import CHECK_NAME

    from .test_end_to_end import PARTITIONED, load_job, run_load

    monkeypatch.setenv("DBT_LOG_FILE_MAX_BYTES", "20000")
    result = run_load(load_job(definitions), instance, "2026-11-08", "2026-11-10")
    materializations = [
        event.event_specific_data.materialization for event in result.get_asset_materialization_events()
    ]
    assert len(materializations) == 6  # two models x three days
    for materialization in materializations:
        assert materialization.metadata["td/query_id"].value
        assert materialization.metadata["td/run_rows_affected"].value > 0
        day = materialization.partition
        table = materialization.asset_key.path[-1]
        assert (
            materialization.metadata["td/rows"].value
            == local_td.query(f"select count(*) from {table} where event_date = '{day}'")[0][0]
        )
    checks = define_asset_job(
        "window_checks_after_rotation",
        selection=AssetSelection.checks(*(AssetCheckKey(key, CHECK_NAME) for key in PARTITIONED)),
    )
    evaluations = (
        Definitions.merge(definitions, Definitions(jobs=[checks]))
        .resolve_job_def(checks.name)
        .execute_in_process(instance=instance)
        .get_asset_check_evaluations()
    )
    assert {(e.asset_key, e.passed) for e in evaluations} == {(key, True) for key in PARTITIONED}
