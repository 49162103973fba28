"""Metadata for each materialization, from the dbt result event: rows affected, the Trino query id,
and on Treasure Data a link to the job in the TD console."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from dagster import MetadataValue

#: Rows dbt's statement affected (unpartitioned models: the rebuilt table's rows).
ROWS_AFFECTED_KEY = "td/rows_affected"
#: On a partitioned load: rows the load's insert wrote across the whole run (every day of a range).
RUN_ROWS_AFFECTED_KEY = "td/run_rows_affected"
#: On a partitioned load: the run's absolute TD_INTERVAL window.
TARGET_RANGE_KEY = "td/target_range"
QUERY_ID_KEY = "td/query_id"
CONSOLE_LINK_KEY = "td/job_url"


def console_base_url(api_host: str) -> str:
    """TD console for an API host: api-presto.treasuredata.co.jp -> https://console.treasuredata.co.jp."""
    host = api_host.strip().lower()
    for prefix in ("api-presto.", "api."):
        if host.startswith(prefix):
            return f"https://console.{host[len(prefix) :]}"
    return f"https://console.{host}"


def adapter_response_metadata(raw_event: Mapping[str, Any], console_url: str | None) -> dict[str, Any]:
    """Metadata from a dbt NodeFinished event's adapter response; {} for other events."""
    response = raw_event.get("data", {}).get("run_result", {}).get("adapter_response") or {}
    metadata: dict[str, Any] = {}
    rows = response.get("rows_affected")  # a float: dbt's events carry numbers as JSON doubles
    if isinstance(rows, (int, float)) and not isinstance(rows, bool) and rows >= 0:
        metadata[ROWS_AFFECTED_KEY] = MetadataValue.int(int(rows))
    query_id = response.get("query_id")
    if query_id:
        metadata[QUERY_ID_KEY] = MetadataValue.text(str(query_id))
        if console_url:
            metadata[CONSOLE_LINK_KEY] = MetadataValue.url(
                f"{console_url.rstrip('/')}/app/jobs/{quote(str(query_id), safe='')}"
            )
    return metadata
