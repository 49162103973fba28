"""A statement's X-Trino-* request headers -> its Session; a statement's SessionChanges -> the
X-Trino-Set-* / Clear-* response headers the client applies to its own session.

Pure functions: the HTTP edge (`tdlocal.server`) hands in the request headers and sends back the
response headers of a query's result pages (`tdlocal.queries`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping

from tdlocal.errors import TrinoError
from tdlocal.session import Session, SessionChanges

HEADER_USER = "x-trino-user"
HEADER_CATALOG = "x-trino-catalog"
HEADER_SCHEMA = "x-trino-schema"
HEADER_TIME_ZONE = "x-trino-time-zone"
HEADER_SESSION = "x-trino-session"
HEADER_PREPARED_STATEMENT = "x-trino-prepared-statement"
HEADER_SOURCE = "x-trino-source"


def session_from_headers(headers: Mapping[str, str]) -> Session:
    """Build the Session a statement runs in from its X-Trino-* request headers (lower-case keys).

    Raises TrinoError naming the bad header when one is malformed or X-Trino-User is missing.
    """
    user = headers.get(HEADER_USER, "").strip()
    if not user:
        raise TrinoError(
            "Missing X-Trino-User header: every Trino client sends one (on TD it carries the API key); "
            "set a user in the client, e.g. trino.dbapi.connect(user='me', ...) or curl -H 'X-Trino-User: me'"
        )
    return Session(
        user=user,
        catalog=_optional(headers.get(HEADER_CATALOG)),
        schema=_optional(headers.get(HEADER_SCHEMA)),
        time_zone=_optional(headers.get(HEADER_TIME_ZONE)),
        properties=_name_value_pairs(headers.get(HEADER_SESSION, ""), "X-Trino-Session"),
        prepared_statements=_name_value_pairs(
            headers.get(HEADER_PREPARED_STATEMENT, ""), "X-Trino-Prepared-Statement"
        ),
        source=_optional(headers.get(HEADER_SOURCE)),
    )


def _optional(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _name_value_pairs(header_value: str, header_name: str) -> dict[str, str]:
    # Clients url-encode each value, so a literal comma or '=' inside a value never splits it.
    pairs: dict[str, str] = {}
    for item in header_value.split(","):
        item = item.strip()
        if not item:
            continue
        name, separator, value = item.partition("=")
        name = name.strip()
        if not separator or not name:
            raise TrinoError(
                f"Invalid {header_name} header item {item[:100]!r}: expected name=url-encoded-value "
                "items separated by commas"
            )
        pairs[name] = urllib.parse.unquote_plus(value.strip())
    return pairs


def response_headers(changes: SessionChanges) -> dict[str, str]:
    """The X-Trino-Set-* / Clear-* / Added-Prepare / Deallocated-Prepare headers for a statement's changes."""
    headers: dict[str, str] = {}
    if changes.set_catalog is not None:
        headers["X-Trino-Set-Catalog"] = changes.set_catalog
    if changes.set_schema is not None:
        headers["X-Trino-Set-Schema"] = changes.set_schema
    if changes.set_session:
        headers["X-Trino-Set-Session"] = _encode_pairs(changes.set_session)
    if changes.clear_session:
        headers["X-Trino-Clear-Session"] = ",".join(changes.clear_session)
    if changes.added_prepare:
        headers["X-Trino-Added-Prepare"] = _encode_pairs(changes.added_prepare)
    if changes.deallocated_prepare:
        headers["X-Trino-Deallocated-Prepare"] = ",".join(changes.deallocated_prepare)
    return headers


def _encode_pairs(pairs: Mapping[str, str]) -> str:
    # The client splits on ',' and unquote_plus-es each value, so quote_plus keeps SQL text intact
    # (and keeps header values ASCII).
    return ",".join(f"{name}={urllib.parse.quote_plus(value)}" for name, value in pairs.items())
