"""A local TD for the code location's end-to-end tests: tdlocal on a free port with a small,
deterministic sample ending at a pinned "now", and a private copy of the dbt project."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import trino
from dagster import DagsterInstance, Definitions, instance_for_test

import tdlocal
from orchestration.settings import Settings
from tdlocal.cli import main as tdlocal_main
from tests.td_projects import copy_dbt_project

# 03:00 in Tokyo on 2026-11-23: the daily schedule's tick that loads 2026-11-22.
PINNED_NOW = datetime(2026, 11, 23, 3, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
PARTITION_START = "2026-11-01"
SAMPLE_DAYS = 20
SAMPLE_ROWS_PER_DAY = 240


@dataclass
class LocalTd:
    """The running engine and everything a test needs to drive and inspect it."""

    url: str
    port: int
    data_dir: Path
    project_dir: Path
    statement_log: Path
    settings: Settings

    def query(self, sql: str) -> list[tuple]:
        return query_tdlocal(self.port, sql)

    def statements_logged(self) -> int:
        return len(self.statement_log.read_text().splitlines()) if self.statement_log.exists() else 0


def query_tdlocal(port: int, sql: str, schema: str = "analytics") -> list[tuple]:
    """The rows of one statement sent through the real trino client to tdlocal on `port`."""
    connection = trino.dbapi.connect(
        host="127.0.0.1", port=port, user="tests", catalog="td", schema=schema, http_scheme="http"
    )
    try:
        cursor = connection.cursor()
        cursor.execute(sql)
        return [tuple(row) for row in cursor.fetchall()]
    finally:
        connection.close()


@pytest.fixture(scope="session")
def local_td(tmp_path_factory) -> Iterator[LocalTd]:
    root = tmp_path_factory.mktemp("local_td")
    data_dir, statement_log = root / "tdlocal", root / "statements.jsonl"
    project_dir = copy_dbt_project(root / "dbt_project")
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TDLOCAL_NOW", PINNED_NOW.isoformat())
        env.setenv("TD_PARTITION_START", PARTITION_START)
        env.setenv("TD_TIMEZONE", "Asia/Tokyo")
        env.setenv("DBT_PROJECT_DIR", str(project_dir))
        env.setenv("TDLOCAL_DATA_DIR", str(data_dir))
        env.delenv("DBT_TARGET", raising=False)
        argv = ["load-sample", "--days", str(SAMPLE_DAYS), "--rows-per-day", str(SAMPLE_ROWS_PER_DAY)]
        assert tdlocal_main([*argv, "--data-dir", str(data_dir)]) == 0
        with tdlocal.start_in_thread(
            data_dir, log_statements=statement_log, load_sample_when_fresh=False
        ) as server:
            port = int(server.url.rsplit(":", 1)[1])
            env.setenv("TDLOCAL_PORT", str(port))
            yield LocalTd(server.url, port, data_dir, project_dir, statement_log, Settings.from_env())


@pytest.fixture(scope="session")
def definitions(local_td) -> Definitions:
    from orchestration.code_location import build_definitions

    return build_definitions(local_td.settings)


@pytest.fixture(scope="session")
def instance() -> Iterator[DagsterInstance]:
    with instance_for_test() as test_instance:
        yield test_instance
