"""The CLI's local instance: SQLite written through the write-ahead log, every event readable after."""

from __future__ import annotations

import sqlite3

from dagster import DagsterInstance, job, op

from orchestration.instance import local_instance


@op
def say_hello(context) -> None:
    context.log.info("hello from the op")


@job
def hello() -> None:
    say_hello()


def test_runs_written_in_wal_mode_are_whole_for_the_next_reader(tmp_path, monkeypatch):
    """Everything a run recorded inside local_instance() (in WAL mode, synced at checkpoints) is
    read back by the next process's instance, which opens the files with SQLite's defaults."""
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    (tmp_path / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    with local_instance() as instance:
        result = hello.execute_in_process(instance=instance)
        written = [entry.user_message for entry in instance.all_logs(result.run_id)]
    assert result.success and "hello from the op" in written

    databases = sorted(tmp_path.rglob("*.db"))
    assert {path.name for path in databases} >= {"runs.db", "index.db", f"{result.run_id}.db"}
    for path in databases:
        with sqlite3.connect(path) as connection:
            # SQLite keeps the mode in the file: https://www.sqlite.org/wal.html#persistence_of_wal_mode
            assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal", path.name

    with DagsterInstance.get() as reader:  # outside local_instance(): SQLite's own settings
        assert reader.get_run_by_id(result.run_id).is_success
        assert [entry.user_message for entry in reader.all_logs(result.run_id)] == written
