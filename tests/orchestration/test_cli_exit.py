"""`td-dagster` as a process: it skips Python's teardown (cli.console_main), so its exit code and
every line it printed must still reach the caller, through a pipe as in CI."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.orchestration.conftest import PINNED_NOW


@pytest.mark.parametrize(
    ("argv", "code", "stdout_has", "stderr_has"),
    [
        (["ranges", "-3d"], 0, "target_range: -3d/2026-11-23", ""),
        (["run"], 2, "", "td-dagster: say which days to load: --range -7d"),  # refused by main()
        (["run", "--bogus"], 2, "", "unrecognized arguments: --bogus"),  # refused by argparse
    ],
)
def test_exit_code_and_output_survive_the_fast_exit(tmp_path, argv, code, stdout_has, stderr_has):
    env = {"PATH": "/usr/bin:/bin", "TDLOCAL_NOW": PINNED_NOW.isoformat(), "DAGSTER_HOME": str(tmp_path)}
    completed = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", *argv],
        env={**env, "TD_PARTITION_START": "2026-11-01", "TD_TIMEZONE": "Asia/Tokyo"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == code, completed.stderr
    assert stdout_has in completed.stdout and stderr_has in completed.stderr
    if code == 0:
        assert completed.stdout.endswith("\n")  # the last line was flushed, not cut off
