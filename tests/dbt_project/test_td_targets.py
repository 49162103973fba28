"""The dev/prod targets: parsing needs no TD key, running without one stops before connecting,
and a key never lands in dbt's artifacts or logs."""

import os
import subprocess
import sys
from pathlib import Path

from tests.td_projects import copy_dbt_project

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
SENTINEL_KEY = "1/td-api-key-sentinel-0123456789abcdef"


def dbt(project: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in ("TD_API_KEY", "DBT_TARGET")} | env
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            *args,
            "--project-dir",
            str(project),
            "--profiles-dir",
            str(project),
        ],
        capture_output=True,
        text=True,
        env=environment,
        timeout=300,
        check=False,
    )


def test_td_targets_parse_without_a_key_and_keep_the_key_out_of_artifacts(tmp_path):
    project = copy_dbt_project(tmp_path / "project")
    assert dbt(project, "deps").returncode == 0
    assert dbt(project, "parse", DBT_TARGET="prod").returncode == 0
    parsed = dbt(project, "parse", "--log-level", "debug", DBT_TARGET="prod", TD_API_KEY=SENTINEL_KEY)
    assert parsed.returncode == 0, parsed.stdout
    written = [path for path in (project / "target").rglob("*") if path.is_file()]
    written += [path for path in (project / "logs").rglob("*") if path.is_file()]
    assert any(path.name == "manifest.json" for path in written)
    for path in written:
        assert SENTINEL_KEY.encode() not in path.read_bytes(), path
    assert SENTINEL_KEY not in parsed.stdout + parsed.stderr


def test_running_on_td_without_a_key_stops_before_connecting(tmp_path):
    project = copy_dbt_project(tmp_path / "project")
    assert dbt(project, "deps").returncode == 0
    # An unreachable host: if dbt tried to connect, the error would be a connection failure.
    result = dbt(project, "run", "--select", "stg_events", DBT_TARGET="dev", TD_API_HOST="td.invalid")
    assert result.returncode != 0
    assert "TD_API_KEY is not set, and target 'dev' runs on Treasure Data" in result.stdout
    assert "td.invalid" not in result.stdout
