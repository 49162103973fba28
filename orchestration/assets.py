"""The dbt resources as up to three asset definitions: daily-partitioned (the td_window incremental
models), snapshots, and the rest (tables, seeds, ...); a project without one kind has no such
definition.

The bodies only build a dbt command line (dbt_args.py) and stream dbt's events, adding the
warehouse's own metadata to each materialization.
"""

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from dagster import (
    AssetExecutionContext,
    AssetMaterialization,
    AssetsDefinition,
    BackfillPolicy,
    Config,
    DailyPartitionsDefinition,
    Failure,
    MetadataValue,
    Output,
    RetryRequested,
)
from dagster_dbt import DbtCliResource, DbtProject, dbt_assets
from dagster_dbt.errors import DagsterDbtCliRuntimeError
from pydantic import Field

from orchestration.dbt_args import (
    dbt_build_args,
    full_refresh_requested,
    indirect_selection_env,
    partition_run_env,
    partitioned_dbt_vars,
    reads_run_env,
)
from orchestration.dbt_node_results import NodeResultLog
from orchestration.late_data import (
    WatchedSources,
    source_versions_for_load,
    source_versions_metadata,
    watched_sources,
)
from orchestration.materialization_metadata import (
    ROWS_AFFECTED_KEY,
    RUN_ROWS_AFFECTED_KEY,
    TARGET_RANGE_KEY,
    adapter_response_metadata,
)
from orchestration.model_selection import (
    NOT_UNPARTITIONED_SELECTOR,
    PARTITIONED_SELECTOR,
    SNAPSHOT_SELECTOR,
    is_partitioned_model,
    is_snapshot,
)
from orchestration.partition_rows import ROWS_KEY, rows_per_day, rows_per_day_sql
from orchestration.partitions import full_refresh_problem
from orchestration.pool_slots import dbt_process_tags
from orchestration.project import TdDbtCliResource, prune_invocation_dirs
from orchestration.retries import MAX_RETRIES, is_transient_warehouse_error, retry_delay_seconds
from orchestration.settings import Settings
from orchestration.translator import TdDbtTranslator
from orchestration.warehouse import fetch_rows, prepare_warehouse, reference_now

#: Concurrency pool shared by everything that queries the warehouse (limits: dagster.yaml).
WAREHOUSE_POOL = "td"
PARTITIONED_ASSETS_NAME = "td_partitioned_models"
UNPARTITIONED_ASSETS_NAME = "td_models"
SNAPSHOT_ASSETS_NAME = "td_snapshots"
DBT_ASSETS_NAMES = (PARTITIONED_ASSETS_NAME, UNPARTITIONED_ASSETS_NAME, SNAPSHOT_ASSETS_NAME)


class DbtRunConfig(Config):
    full_refresh: bool = Field(
        default=False,
        description=(
            "Rebuild the selected models from scratch (dbt --full-refresh). For partitioned models the "
            "run must cover every partition, first to last: a sub-range is refused before any SQL, "
            "since the rebuilt table would hold only those days. Backfills take no run config: tag "
            "the backfill td/full_refresh=true instead."
        ),
    )


@dataclass(frozen=True)
class DbtAssetDefinitions:
    """The project's dbt asset definitions by kind (None where the project has no such resource)."""

    partitioned: AssetsDefinition | None
    unpartitioned: AssetsDefinition | None
    snapshots: AssetsDefinition | None

    @property
    def models(self) -> list[AssetsDefinition]:
        """The definitions the daily load builds (everything but snapshots)."""
        return [d for d in (self.partitioned, self.unpartitioned) if d is not None]

    @property
    def all(self) -> list[AssetsDefinition]:
        return [d for d in (self.partitioned, self.unpartitioned, self.snapshots) if d is not None]


def build_dbt_assets(
    project: DbtProject,
    partitions: DailyPartitionsDefinition,
    settings: Settings,
    manifest: Mapping[str, Any],
    translator: TdDbtTranslator | None = None,
    watched: WatchedSources | None = None,
) -> DbtAssetDefinitions:
    """The partitioned, unpartitioned and snapshot dbt asset definitions of `manifest` (dbt's
    manifest.json as a dict, parsed once by the caller and shared by every definition), and
    `watched`, what the partitioned models read (late_data.watched_sources, if the caller has it)."""
    translator = translator or TdDbtTranslator()
    window_in_env = reads_run_env(manifest)
    watched = watched or watched_sources(project, manifest, translator)
    buildable = [
        node for node in manifest["nodes"].values() if node["resource_type"] in ("model", "seed", "snapshot")
    ]
    has_partitioned = any(is_partitioned_model(node) for node in buildable)
    has_snapshots = any(is_snapshot(node) for node in buildable)
    has_unpartitioned = any(not is_partitioned_model(node) and not is_snapshot(node) for node in buildable)

    partitioned_models = None
    if has_partitioned:

        @dbt_assets(
            manifest=manifest,
            project=project,
            select=PARTITIONED_SELECTOR,
            partitions_def=partitions,
            backfill_policy=BackfillPolicy.single_run(),  # a range backfill is one dbt invocation
            dagster_dbt_translator=translator,
            name=PARTITIONED_ASSETS_NAME,
            pool=WAREHOUSE_POOL,
        )
        def partitioned_models(context: AssetExecutionContext, dbt: DbtCliResource, config: DbtRunConfig):
            # has_partitions covers a single key and a range (has_partition_key is False in a range
            # run); a checks-only run has neither, and partition_time_window would raise there.
            load = None
            if context.op_execution_context.has_partitions:
                keys, window = context.partition_key_range, context.partition_time_window
                load = PartitionLoad(
                    keys.start, keys.end, partitioned_dbt_vars(window.start, window.end, partitions.timezone)
                )
                if full_refresh_requested(config.full_refresh, context.run.tags):
                    problem = full_refresh_problem(keys.start, keys.end, partitions, reference_now(settings))
                    if problem:
                        raise Failure(description=problem)
                # What this load reads, fingerprinted before dbt reads it: rows arriving in between
                # make the next observation differ, so they are re-loaded, never missed.
                # Not logged here: _run_dbt logs the same readiness a moment later, and each log
                # line is one more event the instance stores.
                prepare_warehouse(settings)
                models = [watched.model_id(key) for key in context.selected_asset_keys]
                load.source_versions.update(
                    source_versions_for_load(
                        settings, watched, [m for m in models if m], keys.start, keys.end, partitions.timezone
                    )
                )
            yield from _run_dbt(context, dbt, settings, load, config, window_in_env)

    def unpartitioned(name: str, **selection: str) -> AssetsDefinition:
        """Assets built with no partition vars: `selection` is dbt_assets' select= or exclude=."""

        @dbt_assets(
            manifest=manifest,
            project=project,
            dagster_dbt_translator=translator,
            name=name,
            pool=WAREHOUSE_POOL,
            **selection,
        )
        def built_whole(context: AssetExecutionContext, dbt: DbtCliResource, config: DbtRunConfig):
            yield from _run_dbt(context, dbt, settings, None, config, window_in_env)

        return built_whole

    unpartitioned_models = (
        unpartitioned(UNPARTITIONED_ASSETS_NAME, exclude=NOT_UNPARTITIONED_SELECTOR)
        if has_unpartitioned
        else None
    )
    snapshots = unpartitioned(SNAPSHOT_ASSETS_NAME, select=SNAPSHOT_SELECTOR) if has_snapshots else None

    return DbtAssetDefinitions(
        partitioned=partitioned_models, unpartitioned=unpartitioned_models, snapshots=snapshots
    )


@dataclass(frozen=True)
class PartitionLoad:
    """What a partitioned run loads: keys first..last (local dates) and the dbt vars of that window."""

    first_key: str
    last_key: str
    dbt_vars: dict[str, str]
    #: model unique id -> day -> source -> {source day: data version} (late_data.py)
    source_versions: dict[str, dict[str, dict[str, dict[str, str]]]] = field(default_factory=dict)

    @property
    def target_range(self) -> str:
        return self.dbt_vars["target_range"]

    @property
    def timezone(self) -> str:
        return self.dbt_vars["td_timezone"]


def _run_dbt(
    context: AssetExecutionContext,
    dbt: DbtCliResource,
    settings: Settings,
    load: PartitionLoad | None,
    config: DbtRunConfig,
    window_in_env: bool = False,
) -> Iterator[Any]:
    """Run `dbt build` for the step and stream its events with the warehouse's metadata.

    `window_in_env`: the project's macros read the partition window from TD_RUN_* (reads_run_env);
    otherwise, or with another dbt resource than TdDbtCliResource, the window goes in --vars.
    """
    prepare_warehouse(settings, context.log)
    prune_invocation_dirs(settings.dbt_project_dir / "target", keep=settings.dbt_targets_kept)
    # Only this project's resource can add environment variables to dbt's process.
    window_in_env = window_in_env and isinstance(dbt, TdDbtCliResource)
    # Without a window, the variables are set empty: a value left in this process's environment
    # must not narrow the unpartitioned models.
    window_env = partition_run_env(load.dbt_vars if load else {}) if window_in_env else {}
    env = {**window_env, **(indirect_selection_env(os.environ) if isinstance(dbt, TdDbtCliResource) else {})}
    args = dbt_build_args(
        dbt_vars=load.dbt_vars if load and not window_in_env else None,
        full_refresh=full_refresh_requested(config.full_refresh, context.run.tags),
    )
    shown = "".join(f"{name}={value} " for name, value in sorted(window_env.items()) if value)
    context.log.info("Running %sdbt %s", shown, " ".join(args))
    invocation = dbt.cli_with_env(args, env, context=context) if env else dbt.cli(args, context=context)
    # If this run's process dies (SIGKILL), its dbt child lives on; the next run stops it by this pid.
    context.instance.add_run_tags(context.run.run_id, dbt_process_tags(invocation.process.pid))
    node_results = NodeResultLog(invocation.target_path / "dbt.log")
    try:
        for event in invocation.stream_raw_events():
            for dagster_event in event.to_default_asset_events(
                manifest=invocation.manifest,
                dagster_dbt_translator=invocation.dagster_dbt_translator,
                context=context,
                target_path=invocation.target_path,
                project=invocation.project,
            ):
                if isinstance(dagster_event, (Output, AssetMaterialization)):
                    unique_id = event.raw_event["data"]["node_info"]["unique_id"]
                    finished = node_results.finished_event(unique_id)
                    extra = adapter_response_metadata(finished or {}, settings.td_console_url)
                    node = invocation.manifest["nodes"].get(unique_id, {})
                    if load is not None and is_partitioned_model(node):
                        extra = _partition_metadata(context, dagster_event, node, load, settings, extra)
                    dagster_event = dagster_event.with_metadata({**dagster_event.metadata, **extra})
                yield dagster_event
    except DagsterDbtCliRuntimeError as error:
        if is_transient_warehouse_error(str(error)) and context.retry_number < MAX_RETRIES:
            delay = retry_delay_seconds(context.retry_number)
            context.log.warning(
                "Warehouse trouble (retry %d in %d s): %s", context.retry_number + 1, delay, error
            )
            raise RetryRequested(max_retries=MAX_RETRIES, seconds_to_wait=delay) from error
        raise


def _partition_metadata(
    context: AssetExecutionContext,
    event: Output | AssetMaterialization,
    node: dict[str, Any],
    load: PartitionLoad,
    settings: Settings,
    metadata: dict[str, Any],
) -> dict[str, Any]:
    """Each loaded day's own row count (`td/rows`), measured in the table with one grouped query.

    dbt's rows_affected counts the whole range run, so on the materializations it becomes
    `td/run_rows_affected` beside the run's `td/target_range`.
    """
    asset_key = (
        event.asset_key
        if isinstance(event, AssetMaterialization)
        else context.asset_key_for_output(event.output_name)
    )
    sql = rows_per_day_sql({"model": node["relation_name"]}, load.first_key, load.last_key, load.timezone)
    rows, _query_id = fetch_rows(settings, sql)
    recorded = load.source_versions.get(node["unique_id"], {})
    for day, count in rows_per_day(rows, ["model"], load.first_key, load.last_key)["model"].items():
        versions = source_versions_metadata(recorded[day]) if day in recorded else {}
        context.add_asset_metadata(
            {ROWS_KEY: MetadataValue.int(count), **versions}, asset_key=asset_key, partition_key=day
        )
    metadata = dict(metadata)
    if ROWS_AFFECTED_KEY in metadata:
        metadata[RUN_ROWS_AFFECTED_KEY] = metadata.pop(ROWS_AFFECTED_KEY)
    metadata[TARGET_RANGE_KEY] = MetadataValue.text(load.target_range)
    return metadata
