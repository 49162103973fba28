"""The Dagster instance the CLI records its runs in: the same one `dagster dev` uses."""

from __future__ import annotations

import os
import shlex
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dagster import DagsterInstance
from dagster._core.instance.ref import InstanceRef
from sqlalchemy import event
from sqlalchemy.engine import Engine

from orchestration.settings import PROJECT_ROOT

LOCAL_HOME = PROJECT_ROOT / ".dagster_home"


@contextmanager
def local_instance() -> Iterator[DagsterInstance]:
    """DAGSTER_HOME's instance if set, else the repository's dagster.yaml with .dagster_home/.

    dagster.yaml's storage paths are relative to the directory `dagster dev` starts in (the
    repository root), so the instance is opened from there. While it is open, its SQLite files
    (if the storage is SQLite) are written in write-ahead-log mode (sqlite_write_ahead_log).
    """
    with sqlite_write_ahead_log():
        if os.environ.get("DAGSTER_HOME"):
            with DagsterInstance.get() as instance:
                yield instance
            return
        LOCAL_HOME.mkdir(exist_ok=True)
        previous = Path.cwd()
        os.chdir(PROJECT_ROOT)
        try:
            instance = DagsterInstance.from_ref(
                InstanceRef.from_dir(str(LOCAL_HOME), config_dir=str(PROJECT_ROOT))
            )
        finally:
            os.chdir(previous)
        with instance:
            yield instance


def dagster_cli_command(arguments: str, environ: dict[str, str] | None = None) -> str:
    """A shell command line that runs `dagster <arguments>` on the instance local_instance() opens,
    as printed advice that works pasted into any shell in any directory.

    Why not the bare `dagster ...`: without DAGSTER_HOME the CLI opens the repository's dagster.yaml
    itself, and the `dagster` command then refuses to run (DagsterHomeNotSetError); that
    dagster.yaml's storage paths are relative to the repository root, so the command must also run
    there (`uv run --directory`). With DAGSTER_HOME set, it is given again in case it was set for
    td-dagster's command only. Paths are shell-quoted (shlex.quote).
    """
    env = os.environ if environ is None else environ
    home = env.get("DAGSTER_HOME")
    if home:
        where = f"--project {shlex.quote(str(PROJECT_ROOT))}"
        home = str(Path(home).resolve())
    else:
        where = f"--directory {shlex.quote(str(PROJECT_ROOT))}"
        home = str(PROJECT_ROOT)
    return f"DAGSTER_HOME={shlex.quote(home)} uv run {where} dagster {arguments}"


@contextmanager
def sqlite_write_ahead_log() -> Iterator[None]:
    """While open, every SQLite connection SQLAlchemy makes in this process uses SQLite's
    write-ahead log (`journal_mode=WAL`) with `synchronous=NORMAL`; other databases are untouched.

    Why: Dagster's SQLite storage opens a connection and commits several times per event (a
    one-day `td-dagster run` records ~120 events). In SQLite's default rollback-journal mode each
    commit syncs the journal and the database to disk: ~1,400 fdatasync calls per run, seconds of
    waiting. With WAL and NORMAL a commit appends to the log without a sync; the log is synced at
    checkpoints. The database stays consistent after a crash (SQLite docs, "Write-Ahead Logging"
    and "PRAGMA synchronous"); a power loss may lose the last events written, a trade acceptable
    for the local instance (production runs on Postgres, deploy/). WAL is a property of the
    database file: `dagster dev` reads the same files unchanged.
    """

    keepers: dict[str, sqlite3.Connection] = {}

    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        if not isinstance(dbapi_connection, sqlite3.Connection):
            return
        try:
            mode = dbapi_connection.execute("PRAGMA journal_mode=WAL").fetchone()[0]
        except sqlite3.OperationalError:
            mode = None
        if mode != "wal":
            # Another process holds the database, so its mode cannot change now: SQLite's
            # defaults are correct, only slower (NORMAL is safe with the log only).
            return
        dbapi_connection.execute("PRAGMA synchronous=NORMAL")
        # Dagster closes its connection after each write, and the last connection to close
        # checkpoints the log into the database (two syncs): one connection kept open per file
        # until the instance closes leaves the checkpoints to SQLite's size-based autocheckpoint.
        path = dbapi_connection.execute("PRAGMA database_list").fetchone()[2]
        if path and path not in keepers:
            keeper = sqlite3.connect(path, check_same_thread=False)
            keeper.execute("PRAGMA schema_version").fetchone()  # opens the log (connecting does not)
            keepers[path] = keeper

    event.listen(Engine, "connect", on_connect)
    try:
        yield
    finally:
        event.remove(Engine, "connect", on_connect)
        for keeper in keepers.values():
            keeper.close()
