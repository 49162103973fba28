"""The td_dbt package: installed when missing, and a project that includes it without its hooks
is refused by the code location and reported by lint (dbt would otherwise run it with dbt-trino's
stock macros: source schemas unvalidated, table rebuilds that drop the old table first)."""

from __future__ import annotations

import json
import re

import pytest

from orchestration.cli import main
from orchestration.dbt_packages import HOOKS, SNAPSHOT_HOOK, STRATEGY_HOOK, hook_problems, packages_missing
from tests.td_projects import copy_dbt_project

WIRED = {"dispatch": [{"macro_namespace": "dbt", "search_order": ["shop", "td_dbt", "dbt"]}]}


def _manifest(root_macros: list[str], strategy: str = "td_window") -> dict:
    macros = [("td_dbt", "incremental_scan"), *(("shop", name) for name in root_macros)]
    return {
        "macros": {
            f"macro.{package}.{name}": {"package_name": package, "name": name} for package, name in macros
        },
        "nodes": {"model.shop.daily": {"config": {"incremental_strategy": strategy}}},
    }


def test_a_wired_project_has_no_problems():
    assert hook_problems("shop", WIRED, _manifest([*HOOKS, STRATEGY_HOOK])) == []


def test_each_missing_hook_is_named_with_its_fix():
    problems = hook_problems("shop", WIRED, _manifest(["source"]))
    named = {re.search(r"macro `(\w+)`", problem).group(1) for problem in problems}
    assert named == (set(HOOKS) | {STRATEGY_HOOK}) - {"source"}
    assert all('add "dbt_packages/td_dbt/hooks" to macro-paths' in problem for problem in problems)


def test_the_strategy_hook_is_needed_only_with_a_td_window_model():
    assert hook_problems("shop", WIRED, _manifest(list(HOOKS), strategy="append")) == []


def test_the_snapshot_hook_is_needed_only_with_a_snapshot():
    manifest = _manifest([*HOOKS, STRATEGY_HOOK])
    manifest["nodes"]["snapshot.shop.prices"] = {"resource_type": "snapshot", "config": {}}
    (problem,) = hook_problems("shop", WIRED, manifest)
    assert f"no macro `{SNAPSHOT_HOOK}`" in problem


@pytest.mark.parametrize(
    "config",
    [
        {},
        {"dispatch": [{"macro_namespace": "dbt", "search_order": ["shop", "dbt", "td_dbt"]}]},
        {"dispatch": [{"macro_namespace": "dbt_utils", "search_order": ["shop", "td_dbt", "dbt"]}]},
    ],
)
def test_a_dispatch_order_that_skips_td_dbt_is_reported(config):
    (problem,) = hook_problems("shop", config, _manifest([*HOOKS, STRATEGY_HOOK]))
    assert 'search_order: ["shop", "td_dbt", "dbt"]' in problem


def test_a_project_without_td_dbt_is_told_to_include_it():
    manifest = _manifest([])
    del manifest["macros"]["macro.td_dbt.incremental_scan"]
    (problem,) = hook_problems("shop", {}, manifest)
    assert "does not include the td_dbt package" in problem and "packages.yml" in problem


def test_packages_are_missing_until_installed(tmp_path):
    project = copy_dbt_project(tmp_path / "dbt_project")
    assert packages_missing(project)
    (project / "dbt_packages").mkdir()
    (project / "dbt_packages" / "td_dbt").symlink_to(tmp_path / "td_dbt")
    assert not packages_missing(project)
    (project / "dbt_packages" / "td_dbt").unlink()
    (project / "dbt_packages" / "td_dbt").symlink_to(tmp_path / "moved_away")  # a dangling link
    assert packages_missing(project)


def test_a_project_without_the_hooks_is_refused_and_linted(local_td, tmp_path, capsys, monkeypatch):
    project = copy_dbt_project(tmp_path / "dbt_project")
    config = (project / "dbt_project.yml").read_text()
    config = config.replace('macro-paths: ["macros", "dbt_packages/td_dbt/hooks"]', 'macro-paths: ["macros"]')
    (project / "dbt_project.yml").write_text(config)
    monkeypatch.setenv("DBT_PROJECT_DIR", str(project))
    before = local_td.statements_logged()

    assert main(["run", "--partition", "2026-11-20"]) == 2
    err = capsys.readouterr().err
    assert (
        err.startswith("td-dagster: The dbt project at") and "does not run through the td_dbt package" in err
    )
    assert "no macro `source`" in err and "no macro `get_incremental_td_window_sql`" in err
    assert local_td.statements_logged() == before, "no SQL reaches the warehouse"
    assert (project / "dbt_packages" / "td_dbt" / "dbt_project.yml").exists(), "dbt deps ran"

    assert main(["lint", "--format", "json"]) == 1
    findings = [f for f in json.loads(capsys.readouterr().out) if f["rule"] == "td-package-hooks"]
    assert {re.search(r"macro `(\w+)`", f["message"]).group(1) for f in findings} == set(HOOKS) | {
        STRATEGY_HOOK
    }
