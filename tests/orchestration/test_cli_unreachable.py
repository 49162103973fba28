"""A warehouse that cannot be reached ends a command in one `td-dagster: ...` line naming the
endpoint and what to check, exit 1 (as `doctor` and a failed `run`), the stack only with -v, and
never the TD API key."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from dagster import AssetMaterialization

from orchestration.cli import main
from orchestration.instance import local_instance
from orchestration.partition_status import recent_keys
from orchestration.partitions import daily_partitions_def
from orchestration.unreachable_warehouse import connection_failure_reason

from .conftest import copy_dbt_project

KEY = "1/unreachable0123456789abcdef"
# RFC 6761: no name under .invalid ever resolves. Nothing listens on port 443 of the loopback.
UNRESOLVABLE = "td-dagster-test.invalid"
REFUSED = "127.0.0.1"


@pytest.fixture(scope="module")
def project_dir(tmp_path_factory):
    # A project of its own: parsing it for the prod target leaves the shared one's manifest alone.
    return copy_dbt_project(tmp_path_factory.mktemp("unreachable") / "dbt_project")


@pytest.fixture
def on_td(local_td, project_dir, monkeypatch, tmp_path):
    """The prod target with a key, an instance of its own holding one loaded day (so that
    `status --verify` has a day to count)."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    for name, value in {
        "DAGSTER_HOME": str(home),
        "DBT_PROJECT_DIR": str(project_dir),
        "DBT_TARGET": "prod",
        "TD_API_KEY": KEY,
        "TD_DATABASE": "analytics",
        "TD_SOURCE_DATABASE": "production",
    }.items():
        monkeypatch.setenv(name, value)
    day = recent_keys(daily_partitions_def(), datetime.now(UTC), 1)[0]  # TD's "now" is the wall clock
    with local_instance() as instance:
        instance.report_runless_asset_event(
            AssetMaterialization("incremental_events", partition=day, metadata={"td/rows": 240})
        )
    return monkeypatch


@pytest.mark.parametrize(
    ("host", "argv", "reason"),
    [
        (UNRESOLVABLE, ["status", "--days", "3", "--verify"], "the host name does not resolve"),
        (UNRESOLVABLE, ["stale"], "the host name does not resolve"),
        (UNRESOLVABLE, ["run", "--stale"], "the host name does not resolve"),
        (REFUSED, ["stale"], "the connection was refused"),
        (REFUSED, ["status", "--days", "3", "--verify"], "the connection was refused"),
        (REFUSED, ["lint", "--format", "json"], "the connection was refused"),  # dbt's compile connects
    ],
)
def test_an_unreachable_endpoint_is_one_line_naming_it(on_td, capfd, host, argv, reason):
    on_td.setenv("TD_API_HOST", host)
    assert main(argv) == 1
    out, err = capfd.readouterr()
    assert err.splitlines() == [
        f"td-dagster: cannot reach Treasure Data at https://{host}:443 ({reason}): check TD_API_HOST "
        "(TD's Trino endpoint for your region: api-presto.treasuredata.com, api-presto.treasuredata.co.jp, "
        "...) and the network or proxy to it; `td-dagster doctor` tests the connection (run the command again with -v for the full error)"
    ], err
    assert "Traceback" not in out and KEY not in out + err and KEY[-20:] not in out + err


def test_doctor_says_why_and_what_to_check_without_the_key(on_td, capfd):
    on_td.setenv("TD_API_HOST", REFUSED)
    assert main(["doctor"]) == 1
    out, err = capfd.readouterr()
    assert out.splitlines()[-2:] == [
        f"error:     cannot reach Treasure Data at https://{REFUSED}:443 (the connection was refused): check "
        "TD_API_HOST (TD's Trino endpoint for your region: api-presto.treasuredata.com, "
        "api-presto.treasuredata.co.jp, ...) and the network or proxy to it",
        "td-dagster doctor: the target is not usable as configured",
    ]
    assert "API key:   ****cdef" in out and KEY not in out + err and KEY[-20:] not in out + err


def test_with_v_the_full_error_comes_first_still_without_the_key(on_td, capfd):
    on_td.setenv("TD_API_HOST", UNRESOLVABLE)
    assert main(["status", "--days", "3", "--verify", "-v"]) == 1
    out, err = capfd.readouterr()
    assert "Traceback" in err and "TrinoConnectionError" in err
    assert err.splitlines()[-1].startswith(
        f"td-dagster: cannot reach Treasure Data at https://{UNRESOLVABLE}:443"
    )
    assert KEY not in out + err and KEY[-20:] not in out + err


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        # The trino client's texts (trino.client: `failed to execute: {requests error}`), as urllib3 2 words them.
        (
            "failed to execute: HTTPSConnectionPool(host='x.invalid', port=443): Max retries exceeded with url: "
            '/v1/statement (Caused by NameResolutionError("<urllib3.connection.HTTPSConnection object>: '
            "Failed to resolve 'x.invalid' ([Errno -2] Name or service not known)\"))",
            "the host name does not resolve",
        ),
        (
            "failed to execute: HTTPSConnectionPool(host='127.0.0.1', port=443): Max retries exceeded with url: "
            "/v1/statement (Caused by NewConnectionError('<urllib3.connection.HTTPSConnection object>: Failed to "
            "establish a new connection: [Errno 111] Connection refused'))",
            "the connection was refused",
        ),
        (
            "failed to execute: HTTPSConnectionPool(...): Read timed out. (read timeout=30)",
            "the connection timed out",
        ),
        ("failed to execute: something new", "failed to execute: something new"),
    ],
)
def test_connection_failure_reasons(text, reason):
    assert connection_failure_reason(text) == reason
