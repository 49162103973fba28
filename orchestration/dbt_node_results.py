"""Follow dbt's log file for each node's adapter response (rows affected, Trino query id).

dbt reports adapter responses only in its debug-level NodeFinished events. Those never reach the
stdout stream dagster-dbt reads (info level), but dbt writes them to dbt.log in the invocation's
target path (DBT_LOG_PATH, JSON), right after the node's result line.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

_POLL_SECONDS = 0.05


class NodeResultLog:
    """Reads NodeFinished events from a dbt.log as it grows."""

    def __init__(self, path: Path) -> None:
        self._path = path
        self._offset = 0
        self._partial = b""
        self._events: dict[str, dict[str, Any]] = {}

    def finished_event(self, unique_id: str, timeout: float = 5.0) -> dict[str, Any] | None:
        """The NodeFinished event of a node, waiting up to `timeout` for dbt to write it."""
        deadline = time.monotonic() + timeout
        while True:
            self._read_new_lines()
            if unique_id in self._events or time.monotonic() >= deadline:
                return self._events.get(unique_id)
            time.sleep(_POLL_SECONDS)

    def _read_new_lines(self) -> None:
        try:
            with self._path.open("rb") as log:
                log.seek(self._offset)
                chunk = log.read()
        except FileNotFoundError:
            return
        self._offset += len(chunk)
        lines = (self._partial + chunk).split(b"\n")
        self._partial = lines.pop()  # an incomplete last line waits for the rest
        for line in lines:
            if b'"NodeFinished"' not in line:
                continue
            try:
                event = json.loads(line)
            except ValueError:
                continue
            unique_id = event.get("data", {}).get("node_info", {}).get("unique_id")
            if unique_id:
                self._events[unique_id] = event
