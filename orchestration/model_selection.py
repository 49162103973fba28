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
    """A `--select` that names nothing in the project, or that dbt's selector rejects."""


#: What every SelectionError ends with: the fix, in dbt's terms
#: (https://docs.getdbt.com/reference/node-selection/syntax).
SELECTION_SYNTAX = (
    "A selection is dbt syntax: a name, `name+` for it and what follows it, `+name` for what it "
    "reads, `@name`, `tag:marts`, `path:models/marts`, `config.materialized:table`; "
    "space-separated terms are a union, comma-joined ones an intersection"
)


#: Node types a --select can name (what becomes an asset).
_SELECTABLE = ("model", "seed", "snapshot")
#: One term of a selection as dbt's RAW_SELECTOR_PATTERN (dbt/graph/selector_spec.py) reads it:
#: `@`, then `N+` (ancestors), then `method:` (`[\w.]+`), the value, then `+N` (descendants).
_TERM = re.compile(
    r"\A(?P<at>@)?(?P<parents>\d*\+)?(?:(?P<method>[\w.]+):)?(?P<value>.*?)(?P<children>\+\d*)?\Z"
)


def check_selection(selection: str, manifest: Mapping[str, Any]) -> None:
    """Raise SelectionError, before dbt sees `selection`, for what dbt would reject or read as
    selecting nothing: an empty selection or term (`''`, `tag:`, `a,`), a doubled graph operator
    (`++x`, `x++`), a method that is not dbt's (`bogus:x`), and a bare name that names no model,
    seed, snapshot, folder or package of the project (suggesting close matches). What a method's
    value selects, and wildcards, are left to dbt (range_run.selected_asset_keys reports its
    errors the same way). The message names the selection and the fix."""
    if not selection.strip():
        raise SelectionError(
            f"--select {selection!r} is empty: leave --select out to run every model, or give a "
            f"dbt selection. {SELECTION_SYNTAX}"
        )
    nodes = [node for node in manifest.get("nodes", {}).values() if node.get("resource_type") in _SELECTABLE]
    # dbt's default method matches a name, or any part of a node's fqn (package, folders).
    known = {node["name"] for node in nodes} | {part for node in nodes for part in node.get("fqn", [])}
    # dbt splits a union on spaces and an intersection on commas.
    for term in re.split(r"[\s,]+", selection.strip()):
        parts = _TERM.match(term)
        name, method = parts.group("value"), parts.group("method")
        if not name:
            raise SelectionError(
                f"--select {selection!r}: the term {term!r} names nothing (a name or a method's value "
                f"is missing, or a comma has nothing on one side). {SELECTION_SYNTAX}"
            )
        if name.startswith(("+", "@")) or name.endswith("+"):
            raise SelectionError(
                f"--select {selection!r}: {term!r} repeats a graph operator, which dbt reads as part "
                "of a name. Put one on each side at most: `+name` or `2+name` (what it reads), "
                f"`name+` or `name+1` (what reads it), `@name`. {SELECTION_SYNTAX}"
            )
        if method:
            _check_method(selection, method)
            continue
        if any(char in name for char in "*?[") or name in known:
            continue
        close = difflib.get_close_matches(name, sorted(known), n=3, cutoff=0.6)
        hint = f" Did you mean {' or '.join(repr(match) for match in close)}?" if close else ""
        raise SelectionError(
            f"--select {selection!r}: no model, seed or snapshot of the project is named {name!r}.{hint} "
            f"{SELECTION_SYNTAX}"
        )


def _check_method(selection: str, method: str) -> None:
    """SelectionError unless `method` (`tag`, `config.materialized`, ...) starts with one of dbt's
    selector methods; dbt's own check raises a bare InvalidSelectorError much later."""
    # dbt's own list, so a dbt upgrade's new methods are accepted (imported here: dbt.graph is
    # not needed to load the code location).
    from dbt.graph.selector_methods import MethodName

    valid = sorted(member.value for member in MethodName)
    name = method.split(".", 1)[0]
    if name in valid:
        return
    close = difflib.get_close_matches(name, valid, n=2, cutoff=0.6)
    hint = f" Did you mean {' or '.join(f'`{match}:`' for match in close)}?" if close else ""
    raise SelectionError(
        f"--select {selection!r}: {name!r} is not a dbt selection method.{hint} The methods are "
        f"{', '.join(f'`{value}:`' for value in valid)}, and `config.<key>:` for a config value "
        "(`tag:marts`, `path:models/marts`, `config.materialized:table`)"
    )
