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

import difflib
import re
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


class SelectionError(ValueError):
    """A `--select` that names nothing in the project."""


#: Node types a --select can name (what becomes an asset).
_SELECTABLE = ("model", "seed", "snapshot")
_GRAPH_OPERATORS = re.compile(r"^(@|\d*\+)|(\+\d*)$")


def check_selection(selection: str, manifest: Mapping[str, Any]) -> None:
    """Raise SelectionError for a bare name in a dbt selection that names no model, seed, snapshot,
    folder or package of the project, suggesting close matches. Method terms (`tag:x`, `path:y`)
    and wildcards are left to dbt."""
    nodes = [node for node in manifest.get("nodes", {}).values() if node.get("resource_type") in _SELECTABLE]
    # dbt's default method matches a name, or any part of a node's fqn (package, folders).
    known = {node["name"] for node in nodes} | {part for node in nodes for part in node.get("fqn", [])}
    for term in re.split(r"[\s,]+", selection.strip()):
        name = _GRAPH_OPERATORS.sub("", _GRAPH_OPERATORS.sub("", term))
        if not name or ":" in name or any(char in name for char in "*?[") or name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(match) for match in close)}?" if close else ""
        raise SelectionError(
            f"--select {selection!r}: no model, seed or snapshot of the project is named {name!r}.{hint} "
            "A selection is dbt syntax: a name, `name+` for it and what follows it, `tag:marts`, "
            "`path:models/marts`"
        )
