"""What a translation needs to know besides the SQL: the session's defaults, "now", the mode."""

from __future__ import annotations

from dataclasses import dataclass

#: The only Trino catalog tdlocal serves; it is also the DuckDB catalog (the file td.duckdb).
TD_CATALOG = "td"


@dataclass(frozen=True)
class TranslationContext:
    """The per-query facts a translation depends on."""

    now: int
    strict: bool = True
    catalog: str | None = TD_CATALOG
    schema: str | None = None
    time_zone: str | None = None  # the session zone: SET TIME ZONE's, else X-Trino-Time-Zone
    user: str = "tdlocal"  # X-Trino-User: what current_user answers
