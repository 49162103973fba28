"""X-Trino-* request headers -> Session, SessionChanges -> response headers (`tdlocal.session_headers`)."""

from __future__ import annotations

import pytest

from tdlocal.errors import TrinoError
from tdlocal.session import SessionChanges
from tdlocal.session_headers import response_headers, session_from_headers


def test_session_from_headers_reads_every_trino_header() -> None:
    session = session_from_headers(
        {
            "x-trino-user": "api-key",
            "x-trino-catalog": "td",
            "x-trino-schema": "raw",
            "x-trino-time-zone": "Asia/Tokyo",
            "x-trino-session": "query_max_run_time=1h,note=a%20b%2Cc",
            "x-trino-prepared-statement": "s1=select+%3F+%2B+1,s2=select+%27a%2Cb%27",
            "x-trino-source": "dbt-trino-1.11.0",
        }
    )
    assert session.user == "api-key"
    assert (session.catalog, session.schema, session.time_zone) == ("td", "raw", "Asia/Tokyo")
    assert session.properties == {"query_max_run_time": "1h", "note": "a b,c"}
    assert session.prepared_statements == {"s1": "select ? + 1", "s2": "select 'a,b'"}
    assert session.source == "dbt-trino-1.11.0"


def test_empty_headers_mean_unset() -> None:
    session = session_from_headers({"x-trino-user": "u", "x-trino-schema": "", "x-trino-session": ""})
    assert session.schema is None and session.properties == {} and session.prepared_statements == {}


def test_missing_user_and_malformed_session_header_are_trino_errors() -> None:
    with pytest.raises(TrinoError, match="X-Trino-User"):
        session_from_headers({})
    with pytest.raises(TrinoError, match="X-Trino-Session header item 'oops'"):
        session_from_headers({"x-trino-user": "u", "x-trino-session": "oops"})


def test_response_headers_encode_what_the_client_decodes() -> None:
    import urllib.parse

    changes = SessionChanges(
        set_catalog="td",
        set_schema="raw",
        set_session={"query_max_run_time": "2h", "odd": "a,b c"},
        clear_session=["x"],
        added_prepare={"q1": "select 'a,b' = ?"},
        deallocated_prepare=["q0"],
    )
    headers = response_headers(changes)
    assert headers["X-Trino-Set-Catalog"] == "td" and headers["X-Trino-Set-Schema"] == "raw"
    assert headers["X-Trino-Clear-Session"] == "x" and headers["X-Trino-Deallocated-Prepare"] == "q0"

    def client_decoded(value: str) -> dict[str, str]:  # what trino.client.get_*_values does
        items = [item.strip() for item in value.split(",")]
        return {k: urllib.parse.unquote_plus(v) for k, v in (item.split("=", 1) for item in items if item)}

    assert client_decoded(headers["X-Trino-Set-Session"]) == {"query_max_run_time": "2h", "odd": "a,b c"}
    assert client_decoded(headers["X-Trino-Added-Prepare"]) == {"q1": "select 'a,b' = ?"}
