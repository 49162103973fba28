"""Rows per daily partition in a warehouse table: one grouped query, pruned to a window.

What Dagster shows per partition (`td/rows` on each day's materialization, the window check) comes
from here, measured in the table after the load, never from dbt's statement-level row count (which
covers a whole range run). The filter is TD_INTERVAL on the bare `time` column, so TD reads only the
window's hourly partitions; there is never a `count(*)` of a whole TD table.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import timedelta

from orchestration.partitions import KEY_FORMAT, parse_partition_key, target_range_for_keys

#: Metadata key of a partition's own row count, on each day's materialization.
ROWS_KEY = "td/rows"


def partition_keys_between(first_key: str, last_key: str) -> list[str]:
    """Every daily key from first_key to last_key inclusive (local dates, `yyyy-MM-dd`)."""
    first, last = parse_partition_key(first_key), parse_partition_key(last_key)
    return [(first + timedelta(days=n)).strftime(KEY_FORMAT) for n in range((last - first).days + 1)]


def rows_per_day_sql(
    relations: Mapping[str, str],
    first_key: str,
    last_key: str,
    timezone: str,
    aggregates: Mapping[str, str] | None = None,
) -> str:
    """One query: per name in `relations` (name -> relation) and local day, the rows in first..last.

    Columns: `name` (varchar), `day` (`yyyy-MM-dd` in `timezone`, TD_TIME_STRING's 'd!' form),
    `row_count` (bigint), then one column per entry of `aggregates` (column name -> aggregate
    expression over the day's rows, in that order). Days without rows are absent.
    """
    target_range = target_range_for_keys(first_key, last_key)
    extra = "".join(f", {expression} as {column}" for column, expression in (aggregates or {}).items())
    branches = [
        f"select '{name}' as name, TD_TIME_STRING(time, 'd!', '{timezone}') as day, count(*) as row_count"
        f"{extra}\n"
        f"from {relations[name]}\n"
        f"where TD_INTERVAL(time, '{target_range}', '{timezone}')\n"
        "group by 2"
        for name in sorted(relations)
    ]
    return "\nunion all\n".join(branches)


def rows_per_day(
    rows: Sequence[tuple], names: Sequence[str], first_key: str, last_key: str
) -> dict[str, dict[str, int]]:
    """name -> {day: rows} for every day first..last (0 where the query returned none)."""
    counts = {name: dict.fromkeys(partition_keys_between(first_key, last_key), 0) for name in names}
    for name, day, row_count, *_aggregates in rows:
        if name in counts and day in counts[name]:
            counts[name][day] = int(row_count)
    return counts
