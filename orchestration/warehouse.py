"""Getting the warehouse ready before dbt starts: tdlocal for the local target, a key for TD."""

from __future__ import annotations

import logging

from orchestration.settings import Settings


def prepare_warehouse(settings: Settings, log: logging.Logger | None = None) -> None:
    """Start tdlocal if the local target needs it (shared by all runs), or check the TD API key."""
    if not settings.uses_tdlocal:
        settings.require_td_api_key()
        return
    from tdlocal import ensure_running  # only the local target needs the engine

    url = ensure_running(settings.tdlocal_data_dir, host=settings.tdlocal_host, port=settings.tdlocal_port)
    if log:
        log.info("tdlocal is ready at %s (data dir %s)", url, settings.tdlocal_data_dir)
