"""A client's Trino session as its request headers describe it, and the changes a statement makes."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Session:
    """What a request says about its session (X-Trino-* request headers)."""

    user: str = "tdlocal"
    catalog: str | None = None
    schema: str | None = None
    time_zone: str | None = None
    properties: dict[str, str] = field(default_factory=dict)
    prepared_statements: dict[str, str] = field(default_factory=dict)  # name -> SQL text
    source: str | None = None


@dataclass
class SessionChanges:
    """What a statement asks the client to change (X-Trino-Set-* / Clear-* response headers)."""

    set_catalog: str | None = None
    set_schema: str | None = None
    set_session: dict[str, str] = field(default_factory=dict)
    clear_session: list[str] = field(default_factory=list)
    added_prepare: dict[str, str] = field(default_factory=dict)
    deallocated_prepare: list[str] = field(default_factory=list)
