"""Running the project's reporting macros through real dbt, as `dbt run-operation` would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from orchestration.dbt_packages import packages_missing

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"
TD_DBT_DIR = Path(__file__).resolve().parents[2] / "td_dbt"


def run_operation_report(macro: str, arguments: dict, marker: str) -> dict:
    """Run `macro` (a td_dbt macro) with `arguments` and return the JSON it logs after `marker`
    (no warehouse needed)."""
    if packages_missing(PROJECT_DIR):
        subprocess.run(
            [sys.executable, "-m", "dbt.cli.main", "deps", "--project-dir", str(PROJECT_DIR)],
            capture_output=True,
            timeout=300,
            check=True,
        )
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            "run-operation",
            f"td_dbt.{macro}",
            "--project-dir",
            str(PROJECT_DIR),
            "--profiles-dir",
            str(PROJECT_DIR),
            "--args",
            json.dumps(arguments),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    match = re.search(rf"{marker} (\{{.*\}})", completed.stdout)
    assert match, completed.stdout + completed.stderr
    return json.loads(match.group(1))
