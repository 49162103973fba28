"""Copies of TD dbt projects for tests that write to them (dbt's target/, a test's own models).

Both keep the td_dbt package reachable the way a user's checkout does: the bundled project next
to its `../td_dbt`, another project with packages.yml pointing at this repository's td_dbt.
"""

from __future__ import annotations

import shutil
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[1]
TD_DBT = REPOSITORY / "td_dbt"
_NOT_COPIED = shutil.ignore_patterns("target", "logs", "dbt_packages", ".user.yml", "package-lock.yml")


def copy_dbt_project(destination: Path) -> Path:
    """The bundled dbt_project at `destination`, with td_dbt beside it (its packages.yml says ../td_dbt)."""
    shutil.copytree(REPOSITORY / "dbt_project", destination, ignore=_NOT_COPIED)
    if not (destination.parent / "td_dbt").exists():
        shutil.copytree(TD_DBT, destination.parent / "td_dbt")
    return destination


def copy_user_project(source: Path, destination: Path) -> Path:
    """A user's TD dbt project at `destination`, its packages.yml pointing at this repository's td_dbt."""
    shutil.copytree(source, destination, ignore=_NOT_COPIED)
    (destination / "packages.yml").write_text(f"packages:\n  - local: {TD_DBT}\n")
    return destination
