"""A dbt project's packages, and the wiring the td_dbt package needs in the project that includes it.

td_dbt (the TD macros, at `td_dbt/` in this repository) is a local dbt package: a project lists
it in packages.yml and `dbt deps` installs it into dbt_packages/ without a network. Three things
dbt only looks up in the root project must then point into the package (dbt-core resolves an
unqualified macro name in the root project and dbt's internal packages, never in installed
packages; `adapter.dispatch` follows the project's `dispatch` search order):

- `dispatch: [{macro_namespace: dbt, search_order: [<project>, td_dbt, dbt]}]` in dbt_project.yml,
  so dbt-trino's dispatched macros (create_table_as, list_schemas, make_temp_relation, ...) take
  td_dbt's TD overrides;
- root macros for the names dbt or dbt-trino call without dispatch (`HOOKS`), each a one-line
  call into td_dbt: td_dbt ships them in `hooks/`, outside its own macro-paths, and the project
  adds `dbt_packages/td_dbt/hooks` to its macro-paths, so they belong to the root project;
- nothing else: models call the package's macros by name, `td_dbt.incremental_scan(...)`.

Without the hooks a project would run, but with dbt-trino's stock behaviour: source schemas not
validated, table rebuilds that drop the old table before the new one exists. So the code location
refuses to load such a project, and `td-dagster lint` reports it (rule td-package-hooks).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

log = logging.getLogger(__name__)

TD_DBT_PACKAGE = "td_dbt"
#: Root-project macros that must delegate to td_dbt, with what each one does (for the error).
HOOKS = {
    "source": "validates the TD database of every source()",
    "on_table_exists_logic": "builds a table beside the old one before replacing it",
    "trino__get_catalog_table_comment_schemas_sql": "keeps `dbt docs generate` to SQL TD accepts",
    "trino__get_catalog_table_comment_relations_sql": "keeps `dbt docs generate` to SQL TD accepts",
}
#: Needed only by projects with a td_window model (dbt finds a strategy as get_incremental_<name>_sql).
STRATEGY_HOOK = "get_incremental_td_window_sql"
#: Needed only by projects with snapshots: dbt 1.8+ uses a package's override of a built-in
#: materialization only through a root-project materialization (the flag
#: require_explicit_package_overrides_for_builtin_materializations, on by default).
SNAPSHOT_HOOK = "materialization_snapshot_trino"
#: dbt reads its package list from either file (dependencies.yml since dbt 1.6).
PACKAGE_FILES = ("packages.yml", "dependencies.yml")


def declared_packages(project_dir: Path) -> list[Mapping[str, Any]]:
    """The entries of the project's packages.yml (or dependencies.yml); [] when it has none.

    Entries are dbt's own shapes: `{local: path}`, `{package: name, version: ...}`, `{git: url}`.
    Jinja in an entry (e.g. env_var) is left unrendered: only the count and local paths are read.
    """
    for name in PACKAGE_FILES:
        path = project_dir / name
        if path.is_file():
            document = yaml.safe_load(path.read_text()) or {}
            return list(document.get("packages") or [])
    return []


def local_package_dirs(project_dir: Path) -> list[Path]:
    """The directories of the project's `local:` packages, resolved against the project dir."""
    return [
        (project_dir / str(entry["local"])).resolve()
        for entry in declared_packages(project_dir)
        if isinstance(entry, Mapping) and "local" in entry and "{{" not in str(entry["local"])
    ]


def packages_missing(project_dir: Path) -> bool:
    """True when dbt would refuse to run for want of `dbt deps`.

    dbt's own rule (dbt-core's "dbt found N package(s) specified in packages.yml, but only M
    package(s) installed in dbt_packages"): fewer installed package folders than declared
    packages. A local package whose folder or symlink no longer resolves counts as missing too.
    """
    declared = declared_packages(project_dir)
    if not declared:
        return False
    installed_dir = project_dir / "dbt_packages"
    installed = [path for path in installed_dir.iterdir() if path.exists()] if installed_dir.is_dir() else []
    return len(installed) < len(declared)


def hook_problems(
    project_name: str, project_config: Mapping[str, Any], manifest: Mapping[str, Any]
) -> list[str]:
    """What the root project lacks to use td_dbt, one sentence each with its fix; [] when wired.

    `project_config` is the parsed dbt_project.yml; `manifest` a parsed manifest.json. A project
    that does not include td_dbt at all gets one problem saying so.
    """
    macros = manifest.get("macros", {}).values()
    if not any(macro.get("package_name") == TD_DBT_PACKAGE for macro in macros):
        # Without td_dbt, stock dbt-trino SQL (views, CREATE OR REPLACE, system.metadata) reaches TD.
        return [
            "the project does not include the td_dbt package (the TD overrides, validated vars, "
            "td_window): add packages.yml with `packages: [{local: <path to td_dbt>}]`, then wire it "
            "as td_dbt/README.md shows"
        ]
    root_macros = {macro["name"] for macro in macros if macro.get("package_name") == project_name}
    needed = dict(HOOKS)
    if any(
        node.get("config", {}).get("incremental_strategy") == "td_window"
        for node in manifest.get("nodes", {}).values()
    ):
        needed[STRATEGY_HOOK] = "is the td_window incremental strategy"
    if any(node.get("resource_type") == "snapshot" for node in manifest.get("nodes", {}).values()):
        needed[SNAPSHOT_HOOK] = "snapshots without MERGE, which TD rejects"
    problems = [
        f'the project has no macro `{name}` (it {why}): add "dbt_packages/td_dbt/hooks" to '
        "macro-paths in dbt_project.yml"
        for name, why in needed.items()
        if name not in root_macros
    ]
    if not _dispatches_to_td_dbt(project_name, project_config):
        problems.append(
            "dbt_project.yml does not send dbt's dispatched macros to td_dbt, so dbt-trino's stock "
            "SQL (views, CREATE OR REPLACE, COMMENT ON) would reach TD: add\n"
            "  dispatch:\n"
            "    - macro_namespace: dbt\n"
            f'      search_order: ["{project_name}", "td_dbt", "dbt"]'
        )
    return problems


def _dispatches_to_td_dbt(project_name: str, project_config: Mapping[str, Any]) -> bool:
    for entry in project_config.get("dispatch") or []:
        if isinstance(entry, Mapping) and entry.get("macro_namespace") == "dbt":
            order = list(entry.get("search_order") or [])
            return (
                TD_DBT_PACKAGE in order
                and "dbt" in order
                and order.index(TD_DBT_PACKAGE) < order.index("dbt")
            )
    return False


class TdDbtHooksMissing(Exception):
    """The project includes td_dbt without the hooks and dispatch order it needs (see HOOKS)."""


def require_td_dbt_hooks(project_dir: Path, manifest: Mapping[str, Any]) -> None:
    """Raise TdDbtHooksMissing, listing every missing piece with its fix, unless wired (or unused)."""
    name = manifest.get("metadata", {}).get("project_name", "")
    problems = hook_problems(name, project_config(project_dir), manifest)
    if problems:
        raise TdDbtHooksMissing(
            f"The dbt project at {project_dir} does not run through the td_dbt package (TD's SQL "
            "rules, validated vars, td_window):\n- " + "\n- ".join(problems)
        )


def project_config(project_dir: Path) -> dict[str, Any]:
    """dbt_project.yml, parsed (its Jinja left unrendered)."""
    return yaml.safe_load((project_dir / "dbt_project.yml").read_text()) or {}
