"""dbt command lines for the asset definitions: pure functions, unit-tested without running dbt."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from orchestration.partitions import target_range_for_window

#: The environment variable a partitioned run sets for its dbt process, per dbt var it stands for.
RUN_ENV_BY_VAR = {"target_range": "TD_RUN_TARGET_RANGE", "td_timezone": "TD_RUN_TIMEZONE"}
#: The macro (td_dbt/macros/validated_vars.sql) that reads them. A project whose copy of the
#: macros predates it would ignore them and read its default range: it gets --vars instead.
RUN_ENV_MACRO = "td_run_value"

#: dbt's indirect selection for the tests of a step's models (dbt docs, "Test selection examples":
#: eager, cautious, buildable, empty). dbt's default, eager, also runs a test of an unselected
#: model when one of its other parents is selected: materializing incremental_events alone ran the
#: singular test attached to user_daily_activity, which compares the two, and failed the run on a
#: day user_daily_activity had not loaded yet. buildable runs a test only when every model it
#: references is selected or upstream of the selection, so a check of user_daily_activity runs with
#: it (its parent incremental_events is upstream) and never with incremental_events alone.
INDIRECT_SELECTION_ENV = "DBT_INDIRECT_SELECTION"
INDIRECT_SELECTION = "buildable"

#: Run tag that asks a partitioned run (or a backfill, which takes no run config) for a full refresh.
FULL_REFRESH_TAG = "td/full_refresh"


def partitioned_dbt_vars(window_start: datetime, window_end: datetime, timezone: str) -> dict[str, str]:
    """dbt vars for a partition window (one key or a range): an absolute target_range and its zone."""
    return {
        "target_range": target_range_for_window(window_start, window_end, timezone),
        "td_timezone": timezone,
    }


#: A direct read of a window var, which sees only --vars (never TD_RUN_*): `var('target_range')`.
BARE_WINDOW_VAR = re.compile(r"""\bvar\(\s*['"](?:target_range|td_timezone)['"]""")


def reads_run_env(manifest: Mapping[str, Any]) -> bool:
    """Whether every read of the partition window in the project goes through the macros that take
    it from RUN_ENV_BY_VAR's variables (`manifest` is dbt's manifest.json as a dict).

    False when td_dbt's `td_run_value` is missing (an older copy of the macros), or when a model,
    snapshot or macro of the project itself reads `var('target_range')` / `var('td_timezone')`
    directly: such a read sees only --vars, and with the window in the environment it would read
    the project's default range while td_window replaces one day (rows loaded twice). Those
    projects get --vars, correct at the cost of a full parse per partition.
    """
    macros = manifest.get("macros", {}).values()
    if not any(macro.get("name") == RUN_ENV_MACRO for macro in macros):
        return False
    project = manifest.get("metadata", {}).get("project_name")
    own_code = [
        *(node.get("raw_code") or "" for node in manifest.get("nodes", {}).values()),
        *(macro.get("macro_sql") or "" for macro in macros if macro.get("package_name") == project),
    ]
    return not any(BARE_WINDOW_VAR.search(code) for code in own_code)


def partition_run_env(dbt_vars: Mapping[str, str]) -> dict[str, str]:
    """The environment that passes partitioned_dbt_vars() to a project that reads_run_env(): every
    variable of RUN_ENV_BY_VAR, empty (the macros then read the var) where `dbt_vars` has no value.

    dbt re-parses the whole project whenever --vars change between invocations; environment
    variables read only while executing leave its saved parse valid from one partition to the next.
    """
    return {env_name: dbt_vars.get(name, "") for name, env_name in RUN_ENV_BY_VAR.items()}


def indirect_selection_env(environ: Mapping[str, str]) -> dict[str, str]:
    """The DBT_INDIRECT_SELECTION a step's `dbt build` runs with: INDIRECT_SELECTION, unless the
    user's environment (`environ`, e.g. os.environ) sets a value of its own. dagster-dbt still
    replaces it with `empty` when it lists a step's tests itself (a subset of its checks)."""
    if environ.get(INDIRECT_SELECTION_ENV, "").strip():
        return {}
    return {INDIRECT_SELECTION_ENV: INDIRECT_SELECTION}


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
