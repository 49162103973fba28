"""The code location loads, and every asset spec, check, job, schedule and sensor matches the
committed snapshot: a change to keys, groups, partitions or automation shows up as a diff.

Regenerate after an intended change with `UPDATE_SNAPSHOTS=1 uv run pytest tests/orchestration/test_definitions.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

from dagster import Definitions, TimeWindowPartitionsDefinition

SNAPSHOT = Path(__file__).parent / "snapshots" / "definitions.json"
ROOT = Path(__file__).parents[2]


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
            "automation_ignores": _ignored_parents(node.automation_condition),
            "checks": sorted(check.name for check in node.check_keys),
            "pools": sorted(node.pools) if hasattr(node, "pools") and node.pools else None,
        }
    return {
        "assets": assets,
        # What each job runs: a refactor of how jobs are built must select the same assets and
        # checks, with or without partitions.
        "jobs": {
            job.name: {
                "assets": sorted(
                    key.to_user_string() for key in job.asset_layer.asset_graph.executable_asset_keys
                ),
                "checks": sorted(
                    key.to_user_string() for key in job.asset_layer.asset_graph.asset_check_keys
                ),
                "partitioned": job.partitions_def is not None,
            }
            for job in sorted(repository.get_all_jobs(), key=lambda job: job.name)
            if not job.name.startswith("__")
        },
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


def _ignored_parents(condition) -> list[str]:
    """`<condition> ignores <selection>` for each part of an automation condition tree that ignores some
    parents (which parents neither trigger nor hold a model back)."""
    if condition is None:
        return []
    own = getattr(condition, "ignore_selection", None)
    found = [f"{condition.get_label() or condition.name} ignores {own}"] if own is not None else []
    return sorted({*found, *(part for child in condition.children for part in _ignored_parents(child))})


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


# Run as Dagster runs the entry point: in a process of its own, importing orchestration.definitions.
ENTRY_POINT_LOAD = textwrap.dedent("""
    import gc, json, weakref
    from orchestration.definitions import defs
    from tests.orchestration.test_definitions import describe

    class Node:
        pass

    # A reference cycle made after the load, then only allocations: the collector on its own
    # (no gc.collect()) must free it, as it must free a run's or a sensor's cycles for days.
    node = Node()
    node.self = node
    alive = weakref.ref(node)
    del node
    kept = [[index] for index in range(50_000)]
    print(json.dumps({"collected": alive() is None, "definitions": describe(defs)}))
""")


def test_the_entry_point_builds_the_snapshot_and_its_process_still_collects_garbage(definitions):
    # orchestration.definitions moves the imports and the definitions out of the collector's
    # sight (gc.freeze) to load faster; the definitions must be the same, and what is made after
    # the load must still be collected. `definitions` has parsed the project this loads.
    completed = subprocess.run(
        [sys.executable, "-c", ENTRY_POINT_LOAD], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["collected"]
    assert result["definitions"] == json.loads(SNAPSHOT.read_text())
