"""What went wrong in a failed run, in the words the user needs: the innermost error of a step
failure, and for dbt's failures the errors dbt printed rather than dagster-dbt's wrapper."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    # Dagster's error record (not exported at the top level); only for the annotation.
    from dagster._utils.error import SerializableErrorInfo


def root_cause(error: SerializableErrorInfo) -> str:
    """The innermost error of a step failure, as `ClassName: first line`: Dagster wraps what failed
    (a connection refused, dbt's own error) in "Error occurred while executing op ...".

    dbt's failures (dagster-dbt's DagsterDbtCliRuntimeError) first say only that "The dbt CLI
    process with command" failed; the errors dbt printed follow a marker line, and those are what
    the user needs: `dbt: <node and error>`, one line per error line dbt printed (str with "\n").
    """
    while error.cause is not None:
        error = error.cause
    dbt_errors = _dbt_error_lines(error.message)
    if dbt_errors:
        return "dbt: " + "\n".join(dbt_errors)
    first_line = next((line.strip() for line in error.message.splitlines() if line.strip()), "")
    name = error.cls_name or ""
    # Dagster's message already starts with the (qualified) class name: `trino.exceptions.X: ...`.
    named = not name or first_line.split(":", 1)[0].rsplit(".", 1)[-1] == name
    return first_line if named else f"{name}: {first_line}"


#: The line after which dagster-dbt's DagsterDbtCliRuntimeError lists the errors dbt printed.
_DBT_ERRORS_MARKER = "Errors parsed from dbt logs:"
#: dbt's progress lines (`13 of 18 ERROR creating ...`) and pointers to compiled files: the
#: error's text says it better and the files are in the run's target folder.
_DBT_NOISE = re.compile(r"^(\d+ of \d+ |compiled code at )")


def _dbt_error_lines(message: str) -> list[str]:
    """The error lines dbt printed, from a DagsterDbtCliRuntimeError's message ([] if none).

    dbt heads each failure with `Failure in model X (path)` and then says `Database Error in model
    X (path)`: the header is dropped when the next line names the same file."""
    if _DBT_ERRORS_MARKER not in message:
        return []
    text = message.split(_DBT_ERRORS_MARKER, 1)[1]
    text = text.split("Stack Trace:", 1)[0]
    lines = [
        line.strip() for line in text.splitlines() if line.strip() and not _DBT_NOISE.match(line.strip())
    ]
    kept = []
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        path = line[line.rfind("(") :] if line.endswith(")") else None
        if line.startswith("Failure in ") and path and following.endswith(path):
            continue
        kept.append(line)
    return kept
