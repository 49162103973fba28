"""`td-dagster stale` and `td-dagster run --stale`: observe the sources now, then print or re-load
the stale days (what the reload_late_data sensor does after each scheduled observation)."""

from __future__ import annotations

import sys

from orchestration.settings import Settings


def observe_and_find_stale(settings: Settings, verbosity=None):
    """Run the observation job (one query per watched source) in the local instance, then return
    the StaleReport (late_data.py). Raises SettingsError before any query on bad settings, and
    the observation's own error when it fails (WarehouseUnreachable when the endpoint cannot be
    reached); Dagster's events, and its step-failure traces, are shown only at Verbosity.VERBOSE."""
    from orchestration.code_location import build_definitions
    from orchestration.instance import local_instance
    from orchestration.late_data import OBSERVE_JOB_NAME, find_stale, watched_sources
    from orchestration.partitions import daily_partitions_def
    from orchestration.project import refresh_manifest
    from orchestration.terminal_output import Verbosity
    from orchestration.warehouse import prepare_warehouse, reference_now

    prepare_warehouse(settings)
    project = refresh_manifest(settings)
    definitions = build_definitions(settings)
    partitions = daily_partitions_def()
    watched = watched_sources(project, project_manifest(project))
    log_level = "WARNING" if verbosity is not None and verbosity >= Verbosity.VERBOSE else "CRITICAL"
    with local_instance() as instance:
        if watched.relations:
            definitions.resolve_job_def(OBSERVE_JOB_NAME).execute_in_process(
                instance=instance,
                # A failed observation is raised and told by the CLI in one line; Dagster's console
                # logger would print its step-failure stack first (hundreds of lines).
                run_config={"loggers": {"console": {"config": {"log_level": log_level}}}},
            )
        return find_stale(
            instance, watched, partitions, reference_now(settings), settings.late_data_lookback_days
        )


def project_manifest(project) -> dict:
    import json

    return json.loads(project.manifest_path.read_text())


def print_stale(settings: Settings, verbosity=None) -> int:
    """`td-dagster stale`: a heading per model, one stale key per line with the changed source days."""
    print(observe_and_find_stale(settings, verbosity).render())
    return 0


def run_stale(settings: Settings, verbosity=None) -> int:
    """`td-dagster run --stale`: re-load exactly the stale days, each group of consecutive days with
    the same stale models as one run tagged td/reason=late_data, shown as `td-dagster run` shows a
    run; exit 1 if a run failed."""
    from orchestration.cli_run import run_and_report
    from orchestration.late_data import LATE_DATA_REASON, REASON_TAG
    from orchestration.partition_rows import partition_keys_between
    from orchestration.terminal_output import Verbosity

    report = observe_and_find_stale(settings, verbosity)
    print(report.render())
    sys.stdout.flush()
    exit_code = 0
    for reload in report.reloads():
        # The stale models and what reads them (`+`): marts rebuild on the re-loaded days.
        select = " ".join(f"{_dbt_name(report, model)}+" for model in reload.models)
        exit_code |= run_and_report(
            settings,
            partition_keys_between(reload.first_key, reload.last_key),
            full_refresh=False,
            select=select,
            verbosity=Verbosity.NORMAL if verbosity is None else verbosity,
            tags={REASON_TAG: LATE_DATA_REASON},
        )
    return exit_code


def _dbt_name(report, model: str) -> str:
    from dagster import AssetKey

    return report.names[AssetKey.from_user_string(model)]
