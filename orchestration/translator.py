"""How dbt resources of a TD project become Dagster assets: keys, groups, automation."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from dagster import AssetKey, AssetSpec
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
    run after the daily load instead, see jobs.py)."""

    def __init__(self) -> None:
        super().__init__(settings=DagsterDbtTranslatorSettings(enable_asset_checks=True))
        # dagster-dbt asks for each resource's spec many times (once per definition that selects
        # it, and again as a dependency of each child): about 7 calls per resource. The base class
        # memoizes its own part the same way (manifest and project by identity, which the code
        # location keeps alive); this memoizes the TD part on top of it.
        self._td_specs: dict[tuple[int, str, int], AssetSpec] = {}

    def get_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        memo_id = (id(manifest), unique_id, id(project))
        if memo_id not in self._td_specs:
            self._td_specs[memo_id] = self._td_asset_spec(manifest, unique_id, project)
        return self._td_specs[memo_id]

    def _td_asset_spec(
        self, manifest: Mapping[str, Any], unique_id: str, project: DbtProject | None
    ) -> AssetSpec:
        spec = super().get_asset_spec(manifest, unique_id, project)
        props = self.get_resource_props(manifest, unique_id)
        if props["resource_type"] == "source":
            # The TD database (dbt schema) and table name, as TD users address the table.
            return spec.replace_attributes(
                key=AssetKey([props["schema"], props["name"]]), group_name=SOURCES_GROUP
            )
        if is_snapshot(props):
            return spec.replace_attributes(group_name=SNAPSHOTS_GROUP)
        if props["resource_type"] == "seed":
            return spec.replace_attributes(group_name=SEEDS_GROUP)
        changes: dict[str, Any] = {"group_name": _folder_group(props)}
        if props["resource_type"] == "model" and not is_partitioned_model(props):
            partitioned_parents = tuple(
                self.get_asset_spec(manifest, parent, project).key
                for parent in props.get("depends_on", {}).get("nodes", [])
                if is_partitioned_model(self.get_resource_props(manifest, parent))
            )
            changes["automation_condition"] = refresh_after_upstream_loads(partitioned_parents)
        return spec.replace_attributes(**changes)


def _folder_group(props: Mapping[str, Any]) -> str:
    """The first folder under models/ (staging, incremental, marts), else a default group."""
    fqn = props.get("fqn", [])
    return fqn[1] if len(fqn) > 2 else DEFAULT_GROUP
