"""How dbt resources of a TD project become Dagster assets: keys, groups, automation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey, AssetSpec, AutomationCondition
from dagster_dbt import DagsterDbtTranslator, DagsterDbtTranslatorSettings, DbtProject

from orchestration.automation import refresh_after_upstream_loads
from orchestration.model_selection import is_partitioned_model, is_snapshot

SOURCES_GROUP = "td_sources"
SEEDS_GROUP = "seeds"
SNAPSHOTS_GROUP = "snapshots"
DEFAULT_GROUP = "models"


class TdDbtTranslator(DagsterDbtTranslator):
    """TD sources are keyed [td_database, table]; groups follow the model folders, seeds and
    snapshots have their own; unpartitioned models refresh after their upstream loads (snapshots
    run after the daily load instead, see jobs.py).

    Written as dagster-dbt's per-property hooks, which its get_asset_spec calls while building
    each spec and memoizes (per manifest, resource and project): dagster-dbt asks for each
    resource's spec about 7 times, and a spec rebuilt after the base one (replace_attributes)
    would cost a second AssetSpec per call. One translator serves the whole code location.
    """

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
        self._manifest: Mapping[str, Any] = {}

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        # The automation hook needs the parents' properties, which only the manifest has.
        self._manifest = manifest
        return super().get_asset_spec(manifest, unique_id, project)

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> AssetKey:
        if dbt_resource_props["resource_type"] == "source":
            # The TD database (dbt schema) and table name, as TD users address the table.
            return AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        resource_type = dbt_resource_props["resource_type"]
        if resource_type == "source":
            return SOURCES_GROUP
        if is_snapshot(dbt_resource_props):
            return SNAPSHOTS_GROUP
        if resource_type == "seed":
            return SEEDS_GROUP
        return _folder_group(dbt_resource_props)

    def get_automation_condition(self, dbt_resource_props: Mapping[str, Any]) -> AutomationCondition | None:
        if dbt_resource_props["resource_type"] != "model" or is_partitioned_model(dbt_resource_props):
            return super().get_automation_condition(dbt_resource_props)
        parents = (
            self.get_resource_props(self._manifest, parent)
            for parent in dbt_resource_props.get("depends_on", {}).get("nodes", [])
        )
        partitioned_parents: list[AssetKey] = []
        source_parents: list[AssetKey] = []
        for props in parents:
            if is_partitioned_model(props):
                partitioned_parents.append(self.get_asset_key(props))
            elif props["resource_type"] == "source":
                source_parents.append(self.get_asset_key(props))
        return refresh_after_upstream_loads(tuple(partitioned_parents), tuple(source_parents))


def _folder_group(props: Mapping[str, Any]) -> str:
    """The first folder under models/ (staging, incremental, marts), else a default group."""
    fqn = props.get("fqn", [])
    return fqn[1] if len(fqn) > 2 else DEFAULT_GROUP
