"""dbt command lines for the asset definitions: pure functions, unit-tested without running dbt."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime

from orchestration.partitions import target_range_for_window

#: Run tag that asks a partitioned run (or a backfill, which takes no run config) for a full refresh.
FULL_REFRESH_TAG = "td/full_refresh"


def partitioned_dbt_vars(window_start: datetime, window_end: datetime, timezone: str) -> dict[str, str]:
    """dbt vars for a partition window (one key or a range): an absolute target_range and its zone."""
    return {
        "target_range": target_range_for_window(window_start, window_end, timezone),
        "td_timezone": timezone,
    }


def dbt_build_args(
    *,
    dbt_vars: Mapping[str, str] | None = None,
    full_refresh: bool = False,
) -> list[str]:
    """`dbt build` arguments: partition vars when the run has partitions, a full refresh on request.

    dbt.log never rotates (`--log-file-max-bytes 0`): the run follows it for each node's adapter
    response, and a rotation (10 MB by default, or DBT_LOG_FILE_MAX_BYTES) would hide later nodes.
    """
    args = ["build", "--log-file-max-bytes", "0", "--log-level-file", "debug"]
    if full_refresh:
        args.append("--full-refresh")
    if dbt_vars:
        args += ["--vars", json.dumps(dict(dbt_vars), sort_keys=True)]
    return args


def full_refresh_requested(config_full_refresh: bool, run_tags: Mapping[str, str]) -> bool:
    """A full refresh comes from the run config (single runs) or the run tag (backfills)."""
    tag = run_tags.get(FULL_REFRESH_TAG, "").strip().lower()
    if tag not in ("", "true", "false"):
        raise ValueError(
            f"run tag {FULL_REFRESH_TAG}={run_tags[FULL_REFRESH_TAG]!r} must be 'true' or 'false'"
        )
    return config_full_refresh or tag == "true"
