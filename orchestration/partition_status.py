"""Which days of each partitioned model are loaded, missing, failed, stale or running: `td-dagster status`.

Pure rendering of the marks is separated from reading them off the Dagster instance, so the
calendar is tested directly and the instance reading against real runs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from dagster import AssetKey, DagsterInstance, DailyPartitionsDefinition

LOADED, MISSING, FAILED, RUNNING, MISMATCH = "loaded", "missing", "failed", "running", "mismatch"
STALE = "stale"
#: One character per mark, for terminals without colour and for files.
SYMBOLS = {LOADED: "#", MISSING: ".", FAILED: "F", RUNNING: "R", MISMATCH: "!", STALE: "S"}
LEGEND = (
    "# loaded  . missing  F failed (latest attempt)  R running  ! table rows differ from the load's td/rows"
)
#: Added to the legend only when a day is marked stale (see mark_stale).
STALE_LEGEND = "  S stale (its source rows, or a partitioned model it reads, changed after the load)"


@dataclass
class ModelStatus:
    """One partitioned model's mark per day (local dates, oldest first)."""

    model: str
    marks: dict[str, str] = field(default_factory=dict)

    def totals(self) -> dict[str, int]:
        counts = dict.fromkeys(SYMBOLS, 0)
        for mark in self.marks.values():
            counts[mark] += 1
        return {mark: count for mark, count in counts.items() if count}


def day_marks(
    keys: Sequence[str], materialized: Iterable[str], failed: Iterable[str], in_progress: Iterable[str]
) -> dict[str, str]:
    """key -> mark. Running beats failed (a retry is under way), failed beats loaded (Dagster's
    failed subset holds partitions whose latest attempt failed), loaded beats missing."""
    materialized, failed, in_progress = set(materialized), set(failed), set(in_progress)
    marks = {}
    for key in keys:
        if key in in_progress:
            marks[key] = RUNNING
        elif key in failed:
            marks[key] = FAILED
        elif key in materialized:
            marks[key] = LOADED
        else:
            marks[key] = MISSING
    return marks


def render(statuses: Sequence[ModelStatus], timezone: str) -> str:
    """A calendar per model: one row per week (Monday first), then the totals."""
    any_stale = any(STALE in status.marks.values() for status in statuses)
    lines = [LEGEND + (STALE_LEGEND if any_stale else "")]
    for status in statuses:
        keys = list(status.marks)
        lines.append("")
        lines.append(f"{status.model} ({keys[0]}..{keys[-1]}, {timezone})")
        lines.append(f"  {'week of':<10}  M T W T F S S")
        first = date.fromisoformat(keys[0])
        monday = first - timedelta(days=first.weekday())
        day = monday
        last = date.fromisoformat(keys[-1])
        while day <= last:
            week = [day + timedelta(days=offset) for offset in range(7)]
            cells = " ".join(
                SYMBOLS[status.marks[d.isoformat()]] if d.isoformat() in status.marks else " " for d in week
            )
            lines.append(f"  {day.isoformat()}  {cells}")
            day += timedelta(days=7)
        totals = ", ".join(f"{count} {mark}" for mark, count in status.totals().items())
        lines.append(f"  {totals}")
    return "\n".join(lines)


def as_json(statuses: Sequence[ModelStatus], timezone: str) -> dict:
    """The same as `render`, for scripts: {"timezone", "models": {model: {"days": {...}, "totals": {...}}}}."""
    return {
        "timezone": timezone,
        "models": {status.model: {"days": status.marks, "totals": status.totals()} for status in statuses},
    }


def recent_keys(partitions: DailyPartitionsDefinition, now: datetime, days: int) -> list[str]:
    """The last `days` partition keys at `now` (fewer if the partitions start later)."""
    from dagster import partition_loading_context

    with partition_loading_context(effective_dt=now):
        keys = partitions.get_partition_keys()
    return keys[-days:] if days > 0 else []


def read_statuses(
    instance: DagsterInstance,
    asset_keys: Sequence[AssetKey],
    partitions: DailyPartitionsDefinition,
    keys: Sequence[str],
) -> list[ModelStatus]:
    """Each asset's marks for `keys`, from the instance's partition status (what the UI shows)."""
    # Dagster's own status cache: materialized, failed and in-progress subsets per asset. It is
    # not public API, but it is exactly what the UI's partition bar reads.
    from dagster._core.storage.partition_status_cache import get_and_update_asset_status_cache_value

    statuses = []
    for key in asset_keys:
        cache = get_and_update_asset_status_cache_value(instance, key, partitions)
        if cache is None:
            materialized, failed, running = set(), set(), set()
        else:
            materialized = set(
                cache.deserialize_materialized_partition_subsets(partitions).get_partition_keys()
            )
            failed = set(cache.deserialize_failed_partition_subsets(partitions).get_partition_keys())
            running = set(cache.deserialize_in_progress_partition_subsets(partitions).get_partition_keys())
        statuses.append(ModelStatus(key.to_user_string(), day_marks(keys, materialized, failed, running)))
    return statuses


def mark_stale(status: ModelStatus, stale_keys: Iterable[str]) -> None:
    """Loaded days whose source received rows after their load: the hook for late-arriving-data
    detection (issue 11), which says which days those are. Only loaded days change: a missing,
    failed or running day says more than "stale" would."""
    for key in stale_keys:
        if status.marks.get(key) == LOADED:
            status.marks[key] = STALE


def mark_mismatches(status: ModelStatus, recorded: Mapping[str, int], in_table: Mapping[str, int]) -> None:
    """Loaded days whose rows in the table differ from the `td/rows` their load recorded."""
    for key, mark in status.marks.items():
        if mark == LOADED and key in recorded and recorded[key] != in_table.get(key, 0):
            status.marks[key] = MISMATCH
