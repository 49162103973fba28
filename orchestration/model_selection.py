"""Which dbt resources go into which asset definition. Nothing is keyed on model names, so the code
location serves any TD dbt project that follows these conventions.

- Partitioned (daily): incremental models with `incremental_strategy: td_window`, the strategy
  that replaces exactly a partition's window. Another strategy is not idempotent per day (append,
  delete+insert on a key) or not supported on TD (merge): such a model is built unpartitioned and
  `td-dagster lint` reports it (rule td-incremental-strategy).
- Snapshots: their own definition and group, run after the daily load.
- Everything else (tables, seeds, other incrementals): unpartitioned.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

PARTITIONED_STRATEGY = "td_window"
#: dbt selector for the daily-partitioned models (intersection: both criteria).
PARTITIONED_SELECTOR = f"config.materialized:incremental,config.incremental_strategy:{PARTITIONED_STRATEGY}"
SNAPSHOT_SELECTOR = "resource_type:snapshot"
#: What the unpartitioned definition leaves out (dbt's union of the two selectors).
NOT_UNPARTITIONED_SELECTOR = f"{PARTITIONED_SELECTOR} {SNAPSHOT_SELECTOR}"


def is_partitioned_model(resource_props: Mapping[str, Any]) -> bool:
    """The same rule as PARTITIONED_SELECTOR, for a manifest node."""
    config = resource_props.get("config", {})
    return (
        resource_props.get("resource_type") == "model"
        and config.get("materialized") == "incremental"
        and config.get("incremental_strategy") == PARTITIONED_STRATEGY
    )


def is_snapshot(resource_props: Mapping[str, Any]) -> bool:
    """The same rule as SNAPSHOT_SELECTOR, for a manifest node."""
    return resource_props.get("resource_type") == "snapshot"
