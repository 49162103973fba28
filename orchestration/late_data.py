"""Late-arriving data in Dagster: the sources as daily-partitioned observable assets, the
observation job and its schedule, and the sensor that re-loads the stale days.

Why a sensor and not declarative automation: an AutomationCondition sees a source partition as
"updated" when its observed data version differs from the *previous observation*, not from the
version the model's load read. The first observation after a load (or after a deploy) would then
re-load every observed day, and a change that arrived before a load would re-load it again. The
sensor compares each observation with the versions the load recorded (`td/source_versions`,
stale_partitions.py) and launches one range run per group of consecutive stale days, which
declarative automation cannot group that way either. It runs when an observation run succeeds, on
the daily job, so the re-loads hold the `td` pool like every other dbt run, and carry
`td/reason=late_data`.

Pure parts: source_fingerprints.py (the query), stale_partitions.py (the comparison).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from dagster import (
    AssetKey,
    AssetObservation,
    AssetRecordsFilter,
    DagsterInstance,
    DagsterRunStatus,
    DailyPartitionsDefinition,
    DataVersionsByPartition,
    DefaultScheduleStatus,
    DefaultSensorStatus,
    MetadataValue,
    RunRequest,
    RunStatusSensorContext,
    ScheduleDefinition,
    SkipReason,
    define_asset_job,
    observable_source_asset,
    run_status_sensor,
)
from dagster._core.definitions.data_version import DATA_VERSION_TAG  # what DataVersion writes
from dagster._core.storage.tags import (  # the tags of a partition range run (Dagster's own)
    ASSET_PARTITION_RANGE_END_TAG,
    ASSET_PARTITION_RANGE_START_TAG,
)
from dagster_dbt import DbtProject

from orchestration.partition_rows import ROWS_KEY, partition_keys_between
from orchestration.partition_status import LOADED, read_statuses
from orchestration.partitions import KEY_FORMAT, parse_partition_key
from orchestration.settings import Settings
from orchestration.source_fingerprints import (
    SOURCE_VERSIONS_KEY,
    Fingerprint,
    ModelReads,
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
from orchestration.translator import SOURCES_GROUP, TdDbtTranslator

OBSERVE_JOB_NAME = "observe_sources"
RELOAD_SENSOR_NAME = "reload_late_data"
#: Run tag naming why a run was launched; re-loads of stale days carry `late_data`.
REASON_TAG = "td/reason"
LATE_DATA_REASON = "late_data"
MAX_TIME_KEY = "td/max_time"


@dataclass(frozen=True)
class WatchedSources:
    """The TD sources read by partitioned models, and what each partitioned model reads.

    `relations`: source key (`raw/events`) -> relation; `reads`: model unique id -> ModelReads
    (sources as source keys); `model_keys`: model unique id -> asset key.
    """

    relations: Mapping[str, str]
    reads: Mapping[str, ModelReads]
    model_keys: Mapping[str, AssetKey]
    source_asset_keys: Mapping[str, AssetKey]

    def sources_of(self, model_ids: Iterable[str]) -> dict[str, str]:
        """source key -> relation, for the sources these models read."""
        return {
            source: self.relations[source]
            for model in model_ids
            if model in self.reads
            for source in self.reads[model].sources
        }

    @property
    def max_lookback_days(self) -> int:
        """The most days before its own that a partitioned model's load reads (lookback_days)."""
        return max((reads.lookback_days for reads in self.reads.values() if reads.sources), default=0)

    def model_id(self, key: AssetKey) -> str | None:
        return next((uid for uid, model_key in self.model_keys.items() if model_key == key), None)


def watched_sources(
    project: DbtProject, manifest: Mapping[str, Any], translator: TdDbtTranslator | None = None
) -> WatchedSources:
    """What the partitioned models of the manifest read, keyed as the assets are (`translator`:
    the code location's, whose memo already holds the specs; a new one otherwise)."""
    translator = translator or TdDbtTranslator()

    def key(unique_id: str) -> AssetKey:
        return translator.get_asset_spec(manifest, unique_id, project).key

    raw = model_reads(manifest)
    source_ids = sorted({source for reads in raw.values() for source in reads.sources})
    source_keys = {uid: key(uid).to_user_string() for uid in source_ids}
    reads = {
        uid: ModelReads(
            r.unique_id,
            r.name,
            r.lookback_days,
            tuple(source_keys[s] for s in r.sources),
            r.partitioned_parents,
        )
        for uid, r in raw.items()
    }
    return WatchedSources(
        relations={source_keys[uid]: manifest["sources"][uid]["relation_name"] for uid in source_ids},
        reads=reads,
        model_keys={uid: key(uid) for uid in raw},
        source_asset_keys={source_keys[uid]: key(uid) for uid in source_ids},
    )


def observed_window(partitions: DailyPartitionsDefinition, now: datetime, lookback_days: int) -> list[str]:
    """The last `lookback_days` complete local days at `now` (fewer right after the partition start)."""
    from dagster import partition_loading_context

    with partition_loading_context(effective_dt=now):
        keys = partitions.get_partition_keys()
    return keys[-lookback_days:]


def source_window(
    partitions: DailyPartitionsDefinition, now: datetime, lookback_days: int, watched: WatchedSources
) -> list[str]:
    """The source days to observe: the last `lookback_days` model days and the days before them
    their loads read (a model's lookback_days), so a late row on the day before the oldest
    watched day is seen too."""
    return observed_window(partitions, now, lookback_days + watched.max_lookback_days)


def build_source_observations(
    watched: WatchedSources,
    manifest: Mapping[str, Any],
    partitions: DailyPartitionsDefinition,
    settings: Settings,
) -> list:
    """One daily-partitioned observable asset per watched source: observing it sends one grouped
    query over the lookback window and records each day's data version, rows and newest time."""
    from orchestration.warehouse import fetch_rows, prepare_warehouse, reference_now

    descriptions = {
        source["relation_name"]: source.get("description") for source in manifest["sources"].values()
    }

    def observation(name: str, relation: str):
        asset_key = watched.source_asset_keys[name]

        @observable_source_asset(
            key=asset_key,
            partitions_def=partitions,
            group_name=SOURCES_GROUP,
            description=descriptions.get(relation) or f"TD table {relation}",
            metadata={"relation": relation},
            # observable_source_asset takes no `kinds`: a kind is this tag (what AssetSpec's kinds= writes).
            tags={"dagster/kind/treasuredata": ""},
        )
        def observe(context) -> DataVersionsByPartition:
            prepare_warehouse(settings, context.log)
            days = source_window(
                partitions, reference_now(settings), settings.late_data_lookback_days, watched
            )
            if not days:
                return DataVersionsByPartition({})
            rows, query_id = fetch_rows(
                settings, fingerprint_sql({name: relation}, days[0], days[-1], partitions.timezone)
            )
            for day, fingerprint in fingerprints_per_day(rows, [name], days[0], days[-1])[name].items():
                context.log_event(
                    AssetObservation(
                        asset_key=asset_key,
                        partition=day,
                        tags={DATA_VERSION_TAG: fingerprint.data_version},
                        metadata=_observation_metadata(fingerprint, query_id),
                    )
                )
            # The observations above carry metadata (row counts the UI plots), which the
            # DataVersionsByPartition path cannot: returning it empty records nothing twice.
            return DataVersionsByPartition({})

        return observe

    return [observation(name, relation) for name, relation in sorted(watched.relations.items())]


def _observation_metadata(fingerprint: Fingerprint, query_id: str | None) -> dict[str, Any]:
    metadata: dict[str, Any] = {ROWS_KEY: MetadataValue.int(fingerprint.row_count)}
    if fingerprint.max_time is not None:
        metadata[MAX_TIME_KEY] = MetadataValue.timestamp(float(fingerprint.max_time))
    if query_id:
        metadata["td/query_id"] = MetadataValue.text(query_id)
    return metadata


def source_versions_for_load(
    settings: Settings,
    watched: WatchedSources,
    model_ids: Sequence[str],
    first_key: str,
    last_key: str,
    timezone: str,
) -> dict[str, dict[str, dict[str, dict[str, str]]]]:
    """What a load of first..last reads, fingerprinted before dbt runs: model unique id -> day ->
    source key -> {source day: data version}. One query for all the models' sources over
    first-lookback..last; {} (no query) when the models read no TD source."""
    from orchestration.warehouse import fetch_rows

    models = [uid for uid in model_ids if watched.sources_of([uid])]
    if not models:
        return {}
    relations = watched.sources_of(models)
    lookback = max(watched.reads[uid].lookback_days for uid in models)
    first_read = (parse_partition_key(first_key) - timedelta(days=lookback)).strftime(KEY_FORMAT)
    rows, _query_id = fetch_rows(settings, fingerprint_sql(relations, first_read, last_key, timezone))
    fingerprints = fingerprints_per_day(rows, list(relations), first_read, last_key)
    result: dict[str, dict[str, dict[str, dict[str, str]]]] = {}
    for uid in models:
        reads = watched.reads[uid]
        for day in partition_keys_between(first_key, last_key):
            result.setdefault(uid, {})[day] = {
                source: {read: fingerprints[source][read].data_version for read in reads.days_read(day)}
                for source in reads.sources
            }
    return result


def source_versions_metadata(versions: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    """The metadata recording one partition's source versions (SOURCE_VERSIONS_KEY)."""
    return {SOURCE_VERSIONS_KEY: MetadataValue.json({s: dict(days) for s, days in versions.items()})}


def latest_observations(
    instance: DagsterInstance, watched: WatchedSources, days: Sequence[str]
) -> dict[str, dict[str, Observed]]:
    """source key -> day -> its latest observation with a data version."""
    observed: dict[str, dict[str, Observed]] = {}
    for name, asset_key in watched.source_asset_keys.items():
        for day in days:
            records = instance.fetch_observations(
                AssetRecordsFilter(asset_key=asset_key, asset_partitions=[day]), limit=1
            ).records
            if records and records[0].asset_observation:
                version = (records[0].asset_observation.tags or {}).get(DATA_VERSION_TAG)
                if version is not None:
                    observed.setdefault(name, {})[day] = Observed(version, records[0].storage_id)
    return observed


def latest_loads(instance: DagsterInstance, asset_key: AssetKey, days: Iterable[str]) -> dict[str, Loaded]:
    """day -> the day's latest materialization and the source versions its load recorded."""
    loads = {}
    for day in days:
        records = instance.fetch_materializations(
            AssetRecordsFilter(asset_key=asset_key, asset_partitions=[day]), limit=1
        ).records
        if records and records[0].asset_materialization:
            value = records[0].asset_materialization.metadata.get(SOURCE_VERSIONS_KEY)
            versions = value.value if value is not None else None
            if isinstance(versions, str):
                versions = json.loads(versions)
            loads[day] = Loaded(records[0].storage_id, versions, records[0].run_id)
    return loads


@dataclass(frozen=True)
class StaleReport:
    """The observed days and, per partitioned model (asset key), each stale day's reasons."""

    observed_days: list[str]
    stale: dict[AssetKey, dict[str, list[Reason]]]
    names: dict[AssetKey, str]

    def reloads(self) -> list[Reload]:
        """The runs re-loading exactly the stale days (models as asset key strings)."""
        return reload_runs({key.to_user_string(): days for key, days in self.stale.items()})

    def render(self) -> str:
        """A heading per model, then one stale key per line with the source days that changed."""
        span = f"{self.observed_days[0]}..{self.observed_days[-1]}" if self.observed_days else "no days"
        if not self.stale:
            return f"No stale partitions (sources observed over {span})."
        lines = [f"Stale partitions (sources observed over {span}):"]
        for key in sorted(self.stale, key=lambda k: k.to_user_string()):
            lines.append(self.names[key])
            for day, reasons in sorted(self.stale[key].items()):
                lines.append(f"  {day}  {'; '.join(str(reason) for reason in reasons)}")
        return "\n".join(lines)


def find_stale(
    instance: DagsterInstance,
    watched: WatchedSources,
    partitions: DailyPartitionsDefinition,
    now: datetime,
    lookback_days: int,
) -> StaleReport:
    """The loaded days within the observed window whose sources changed after their load (and
    the partitioned models reading them); days being loaded or whose latest load failed are left
    to that run and to retries."""
    days = observed_window(partitions, now, lookback_days)
    observed = latest_observations(instance, watched, source_window(partitions, now, lookback_days, watched))
    keys = sorted(watched.model_keys.values(), key=lambda key: key.to_user_string())
    marks = {
        AssetKey.from_user_string(status.model): status.marks
        for status in read_statuses(instance, keys, partitions, days)
    }
    loaded_days = {
        uid: [day for day, mark in marks.get(key, {}).items() if mark == LOADED]
        for uid, key in watched.model_keys.items()
    }
    loads = {uid: latest_loads(instance, watched.model_keys[uid], loaded_days[uid]) for uid in watched.reads}
    names = {uid: reads.name for uid, reads in watched.reads.items()}
    direct: dict[str, dict[str, list[Reason]]] = {}
    for uid, reads in watched.reads.items():
        days_stale = stale_days(loads[uid], observed) if reads.sources else {}
        if reads.partitioned_parents:
            # The parents' days this model's loads read, lookback included, as loaded last.
            parent_loads = {
                parent: latest_loads(
                    instance,
                    watched.model_keys[parent],
                    sorted({read for day in loads[uid] for read in reads.days_read(day)}),
                )
                for parent in reads.partitioned_parents
                if parent in watched.model_keys
            }
            for day, reasons in read_reloaded_parent_days(loads[uid], reads, parent_loads, names).items():
                days_stale.setdefault(day, []).extend(reasons)
        direct[uid] = days_stale
    stale = with_downstream_models(direct, watched.reads, loaded_days)
    return StaleReport(
        observed_days=source_window(partitions, now, lookback_days, watched),
        stale={watched.model_keys[uid]: stale[uid] for uid in stale if stale[uid]},
        names={key: watched.reads[uid].name for uid, key in watched.model_keys.items()},
    )


def reload_request(reload: Reload, observation_run_id: str) -> RunRequest:
    """The daily job's run re-loading one group of stale days: one dbt invocation for the range."""
    return RunRequest(
        run_key=f"{observation_run_id}:{reload.first_key}..{reload.last_key}:{','.join(reload.models)}",
        asset_selection=[AssetKey.from_user_string(model) for model in reload.models],
        tags={
            ASSET_PARTITION_RANGE_START_TAG: reload.first_key,
            ASSET_PARTITION_RANGE_END_TAG: reload.last_key,
            REASON_TAG: LATE_DATA_REASON,
        },
    )


def build_late_data_definitions(
    observations: Sequence,
    watched: WatchedSources,
    daily_job,
    partitions: DailyPartitionsDefinition,
    settings: Settings,
) -> tuple[list, list, list]:
    """(jobs, schedules, sensors): the observation job on TD_LATE_DATA_SCHEDULE (partition
    timezone) and the re-load sensor, both stopped when TD_SCHEDULES_ENABLED=false."""
    if not observations:
        return [], [], []
    observe_job = define_asset_job(
        OBSERVE_JOB_NAME,
        selection=[observation.key for observation in observations],
        description=(
            "Fingerprint each TD source's recent days (one pruned query per source); the "
            f"{RELOAD_SENSOR_NAME} sensor then re-loads the days whose sources changed."
        ),
    )
    schedule = ScheduleDefinition(
        name=f"{OBSERVE_JOB_NAME}_schedule",
        job=observe_job,
        cron_schedule=settings.late_data_schedule,
        execution_timezone=partitions.timezone,
        default_status=DefaultScheduleStatus.RUNNING
        if settings.schedules_enabled
        else DefaultScheduleStatus.STOPPED,
    )

    @run_status_sensor(
        run_status=DagsterRunStatus.SUCCESS,
        monitored_jobs=[observe_job],
        request_job=daily_job,
        name=RELOAD_SENSOR_NAME,
        default_status=DefaultSensorStatus.RUNNING
        if settings.schedules_enabled
        else DefaultSensorStatus.STOPPED,
        description="After each source observation, re-loads the loaded days whose source rows changed.",
    )
    def reload_late_data(context: RunStatusSensorContext):
        from orchestration.warehouse import reference_now

        report = find_stale(
            context.instance, watched, partitions, reference_now(settings), settings.late_data_lookback_days
        )
        reloads = report.reloads()
        if not reloads:
            return SkipReason(f"no stale partitions after observation run {context.dagster_run.run_id}")
        context.log.info(report.render())
        return [reload_request(reload, context.dagster_run.run_id) for reload in reloads]

    return [observe_job], [schedule], [reload_late_data]
