"""The asset jobs: the daily load, the snapshots after it, the checks-only test run, and a range
load with its tests."""

from __future__ import annotations

from dagster import AssetSelection, define_asset_job

from orchestration.assets import DbtAssetDefinitions

DAILY_JOB_NAME = "daily_incremental"
SNAPSHOT_JOB_NAME = "dbt_snapshots"
TEST_JOB_NAME = "dbt_tests"
RANGE_JOB_NAME = "load_and_test"


def build_jobs(dbt_defs: DbtAssetDefinitions) -> list:
    """The jobs of the code location; the snapshot job only when the project has snapshots.

    Partitioned jobs take their daily partitions from the selected assets (define_asset_job's
    partitions_def is deprecated: it would only repeat them).
    """
    models = AssetSelection.assets(*dbt_defs.models)
    everything = AssetSelection.assets(*dbt_defs.all)
    jobs = [
        define_asset_job(
            DAILY_JOB_NAME,
            # Every model: the partition's window of the incremental ones, then the unpartitioned
            # ones (built without partition vars). Snapshots follow once this job succeeds
            # (schedules.py); tests run in their own job an hour later.
            selection=models.without_checks(),
            description="Load one day (yesterday, on schedule) of the incremental models, then rebuild the rest.",
        ),
        define_asset_job(
            TEST_JOB_NAME,
            selection=AssetSelection.checks_for_assets(*dbt_defs.all),
            description="Run the dbt tests and the partition-window checks (checks only, nothing is rebuilt).",
        ),
        define_asset_job(
            RANGE_JOB_NAME,
            selection=everything,
            description=(
                "Load a partition range of the incremental models in one dbt invocation, rebuild the "
                "rest, take the snapshots, and run every test (what `td-dagster run` launches)."
            ),
        ),
    ]
    if dbt_defs.snapshots is not None:
        jobs.append(
            define_asset_job(
                SNAPSHOT_JOB_NAME,
                selection=AssetSelection.assets(dbt_defs.snapshots),
                description=(
                    "Take the dbt snapshots and run their tests; launched when the daily load succeeds, "
                    "so they record the day's state of their sources."
                ),
            )
        )
    return jobs
