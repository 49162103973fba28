"""Where the CLI's output goes: a live display on a terminal, plain lines anywhere else.

On a terminal (stdout is a tty) a run shows one live display, built on `rich` (a well-kept library
that also handles terminal width, redraws and output printed above the bar): each model and test
as it finishes, and a bar over the run's models and tests. Anywhere else (CI, files, pipes) the
same lines are written plainly, with no colours or control codes, and dbt is told not to colour
its own output (DBT_USE_COLORS=false, inherited by the dbt subprocesses).

dagster-dbt echoes every dbt log line to sys.stdout in this process; at the default level that
stream is routed to a bounded buffer (its tail is shown if the run fails), with -v it is shown.
Third-party INFO logging (the trino client's "keyring module not found", dagster-dbt's
"Running dbt command" lines) is kept off the console by the console handler's level, not by
matching text: the loggers keep their levels, so Dagster still records those lines in the run.
"""

from __future__ import annotations

import contextlib
import enum
import io
import logging
import os
import sys
from collections import deque
from collections.abc import Callable, Iterator
from typing import TextIO

from dagster import EventLogEntry

from orchestration.run_progress import ProgressLine, RunProgress, progress_event

#: Lines of dbt's output kept at the default level, printed when the run fails.
DBT_OUTPUT_TAIL_LINES = 30


class Verbosity(enum.IntEnum):
    """-q: the summary and errors only; default: progress and summary; -v: also dbt's full output
    and Dagster's events."""

    QUIET = 0
    NORMAL = 1
    VERBOSE = 2


class _CurrentStderrHandler(logging.StreamHandler):
    """Writes to sys.stderr as it is at each record, so while the live display redirects stderr,
    warnings print above the bar instead of through it."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, _value: TextIO) -> None:
        pass


def configure_logging(verbosity: Verbosity) -> None:
    """One console handler on the root logger: WARNING and up, or INFO and up with -v.

    Some libraries set INFO on their own loggers (the trino client sets it on `trino` at import),
    so the root logger's level would not hold their INFO lines back; the handler's level does.
    """
    handler = _CurrentStderrHandler()
    handler.setFormatter(logging.Formatter("%(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.INFO if verbosity >= Verbosity.VERBOSE else logging.WARNING)
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing, _CurrentStderrHandler):  # an earlier main() in this process
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(logging.INFO if verbosity >= Verbosity.VERBOSE else logging.WARNING)


def dagster_log_level(verbosity: Verbosity) -> str:
    """The level of Dagster's console logger in a CLI run: its events are shown with -v only.

    Below -v it is CRITICAL: a failed step's ERROR event carries Dagster's stack trace, printed
    twice (step and run failure); the summary names the root cause instead, and the whole trace is
    in the run's page in the UI and with -v."""
    return "DEBUG" if verbosity >= Verbosity.VERBOSE else "CRITICAL"


class _Tail(io.TextIOBase):
    """A text stream keeping its last lines (dbt's echoed output at the default level)."""

    def __init__(self, lines: int) -> None:
        self.lines: deque[str] = deque(maxlen=lines)
        self._partial = ""

    def writable(self) -> bool:
        return True

    def write(self, text: str) -> int:
        pieces = (self._partial + text).split("\n")
        self._partial = pieces.pop()
        self.lines.extend(piece for piece in pieces if piece.strip())
        return len(text)


class Terminal:
    """The CLI's output for one command: `say` for news, `follow_run` around a run, `summary` last.

    `live` defaults to whether `stream` is a terminal (not TERM=dumb); tests force it either way.
    """

    def __init__(
        self, stream: TextIO | None = None, verbosity: Verbosity = Verbosity.NORMAL, live: bool | None = None
    ) -> None:
        self.stream = sys.stdout if stream is None else stream
        self.verbosity = verbosity
        # TERM=dumb (Emacs shells, some CI runners) is a tty that cannot redraw a display.
        is_terminal = self.stream.isatty() and os.environ.get("TERM") != "dumb"
        self.live = is_terminal if live is None else live
        self.dbt_output = _Tail(DBT_OUTPUT_TAIL_LINES)

    def say(self, text: str) -> None:
        """A line of news (tdlocal starting, sample data loaded); not shown with -q."""
        if self.verbosity >= Verbosity.NORMAL:
            self._write(text)

    def summary(self, text: str) -> None:
        """The run's summary, shown at every verbosity."""
        self._write(text)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text + "\n")
            self.stream.flush()
        except BrokenPipeError:
            # The reader went away (`td-dagster run ... | head`). The run goes on to its end, as a
            # load stopped half-way would leave days to re-load; what it would have said goes to
            # /dev/null, the way Python's docs handle EPIPE (a write would raise again, and
            # Python's exit would print the error while flushing).
            with contextlib.suppress(OSError, ValueError, io.UnsupportedOperation):
                null = os.open(os.devnull, os.O_WRONLY)
                os.dup2(null, self.stream.fileno())
                os.close(null)

    @contextlib.contextmanager
    def follow_run(self, progress: RunProgress) -> Iterator[Callable[[EventLogEntry], None]]:
        """Show the run's progress while inside; yields the callback for each Dagster event."""
        with _dbt_colours(self.live), contextlib.ExitStack() as stack:
            if self.live and self.verbosity >= Verbosity.NORMAL:
                show = stack.enter_context(self._live_display(progress))
            elif self.verbosity >= Verbosity.NORMAL:
                show = self._plain_line
            else:
                show = None
            if self.verbosity < Verbosity.VERBOSE:
                stack.enter_context(contextlib.redirect_stdout(self.dbt_output))

            def on_event(entry: EventLogEntry) -> None:
                event = progress_event(entry)
                if event is None:
                    return
                for line in progress.apply(event):
                    if show is not None:
                        show(line, progress)
                if show is not None:
                    show(None, progress)

            yield on_event

    def _plain_line(self, line: ProgressLine | None, _progress: RunProgress) -> None:
        if line is not None:
            mark = {True: "  ok   ", False: "  FAIL ", None: "- "}[line.ok]
            self._write(mark + line.text)

    @contextlib.contextmanager
    def _live_display(
        self, progress: RunProgress
    ) -> Iterator[Callable[[ProgressLine | None, RunProgress], None]]:
        from rich.console import Console
        from rich.markup import escape
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        console = Console(file=self.stream, force_terminal=True, highlight=False)
        display = Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,  # the summary replaces the bar
            redirect_stdout=self.verbosity >= Verbosity.VERBOSE,  # -v: dbt's lines above the bar
            redirect_stderr=True,
        )
        task = display.add_task("preparing the run (the dbt manifest, the Dagster definitions)", total=None)
        marks = {True: "[green]✓[/green] ", False: "[red]✗[/red] ", None: "[bold]>[/bold] "}

        def show(line: ProgressLine | None, state: RunProgress) -> None:
            if line is not None:
                # soft_wrap: a long test name wraps at the terminal's edge, not mid-line by rich.
                display.console.print(marks[line.ok] + escape(line.text), soft_wrap=True)
            else:
                display.update(
                    task, total=state.total or None, completed=state.completed, description=state.describe()
                )

        with display:
            yield show


@contextlib.contextmanager
def _dbt_colours(enabled: bool) -> Iterator[None]:
    """DBT_USE_COLORS=false for the dbt subprocesses (they inherit the environment) off a terminal."""
    previous = os.environ.get("DBT_USE_COLORS")
    if not enabled:
        os.environ["DBT_USE_COLORS"] = "false"
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("DBT_USE_COLORS", None)
        else:
            os.environ["DBT_USE_COLORS"] = previous
