"""dbt command lines built for partitioned, range, unpartitioned and full-refresh runs."""

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from orchestration.dbt_args import (
    FULL_REFRESH_TAG,
    dbt_build_args,
    full_refresh_requested,
    indirect_selection_env,
    partition_run_env,
    partitioned_dbt_vars,
    reads_run_env,
)
from orchestration.partitions import PartitionRangeError, daily_partitions_def

TOKYO = ZoneInfo("Asia/Tokyo")


def test_one_partition_passes_an_absolute_one_day_range_and_its_zone():
    window = daily_partitions_def("Asia/Tokyo", "2025-01-01").time_window_for_partition_key("2026-11-22")
    assert partitioned_dbt_vars(window.start, window.end, "Asia/Tokyo") == {
        "target_range": "-1d/2026-11-23",
        "td_timezone": "Asia/Tokyo",
    }


# dbt.log must not rotate under a run that follows it (dbt_node_results), whatever the environment says.
LOG_ARGS = ["build", "--log-file-max-bytes", "0", "--log-level-file", "debug"]


def test_a_range_run_passes_the_whole_window_in_one_invocation():
    start, end = datetime(2026, 11, 18, tzinfo=TOKYO), datetime(2026, 11, 23, tzinfo=TOKYO)
    args = dbt_build_args(dbt_vars=partitioned_dbt_vars(start, end, "Asia/Tokyo"))
    assert args[: len(LOG_ARGS)] == LOG_ARGS and args[-2] == "--vars"
    assert json.loads(args[-1]) == {"target_range": "-5d/2026-11-23", "td_timezone": "Asia/Tokyo"}


def test_a_dst_zone_counts_local_days():
    la = ZoneInfo("America/Los_Angeles")
    start, end = datetime(2026, 3, 7, tzinfo=la), datetime(2026, 3, 10, tzinfo=la)  # spans the spring jump
    assert partitioned_dbt_vars(start, end, "America/Los_Angeles")["target_range"] == "-3d/2026-03-10"


def test_runs_without_partitions_pass_no_vars():
    assert dbt_build_args() == LOG_ARGS
    assert dbt_build_args(dbt_vars={}) == LOG_ARGS


def test_full_refresh():
    assert dbt_build_args(full_refresh=True) == [*LOG_ARGS, "--full-refresh"]
    assert full_refresh_requested(True, {})
    assert full_refresh_requested(False, {FULL_REFRESH_TAG: "true"})
    assert full_refresh_requested(False, {FULL_REFRESH_TAG: "True "})
    assert not full_refresh_requested(False, {FULL_REFRESH_TAG: "false"})
    assert not full_refresh_requested(False, {})
    with pytest.raises(ValueError, match="td/full_refresh='yes please'"):
        full_refresh_requested(False, {FULL_REFRESH_TAG: "yes please"})


def test_a_window_that_is_not_whole_days_never_reaches_dbt():
    with pytest.raises(PartitionRangeError, match="not a local midnight"):
        partitioned_dbt_vars(
            datetime(2026, 11, 22, 9, tzinfo=TOKYO), datetime(2026, 11, 23, tzinfo=TOKYO), "Asia/Tokyo"
        )


def test_the_window_goes_to_dbt_in_the_environment_the_macros_read():
    start, end = datetime(2026, 11, 18, tzinfo=TOKYO), datetime(2026, 11, 23, tzinfo=TOKYO)
    assert partition_run_env(partitioned_dbt_vars(start, end, "Asia/Tokyo")) == {
        "TD_RUN_TARGET_RANGE": "-5d/2026-11-23",
        "TD_RUN_TIMEZONE": "Asia/Tokyo",
    }
    # An unpartitioned invocation clears them: a value left in the environment must not narrow it.
    assert partition_run_env({}) == {"TD_RUN_TARGET_RANGE": "", "TD_RUN_TIMEZONE": ""}


def test_a_project_whose_macros_predate_the_environment_gets_vars():
    # The macro is what reads TD_RUN_*: without it a run would read the project's default range.
    current = {"macros": {"macro.p.td_run_value": {"name": "td_run_value"}}}
    older = {"macros": {"macro.p.target_range": {"name": "target_range"}}}
    assert reads_run_env(current)
    assert not reads_run_env(older)


def test_a_project_reading_a_window_var_directly_gets_vars():
    # A direct var('target_range') sees only --vars: with the window in TD_RUN_* it would read the
    # default range while td_window replaces one day, loading the other days' rows again.
    def manifest(model_sql: str, macro_sql: str = "") -> dict:
        return {
            "metadata": {"project_name": "shop"},
            "macros": {
                "macro.td_dbt.td_run_value": {"name": "td_run_value", "package_name": "td_dbt"},
                # td_dbt's own validators read the var (after TD_RUN_*): not the project's code.
                "macro.td_dbt.target_range": {
                    "name": "target_range",
                    "package_name": "td_dbt",
                    "macro_sql": "td_run_value('TD_RUN_TARGET_RANGE', var('target_range'))",
                },
                "macro.shop.window": {"name": "window", "package_name": "shop", "macro_sql": macro_sql},
            },
            "nodes": {"model.shop.orders": {"raw_code": model_sql}},
        }

    assert reads_run_env(manifest("where TD_INTERVAL(time, '{{ td_dbt.target_range() }}')"))
    assert not reads_run_env(manifest("""where TD_INTERVAL(time, '{{ var("target_range") }}')"""))
    assert not reads_run_env(manifest("select 1", macro_sql="{{ return(var( 'td_timezone' )) }}"))


def test_a_steps_tests_are_selected_buildable_unless_the_user_chose_a_mode():
    # dbt's modes (dbt docs, "Test selection examples"): eager, cautious, buildable, empty.
    assert indirect_selection_env({}) == {"DBT_INDIRECT_SELECTION": "buildable"}
    assert indirect_selection_env({"DBT_INDIRECT_SELECTION": " "}) == {"DBT_INDIRECT_SELECTION": "buildable"}
    assert indirect_selection_env({"DBT_INDIRECT_SELECTION": "eager"}) == {}
