"""The dbt project and the dbt CLI resource, built once per settings."""

from __future__ import annotations

import logging
from functools import lru_cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import Settings

log = logging.getLogger(__name__)


@lru_cache(maxsize=8)
def _project(project_dir: Path, target: str) -> DbtProject:
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir, target=target)
    project.prepare_if_dev()  # `dagster dev` re-parses on every reload
    if not project.manifest_path.exists():
        log.info("No dbt manifest at %s yet: running dbt parse", project.manifest_path)
        project.preparer.prepare(project)
    return project


def dbt_project(settings: Settings) -> DbtProject:
    """The (cached) DbtProject for these settings, with its manifest prepared."""
    return _project(settings.dbt_project_dir, settings.dbt_target)


def refresh_manifest(settings: Settings) -> DbtProject:
    """Re-parse the dbt project now (the CLI does, so edits made since the last parse count)."""
    project = dbt_project(settings)
    project.preparer.prepare(project)
    return project


def dbt_resource(settings: Settings) -> DbtCliResource:
    return DbtCliResource(project_dir=dbt_project(settings), target=settings.dbt_target)
