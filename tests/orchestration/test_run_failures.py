"""What happens when a dbt run fails: transient warehouse trouble is retried, a failed run alerts."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from dagster import (
    Definitions,
    RetryRequested,
    build_sensor_context,
    instance_for_test,
    job,
    op,
)
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.alerting import build_failure_sensors, failure_payload
from orchestration.assets import DbtRunConfig, _run_dbt
from orchestration.settings import Settings


class FailingInvocation:
    def __init__(self, message: str) -> None:
        self.message = message
        self.target_path = Path("/nonexistent")
        self.process = SimpleNamespace(pid=12345)

    def stream_raw_events(self):
        raise DagsterDbtCliRuntimeError(self.message)
        yield  # a generator, like the real one


def run_failing_dbt(message: str, retry_number: int = 0):
    context = SimpleNamespace(
        log=SimpleNamespace(info=lambda *a: None, warning=lambda *a: None),
        run=SimpleNamespace(tags={}, run_id="r1"),
        run_id="r1",
        instance=SimpleNamespace(add_run_tags=lambda run_id, tags: None),
        retry_number=retry_number,
    )
    dbt = SimpleNamespace(cli=lambda args, context: FailingInvocation(message))
    settings = Settings.from_env({"DBT_TARGET": "prod"})
    with pytest.MonkeyPatch.context() as env:
        env.setenv("TD_API_KEY", "test-key")
        list(_run_dbt(context, dbt, settings, None, DbtRunConfig()))


def test_transient_warehouse_errors_are_retried_with_backoff():
    with pytest.raises(RetryRequested) as raised:
        run_failing_dbt("failed to execute: HTTPSConnectionPool(...): Max retries exceeded", retry_number=1)
    assert raised.value.seconds_to_wait == 60 and raised.value.max_retries == 3


def test_sql_errors_and_exhausted_retries_fail_the_run():
    with pytest.raises(DagsterDbtCliRuntimeError, match="SYNTAX_ERROR"):
        run_failing_dbt("TrinoUserError(name=SYNTAX_ERROR, message=mismatched input)")
    with pytest.raises(DagsterDbtCliRuntimeError):
        run_failing_dbt("503 Service Unavailable", retry_number=3)


def test_a_failed_run_executed_outside_the_daemon_is_posted_to_the_webhook_once():
    """`td-dagster run` executes its job in its own process: the run has no code-location origin,
    which Dagster's run-failure sensors match runs by. It is still alerted, once; a failed run of
    a job this code location does not define is not."""
    received: list[dict] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    @op
    def breaks():
        raise RuntimeError("the warehouse said no")

    @job
    def nightly():
        breaks()

    @job
    def elsewhere():
        breaks()

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sensors = build_failure_sensors(
        f"http://127.0.0.1:{server.server_port}/hook", "https://dagster.example.com"
    )
    repository = Definitions(jobs=[nightly], sensors=sensors).get_repository_def()
    cursors: dict[str, str | None] = {}

    def tick_every_sensor(instance) -> None:
        for sensor in sensors:
            # As the daemon evaluates them: in the code location's repository.
            context = build_sensor_context(
                instance=instance,
                repository_def=repository,
                repository_name=repository.name,
                cursor=cursors.get(sensor.name),
            )
            cursors[sensor.name] = sensor.evaluate_tick(context).cursor

    try:
        with instance_for_test() as instance:
            tick_every_sensor(instance)  # a run-status sensor's first tick starts from now
            nightly.execute_in_process(
                instance=instance, raise_on_error=False, tags={"dagster/partition": "2026-11-22"}
            )
            elsewhere.execute_in_process(instance=instance, raise_on_error=False)
            tick_every_sensor(instance)
            tick_every_sensor(instance)  # nothing is alerted twice
    finally:
        server.shutdown()
        server.server_close()
    assert len(received) == 1, [(alert["job"], alert["run_id"]) for alert in received]
    assert received[0]["job"] == "nightly" and received[0]["partition"] == "2026-11-22"
    # What failed, not only which step: the error the op raised, and where the run's page is.
    assert (
        received[0]["text"]
        == "Dagster run of nightly failed for 2026-11-22: RuntimeError: the warehouse said no"
    )
    assert received[0]["run_url"] == f"https://dagster.example.com/runs/{received[0]['run_id']}"


def test_an_alert_names_a_one_day_range_as_its_day():
    one_day = {
        "dagster/asset_partition_range_start": "2026-11-30",
        "dagster/asset_partition_range_end": "2026-11-30",
    }
    assert failure_payload("load_and_test", "r", "boom", one_day, None)["partition"] == "2026-11-30"
    week = {**one_day, "dagster/asset_partition_range_start": "2026-11-24"}
    assert failure_payload("load_and_test", "r", "boom", week, None)["partition"] == "2026-11-24..2026-11-30"
