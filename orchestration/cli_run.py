"""`td-dagster run` around one run: start tdlocal if needed, show the run's progress, print the
summary and where to go next (how to stop tdlocal, the run in the UI)."""

from __future__ import annotations

import sys
import time
from collections.abc import Mapping, Sequence

from orchestration.local_engine_start import start_tdlocal, stop_command
from orchestration.partitions import daily_partitions_def, target_range_for_keys
from orchestration.range_run import RunSummary, run_partition_range
from orchestration.run_progress import RunProgress
from orchestration.settings import Settings
from orchestration.terminal_output import Terminal, Verbosity, dagster_log_level
from orchestration.warehouse import endpoint
from orchestration.webserver_link import shown_run_url, webserver_url, where_to_see_run


def run_and_report(
    settings: Settings,
    keys: Sequence[str],
    *,
    full_refresh: bool,
    select: str | None,
    verbosity: Verbosity,
    tags: Mapping[str, str] | None = None,
) -> int:
    """Run partition keys keys[0]..keys[-1] (checked already) as one Dagster run with `tags`,
    telling the user what happens on stdout; the exit code: 0 if the run and its checks passed,
    else 1."""
    started = time.monotonic()
    terminal = Terminal(verbosity=verbosity)
    if settings.uses_tdlocal:
        start_tdlocal(settings, terminal.say)
    target_range = target_range_for_keys(keys[0], keys[-1])
    span = keys[0] if len(keys) == 1 else f"{keys[0]}..{keys[-1]}"
    days = f"{len(keys)} day{'s' if len(keys) != 1 else ''}"
    terminal.say(
        f"Loading {span} ({days}, {daily_partitions_def().timezone}) as target_range {target_range}"
        f"{', full refresh' if full_refresh else ''}"
    )
    progress = RunProgress(target_range=target_range)
    with terminal.follow_run(progress) as on_event:
        summary = run_partition_range(
            settings,
            keys[0],
            keys[-1],
            full_refresh=full_refresh,
            select=select,
            on_event=on_event,
            dagster_log_level=dagster_log_level(verbosity),
            tags=tags,
        )
    if not summary.succeeded and verbosity < Verbosity.VERBOSE and terminal.dbt_output.lines:
        print("td-dagster: the end of dbt's output (all of it with -v):", file=sys.stderr)
        print("\n".join(f"  {line}" for line in terminal.dbt_output.lines), file=sys.stderr)
    terminal.summary(_summary_text(settings, summary, time.monotonic() - started))
    return 0 if summary.succeeded else 1


def _summary_text(settings: Settings, summary: RunSummary, elapsed_seconds: float) -> str:
    lines = [summary.render(elapsed_seconds=elapsed_seconds)]
    if settings.uses_tdlocal:
        lines.append(
            f"  tdlocal keeps running at {endpoint(settings)} (data in {settings.tdlocal_data_dir}): "
            f"stop it with `{stop_command(settings.tdlocal_data_dir)}`"
        )
    base_url = webserver_url()
    lines.append(where_to_see_run(summary.run_id, base_url, shown_run_url(summary.run_id, base_url)))
    return "\n".join(lines)
