"""Compile the dbt project with sentinel vars and lint every model (the edge of lint.py)."""

from __future__ import annotations

import json

from orchestration.lint import Finding, lint_manifest, sentinel_vars
from orchestration.project import dbt_resource
from orchestration.settings import Settings
from orchestration.warehouse import prepare_warehouse


def lint_project(settings: Settings) -> list[Finding]:
    """Findings for the project at DBT_PROJECT_DIR (compiling needs the warehouse for is_incremental)."""
    prepare_warehouse(settings)
    invocation = (
        dbt_resource(settings)
        .cli(
            ["compile", "--select", "resource_type:model", "--vars", json.dumps(sentinel_vars()), "--quiet"],
            raise_on_error=True,
        )
        .wait()
    )
    return lint_manifest(invocation.get_artifact("manifest.json"))
