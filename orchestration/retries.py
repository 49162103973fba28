"""Which dbt failures are worth retrying: transient warehouse trouble, never SQL errors."""

from __future__ import annotations

import re

MAX_RETRIES = 3
_BASE_DELAY_SECONDS = 30
_MAX_DELAY_SECONDS = 600

# Connection trouble and overloaded or restarting coordinators: the same SQL can succeed later.
_TRANSIENT = re.compile(
    "|".join(
        [
            r"Max retries exceeded",
            r"Connection (refused|reset|aborted)",
            r"Read timed out",
            r"RemoteDisconnected",
            r"\b50[234]\b",
            r"Service Unavailable|Bad Gateway|Gateway Time-?out",
            r"SERVER_STARTING_UP|SERVER_SHUTTING_DOWN|NO_NODES_AVAILABLE",
            r"TOO_MANY_REQUESTS_FAILED|CLUSTER_OUT_OF_MEMORY|ABANDONED_QUERY",
            r"Too many (concurrent )?queries",
        ]
    ),
    re.IGNORECASE,
)
# The query itself is wrong: retrying would fail the same way.
_PERMANENT = re.compile(
    r"Compilation Error|SYNTAX_ERROR|TABLE_NOT_FOUND|COLUMN_NOT_FOUND|SCHEMA_NOT_FOUND|"
    r"FUNCTION_NOT_FOUND|INVALID_FUNCTION_ARGUMENT|NOT_SUPPORTED|TYPE_MISMATCH|PERMISSION_DENIED|"
    r"is not a TD_INTERVAL string|TD_API_KEY is not set",
    re.IGNORECASE,
)


def is_transient_warehouse_error(message: str) -> bool:
    """True when a failed dbt run's output shows warehouse trouble and no error in the SQL."""
    return bool(_TRANSIENT.search(message)) and not _PERMANENT.search(message)


def retry_delay_seconds(retry_number: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s, ... capped at 10 minutes."""
    return min(_BASE_DELAY_SECONDS * 2**retry_number, _MAX_DELAY_SECONDS)
