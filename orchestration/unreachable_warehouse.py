"""A warehouse that cannot be reached, told as one line: which endpoint, why, and what to check.

The `trino` client reports a connection it could not make (a host name that does not resolve, a
refused or timed-out connection, a TLS failure) as trino.exceptions.TrinoConnectionError, whose
text is `failed to execute: <the requests error>`; requests' own ConnectionError and Timeout can
also escape it. Those texts run to hundreds of characters of urllib3 internals, and a command that
let them escape printed its whole stack (`status --verify`, `stale`). Here they become one
WarehouseUnreachable whose message names the endpoint (never the API key: TD's is the Trino user,
which no connection error carries, and the text is masked all the same) and the settings to check.
"""

from __future__ import annotations

import re

from orchestration.settings import Settings

# What the requests/urllib3 error text says went wrong, first match wins: the phrase is theirs
# (urllib3's NameResolutionError "Failed to resolve", NewConnectionError with the OS's errno text).
_REASONS = (
    (
        re.compile(r"Failed to resolve|Name or service not known|nodename nor servname|getaddrinfo failed"),
        "the host name does not resolve",
    ),
    (re.compile(r"Connection refused|ConnectionRefusedError"), "the connection was refused"),
    (re.compile(r"timed out|Timeout", re.IGNORECASE), "the connection timed out"),
    (re.compile(r"SSLError|CERTIFICATE_VERIFY_FAILED|certificate", re.IGNORECASE), "TLS failed"),
    (re.compile(r"Network is unreachable|No route to host"), "the network is unreachable"),
    (re.compile(r"Connection reset|RemoteDisconnected|Connection aborted"), "the connection was closed"),
)
_CONNECTION_ERROR_NAMES = frozenset(
    {"TrinoConnectionError", "ConnectionError", "ConnectTimeout", "ReadTimeout", "Timeout", "SSLError"}
)


# dbt passes the trino client's connection failure on as its text: `failed to execute: <requests
# error>` (TrinoConnectionError), or dbt-trino's FailedToConnectError, `Failed to establish a new
# connection` (the same rule retries.py reads), each at the start of one of dbt's error lines.
_DBT_CONNECTION_ERROR = re.compile(
    r"^\s*(?:failed to execute: |Failed to establish a new connection)", re.MULTILINE
)


class WarehouseUnreachable(Exception):
    """The target's Trino endpoint could not be reached; the message is the one line to print."""


def is_connection_failure(error: BaseException) -> bool:
    """True if `error`, or an error it was raised from, is the trino client's or requests'
    failure to connect (not a query error, an HTTP error status or an authentication failure)."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, WarehouseUnreachable):
            return True
        if type(current).__name__ in _CONNECTION_ERROR_NAMES and type(current).__module__.split(".")[0] in (
            "trino",
            "requests",
            "urllib3",
        ):
            return True
        current = current.__cause__ or current.__context__
    return False


def is_dbt_connection_failure(dbt_error_text: str) -> bool:
    """True if a failed dbt command's error text (dagster-dbt's DagsterDbtCliRuntimeError: dbt's
    error lines) says dbt could not connect to the warehouse."""
    return bool(_DBT_CONNECTION_ERROR.search(dbt_error_text))


def connection_failure_reason(text: str) -> str:
    """A few words for what a connection error's text (`failed to execute: HTTPSConnectionPool(...)
    ... Failed to resolve ...`) says went wrong; its first 120 characters when none fits."""
    for pattern, reason in _REASONS:
        if pattern.search(text):
            return reason
    first_line = text.strip().splitlines()[0] if text.strip() else "no reason given"
    return first_line[:120]


def unreachable(
    settings: Settings, endpoint: str, error_text: str, api_key: str = "", suggest_doctor: bool = True
) -> WarehouseUnreachable:
    """The one-line error for a failed connection to `endpoint` (warehouse.endpoint(settings)),
    with what to check on this target (and `td-dagster doctor`, unless `suggest_doctor` is False:
    doctor itself); `api_key`, if given, is masked out of the text."""
    reason = connection_failure_reason(error_text.replace(api_key, "****") if api_key.strip() else error_text)
    if settings.uses_tdlocal:
        what = "tdlocal"
        check = (
            "check that tdlocal runs there (`uv run tdlocal status`; `td-dagster run` starts it) "
            "and TDLOCAL_HOST / TDLOCAL_PORT"
        )
    else:
        what = "Treasure Data"
        check = (
            "check TD_API_HOST (TD's Trino endpoint for your region: api-presto.treasuredata.com, "
            "api-presto.treasuredata.co.jp, ...) and the network or proxy to it"
            + ("; `td-dagster doctor` tests the connection" if suggest_doctor else "")
        )
    return WarehouseUnreachable(f"cannot reach {what} at {endpoint} ({reason}): {check}")
