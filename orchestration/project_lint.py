"""Compile the dbt project with sentinel vars and lint every model (the edge of lint.py)."""

from __future__ import annotations

import json
from pathlib import Path

from orchestration.dbt_packages import hook_problems, project_config
from orchestration.lint import RULES, Finding, lint_manifest, sentinel_vars
from orchestration.project import dbt_resource, refresh_manifest, wait_quietly
from orchestration.settings import Settings
from orchestration.warehouse import prepare_warehouse


def lint_project(settings: Settings) -> list[Finding]:
    """Findings for the project at DBT_PROJECT_DIR (compiling needs the warehouse for is_incremental).

    The td_dbt wiring is checked first on the parsed manifest: without it, compiling would send
    dbt-trino's stock metadata queries, which TD rejects; its findings are then all there is.
    """
    parsed = json.loads(refresh_manifest(settings).manifest_path.read_text())
    if wiring := package_hook_findings(settings.dbt_project_dir, parsed):
        return wiring
    prepare_warehouse(settings)
    invocation = wait_quietly(
        dbt_resource(settings).cli(
            ["compile", "--select", "resource_type:model", "--vars", json.dumps(sentinel_vars()), "--quiet"],
            raise_on_error=True,
        )
    )
    return lint_manifest(invocation.get_artifact("manifest.json"))


def package_hook_findings(project_dir: Path, manifest: dict) -> list[Finding]:
    """One td-package-hooks finding per piece of td_dbt wiring the project lacks."""
    name = manifest.get("metadata", {}).get("project_name", "")
    rule = RULES["td-package-hooks"]
    return [
        Finding(rule.id, name, "dbt_project.yml", 1, problem, rule.fix)
        for problem in hook_problems(name, project_config(project_dir), manifest)
    ]
