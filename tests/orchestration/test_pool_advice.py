"""The pool-wait message's advice to raise the `td` limit is a command that works as printed."""

from __future__ import annotations

import shlex
import subprocess

import pytest
from dagster import DagsterRun, DagsterRunStatus

from orchestration.instance import dagster_cli_command, local_instance
from orchestration.pool_slots import cli_run_tags, wait_for_pool
from orchestration.settings import PROJECT_ROOT


class _Said(Exception):
    pass


def test_without_dagster_home_the_advice_names_the_repository_instance():
    # A bare `dagster instance ...` dies with DagsterHomeNotSetError where td-dagster found its
    # instance through the repository's dagster.yaml, whose storage paths are relative to the root.
    root = shlex.quote(str(PROJECT_ROOT))
    assert dagster_cli_command("instance concurrency set td 2", environ={}) == (
        f"DAGSTER_HOME={root} uv run --directory {root} dagster instance concurrency set td 2"
    )


def test_the_pool_wait_message_prints_a_command_that_raises_the_limit(tmp_path, monkeypatch):
    home = tmp_path / "a home with spaces"  # the printed command must quote it
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    said: list[str] = []

    def say(text: str) -> None:
        said.append(text)
        raise _Said  # the first announcement is all this test needs; wait_for_pool would poll on

    with local_instance() as instance:
        instance.event_log_storage.set_concurrency_slots("td", 1)
        # A run of this live process holds the one slot, so it is not freed as a dead holder.
        run = instance.add_run(
            DagsterRun(
                job_name="daily_incremental",
                run_id="holder",
                status=DagsterRunStatus.STARTED,
                tags=cli_run_tags(),
            )
        )
        instance.event_log_storage.claim_concurrency_slot("td", run.run_id, "dbt_step")
        with pytest.raises(_Said):
            wait_for_pool(instance, "td", say, poll_seconds=0)
    advice = said[0].split("raise the limit: ", 1)[1]
    assert advice == (
        f"DAGSTER_HOME={shlex.quote(str(home))} uv run --project {shlex.quote(str(PROJECT_ROOT))} "
        "dagster instance concurrency set td 2"
    )

    # Run as printed, from another directory and with DAGSTER_HOME unset in the shell.
    monkeypatch.delenv("DAGSTER_HOME")
    completed = subprocess.run(advice, shell=True, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    with local_instance() as instance:
        assert instance.event_log_storage.get_concurrency_info("td").slot_count == 2
