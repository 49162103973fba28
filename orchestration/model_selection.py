"""Which dbt models are partitioned: the incremental ones. Nothing is keyed on model names, so the
code location serves any TD dbt project that follows this convention."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

#: dbt selector for the daily-partitioned models (the td_window incremental models).
PARTITIONED_SELECTOR = "config.materialized:incremental"


def is_partitioned_model(resource_props: Mapping[str, Any]) -> bool:
    """The same rule as PARTITIONED_SELECTOR, for a manifest node."""
    return (
        resource_props.get("resource_type") == "model"
        and resource_props.get("config", {}).get("materialized") == "incremental"
    )
