"""Everything the code location defines, built from settings (`definitions.py` is the entry point)."""

from __future__ import annotations

import json
from functools import lru_cache

from dagster import AssetKey, AssetSelection, AssetSpec, Definitions
from dagster_dbt import DbtProject

from orchestration.alerting import build_failure_sensors
from orchestration.assets import build_dbt_assets
from orchestration.dbt_packages import require_td_dbt_hooks
from orchestration.jobs import DAILY_JOB_NAME, SNAPSHOT_JOB_NAME, build_jobs
from orchestration.late_data import build_late_data_definitions, build_source_observations, watched_sources
from orchestration.model_selection import is_partitioned_model
from orchestration.partition_window_checks import build_partition_window_checks
from orchestration.partitions import daily_partitions_def
from orchestration.project import dbt_project, dbt_resource
from orchestration.schedules import (
    build_automation_sensor,
    build_schedules,
    build_snapshots_after_load_sensor,
)
from orchestration.settings import Settings
from orchestration.translator import SOURCES_GROUP, TdDbtTranslator


def build_definitions(settings: Settings | None = None) -> Definitions:
    """Everything Dagster loads: dbt assets, checks, jobs, schedules, sensors, the dbt resource."""
    settings = settings or Settings.from_env()
    project = dbt_project(settings)
    require_td_dbt_hooks(settings.dbt_project_dir, _manifest(project))
    partitions = daily_partitions_def()
    # The manifest is read once and every part translates it with one translator, whose memo is
    # keyed on this dict and project: a 2,000-model project is translated once, not four times.
    manifest = _manifest(project)
    translator = TdDbtTranslator()
    watched = watched_sources(project, manifest, translator)
    dbt_defs = build_dbt_assets(project, partitions, settings, manifest, translator, watched)
    relations = partitioned_relations(project, manifest, translator)
    window_checks = (
        [build_partition_window_checks(list(relations), relations, partitions.timezone, settings)]
        if relations
        else []
    )
    jobs = build_jobs(dbt_defs)
    jobs_by_name = {job.name: job for job in jobs}
    observations = build_source_observations(watched, manifest, partitions, settings)
    late_jobs, late_schedules, late_sensors = build_late_data_definitions(
        observations, watched, jobs_by_name[DAILY_JOB_NAME], partitions, settings
    )
    sensors = [
        build_automation_sensor(AssetSelection.assets(*dbt_defs.models), settings.schedules_enabled),
        *build_failure_sensors(settings.alert_webhook_url, settings.webserver_url),
        *late_sensors,
    ]
    if SNAPSHOT_JOB_NAME in jobs_by_name:
        sensors.append(
            build_snapshots_after_load_sensor(
                jobs_by_name[DAILY_JOB_NAME], jobs_by_name[SNAPSHOT_JOB_NAME], settings.schedules_enabled
            )
        )
    return Definitions(
        assets=[
            *dbt_defs.all,
            *observations,
            *_source_specs(project, manifest, translator, set(watched.source_asset_keys.values())),
        ],
        asset_checks=window_checks,
        jobs=[*jobs, *late_jobs],
        schedules=[
            *build_schedules(
                jobs_by_name, partitions, settings.schedules_enabled, settings.load_lookback_days
            ),
            *late_schedules,
        ],
        sensors=sensors,
        resources={"dbt": dbt_resource(settings)},
    )


def partitioned_relations(
    project: DbtProject, manifest: dict | None = None, translator: TdDbtTranslator | None = None
) -> dict[AssetKey, str]:
    """Asset key -> warehouse relation (`"td"."analytics"."model"`) of every partitioned model.

    `manifest` (dbt's manifest.json as a dict) defaults to the project's; pass the translator the
    asset definitions used to reuse its translations.
    """
    manifest = _manifest(project) if manifest is None else manifest
    translator = translator or TdDbtTranslator()
    return {
        translator.get_asset_spec(manifest, unique_id, project).key: node["relation_name"]
        for unique_id, node in manifest["nodes"].items()
        if is_partitioned_model(node)
    }


def _source_specs(
    project: DbtProject, manifest: dict, translator: TdDbtTranslator, observed: set[AssetKey]
) -> list[AssetSpec]:
    """The TD tables the models read, shown as external assets in their own group (those the
    partitioned models read are observable assets instead: late_data.py)."""
    specs = []
    for unique_id, source in manifest["sources"].items():
        spec = translator.get_asset_spec(manifest, unique_id, project)
        if spec.key in observed:
            continue
        specs.append(
            AssetSpec(
                key=spec.key,
                group_name=SOURCES_GROUP,
                description=source.get("description") or f"TD table {source['relation_name']}",
                kinds={"treasuredata"},
                metadata={"relation": source["relation_name"]},
            )
        )
    return specs


def _manifest(project: DbtProject) -> dict:
    return _manifest_written_at(project, project.manifest_path.stat().st_mtime_ns)


@lru_cache(maxsize=4)
def _manifest_written_at(project: DbtProject, _mtime_ns: int) -> dict:
    # Cached per project: the same dict (same identity) for every definition built from it. Keyed
    # on the file's time too: dbt_project() re-parses when the environment changed (another
    # TD_DATABASE), and the new relations must be read.
    return json.loads(project.manifest_path.read_text())
