"""Starting tdlocal for a CLI run, saying what happens: where it listens, where its data lives,
the sample data a new data dir gets, and how to stop the server, which outlives the run.

A new data dir's sample data is loaded here, table by table, before the server starts (the server
would load the same sample itself, silently, while the user waits): the user sees each table's
rows as it lands. Both go through `tdlocal.sample_data.load_sample`, so the data is the same.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from orchestration.settings import Settings
from orchestration.warehouse import endpoint


def start_tdlocal(settings: Settings, say: Callable[[str], None]) -> bool:
    """Make sure tdlocal serves `settings.tdlocal_data_dir`; True if this call started it.

    Says (through `say`, one line per call) that it starts tdlocal at its URL with its data dir,
    and each sample table it loads into a new data dir. Raises tdlocal's PortInUseError or
    TdlocalStartError (their messages name the port or data dir and the fix).
    """
    from tdlocal import ensure_running
    from tdlocal.data_dir import DATABASE_FILE_NAME
    from tdlocal.process import find_running, probe

    data_dir = settings.tdlocal_data_dir
    url = endpoint(settings)
    if find_running(data_dir) is not None or probe(url).listening:
        # Running already, or the port is taken: ensure_running reuses it or says what holds the
        # port, before any sample data is generated.
        ensure_running(data_dir, host=settings.tdlocal_host, port=settings.tdlocal_port)
        return False
    say(f"Starting tdlocal (the local TD engine) at {url}, data in {data_dir}")
    if not (data_dir / DATABASE_FILE_NAME).exists():
        _load_sample_tables(data_dir, say)
    started = time.monotonic()
    ensure_running(data_dir, host=settings.tdlocal_host, port=settings.tdlocal_port)
    say(f"  tdlocal is up ({time.monotonic() - started:.1f} s); it keeps running after this command")
    return True


def _load_sample_tables(data_dir: Path, say: Callable[[str], None]) -> None:
    from tdlocal.loading import open_database
    from tdlocal.sample_data import (
        DEFAULT_DAYS,
        DEFAULT_ROWS_PER_DAY,
        EVENTS_TABLE,
        WWW_ACCESS_TABLE,
        load_sample,
        sample_now,
    )

    say(
        f"  new data dir: loading {DEFAULT_DAYS} days of generated sample data "
        f"({DEFAULT_ROWS_PER_DAY:,} rows a day per table)"
    )
    now = sample_now()  # one "now" for both tables, as a single load would have
    with open_database(data_dir) as connection:
        for number, table in enumerate((EVENTS_TABLE, WWW_ACCESS_TABLE), start=1):
            started = time.monotonic()
            loaded = load_sample(connection, now=now, tables=(table,))
            say(
                f"  [{number}/2] {table}: {loaded.rows[table]:,} rows, {loaded.first_day}..{loaded.last_day} "
                f"(UTC) in {time.monotonic() - started:.1f} s"
            )


def stop_command(data_dir: Path, cwd: Path | None = None) -> str:
    """The command that stops the tdlocal holding `data_dir`, as the user would type it from `cwd`:
    `uv run tdlocal stop`, with `--data-dir` unless the data dir is tdlocal's default (./.tdlocal)."""
    from tdlocal.process import DEFAULT_DATA_DIR

    here = Path.cwd() if cwd is None else cwd
    if data_dir.resolve() == (here / DEFAULT_DATA_DIR).resolve():
        return "uv run tdlocal stop"
    return f"uv run tdlocal stop --data-dir {data_dir}"
