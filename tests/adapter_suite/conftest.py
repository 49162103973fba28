"""dbt's adapter test suite (the `dbt-tests-adapter` package) run against a lenient tdlocal.

The suite is slow (hundreds of dbt invocations) and needs the `adapter-suite` dependency group,
so the default `uv run pytest` skips collecting it: its test modules are collected only when
`TD_ADAPTER_SUITE=1`, which `tests/adapter_suite/run` sets. Nothing outside this folder is
affected. The profile mirrors dbt-trino's own functional tests (`method: none`, 4 threads, a
`default` schema under which dbt-tests-adapter creates one unique schema per test class), with
the catalog `td` that TD and tdlocal use.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

import tdlocal

if os.environ.get("TD_ADAPTER_SUITE") != "1":
    # Not a silent skip of the normal suite: only this folder's modules, which cannot even be
    # imported without the adapter-suite group.
    collect_ignore_glob = ["test_*.py"]


@pytest.fixture(scope="session")
def adapter_suite_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tdlocal.LocalServer]:
    """One lenient tdlocal for the whole suite: stock dbt-trino creates views, which strict mode
    (as TD) refuses."""
    data_dir = Path(tmp_path_factory.mktemp("adapter-suite-data"))
    # TD_ADAPTER_SUITE_LOG names a file that receives every statement dbt sent, to read a failure.
    server = tdlocal.start_in_thread(
        data_dir,
        strict=False,
        load_sample_when_fresh=False,
        log_statements=os.environ.get("TD_ADAPTER_SUITE_LOG") or None,
    )
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="class")
def dbt_profile_target(adapter_suite_server: tdlocal.LocalServer) -> dict[str, Any]:
    """The dbt-trino profile target dbt-tests-adapter writes into each test project's profiles.yml."""
    return {
        "type": "trino",
        "method": "none",
        "threads": 4,
        "host": urlsplit(adapter_suite_server.url).hostname,
        "port": adapter_suite_server.port,
        "user": "admin",
        "password": "",
        "catalog": "td",
        "schema": "default",
        "http_scheme": "http",
    }
