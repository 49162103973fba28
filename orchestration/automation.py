"""Declarative automation: unpartitioned models refresh after their upstream loads land."""

from __future__ import annotations

from functools import lru_cache

from dagster import AssetKey, AssetSelection, AutomationCondition


# Models with the same partitioned parents (most have none) share one condition object instead of
# each building its own tree: thousands of models in a large project.
@lru_cache(maxsize=4096)
def refresh_after_upstream_loads(partitioned_parents: tuple[AssetKey, ...]) -> AutomationCondition:
    """Materialize once any parent has updated, when no parent is still running.

    `partitioned_parents`: the keys of the model's daily-partitioned parents, as a tuple (the
    result is cached per tuple; conditions are immutable).

    Like AutomationCondition.eager(), but an unpartitioned model is not held back by missing
    partitions of its daily-partitioned parents (history before the first backfill is legitimately
    absent), and it does not fire merely because it is new: a backfill, or the daily run, ends
    with fresh marts.
    """
    missing_unpartitioned_parent = AutomationCondition.any_deps_missing()
    if partitioned_parents:
        missing_unpartitioned_parent = missing_unpartitioned_parent.ignore(
            AssetSelection.assets(*partitioned_parents)
        )
    return (
        AutomationCondition.any_deps_updated().since_last_handled()
        & ~missing_unpartitioned_parent
        & ~AutomationCondition.any_deps_in_progress()
        & ~AutomationCondition.in_progress()
    ).with_label("refresh after upstream loads")
