"""The code location loads, and every asset spec, check, job, schedule and sensor matches the
committed snapshot: a change to keys, groups, partitions or automation shows up as a diff.

Regenerate after an intended change with `UPDATE_SNAPSHOTS=1 uv run pytest tests/orchestration/test_definitions.py`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from dagster import Definitions, TimeWindowPartitionsDefinition

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"


def describe(definitions: Definitions) -> dict:
    repository = definitions.get_repository_def()
    graph = repository.asset_graph
    assets = {}
    for key in sorted(graph.get_all_asset_keys(), key=lambda k: k.to_user_string()):
        node = graph.get(key)
        partitions = node.partitions_def
        assets[key.to_user_string()] = {
            "group": node.group_name,
            "executable": node.is_executable,
            "kinds": sorted(node.kinds),
            "partitions": (
                {
                    "timezone": partitions.timezone,
                    "start": partitions.start.date().isoformat(),
                    "cron": partitions.cron_schedule,
                }
                if isinstance(partitions, TimeWindowPartitionsDefinition)
                else None
            ),
            "backfill_policy": str(node.backfill_policy) if node.backfill_policy else None,
            "deps": sorted(parent.to_user_string() for parent in node.parent_keys),
            "automation": node.automation_condition.get_label() if node.automation_condition else None,
            "checks": sorted(check.name for check in node.check_keys),
            "pools": sorted(node.pools) if hasattr(node, "pools") and node.pools else None,
        }
    return {
        "assets": assets,
        "jobs": sorted(job.name for job in repository.get_all_jobs() if not job.name.startswith("__")),
        "schedules": {
            schedule.name: {
                "job": schedule.job_name,
                "cron": schedule.cron_schedule,
                "timezone": schedule.execution_timezone,
                "default_status": schedule.default_status.value,
            }
            for schedule in sorted(repository.schedule_defs, key=lambda s: s.name)
        },
        "sensors": {
            sensor.name: sensor.default_status.value
            for sensor in sorted(repository.sensor_defs, key=lambda s: s.name)
        },
    }


def test_definitions_match_the_snapshot(definitions):
    current = describe(definitions)
    if os.environ.get("UPDATE_SNAPSHOTS"):
        SNAPSHOT.write_text(json.dumps(current, indent=2, sort_keys=True) + "\n")
    assert current == json.loads(SNAPSHOT.read_text())


def test_every_dbt_model_is_an_asset_and_only_td_window_models_are_partitioned(definitions, local_td):
    manifest = json.loads((local_td.project_dir / "target" / "manifest.json").read_text())
    models = {node["name"]: node for node in manifest["nodes"].values() if node["resource_type"] == "model"}
    assets = describe(definitions)["assets"]
    assert set(models) <= set(assets)
    for name, node in models.items():
        assert (assets[name]["partitions"] is not None) == (
            node["config"].get("incremental_strategy") == "td_window"
        ), name
