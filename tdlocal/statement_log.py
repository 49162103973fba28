"""The statement log (`tdlocal serve --log-statements FILE`): one JSON line per statement received.

Each line records what the client sent and what DuckDB ran for it, so a surprising result can be
traced to its translation. Header values that may hold secrets are never written: on TD the API key
arrives as X-Trino-User, so only a short hash of the user is kept (enough to tell clients apart).
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from tdlocal.errors import TrinoError
from tdlocal.session import Session


def user_fingerprint(user: str) -> str:
    """A short, non-reversible tag for a user value (which may be a TD API key)."""
    return "sha256:" + hashlib.sha256(user.encode("utf-8")).hexdigest()[:10]


@dataclass
class StatementRecord:
    """What is logged about one statement."""

    query_id: str
    sql: str
    session: Session
    received_at: datetime
    finished_at: datetime | None = None
    executed_sql: list[str] = field(default_factory=list)
    update_type: str | None = None
    update_count: int | None = None
    error: TrinoError | None = None

    def to_json(self) -> dict[str, Any]:
        document: dict[str, Any] = {
            "query_id": self.query_id,
            "received_at": self.received_at.isoformat(),
            "finished_at": self.finished_at.isoformat() if self.finished_at else None,
            "duration_ms": (
                round((self.finished_at - self.received_at).total_seconds() * 1000, 3)
                if self.finished_at
                else None
            ),
            "user": user_fingerprint(self.session.user) if self.session.user else None,
            "source": self.session.source,
            "catalog": self.session.catalog,
            "schema": self.session.schema,
            "sql": self.sql,
            "executed_sql": self.executed_sql,
            "state": "FAILED" if self.error else "FINISHED",
        }
        if self.update_type is not None:
            document["update_type"] = self.update_type
        if self.update_count is not None:
            document["update_count"] = self.update_count
        if self.error is not None:
            document["error"] = {"name": self.error.name, "message": self.error.message}
        return document


class StatementLog:
    """Appends StatementRecords as JSON lines to a file; safe to call from many query threads."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._file: IO[str] | None = self.path.open("a", encoding="utf-8")

    def write(self, record: StatementRecord) -> None:
        """Append one record and flush, so the log is complete even if the server is killed."""
        line = json.dumps(record.to_json(), ensure_ascii=False, default=str)
        with self._lock:
            if self._file is None:
                return
            self._file.write(line + "\n")
            self._file.flush()

    def close(self) -> None:
        with self._lock:
            if self._file is not None:
                self._file.close()
                self._file = None


def utc_now() -> datetime:
    """The current wall-clock time, timezone-aware, for log timestamps."""
    return datetime.now(UTC)
