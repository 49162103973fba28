"""Declarative automation: unpartitioned models refresh after their upstream loads land."""

from __future__ import annotations

from functools import lru_cache

from dagster import AssetKey, AssetSelection, AutomationCondition


# Models with the same parents of these kinds (most have none) share one condition object instead
# of each building its own tree: thousands of models in a large project.
@lru_cache(maxsize=4096)
def refresh_after_upstream_loads(
    partitioned_parents: tuple[AssetKey, ...], source_parents: tuple[AssetKey, ...] = ()
) -> AutomationCondition:
    """Materialize once any parent model has updated, when no parent is still running.

    `partitioned_parents`: the keys of the model's daily-partitioned parents; `source_parents`:
    its TD sources; both tuples (the result is cached per pair; conditions are immutable).

    Like AutomationCondition.eager(), but an unpartitioned model is not held back by missing
    partitions of its daily-partitioned parents (history before the first backfill is legitimately
    absent), and it does not fire merely because it is new: a backfill, or the daily run, ends
    with fresh marts. TD sources neither trigger nor hold it: their hourly observations
    (late_data.py) re-load the partitioned models, whose loads then trigger this.
    """
    missing_unpartitioned_parent = AutomationCondition.any_deps_missing()
    ignored = [*partitioned_parents, *source_parents]
    if ignored:
        missing_unpartitioned_parent = missing_unpartitioned_parent.ignore(AssetSelection.assets(*ignored))
    updated = AutomationCondition.any_deps_updated()
    if source_parents:
        updated = updated.ignore(AssetSelection.assets(*source_parents))
    return (
        updated.since_last_handled()
        & ~missing_unpartitioned_parent
        & ~AutomationCondition.any_deps_in_progress()
        & ~AutomationCondition.in_progress()
    ).with_label("refresh after upstream loads")
