"""A production-shaped deployment on this machine: a real PostgreSQL (from the pgserver package),
an instance built from deploy/dagster.yaml pointed at it, tdlocal with a small sample, and the code
location served by the same `dagster code-server start` command the image runs.

Everything is module-scoped and restores the environment on teardown, so these tests do not leak
into the session-wide tdlocal of tests/orchestration.
"""

from __future__ import annotations

import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml

import tdlocal
from orchestration.settings import PROJECT_ROOT
from tdlocal.cli import main as tdlocal_main

from ..orchestration.conftest import PINNED_NOW, copy_dbt_project

DEPLOY_DIR = PROJECT_ROOT / "deploy"
PARTITION_START = "2026-11-01"
SAMPLE_DAYS = 10
SAMPLE_ROWS_PER_DAY = 120
PG_DATABASE = "dagster"
PG_USER = "dagster"
# Docker cannot run here, so runs are launched as processes of the code server instead of
# containers; everything else (storage, queue, pools, monitoring, retries) is deploy/dagster.yaml.
IN_PROCESS_LAUNCHER = {"module": "dagster._core.launcher", "class": "DefaultRunLauncher"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Postgres:
    host: str
    port: int
    user: str
    password: str
    database: str

    def query(self, sql: str, params: tuple = ()) -> list[tuple]:
        import psycopg2

        connection = psycopg2.connect(
            host=self.host, port=self.port, user=self.user, password=self.password, dbname=self.database
        )
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                return cursor.fetchall()
        finally:
            connection.close()


def _start_postgres(pgdata: Path, port: int, password: str) -> object:
    """initdb + a server on 127.0.0.1:port that checks passwords over TCP, from pgserver's binaries."""
    import pgserver
    import psycopg2

    # pgserver runs initdb and the server as an unprivileged user when we are root (CI is), and
    # listens on a Unix socket only; Dagster's postgres_db config needs a TCP host and port.
    server = pgserver.get_server(pgdata, cleanup_mode=None)
    connection = psycopg2.connect(server.get_uri())
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f"create role {PG_USER} login password %s", (password,))
        cursor.execute(f"create database {PG_DATABASE} owner {PG_USER}")
    connection.close()
    pgserver.pg_ctl(["-w", "stop"], pgdata=pgdata, user=server.system_user)
    hba = pgdata / "pg_hba.conf"
    hba.write_text("local all all trust\nhost all all 127.0.0.1/32 scram-sha-256\n", encoding="utf-8")
    options = f"-h 127.0.0.1 -p {port} -k {pgdata} -c fsync=off -c max_connections=200"
    pgserver.pg_ctl(
        ["-w", "-t", "60", "-o", options, "-l", str(pgdata / "server.log"), "start"],
        pgdata=pgdata,
        user=server.system_user,
        timeout=90,
    )
    return server


@pytest.fixture(scope="module")
def postgres() -> Iterator[Postgres]:
    pytest.importorskip("pgserver", reason="pgserver is in the dev dependency group: run `uv sync`")
    import pgserver

    root = Path(tempfile.mkdtemp(prefix="td-dagster-pg-"))
    pgdata = root / "data"
    port, password = free_port(), secrets.token_urlsafe(16)
    try:
        server = _start_postgres(pgdata, port, password)
    except Exception as problem:
        log = pgdata / "server.log"
        detail = log.read_text(errors="replace")[-2000:] if log.exists() else ""
        message = f"PostgreSQL (pgserver) could not start on this machine: {problem!r}\n{detail}"
        shutil.rmtree(root, ignore_errors=True)
        if os.environ.get("CI"):
            pytest.fail(message)  # CI installs pgserver from PyPI: there it must start
        pytest.skip(message)
    try:
        yield Postgres("127.0.0.1", port, PG_USER, password, PG_DATABASE)
    finally:
        pgserver.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=pgdata, user=server.system_user)
        shutil.rmtree(root, ignore_errors=True)


@dataclass
class Deployment:
    """The instance's home, the environment every process of the deployment gets, and Postgres."""

    home: Path
    env: dict[str, str]
    postgres: Postgres
    project_dir: Path
    tdlocal_port: int

    def run(self, *argv: str, timeout: float = 900) -> subprocess.CompletedProcess:
        return subprocess.run(
            list(argv), env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )


def _instance_yaml() -> dict:
    config = yaml.safe_load((DEPLOY_DIR / "dagster.yaml").read_text(encoding="utf-8"))
    config["run_launcher"] = IN_PROCESS_LAUNCHER
    return config


@pytest.fixture(scope="module")
def deployment(postgres, tmp_path_factory) -> Iterator[Deployment]:
    root = tmp_path_factory.mktemp("deployment")
    home = root / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(yaml.safe_dump(_instance_yaml()), encoding="utf-8")
    data_dir = root / "tdlocal"
    project_dir = copy_dbt_project(root / "dbt_project")
    argv = ["load-sample", "--days", str(SAMPLE_DAYS), "--rows-per-day", str(SAMPLE_ROWS_PER_DAY)]
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TDLOCAL_", "DBT_", "DAGSTER_", "TD_", "ALERT_"))
    }
    env |= {
        "DAGSTER_HOME": str(home),
        "DAGSTER_PG_HOST": postgres.host,
        "DAGSTER_PG_PORT": str(postgres.port),
        "DAGSTER_PG_USER": postgres.user,
        "DAGSTER_PG_PASSWORD": postgres.password,
        "DAGSTER_PG_DB": postgres.database,
        "DBT_PROJECT_DIR": str(project_dir),
        "TDLOCAL_DATA_DIR": str(data_dir),
        "TDLOCAL_NOW": PINNED_NOW.isoformat(),
        "TD_PARTITION_START": PARTITION_START,
        "TD_TIMEZONE": "Asia/Tokyo",
    }
    with pytest.MonkeyPatch.context() as patch:
        for key in [key for key in os.environ if key not in env]:
            patch.delenv(key)
        for key, value in env.items():
            patch.setenv(key, value)
        assert tdlocal_main([*argv, "--data-dir", str(data_dir)]) == 0
        with tdlocal.start_in_thread(data_dir, load_sample_when_fresh=False) as server:
            port = int(server.url.rsplit(":", 1)[1])
            patch.setenv("TDLOCAL_PORT", str(port))
            env["TDLOCAL_PORT"] = str(port)
            yield Deployment(home, env, postgres, project_dir, port)


@dataclass
class CodeServer:
    port: int
    workspace: Path


@pytest.fixture(scope="module")
def code_server(deployment) -> Iterator[CodeServer]:
    """The image's CMD (Dockerfile), on a free port, loading the code location from this checkout."""
    port = free_port()
    dockerfile_cmd = _dockerfile_cmd()
    assert dockerfile_cmd[:3] == ["dagster", "code-server", "start"], dockerfile_cmd
    args = [arg if arg != "4000" else str(port) for arg in dockerfile_cmd[3:]]
    args = [arg if arg != "0.0.0.0" else "127.0.0.1" for arg in args]
    dagster = str(Path(sys.executable).parent / "dagster")
    log = deployment.home / "code_server.log"
    with log.open("w") as output:
        process = subprocess.Popen(
            [dagster, "code-server", "start", *args],
            env=deployment.env,
            cwd=PROJECT_ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 300
        while True:
            check = deployment.run(dagster, "api", "grpc-health-check", "-p", str(port), timeout=60)
            if check.returncode == 0:
                break
            if process.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"the code server did not come up:\n{log.read_text()[-4000:]}")
            time.sleep(2)
        workspace = deployment.home / "workspace.yaml"
        config = yaml.safe_load((DEPLOY_DIR / "workspace.yaml").read_text(encoding="utf-8"))
        config["load_from"][0]["grpc_server"] |= {"host": "127.0.0.1", "port": port}
        workspace.write_text(yaml.safe_dump(config), encoding="utf-8")
        yield CodeServer(port, workspace)
    finally:
        process.terminate()
        try:
            process.wait(30)
        except subprocess.TimeoutExpired:
            process.kill()


def _dockerfile_cmd() -> list[str]:
    import json

    for line in (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8").splitlines():
        if line.startswith("CMD "):
            return json.loads(line.removeprefix("CMD "))
    raise AssertionError("the Dockerfile has no CMD")
