"""The run summary the CLI prints last: what a user reads to know whether the day is good."""

from orchestration.range_run import AssetOutcome, RunSummary


def _summary(**fields) -> RunSummary:
    return RunSummary("run-1", "SUCCESS", "2026-11-20", "2026-11-22", "Asia/Tokyo", **fields)


def test_a_run_whose_checks_failed_says_so_in_its_heading_and_does_not_count_as_succeeded():
    summary = _summary(
        assets={"incremental_events": AssetOutcome()},
        checks_passed=["incremental_events:not_null_time"],
        checks_failed=["user_daily_activity:assert_daily_activity_matches_events", "page_views:unique_id"],
    )
    lines = summary.render(elapsed_seconds=12.4).splitlines()
    # Dagster records the run as SUCCESS (its models built); the heading adds what failed.
    assert lines[0] == "Run run-1: SUCCESS, 2 checks failed in 12 s"
    assert "  checks: 1 of 3 passed" in lines
    assert "    FAILED page_views:unique_id" in lines
    assert not summary.succeeded


def test_a_clean_run_heads_with_its_status_alone():
    summary = _summary(checks_passed=["incremental_events:not_null_time"])
    assert summary.render(elapsed_seconds=3).splitlines()[:2] == [
        "Run run-1: SUCCESS in 3 s",
        "  loaded days 2026-11-20..2026-11-22 (Asia/Tokyo) as target_range -3d/2026-11-23",
    ]
    assert summary.succeeded


# The message dagster-dbt's DagsterDbtCliRuntimeError carries when a model fails, as a run with a
# syntax error in page_views recorded it (trimmed paths).
DBT_FAILURE = """The dbt CLI process with command

`dbt build --target local --select fqn:*`

failed with exit code `1`. Check the stdout in the Dagster compute logs for the full information about the error, or view the dbt debug log: target/td_models-ab7597f/dbt.log.

Errors parsed from dbt logs:

13 of 18 ERROR creating sql table model analytics.page_views ................... [ERROR in 0.08s]

Failure in model page_views (models/marts/page_views.sql)

  Database Error in model page_views (models/marts/page_views.sql)
  TrinoUserError(type=USER_ERROR, name=SYNTAX_ERROR, message="line 6:16: mismatched input 'from'", query_id=q1)
  compiled code at target/td_models-ab7597f/run/td_analytics/models/marts/page_views.sql
"""


def test_a_dbt_failure_is_summarised_by_the_errors_dbt_printed_and_the_models_not_built():
    from dagster._utils.error import SerializableErrorInfo

    from orchestration.run_errors import root_cause

    error = SerializableErrorInfo(DBT_FAILURE, [], "DagsterDbtCliRuntimeError")
    wrapped = SerializableErrorInfo("Error occurred while executing op", [], "StepError", cause=error)
    cause = root_cause(wrapped)
    assert cause.splitlines() == [
        "dbt: Database Error in model page_views (models/marts/page_views.sql)",
        "TrinoUserError(type=USER_ERROR, name=SYNTAX_ERROR, message=\"line 6:16: mismatched input 'from'\", query_id=q1)",
    ]
    summary = _summary(assets={"stg_events": AssetOutcome(rows=5)}, not_built=["page_views"], errors=[cause])
    summary.status = "FAILURE"
    lines = summary.render(elapsed_seconds=5).splitlines()
    assert "  page_views                   not built" in lines
    assert lines[-2:] == [
        "  error: dbt: Database Error in model page_views (models/marts/page_views.sql)",
        "         TrinoUserError(type=USER_ERROR, name=SYNTAX_ERROR, message=\"line 6:16: mismatched input 'from'\", query_id=q1)",
    ]


def test_a_failed_dbt_test_keeps_the_line_that_names_it():
    from dagster._utils.error import SerializableErrorInfo

    from orchestration.run_errors import root_cause

    message = (
        "The dbt CLI process with command\n\nfailed\n\nErrors parsed from dbt logs:\n\n"
        "8 of 12 FAIL 1 assert_daily_activity_matches_events .... [FAIL 1 in 0.15s]\n\n"
        "Failure in test assert_daily_activity_matches_events (tests/assert_daily_activity_matches_events.sql)\n"
        "  Got 1 result, configured to fail if != 0\n"
        "  compiled code at target/x/compiled/td_analytics/tests/assert_daily_activity_matches_events.sql\n"
    )
    assert root_cause(SerializableErrorInfo(message, [], "DagsterDbtCliRuntimeError")).splitlines() == [
        "dbt: Failure in test assert_daily_activity_matches_events (tests/assert_daily_activity_matches_events.sql)",
        "Got 1 result, configured to fail if != 0",
    ]


def test_a_run_that_failed_on_a_test_after_its_models_built_says_it_loaded_the_days():
    summary = _summary(
        assets={"incremental_events": AssetOutcome(partitions={"2026-11-20"})},
        checks_failed=["page_views:assert_no_bots"],
        errors=["dbt: Failure in test assert_no_bots (tests/assert_no_bots.sql)\nGot 3 results"],
    )
    summary.status = "FAILURE"  # dbt build exits 1 on a failed test: the step fails
    lines = summary.render(elapsed_seconds=7).splitlines()
    assert lines[0] == "Run run-1: FAILURE, 1 check failed in 7 s"
    assert lines[1].startswith("  loaded days 2026-11-20..2026-11-22")
    summary.not_built = ["page_views"]  # a model downstream of the failed test, skipped by dbt
    assert summary.render(elapsed_seconds=7).splitlines()[1].startswith("  tried to load days")
