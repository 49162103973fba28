"""Which dbt failures are worth retrying: transient warehouse trouble, never SQL errors or test failures.

The decision reads the structure the `trino` client gives its errors, as dbt-trino passes them on,
never numbers or words inside a message (a failing test's "Got 502 results", a cast error quoting
'503'):
- a query error is `TrinoUserError(type=USER_ERROR, name=SYNTAX_ERROR, message="...", query_id=...)`
  (trino.exceptions.TrinoQueryError.__repr__): its error name decides;
- an HTTP failure of the coordinator is the client's own text `error 503: service unavailable`
  (trino.client raises Http502Error / Http503Error / Http504Error with exactly these);
- a connection failure is `failed to execute: <requests error>` (trino.exceptions.TrinoConnectionError)
  or dbt-trino's FailedToConnectError, `Failed to establish a new connection`.
"""

from __future__ import annotations

import re

MAX_RETRIES = 3
_BASE_DELAY_SECONDS = 30
_MAX_DELAY_SECONDS = 600

# Trino error names of a coordinator or cluster in trouble: the same SQL can succeed later
# (Trino's StandardErrorCode: INTERNAL_ERROR / INSUFFICIENT_RESOURCES kinds).
TRANSIENT_ERROR_NAMES = frozenset(
    {
        "SERVER_STARTING_UP",
        "SERVER_SHUTTING_DOWN",
        "NO_NODES_AVAILABLE",
        "TOO_MANY_REQUESTS_FAILED",
        "REMOTE_TASK_ERROR",
        "REMOTE_HOST_GONE",
        "PAGE_TRANSPORT_ERROR",
        "PAGE_TRANSPORT_TIMEOUT",
        "CLUSTER_OUT_OF_MEMORY",
        "ABANDONED_QUERY",
        "QUERY_QUEUE_FULL",
    }
)
_QUERY_ERROR = re.compile(r"Trino(?:User|External|Internal|Query)Error\(type=(\w+), name=(\w+), message=")
# The message inside a query error's repr is the engine's text about the data: never read it.
_QUERY_ERROR_MESSAGE = re.compile(r'(Trino\w*Error\(type=\w+, name=\w+, message=)".*?", query_id=', re.DOTALL)
_HTTP_ERROR = re.compile(
    r"^\s*error (?:502: bad gateway|503: service unavailable|504: gateway timeout)\s*$", re.MULTILINE
)
_CONNECTION_ERROR = re.compile(
    r"^\s*(?:failed to execute: |Failed to establish a new connection)", re.MULTILINE
)
# What a retry cannot change: a failing data test, a compile error, a missing key.
_NOT_WAREHOUSE = re.compile(
    r"^\s*(?:Failure in test |Compilation Error|Parsing Error)|TD_API_KEY is not set", re.MULTILINE
)


def is_transient_warehouse_error(message: str) -> bool:
    """True when every error in a failed dbt run's output is warehouse trouble (see module doc).

    `message` is the text of dagster-dbt's DagsterDbtCliRuntimeError: dbt's error-level log lines.
    """
    names = [name for _type, name in _QUERY_ERROR.findall(message)]
    if any(name not in TRANSIENT_ERROR_NAMES for name in names):
        return False
    outside_queries = _QUERY_ERROR_MESSAGE.sub(r"\1<message>, query_id=", message)
    if _NOT_WAREHOUSE.search(outside_queries):
        return False
    return bool(names) or bool(
        _HTTP_ERROR.search(outside_queries) or _CONNECTION_ERROR.search(outside_queries)
    )


def retry_delay_seconds(retry_number: int) -> int:
    """Exponential backoff: 30 s, 60 s, 120 s, ... capped at 10 minutes."""
    return min(_BASE_DELAY_SECONDS * 2**retry_number, _MAX_DELAY_SECONDS)
