"""Running the project's reporting macros through real dbt, as `dbt run-operation` would."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2] / "dbt_project"


def run_operation_report(macro: str, arguments: dict, marker: str) -> dict:
    """Run `macro` with `arguments` and return the JSON it logs after `marker` (no warehouse needed)."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "dbt.cli.main",
            "run-operation",
            macro,
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
