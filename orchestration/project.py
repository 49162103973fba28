"""The dbt project and the dbt CLI resource, built once per settings."""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from functools import cached_property, lru_cache
from importlib.metadata import version as installed_version
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import dagster_dbt.core.dbt_cli_invocation as dbt_cli_invocation_module
from dagster_dbt import DbtCliResource, DbtProject
from dagster_dbt.core.dbt_cli_invocation import DbtCliInvocation
from packaging.version import Version
from pydantic import Field

from orchestration.dbt_packages import local_package_dirs, packages_missing
from orchestration.forked_dbt import ForkedDbtProcess, fork_allowed, preload_dbt
from orchestration.settings import Settings, dbt_fork_setting
from orchestration.unreachable_warehouse import is_dbt_connection_failure

log = logging.getLogger(__name__)
# dagster-dbt gives each dbt invocation its own target folder: `<op name>-<run id[:7]>-<random[:7]>`.
_INVOCATION_DIR = re.compile(r".+-[0-9a-f]{7}-[0-9a-f]{7}")
# Project dir -> the parse environment (parse_environment) its manifest was last written or found
# current for in this process, and the fingerprint file's text then: a process checks its manifest
# again (reading every project file) only when either changed, e.g. when another process parsed
# the project under other settings meanwhile.
_checked_in_this_process: dict[Path, tuple[tuple[tuple[str, str | None], ...], str]] = {}
# Project dir -> the variable names its files pass to env_var(), from the last fingerprint.
_referenced_env: dict[Path, frozenset[str]] = {}
#: Where the fingerprint of the inputs of the last `dbt parse` is kept, beside the manifest.
FINGERPRINT_FILE = "td_parse_fingerprint"
_PROJECT_FILE_SUFFIXES = {".sql", ".yml", ".yaml", ".csv", ".md", ".py", ".jinja"}
_NOT_PROJECT_FILES = {"target", "logs", "dbt_packages", "__pycache__"}
# dbt renders env_var() at parse time (profiles.yml, sources.yml): these variables are inputs too.
_PARSE_ENV_PREFIXES = ("TD_", "DBT_", "TDLOCAL_")
# dbt flags that only change how dbt prints: the CLI sets DBT_USE_COLORS=false off a terminal, and
# that must not make the next run on a terminal parse again.
_OUTPUT_ONLY_ENV = frozenset({"DBT_USE_COLORS", "DBT_USE_COLORS_FILE", "DBT_PRINTER_WIDTH", "DBT_QUIET"})
# How dbt is started, not what it parses (forked_dbt.py).
_LAUNCH_ONLY_ENV = frozenset({"TD_DBT_FORK"})
# Read by the validating macros only while executing, never while parsing (validated_vars.sql):
# they are not inputs of a parse, and a run sets them for its dbt process only.
_EXECUTION_ONLY_ENV = frozenset({"TD_RUN_TARGET_RANGE", "TD_RUN_TIMEZONE"})
# Credentials: the profile's Trino user on TD, and dbt's secret variables, which dbt allows only in
# profiles.yml and packages.yml and never writes into the manifest (dbt docs, "env_var": secrets).
# They change no parse, so a rotated key costs none.
_CREDENTIAL_ENV = frozenset({"TD_API_KEY"})
_SECRET_ENV_PREFIX = "DBT_ENV_SECRET_"
# `env_var('NAME'` in a project file: a variable dbt renders while parsing, whatever its name (a
# project brought here may read MY_SCHEMA); names built at run time cannot be seen, hence the prefixes.
_ENV_VAR_CALL = re.compile(r"""env_var\(\s*['"]([^'"]+)['"]""")
# os.environ is process-wide: one invocation at a time may lend it its variables.
_environ_lock = threading.Lock()
# The dbt adapter every target of a TD project uses (TD's Trino; tdlocal speaks the same protocol).
TD_DBT_ADAPTER = "trino"


class TdDbtCliResource(DbtCliResource):
    """dagster-dbt's dbt CLI resource without its per-invocation start-up costs, and with
    per-invocation environment variables.

    dagster-dbt runs `dbt --version` in a subprocess once per resource instance (Dagster builds one
    per step: seconds each) and builds a dbt adapter in this process before every invocation
    (loading the profile and every macro) for its row-count and column-metadata fetches. This
    project fetches neither (each day's `td/rows` comes from partition_rows.py), and the dbt it
    runs is the dbt-core installed beside it (dbt_executable()), so the version is read from the
    installed package metadata and no adapter is built here. dbt's own process still builds its
    adapter once per invocation.

    dbt is started as a fork of this process where that is safe (forked_dbt.py: about 1.8 s of CPU
    less per invocation), else as dagster-dbt starts it.
    """

    fork_dbt: bool | None = Field(
        default=None,
        description=(
            "Start dbt as a fork of this process where that is safe; unset: TD_DBT_FORK (default true)."
        ),
    )

    @cached_property
    def _cli_version(self) -> Version:
        return Version(installed_version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args: Any) -> None:  # type: ignore[override]
        # dagster-dbt passes the adapter on to the invocation, which only needs it for
        # fetch_row_counts() / fetch_column_metadata(); without it those raise, by design here.
        return None

    def cli(self, args: Any, **kwargs: Any) -> DbtCliInvocation:  # type: ignore[override]
        """DbtCliResource.cli, with dbt forked from this process when forked_dbt allows it."""
        fork = dbt_fork_setting() if self.fork_dbt is None else self.fork_dbt
        if not (fork and fork_allowed(self.dbt_executable)):
            return super().cli(args, **kwargs)
        preload_dbt(TD_DBT_ADAPTER)
        with _dbt_started_by_fork():  # fork_allowed: no other thread can start dbt meanwhile
            return super().cli(args, **kwargs)

    def cli_with_env(self, args: list[str], env: Mapping[str, str], **kwargs: Any) -> DbtCliInvocation:
        """`cli(args, **kwargs)` with `env` added to the dbt process's environment only.

        DbtCliResource.cli copies os.environ when it starts dbt and takes no environment of its
        own, so the variables are set around the start and removed (or restored) right after.
        """
        with _environ_lock, _environ_with(env):
            return self.cli(args, **kwargs)


# dagster-dbt starts dbt with `subprocess.Popen(args, stdout=PIPE, stderr=STDOUT, env=, cwd=)` in
# DbtCliInvocation.run, through its module's `subprocess` name and nothing else of that module;
# for one start that name is this stand-in (test_forked_dbt checks dagster-dbt still starts dbt so).
_FORKING_SUBPROCESS = SimpleNamespace(Popen=ForkedDbtProcess, PIPE=subprocess.PIPE, STDOUT=subprocess.STDOUT)


@contextmanager
def _dbt_started_by_fork() -> Iterator[None]:
    dbt_cli_invocation_module.subprocess = _FORKING_SUBPROCESS  # type: ignore[assignment]
    try:
        yield
    finally:
        dbt_cli_invocation_module.subprocess = subprocess


@contextmanager
def _environ_with(env: Mapping[str, str]) -> Iterator[None]:
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


#: Lines of a held-back dbt output printed when that dbt command fails.
_HELD_OUTPUT_LINES = 40


def wait_quietly(invocation: DbtCliInvocation) -> DbtCliInvocation:
    """Wait for a dbt command run outside a Dagster run (deps, parse, lint's compile) without
    echoing its output; the invocation, done. On failure (dagster-dbt's DagsterDbtCliRuntimeError,
    re-raised) the last lines go to stderr first.

    dagster-dbt echoes every line of dbt's output to sys.stdout. Here that would mix dbt's log,
    and the "keyring module not found" INFO lines the trino client logs in dbt's process at
    import, into the command's own output (`lint --format json`, `stale`, `status`).
    """
    held = io.StringIO()
    try:
        with redirect_stdout(held):
            return invocation.wait()
    except Exception as error:
        lines = [line for line in held.getvalue().splitlines() if line.strip()][-_HELD_OUTPUT_LINES:]
        # Not for a warehouse dbt could not reach: the CLI says that in one line (-v: all of it).
        if lines and not is_dbt_connection_failure(str(error)):
            print(
                "td-dagster: the end of dbt's output:",
                *(f"  {line}" for line in lines),
                sep="\n",
                file=sys.stderr,
            )
        raise


def dbt_executable() -> str:
    """dbt on PATH, else the one installed next to this Python (a venv's python run directly)."""
    beside_python = Path(sys.executable).parent / "dbt"
    return shutil.which("dbt") or (str(beside_python) if beside_python.exists() else "dbt")


@lru_cache(maxsize=8)
def _project(project_dir: Path, target: str) -> DbtProject:
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir, target=target)
    install_packages_if_missing(project)
    if project.preparer.using_dagster_dev():
        parse(project)  # `dagster dev` re-parses on every reload; elsewhere dbt_project() checks
    return project


def install_packages_if_missing(project: DbtProject) -> bool:
    """`dbt deps` when the project declares packages dbt_packages/ lacks; True if it ran.

    A fresh clone has no dbt_packages/ (it is not committed), and dbt refuses every command until
    `dbt deps` ran. Local packages such as td_dbt install without a network.
    """
    if not packages_missing(Path(project.project_dir)):
        return False
    log.info("Installing the dbt packages of %s (dbt deps)", project.project_dir)
    wait_quietly(
        TdDbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
            ["deps", "--quiet"], target_path=project.target_path
        )
    )
    return True


def parse(project: DbtProject) -> None:
    """Write the project's manifest with `dbt parse` (no warehouse connection is needed)."""
    log.info("Parsing the dbt project at %s", project.project_dir)
    project_dir = Path(project.project_dir)
    fingerprint = project_fingerprint(project_dir)
    stored = project_dir / project.target_path / FINGERPRINT_FILE
    stored.unlink(missing_ok=True)  # a parse that fails leaves no fingerprint of older inputs
    wait_quietly(
        TdDbtCliResource(project_dir=project, dbt_executable=dbt_executable()).cli(
            ["parse", "--quiet"], target_path=project.target_path
        )
    )
    stored.write_text(fingerprint)
    _checked_in_this_process[project_dir] = (parse_environment(project_dir), fingerprint)


def project_fingerprint(project_dir: Path, environ: Mapping[str, str] | None = None) -> str:
    """sha256 (hex) of what a `dbt parse` of this project reads: its files' paths and contents,
    its local packages' files (td_dbt's macros), and the environment variables its Jinja may
    render (parse_environment)."""
    digest = hashlib.sha256()
    referenced: set[str] = set()
    for index, root in enumerate((project_dir, *local_package_dirs(project_dir))):
        digest.update(f"root {index}\0".encode())  # the same file name in two roots differs
        for path in sorted(root.rglob("*")):
            relative = path.relative_to(root)
            if (
                path.is_file()
                and path.suffix in _PROJECT_FILE_SUFFIXES
                and not _NOT_PROJECT_FILES & set(relative.parts)
            ):
                content = path.read_bytes()
                digest.update(str(relative).encode() + b"\0" + content + b"\0")
                referenced.update(_ENV_VAR_CALL.findall(content.decode(errors="replace")))
    _referenced_env[project_dir] = frozenset(referenced)
    for name, value in parse_environment(project_dir, environ):
        # An unset variable and an empty one render differently (env_var's default): both are kept.
        digest.update(f"{name}={'<unset>' if value is None else '=' + value}\0".encode())
    return digest.hexdigest()


def parse_environment(
    project_dir: Path, environ: Mapping[str, str] | None = None
) -> tuple[tuple[str, str | None], ...]:
    """The environment variables a `dbt parse` of the project may render, as sorted (name, value)
    pairs, value None when unset: every TD_*, DBT_* and TDLOCAL_* variable set, and every name the
    project's files pass to `env_var('NAME', ...)` (profiles.yml, sources, models, macros), set or
    not. Not dbt's output-only flags (DBT_USE_COLORS, ...), nor the TD_RUN_* ones, which the macros
    read only when executing, nor TD_DBT_FORK (how dbt starts), nor credentials (TD_API_KEY,
    DBT_ENV_SECRET_*), which dbt never writes into the manifest.

    The names referenced are those the last project_fingerprint() of this process read (read
    now if none did).
    """
    env = os.environ if environ is None else environ
    if project_dir not in _referenced_env:
        project_fingerprint(project_dir, env)
    names = {name for name in env if name.startswith(_PARSE_ENV_PREFIXES)} | _referenced_env[project_dir]
    names -= _EXECUTION_ONLY_ENV | _OUTPUT_ONLY_ENV | _LAUNCH_ONLY_ENV | _CREDENTIAL_ENV
    return tuple((name, env.get(name)) for name in sorted(names) if not name.startswith(_SECRET_ENV_PREFIX))


def parse_if_changed(project: DbtProject) -> bool:
    """`dbt parse` unless the manifest was written from the same inputs; True if it parsed.

    Saves a dbt start-up (seconds) on every CLI run of an unchanged project.
    """
    install_packages_if_missing(project)
    project_dir = Path(project.project_dir)
    fingerprint = project_fingerprint(project_dir)
    if project.manifest_path.exists() and _stored_fingerprint(project) == fingerprint:
        _checked_in_this_process[project_dir] = (parse_environment(project_dir), fingerprint)
        return False
    parse(project)
    return True


def dbt_project(settings: Settings) -> DbtProject:
    """The (cached) DbtProject for these settings, its manifest written for the project's files and
    the environment as they are now: re-parsed (parse_if_changed) when either changed since the
    manifest was written, e.g. after a run under another TD_DATABASE, whose relations the manifest
    would otherwise still name. Within one process, checked again only when the environment
    changes. Raises DagsterDbtCliRuntimeError when dbt cannot parse the project."""
    project = _project(settings.dbt_project_dir, settings.dbt_target)
    project_dir = Path(project.project_dir)
    checked = _checked_in_this_process.get(project_dir)
    # The first call reads the files once, in parse_if_changed; later calls compare the environment
    # and the stored fingerprint only.
    if checked is None or checked != (parse_environment(project_dir), _stored_fingerprint(project)):
        parse_if_changed(project)
    return project


def _stored_fingerprint(project: DbtProject) -> str | None:
    """The fingerprint written beside the manifest by the last parse, None if there is none."""
    try:
        return (Path(project.project_dir) / project.target_path / FINGERPRINT_FILE).read_text()
    except FileNotFoundError:
        return None


def refresh_manifest(settings: Settings) -> DbtProject:
    """dbt_project(): the project with a manifest that reflects its files and environment now
    (the CLI wants edits to count)."""
    return dbt_project(settings)


@lru_cache(maxsize=8)
def dbt_resource(settings: Settings) -> TdDbtCliResource:
    """The dbt CLI resource (cached: one per settings)."""
    return TdDbtCliResource(
        project_dir=dbt_project(settings),
        target=settings.dbt_target,
        dbt_executable=dbt_executable(),
        fork_dbt=settings.dbt_fork,
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
    # A folder touched in the last hour may belong to a step still running (or its retry's log).
    recent = time.time() - 3600
    removed = [folder for folder in folders[keep:] if folder.stat().st_mtime < recent]
    for folder in removed:
        shutil.rmtree(folder, ignore_errors=True)  # a concurrent run may be removing it too
    return removed
