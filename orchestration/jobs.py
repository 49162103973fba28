"""The asset jobs: the daily load, the checks-only test run, and a range load with its tests."""

from __future__ import annotations

from collections.abc import Sequence

from dagster import AssetsDefinition, AssetSelection, define_asset_job

DAILY_JOB_NAME = "daily_incremental"
TEST_JOB_NAME = "dbt_tests"
RANGE_JOB_NAME = "load_and_test"


def build_jobs(model_assets_defs: Sequence[AssetsDefinition]) -> list:
    """The jobs; partitioned ones take their daily partitions from the selected assets."""
    models = AssetSelection.assets(*model_assets_defs)
    return [
        define_asset_job(
            DAILY_JOB_NAME,
            # Every model: the partition's window of the incremental ones, then the unpartitioned
            # ones (built without partition vars). Tests run in their own job an hour later.
            selection=models.without_checks(),
            description="Load one day (yesterday, on schedule) of the incremental models, then rebuild the rest.",
        ),
        define_asset_job(
            TEST_JOB_NAME,
            selection=AssetSelection.checks_for_assets(*model_assets_defs),
            description="Run the dbt tests and the partition-window checks (checks only, nothing is rebuilt).",
        ),
        define_asset_job(
            RANGE_JOB_NAME,
            selection=models,
            description=(
                "Load a partition range of the incremental models in one dbt invocation, rebuild the "
                "rest, and run every test (what `td-dagster run` launches)."
            ),
        ),
    ]
