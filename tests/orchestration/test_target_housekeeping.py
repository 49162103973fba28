"""dbt's target/ keeps the newest per-invocation folders only, and nothing of dbt's own."""

import json
import os

import pytest

from orchestration.project import prune_invocation_dirs
from orchestration.settings import Settings, SettingsError


def test_old_invocation_folders_are_removed_and_dbt_files_stay(tmp_path):
    target = tmp_path / "target"
    target.mkdir()
    (target / "manifest.json").write_text("{}")
    (target / "compiled").mkdir()  # a plain `dbt compile` output: not an invocation folder
    names = [f"td_models-{n:07x}-abcdef{n}" for n in range(6)]
    for age, name in enumerate(names):  # names[0] is the newest
        (target / name).mkdir()
        (target / name / "dbt.log").write_text("x")
        os.utime(target / name, (1_000_000 - age * 60, 1_000_000 - age * 60))
    removed = prune_invocation_dirs(target, keep=2)
    assert sorted(path.name for path in removed) == sorted(names[2:])
    assert sorted(path.name for path in target.iterdir()) == sorted(["manifest.json", "compiled", *names[:2]])
    assert prune_invocation_dirs(tmp_path / "missing", keep=2) == []


def test_how_many_are_kept_is_a_setting():
    assert Settings.from_env({}).dbt_targets_kept == 10
    assert Settings.from_env({"TD_DBT_TARGETS_KEPT": "1"}).dbt_targets_kept == 1
    for bad in ("many", "0", "-1"):  # 0 would remove the running step's own folder
        with pytest.raises(
            SettingsError, match=f"TD_DBT_TARGETS_KEPT='{bad}' is not a whole number from 1 up"
        ):
            Settings.from_env({"TD_DBT_TARGETS_KEPT": bad})


def test_the_cli_parses_only_when_the_project_or_its_environment_changed(tmp_path, monkeypatch):
    from dagster_dbt import DbtProject

    from orchestration.project import parse_if_changed

    from .conftest import copy_dbt_project

    project_dir = copy_dbt_project(tmp_path / "dbt_project")
    project = DbtProject(project_dir=project_dir, profiles_dir=project_dir, target="local")
    assert parse_if_changed(project)  # no manifest yet
    written = project.manifest_path.stat().st_mtime_ns
    assert not parse_if_changed(project)  # nothing changed: dbt is not started
    assert project.manifest_path.stat().st_mtime_ns == written

    model = project_dir / "models" / "marts" / "page_views.sql"
    model.write_text(model.read_text() + "\n-- an edit\n")
    assert parse_if_changed(project)
    monkeypatch.setenv("TD_DATABASE", "another_database")  # rendered into every relation name
    assert parse_if_changed(project)
    assert '"another_database"' in project.manifest_path.read_text()
    assert not parse_if_changed(project)
    # A partitioned run's window variables are read only while dbt executes: not a parse input.
    monkeypatch.setenv("TD_RUN_TARGET_RANGE", "-1d/2026-11-23")
    monkeypatch.setenv("TD_RUN_TIMEZONE", "Asia/Tokyo")
    assert not parse_if_changed(project)
    # Nor is how dbt is started (forked or not): switching it must not cost a full parse.
    monkeypatch.setenv("TD_DBT_FORK", "false")
    assert not parse_if_changed(project)
    # Nor a credential, which dbt never writes into the manifest: a rotated key costs no parse.
    monkeypatch.setenv("TD_API_KEY", "1/rotated-key-0000")
    assert not parse_if_changed(project)

    # A variable the project reads through env_var() is an input whatever its name (a project
    # brought here may name its own), set or unset.
    (project_dir / "models" / "env_probe.sql").write_text(
        "{{ config(materialized='table', alias=env_var('PROBE_ALIAS', 'probe')) }}\nselect 1 as one\n"
    )

    def probe_relation() -> str:
        return json.loads(project.manifest_path.read_text())["nodes"]["model.td_analytics.env_probe"][
            "relation_name"
        ]

    assert parse_if_changed(project)
    assert probe_relation() == '"td"."another_database"."probe"'
    monkeypatch.setenv("PROBE_ALIAS", "renamed_probe")
    assert parse_if_changed(project)
    assert probe_relation() == '"td"."another_database"."renamed_probe"'
    monkeypatch.delenv("PROBE_ALIAS")
    assert parse_if_changed(project)
    assert probe_relation() == '"td"."another_database"."probe"'


def test_the_dbt_resource_starts_no_dbt_to_learn_its_version(monkeypatch):
    """dagster-dbt asks `dbt --version` in a subprocess per resource instance (one per step);
    the dbt that runs is the dbt-core installed here, so its version is read in-process."""
    from importlib.metadata import version

    import dagster_dbt.core.resource
    from packaging.version import Version

    from orchestration.project import TdDbtCliResource
    from orchestration.settings import PROJECT_ROOT

    def no_subprocess(*args, **kwargs):
        raise AssertionError(f"a subprocess was started: {args}")

    monkeypatch.setattr(dagster_dbt.core.resource, "check_output", no_subprocess)
    resource = TdDbtCliResource(project_dir=str(PROJECT_ROOT / "dbt_project"))
    assert resource._cli_version == Version(version("dbt-core"))
    # Nor is a dbt adapter built in this process before each invocation (only dbt's own builds one).
    assert resource._initialize_dbt_core_adapter(["build"]) is None
