"""The code location's configuration, read from the environment in one place.

Partition settings (TD_TIMEZONE, TD_PARTITION_START) live with the partitions in partitions.py;
`Settings.from_env` checks them here too, so every bad environment value fails at start-up with
one SettingsError naming the variable, the value and the fix.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from orchestration.materialization_metadata import console_base_url

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DBT_PROJECT_DIR = PROJECT_ROOT / "dbt_project"
DEFAULT_TD_API_HOST = "api-presto.treasuredata.com"
LOCAL_TARGET = "local"
TD_TARGETS = ("dev", "prod")
#: Bound on the late-data and load lookbacks: a year of days per observation or daily tick.
MAX_LOOKBACK_DAYS = 366
_FALSE_WORDS = {"0", "false", "no", "off"}
_TRUE_WORDS = {"1", "true", "yes", "on"}
# An unquoted Trino name, as TD database names are (the dbt macros check the same rule).
_TD_DATABASE_NAME = re.compile(r"[a-z_][a-z0-9_]{0,254}")
#: Trino's reserved keywords (Trino docs, "Reserved keywords"): unquoted, a database named so is
#: a syntax error. td_dbt/macros/validated_vars.sql holds the same list (a test compares them).
TRINO_RESERVED_WORDS = frozenset(
    """
    alter and as between by case cast constraint create cross cube current_catalog current_date
    current_path current_role current_schema current_time current_timestamp current_user
    deallocate delete describe distinct drop else end escape except execute exists extract false
    for from full group grouping having in inner insert intersect into is join json_array
    json_exists json_object json_query json_table json_value left like listagg localtime
    localtimestamp natural normalize not null on or order outer prepare recursive right rollup
    select skip table then trim true uescape union unnest using values when where with
    """.split()  # noqa: SIM905 (a word list reads better than 88 quoted strings)
)
_HOST_NAME = re.compile(
    r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*"
)


class SettingsError(ValueError):
    """An environment variable with a value the code location cannot use."""


@dataclass(frozen=True)
class Settings:
    """Everything the code location reads from the environment (see README: Configuration)."""

    dbt_project_dir: Path
    dbt_target: str
    schedules_enabled: bool
    alert_webhook_url: str | None
    tdlocal_data_dir: Path
    tdlocal_host: str
    tdlocal_port: int
    td_console_url: str | None
    td_api_host: str = DEFAULT_TD_API_HOST
    td_database: str = "analytics"
    dbt_targets_kept: int = 10
    #: Late-arriving data (README): days observed per source, the observation's cron (partition
    #: timezone), and the days before yesterday the daily tick re-loads whatever their sources did.
    late_data_lookback_days: int = 7
    late_data_schedule: str = "0 * * * *"
    load_lookback_days: int = 0
    #: Start dbt as a fork of the process running the step where that is safe (forked_dbt.py).
    dbt_fork: bool = True
    #: The Dagster UI's base URL as the alerts' readers reach it (their `run_url`); None: no link.
    webserver_url: str | None = None

    @property
    def uses_tdlocal(self) -> bool:
        return self.dbt_target == LOCAL_TARGET

    def require_td_api_key(self, environ: dict[str, str] | None = None) -> None:
        """Raise before any dbt run on a TD target that has no API key (loading needs none)."""
        env = os.environ if environ is None else environ
        if not self.uses_tdlocal and not env.get("TD_API_KEY", "").strip():
            raise SettingsError(
                f"TD_API_KEY is not set, and DBT_TARGET={self.dbt_target!r} runs on Treasure Data. Set "
                "it to your TD API key (TD console > My Settings > API Keys), or use DBT_TARGET=local"
            )

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        target = env.get("DBT_TARGET", LOCAL_TARGET)
        if target not in (LOCAL_TARGET, *TD_TARGETS):
            raise SettingsError(
                f"DBT_TARGET={target!r} is not a target of dbt_project/profiles.yml: use "
                f"{LOCAL_TARGET!r} (tdlocal), 'dev' or 'prod' (Treasure Data)"
            )
        project_dir = Path(env.get("DBT_PROJECT_DIR", str(DEFAULT_DBT_PROJECT_DIR))).resolve()
        if not (project_dir / "dbt_project.yml").is_file():
            raise SettingsError(
                f"DBT_PROJECT_DIR={str(project_dir)!r} has no dbt_project.yml: point it at the "
                "dbt project (default: dbt_project/ in this repository)"
            )
        for name in ("TD_DATABASE", "TD_SOURCE_DATABASE"):
            _td_database(env, name)
        _api_host(env)
        _partition_settings(env)
        _indirect_selection(env)
        return cls(
            dbt_project_dir=project_dir,
            dbt_target=target,
            schedules_enabled=_flag(env, "TD_SCHEDULES_ENABLED", default=True),
            alert_webhook_url=_http_url(env, "ALERT_WEBHOOK_URL", "https://hooks.slack.com/services/..."),
            tdlocal_data_dir=Path(env.get("TDLOCAL_DATA_DIR", str(PROJECT_ROOT / ".tdlocal"))).resolve(),
            tdlocal_host=env.get("TDLOCAL_HOST", "127.0.0.1"),
            tdlocal_port=_port(env),
            td_console_url=None
            if target == LOCAL_TARGET
            else env.get("TD_CONSOLE_URL") or console_base_url(env.get("TD_API_HOST", DEFAULT_TD_API_HOST)),
            td_api_host=env.get("TD_API_HOST") or DEFAULT_TD_API_HOST,
            # At least one: the running step's own folder is the newest.
            dbt_targets_kept=_count(env, "TD_DBT_TARGETS_KEPT", default=10, minimum=1),
            # profiles.yml's defaults: the dev target writes to analytics_dev.
            td_database=env.get("TD_DATABASE") or ("analytics_dev" if target == "dev" else "analytics"),
            late_data_lookback_days=_count(
                env, "TD_LATE_DATA_LOOKBACK_DAYS", default=7, minimum=1, maximum=MAX_LOOKBACK_DAYS
            ),
            late_data_schedule=_cron(env, "TD_LATE_DATA_SCHEDULE", default="0 * * * *"),
            load_lookback_days=_count(env, "TD_LOAD_LOOKBACK_DAYS", default=0, maximum=MAX_LOOKBACK_DAYS),
            dbt_fork=dbt_fork_setting(env),
            webserver_url=_http_url(env, "DAGSTER_WEBSERVER_URL", "https://dagster.example.com"),
        )


#: dbt's modes of indirect test selection (dbt docs, "Test selection examples").
INDIRECT_SELECTION_MODES = ("eager", "cautious", "buildable", "empty")


def _indirect_selection(env) -> None:
    """DBT_INDIRECT_SELECTION, when set, is one of dbt's modes (dbt would refuse it in every build)."""
    value = env.get("DBT_INDIRECT_SELECTION", "").strip()
    if value and value not in INDIRECT_SELECTION_MODES:
        raise SettingsError(
            f"DBT_INDIRECT_SELECTION={value!r} is not one of dbt's modes: use "
            f"{', '.join(INDIRECT_SELECTION_MODES)}, or unset it for this project's default, buildable"
        )


def _http_url(env, name: str, example: str) -> str | None:
    """An http(s) URL setting as given, None when unset; SettingsError naming `example` otherwise."""
    value = env.get(name, "").strip()
    if not value:
        return None
    if not re.fullmatch(r"https?://[^\s/]+(/\S*)?", value):
        raise SettingsError(f"{name}={value!r} is not an http(s) URL: write it in full, e.g. {example}")
    return value


def dbt_fork_setting(environ: Mapping[str, str] | None = None) -> bool:
    """TD_DBT_FORK (default true): whether dbt may be forked from the process running it
    (orchestration/forked_dbt.py). Raises SettingsError for a value that is not yes/no."""
    return _flag(os.environ if environ is None else environ, "TD_DBT_FORK", default=True)


def _flag(env, name: str, default: bool) -> bool:
    value = env.get(name)
    if value is None or value == "":
        return default
    if value.lower() in _TRUE_WORDS:
        return True
    if value.lower() in _FALSE_WORDS:
        return False
    raise SettingsError(f"{name}={value!r} is not a yes/no value: use true or false")


def _td_database(env, name: str) -> None:
    value = env.get(name)
    if value in TRINO_RESERVED_WORDS:
        raise SettingsError(f"{name}={value!r} is a reserved word in Trino SQL: it cannot name a TD database")
    if value and not _TD_DATABASE_NAME.fullmatch(value):
        raise SettingsError(
            f"{name}={value!r} is not a TD database name: use lower-case letters, digits and "
            "underscores, starting with a letter or underscore (e.g. analytics)"
        )


def _api_host(env) -> None:
    value = env.get("TD_API_HOST")
    if value and not _HOST_NAME.fullmatch(value):
        raise SettingsError(
            f"TD_API_HOST={value!r} is not a host name: give TD's Trino endpoint alone, e.g. "
            "api-presto.treasuredata.com (no scheme, path, port or credentials)"
        )


def _partition_settings(env) -> None:
    """TD_TIMEZONE and TD_PARTITION_START, checked by the rules partitions.py applies."""
    from orchestration.partitions import (
        DEFAULT_PARTITION_START,
        DEFAULT_TIMEZONE,
        partition_start,
        partition_timezone,
    )

    partition_timezone(env.get("TD_TIMEZONE") or DEFAULT_TIMEZONE)
    partition_start(env.get("TD_PARTITION_START") or DEFAULT_PARTITION_START)


def _count(env, name: str, default: int, minimum: int = 0, maximum: int | None = None) -> int:
    value = env.get(name) or str(default)
    if not re.fullmatch(r"[0-9]{1,6}", value) or int(value) < minimum:
        raise SettingsError(
            f"{name}={value!r} is not a whole number from {minimum} up: use e.g. {name}={default}"
        )
    if maximum is not None and int(value) > maximum:
        raise SettingsError(
            f"{name}={value!r} is more than {maximum} days: each run would scan or re-load that much "
            f"history. Use at most {maximum}; backfill older days instead"
        )
    return int(value)


def _cron(env, name: str, default: str) -> str:
    """A cron string as Dagster's schedules accept it (five fields, or @hourly/@daily/...)."""
    # Dagster's own check: the setting accepts exactly what ScheduleDefinition will.
    from dagster._utils.schedules import is_valid_cron_string

    value = (env.get(name) or default).strip()
    if not is_valid_cron_string(value):
        raise SettingsError(
            f"{name}={value!r} is not a cron schedule: use five fields, minute hour day month weekday, "
            f"in the partition timezone (e.g. {name}='{default}' for hourly)"
        )
    return value


def _port(env) -> int:
    value = env.get("TDLOCAL_PORT", "8765")
    if not re.fullmatch(r"[0-9]{1,5}", value) or not 0 < int(value) < 65536:
        raise SettingsError(f"TDLOCAL_PORT={value!r} is not a TCP port number (1-65535)")
    return int(value)
