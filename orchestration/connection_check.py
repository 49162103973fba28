"""`td-dagster doctor`: connect to the target as the code location would and say what it sees.

A safe replacement for `dbt debug`, which prints the profile's Trino `user` (on TD, the API key)
to the console and to dbt.log. Here the key is shown only as `****` and its last four characters.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from orchestration.settings import Settings, SettingsError
from orchestration.unreachable_warehouse import is_connection_failure, unreachable
from orchestration.warehouse import connect, endpoint, masked_key, prepare_warehouse

#: The names of the intermediate tables dbt runs create beside a model and drop when they end, so
#: a table so named that outlives its run was left by a run that died: td_window's per-invocation
#: stages `<model>__dbt_tmp_<id>`, the fixed `<model>__dbt_tmp` of table rebuilds and full refreshes
#: (td_dbt's on_table_exists_logic, dbt-trino's incremental), and dbt-trino's `<model>__dbt_backup`
#: (on_table_exists: rename). Not `<snapshot>__td_pending`: the next snapshot run finishes from it.
LEFTOVER_NAME = re.compile(r"^.+__dbt_(tmp(_[0-9a-z]+)?|backup)$")


@dataclass
class ConnectionReport:
    """What the check found, line by line; `ok` is False when the warehouse could not be used."""

    lines: list[str] = field(default_factory=list)
    ok: bool = True

    def render(self) -> str:
        return "\n".join(self.lines)


def check_connection(settings: Settings) -> ConnectionReport:
    """Resolve the target, connect, run `SELECT 1`, list the TD databases the key can see, and
    the staging tables failed runs left in TD_DATABASE. Never raises for warehouse trouble: the
    report says what failed (SettingsError is raised for a missing key, like every command)."""
    report = ConnectionReport()
    report.lines.append(
        f"target:    {settings.dbt_target} ({'tdlocal' if settings.uses_tdlocal else 'Treasure Data'})"
    )
    report.lines.append(f"endpoint:  {endpoint(settings)}")
    if settings.uses_tdlocal:
        report.lines.append(f"data dir:  {settings.tdlocal_data_dir}")
    else:
        if not os.environ.get("TD_API_KEY", "").strip():
            raise SettingsError(
                f"TD_API_KEY is not set, and DBT_TARGET={settings.dbt_target!r} runs on Treasure Data. "
                "Set it to your TD API key (TD console > My Settings > API Keys)"
            )
        report.lines.append(f"API key:   {masked_key(os.environ['TD_API_KEY'])}")
    try:
        prepare_warehouse(settings)
        with connect(settings) as connection:
            cursor = connection.cursor()
            cursor.execute("select 1")
            cursor.fetchall()
            report.lines.append("select 1:  ok")
            cursor.execute("select schema_name from td.information_schema.schemata order by 1")
            databases = [row[0] for row in cursor.fetchall() if row[0] != "information_schema"]
            report.lines.append(f"databases: {', '.join(databases) or '(none)'}")
            for name, value in (
                ("TD_DATABASE", settings.td_database),
                ("TD_SOURCE_DATABASE", _source_database()),
            ):
                if value in databases:
                    continue
                if settings.uses_tdlocal and name == "TD_DATABASE":
                    # tdlocal creates it on the first run, as any Trino catalog would.
                    report.lines.append(
                        f"note:      {name}={value!r} does not exist yet; the first run creates it"
                    )
                else:
                    report.ok = False
                    report.lines.append(f"missing:   {name}={value!r} is not a database this key can see")
            # LIKE only narrows the listing ('_' is its one-character wildcard); the names are
            # matched exactly below.
            cursor.execute(
                "select table_name from td.information_schema.tables "
                f"where table_schema = '{settings.td_database}' and table_name like '%dbt%' order by 1"
            )
            stages = leftover_intermediate_tables(row[0] for row in cursor.fetchall())
            if stages:
                report.lines.append(
                    f"leftover staging tables of failed runs in {settings.td_database} (safe to drop when no "
                    f"run is active; a model's next rebuild drops its own __dbt_tmp): {', '.join(stages)}"
                )
    except Exception as error:  # any failure to reach or query the warehouse is the finding
        report.ok = False
        if is_connection_failure(error):  # the reason and what to check, not urllib3's internals
            error = unreachable(
                settings,
                endpoint(settings),
                str(error),
                os.environ.get("TD_API_KEY", ""),
                suggest_doctor=False,
            )
        report.lines.append(f"error:     {_without_key(str(error))}")
    report.lines.append("ok" if report.ok else "td-dagster doctor: the target is not usable as configured")
    return report


def leftover_intermediate_tables(table_names: Iterable[str]) -> list[str]:
    """The names among `table_names` (one TD database's tables) that are dbt intermediates
    (LEFTOVER_NAME), in the order given. Lower case, as TD and Trino list table names."""
    return [name for name in table_names if LEFTOVER_NAME.match(name)]


def _source_database() -> str:
    return os.environ.get("TD_SOURCE_DATABASE") or "raw"


def _without_key(text: str) -> str:
    """An error text with the API key masked (a client error may echo the user)."""
    key = os.environ.get("TD_API_KEY", "").strip()
    return text.replace(key, masked_key(key)) if key else text
