"""`td-dagster stale` and `td-dagster run --stale`: observe the sources now, then print or re-load
the stale days (what the reload_late_data sensor does after each scheduled observation)."""

from __future__ import annotations

import sys
import time

from orchestration.settings import Settings


def observe_and_find_stale(settings: Settings):
    """Run the observation job (one query per watched source) in the local instance, then return
    the StaleReport (late_data.py). Raises SettingsError before any query on bad settings."""
    from orchestration.code_location import build_definitions
    from orchestration.instance import local_instance
    from orchestration.late_data import OBSERVE_JOB_NAME, find_stale, watched_sources
    from orchestration.partitions import daily_partitions_def
    from orchestration.project import refresh_manifest
    from orchestration.warehouse import prepare_warehouse, reference_now

    prepare_warehouse(settings)
    project = refresh_manifest(settings)
    definitions = build_definitions(settings)
    partitions = daily_partitions_def()
    watched = watched_sources(project, project_manifest(project))
    with local_instance() as instance:
        if watched.relations:
            definitions.resolve_job_def(OBSERVE_JOB_NAME).execute_in_process(
                instance=instance,
                run_config={"loggers": {"console": {"config": {"log_level": "WARNING"}}}},
            )
        return find_stale(
            instance, watched, partitions, reference_now(settings), settings.late_data_lookback_days
        )


def project_manifest(project) -> dict:
    import json

    return json.loads(project.manifest_path.read_text())


def print_stale(settings: Settings) -> int:
    """`td-dagster stale`: a heading per model, one stale key per line with the changed source days."""
    print(observe_and_find_stale(settings).render())
    return 0


def run_stale(settings: Settings) -> int:
    """`td-dagster run --stale`: re-load exactly the stale days, each group of consecutive days with
    the same stale models as one run tagged td/reason=late_data; exit 1 if a run failed."""
    from orchestration.late_data import LATE_DATA_REASON, REASON_TAG
    from orchestration.range_run import run_partition_range

    report = observe_and_find_stale(settings)
    print(report.render())
    succeeded = True
    for reload in report.reloads():
        started = time.monotonic()
        # The stale models and what reads them (`+`): marts rebuild on the re-loaded days.
        select = " ".join(f"{_dbt_name(report, model)}+" for model in reload.models)
        summary = run_partition_range(
            settings, reload.first_key, reload.last_key, select=select, tags={REASON_TAG: LATE_DATA_REASON}
        )
        print(summary.render(elapsed_seconds=time.monotonic() - started))
        succeeded = succeeded and summary.succeeded
    sys.stdout.flush()
    return 0 if succeeded else 1


def _dbt_name(report, model: str) -> str:
    from dagster import AssetKey

    return report.names[AssetKey.from_user_string(model)]
