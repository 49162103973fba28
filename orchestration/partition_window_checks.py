"""A check per partitioned asset: the rows its latest load wrote all lie inside that load's window.

The td_window strategy deletes exactly the window before inserting, so a model whose `time` falls
outside its partition (a wrong timezone, `time` set to the load time) would pile up duplicates on
every re-run. The check catches that without re-reading the source: after a load, the rows inside
the window (counted per day by partition_rows, the same query that gives each day's `td/rows`)
must number exactly the rows the load inserted (dbt's rows_affected for the run).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from dagster import (
    AssetCheckExecutionContext,
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetKey,
    AssetRecordsFilter,
    MetadataValue,
    multi_asset_check,
)

from orchestration.materialization_metadata import ROWS_AFFECTED_KEY, RUN_ROWS_AFFECTED_KEY
from orchestration.partition_rows import rows_per_day, rows_per_day_sql
from orchestration.partitions import target_range_for_keys
from orchestration.settings import Settings
from orchestration.warehouse import fetch_rows, prepare_warehouse

CHECK_NAME = "rows_in_partition_window"
_PARTITION_TAG = "dagster/partition"
_RANGE_START_TAG = "dagster/asset_partition_range_start"
_RANGE_END_TAG = "dagster/asset_partition_range_end"


@dataclass(frozen=True)
class LoadedWindow:
    """What the latest load of a partitioned asset wrote: its partition keys and row count."""

    first_key: str
    last_key: str
    rows_loaded: int | None

    @property
    def target_range(self) -> str:
        return target_range_for_keys(self.first_key, self.last_key)


def partition_keys_from_run_tags(tags: Mapping[str, str]) -> tuple[str, str] | None:
    """The first and last partition key of a run, from Dagster's run tags; None if unpartitioned."""
    if _RANGE_START_TAG in tags and _RANGE_END_TAG in tags:
        return tags[_RANGE_START_TAG], tags[_RANGE_END_TAG]
    if _PARTITION_TAG in tags:
        return tags[_PARTITION_TAG], tags[_PARTITION_TAG]
    return None


def evaluate(window: LoadedWindow | None, rows_in_window: int | None) -> tuple[bool, AssetCheckSeverity, str]:
    """(passed, severity, description) of the check for one asset."""
    if window is None:
        return True, AssetCheckSeverity.WARN, "No partitioned load yet: nothing to check."
    if window.rows_loaded is None:
        return (
            False,
            AssetCheckSeverity.WARN,
            "The latest load reported no row count, so its window cannot be checked.",
        )
    if rows_in_window == window.rows_loaded:
        return (
            True,
            AssetCheckSeverity.ERROR,
            f"All {window.rows_loaded} loaded rows lie in {window.target_range}.",
        )
    return (
        False,
        AssetCheckSeverity.ERROR,
        f"The load of {window.first_key}..{window.last_key} wrote {window.rows_loaded} rows but "
        f"{rows_in_window} lie in its window {window.target_range}: the model's `time` column puts rows "
        "outside their partition, so re-runs will not replace them. Make `time` fall inside the day.",
    )


def build_partition_window_checks(
    asset_keys: Sequence[AssetKey], relation_names: Mapping[AssetKey, str], timezone: str, settings: Settings
):
    """The multi-asset check over every partitioned dbt asset."""
    specs = [
        AssetCheckSpec(
            CHECK_NAME,
            asset=key,
            description="The rows of the latest partitioned load all lie inside its partition window.",
        )
        for key in asset_keys
    ]

    @multi_asset_check(specs=specs, can_subset=True, name="partition_window_checks", pool="td")
    def partition_window_checks(context: AssetCheckExecutionContext) -> Iterable[AssetCheckResult]:
        keys = [check_key.asset_key for check_key in context.selected_asset_check_keys]
        windows = {key.to_user_string(): _latest_window(context, key) for key in keys}
        loaded = {name: window for name, window in windows.items() if window is not None}
        counts: dict[str, int] = {}
        if loaded:
            prepare_warehouse(settings, context.log)
            relations = {key.to_user_string(): relation_names[key] for key in keys}
            counts = _rows_in_windows(settings, relations, loaded, timezone)
        for key in keys:
            name = key.to_user_string()
            window = windows[name]
            passed, severity, description = evaluate(window, counts.get(name))
            metadata: dict[str, Any] = {"description": MetadataValue.text(description)}
            if window is not None:
                metadata["target_range"] = MetadataValue.text(window.target_range)
                metadata["rows_in_window"] = MetadataValue.int(counts.get(name, 0))
            yield AssetCheckResult(
                asset_key=key, check_name=CHECK_NAME, passed=passed, severity=severity, metadata=metadata
            )

    return partition_window_checks


def _latest_window(context: AssetCheckExecutionContext, key: AssetKey) -> LoadedWindow | None:
    records = context.instance.fetch_materializations(AssetRecordsFilter(asset_key=key), limit=1).records
    if not records:
        return None
    record = records[0]
    run = context.instance.get_run_by_id(record.run_id)
    keys = partition_keys_from_run_tags(run.tags if run else {})
    if keys is None:
        return None  # an unpartitioned load (e.g. a manual full refresh without partitions)
    materialization = record.asset_materialization
    metadata = materialization.metadata if materialization else {}
    rows = metadata.get(RUN_ROWS_AFFECTED_KEY, metadata.get(ROWS_AFFECTED_KEY))
    return LoadedWindow(keys[0], keys[1], rows.value if rows is not None else None)


def _rows_in_windows(
    settings: Settings, relations: Mapping[str, str], windows: Mapping[str, LoadedWindow], timezone: str
) -> dict[str, int]:
    """name -> rows of its relation inside its latest load's window (one query per distinct window)."""
    counts: dict[str, int] = {}
    by_window: dict[tuple[str, str], list[str]] = {}
    for name, window in windows.items():
        by_window.setdefault((window.first_key, window.last_key), []).append(name)
    for (first, last), names in by_window.items():
        sql = rows_per_day_sql({name: relations[name] for name in names}, first, last, timezone)
        rows, _query_id = fetch_rows(settings, sql)
        for name, days in rows_per_day(rows, names, first, last).items():
            counts[name] = sum(days.values())
    return counts
