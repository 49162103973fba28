"""The warehouse outside dbt: getting it ready before dbt starts, and the small queries the code
location sends itself (per-day row counts, the connection check) through the `trino` client.

The connection mirrors dbt_project/profiles.yml: tdlocal over http on the local target; on TD,
https to TD_API_HOST with the API key as the Trino user (TD's API-key login), catalog `td`,
schema TD_DATABASE. The key is never logged: `masked_key` is what users see.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from orchestration.settings import Settings, SettingsError
from orchestration.unreachable_warehouse import is_connection_failure, unreachable

#: The Trino user on tdlocal, where any user is accepted: it names this tool in the engine's log.
LOCAL_USER = "td-dagster"


def prepare_warehouse(settings: Settings, log: logging.Logger | None = None) -> None:
    """Start tdlocal if the local target needs it (shared by all runs), or check the TD API key."""
    if not settings.uses_tdlocal:
        settings.require_td_api_key()
        return
    from tdlocal import ensure_running  # only the local target needs the engine

    url = ensure_running(settings.tdlocal_data_dir, host=settings.tdlocal_host, port=settings.tdlocal_port)
    if log:
        log.info("tdlocal is ready at %s (data dir %s)", url, settings.tdlocal_data_dir)


def reference_now(settings: Settings) -> datetime:
    """The warehouse's "now", for relative ranges and the newest partition: tdlocal's pinned clock
    (TDLOCAL_NOW) on the local target, else the wall clock (UTC-aware)."""
    if settings.uses_tdlocal:
        from tdlocal.clock import InvalidNowError, pinned_now_from_environment

        try:
            pinned = pinned_now_from_environment()
            if pinned is not None:
                return datetime.fromtimestamp(pinned, UTC)
        except InvalidNowError as error:
            raise SettingsError(str(error)) from None  # it names the value and the forms accepted
        except (ValueError, OverflowError, OSError):
            raise SettingsError(
                f"TDLOCAL_NOW={os.environ.get('TDLOCAL_NOW')!r} is out of the range of dates: use Unix "
                "seconds or ISO-8601 with an offset, e.g. 2026-11-23T03:00:00+09:00"
            ) from None
    return datetime.now(UTC)


def masked_key(key: str) -> str:
    """A TD API key as users may see it: `****` and its last four characters (`1/abcd...wxyz` -> `****wxyz`)."""
    key = key.strip()
    return "****" + key[-4:] if len(key) > 8 else "****"


def endpoint(settings: Settings) -> str:
    """Where queries go, without credentials: `http://127.0.0.1:8765` or `https://api-presto...:443`."""
    if settings.uses_tdlocal:
        return f"http://{settings.tdlocal_host}:{settings.tdlocal_port}"
    return f"https://{settings.td_api_host}:443"


@contextmanager
def connect(settings: Settings) -> Iterator:
    """A `trino` DB-API connection to the target's warehouse (catalog td, schema TD_DATABASE).

    Raises SettingsError on a TD target without TD_API_KEY, before connecting.
    """
    import trino

    if settings.uses_tdlocal:
        options = dict(
            host=settings.tdlocal_host, port=settings.tdlocal_port, http_scheme="http", user=LOCAL_USER
        )
    else:
        settings.require_td_api_key()
        options = dict(
            host=settings.td_api_host,
            port=443,
            http_scheme="https",
            user=os.environ["TD_API_KEY"].strip(),
        )
    connection = trino.dbapi.connect(catalog="td", schema=settings.td_database, **options)
    try:
        yield connection
    finally:
        connection.close()


def fetch_rows(settings: Settings, sql: str) -> tuple[list[tuple], str | None]:
    """The rows of one query and its Trino query id (on TD, the job id).

    Raises WarehouseUnreachable (unreachable_warehouse.py: one line naming the endpoint and what
    to check) when the endpoint cannot be reached, and the trino client's error for a query error.
    """
    with connect(settings) as connection:
        cursor = connection.cursor()
        try:
            cursor.execute(sql)
            rows = [tuple(row) for row in cursor.fetchall()]
        except Exception as error:
            if is_connection_failure(error):
                raise unreachable(
                    settings, endpoint(settings), str(error), os.environ.get("TD_API_KEY", "")
                ) from error
            raise
        return rows, cursor.query_id
