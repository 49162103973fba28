"""The dbt project and the dbt CLI resource, built once per settings."""

from __future__ import annotations

import logging
import re
import shutil
import sys
from functools import lru_cache
from pathlib import Path

from dagster_dbt import DbtCliResource, DbtProject

from orchestration.settings import Settings

log = logging.getLogger(__name__)
# dagster-dbt gives each dbt invocation its own target folder: `<op name>-<run id[:7]>-<random[:7]>`.
_INVOCATION_DIR = re.compile(r".+-[0-9a-f]{7}-[0-9a-f]{7}")
_parsed_in_this_process: set[Path] = set()


def dbt_executable() -> str:
    """dbt on PATH, else the one installed next to this Python (a venv's python run directly)."""
    beside_python = Path(sys.executable).parent / "dbt"
    return shutil.which("dbt") or (str(beside_python) if beside_python.exists() else "dbt")


@lru_cache(maxsize=8)
def _project(project_dir: Path, target: str) -> DbtProject:
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir, target=target)
    if project.preparer.using_dagster_dev() or not project.manifest_path.exists():
        # `dagster dev` re-parses on every reload; elsewhere only a missing manifest is parsed.
        parse(project)
    return project


def parse(project: DbtProject) -> None:
    """Write the project's manifest with `dbt parse` (no warehouse connection is needed)."""
    log.info("Parsing the dbt project at %s", project.project_dir)
    _parsed_in_this_process.add(project.project_dir)
    DbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
        ["parse", "--quiet"], target_path=project.target_path
    ).wait()


def dbt_project(settings: Settings) -> DbtProject:
    """The (cached) DbtProject for these settings, with its manifest prepared."""
    return _project(settings.dbt_project_dir, settings.dbt_target)


def refresh_manifest(settings: Settings) -> DbtProject:
    """The project with a manifest parsed now (the CLI wants edits since the last parse to count)."""
    project = dbt_project(settings)
    if project.project_dir not in _parsed_in_this_process:
        parse(project)
    return project


@lru_cache(maxsize=8)
def dbt_resource(settings: Settings) -> DbtCliResource:
    """The dbt CLI resource (cached: it runs `dbt --version` once per instance)."""
    return DbtCliResource(
        project_dir=dbt_project(settings), target=settings.dbt_target, dbt_executable=dbt_executable()
    )


def prune_invocation_dirs(target_dir: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest per-invocation folders under dbt's target/; returns those removed.

    Each run step leaves one (compiled SQL, run_results.json, dbt.log): about 4 MB each for the
    sample project, unbounded over months of daily runs. Other files (manifest.json,
    partial_parse.msgpack) are dbt's own and stay.
    """
    if not target_dir.is_dir():
        return []
    folders = sorted(
        (path for path in target_dir.iterdir() if path.is_dir() and _INVOCATION_DIR.fullmatch(path.name)),
        key=lambda path: path.stat().st_mtime,
        reverse=True,
    )
    removed = folders[keep:]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)  # a concurrent run may be removing it too
    return removed
