"""Per-day fingerprints of the TD source tables the partitioned models read (late-arriving data).

A fingerprint is what one grouped query over a window of local days returns per day, from the
bare `time` column only (TD stores columns apart, so the scan reads that column of the window's
hourly partitions and nothing else):

- `row_count`: count(*), which changes when rows are added or removed;
- `time_of_day_sum`: sum(time % 86400), the rows' seconds past UTC midnight added up, which
  changes when a row is replaced by one with a different time of day (and cannot overflow
  bigint: < 86,400 per row);
- `max_time`: the newest row's time, for the UI.

What it cannot see: a change that keeps the count and every row's time of day, e.g. a re-import
that rewrites values (`revenue`, `user_id`) of rows at the same seconds, or a deletion paired
with an insertion at the same second of the day. Such sources need the fixed lookback
(TD_LOAD_LOOKBACK_DAYS) instead. Hashing every column would see those too, but would read every
column of the window: the cost the fingerprint exists to avoid.

Pure logic (SQL text, parsing, which sources a model reads); Dagster wiring is in late_data.py.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from orchestration.model_selection import is_partitioned_model
from orchestration.partition_rows import partition_keys_between, rows_per_day_sql
from orchestration.partitions import KEY_FORMAT, parse_partition_key

#: Metadata key, on each partition of a partitioned model's materialization: the fingerprints of
#: the source days that load read, taken just before dbt ran (JSON {source: {day: version}}).
SOURCE_VERSIONS_KEY = "td/source_versions"

#: Column -> aggregate added to partition_rows' per-day count (README: Late-arriving data).
FINGERPRINT_AGGREGATES = {"time_of_day_sum": "sum(time % 86400)", "max_time": "max(time)"}

#: incremental_scan's own bound on lookback_days (dbt_project/macros/incremental_scan.sql): a
#: model passing a non-literal lookback is assumed to read that far back.
MAX_SCAN_LOOKBACK_DAYS = 31
_LOOKBACK_ARGUMENT = re.compile(r"lookback_days\s*=\s*([^,)\s]+)")


@dataclass(frozen=True)
class Fingerprint:
    """One local day of one source table."""

    row_count: int
    time_of_day_sum: int
    max_time: int | None

    @property
    def data_version(self) -> str:
        """`rows:time_of_day_sum:max_time`, or `0` for a day without rows."""
        if not self.row_count:
            return "0"
        return f"{self.row_count}:{self.time_of_day_sum}:{self.max_time}"


EMPTY_DAY = Fingerprint(0, 0, None)


@dataclass(frozen=True)
class ModelReads:
    """What a partitioned model's load of day D reads: days D-lookback_days..D of its sources
    (directly or through ephemeral models) and of its partitioned parents."""

    unique_id: str
    name: str
    lookback_days: int
    sources: tuple[str, ...]  # source unique ids
    partitioned_parents: tuple[str, ...]  # model unique ids

    def days_read(self, key: str) -> list[str]:
        """The local days the load of partition `key` reads (oldest first)."""
        last = parse_partition_key(key)
        first = last - timedelta(days=self.lookback_days)
        return partition_keys_between(first.strftime(KEY_FORMAT), key)


def model_reads(manifest: Mapping[str, Any]) -> dict[str, ModelReads]:
    """unique id -> ModelReads, for every partitioned model of a dbt manifest.

    The lookback is the largest literal `lookback_days=N` in the model's SQL (incremental_scan's
    argument); a non-literal value counts as the macro's maximum, 31 days, so a change is never
    missed for want of knowing how far back a model reads.
    """
    nodes = manifest["nodes"]
    reads = {}
    for unique_id, node in nodes.items():
        if not is_partitioned_model(node):
            continue
        sources, parents = _direct_inputs(unique_id, nodes)
        reads[unique_id] = ModelReads(
            unique_id=unique_id,
            name=node["name"],
            lookback_days=_lookback_days(node.get("raw_code", "")),
            sources=tuple(sorted(sources)),
            partitioned_parents=tuple(sorted(parents)),
        )
    return reads


def _direct_inputs(unique_id: str, nodes: Mapping[str, Any]) -> tuple[set[str], set[str]]:
    """The sources and partitioned models a model reads, looking through ephemeral models (their
    SQL is inlined into the reader's, with the reader's target_range)."""
    sources, parents, pending, seen = set(), set(), [unique_id], set()
    while pending:
        for parent in nodes.get(pending.pop(), {}).get("depends_on", {}).get("nodes", []):
            if parent in seen:
                continue
            seen.add(parent)
            if parent.startswith("source."):
                sources.add(parent)
            elif is_partitioned_model(nodes.get(parent, {})):
                parents.add(parent)
            elif nodes.get(parent, {}).get("config", {}).get("materialized") == "ephemeral":
                pending.append(parent)
    return sources, parents


def _lookback_days(raw_code: str) -> int:
    days = 0
    for value in _LOOKBACK_ARGUMENT.findall(raw_code):
        days = max(days, int(value) if value.isdigit() else MAX_SCAN_LOOKBACK_DAYS)
    return days


def fingerprint_sql(relations: Mapping[str, str], first_key: str, last_key: str, timezone: str) -> str:
    """One grouped query over local days first..last of each relation (name -> relation),
    pruned by TD_INTERVAL on the bare `time` column: partition_rows' count with the fingerprint's
    aggregates. Columns: name, day, row_count, time_of_day_sum, max_time."""
    return rows_per_day_sql(relations, first_key, last_key, timezone, FINGERPRINT_AGGREGATES)


def fingerprints_per_day(
    rows: Sequence[tuple], names: Sequence[str], first_key: str, last_key: str
) -> dict[str, dict[str, Fingerprint]]:
    """name -> {day: Fingerprint} for every day first..last (EMPTY_DAY where the query returned
    no row for the day), from the rows of fingerprint_sql."""
    days = partition_keys_between(first_key, last_key)
    result = {name: dict.fromkeys(days, EMPTY_DAY) for name in names}
    for name, day, row_count, time_of_day_sum, max_time in rows:
        if name in result and day in result[name]:
            result[name][day] = Fingerprint(
                int(row_count), int(time_of_day_sum or 0), int(max_time) if max_time is not None else None
            )
    return result
