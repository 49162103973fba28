"""`td-dagster status --verify`: compare each loaded day's rows in the warehouse with its load's `td/rows`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dagster import AssetKey, AssetRecordsFilter, DagsterInstance

from orchestration.partition_rows import ROWS_KEY, rows_per_day, rows_per_day_sql
from orchestration.partition_status import LOADED, ModelStatus, mark_mismatches
from orchestration.settings import Settings
from orchestration.warehouse import fetch_rows, prepare_warehouse


def verify_statuses(
    instance: DagsterInstance,
    settings: Settings,
    statuses: Sequence[ModelStatus],
    relations: Mapping[AssetKey, str],
    timezone: str,
) -> None:
    """Mark loaded days whose table rows differ from what their latest load recorded (one grouped,
    pruned query per model over the days shown)."""
    prepare_warehouse(settings)
    for status in statuses:
        if LOADED not in status.marks.values():
            continue  # nothing loaded: the table may not exist yet
        key = AssetKey.from_user_string(status.model)
        days = list(status.marks)
        sql = rows_per_day_sql({"model": relations[key]}, days[0], days[-1], timezone)
        rows, _query_id = fetch_rows(settings, sql)
        in_table = rows_per_day(rows, ["model"], days[0], days[-1])["model"]
        recorded = {}
        for day, mark in status.marks.items():
            if mark != LOADED:
                continue
            records = instance.fetch_materializations(
                AssetRecordsFilter(asset_key=key, asset_partitions=[day]), limit=1
            ).records
            metadata = records[0].asset_materialization.metadata if records else {}
            if ROWS_KEY in metadata:
                recorded[day] = metadata[ROWS_KEY].value
        mark_mismatches(status, recorded, in_table)
