"""What happens when a dbt run fails: transient warehouse trouble is retried, a failed run alerts."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from types import SimpleNamespace

import pytest
from dagster import (
    DagsterEventType,
    RetryRequested,
    build_run_status_sensor_context,
    instance_for_test,
    job,
    op,
)
from dagster_dbt.errors import DagsterDbtCliRuntimeError

from orchestration.alerting import build_failure_sensor
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


def test_a_failed_run_is_posted_to_the_webhook():
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

    server = HTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.handle_request, daemon=True).start()
    sensor = build_failure_sensor(f"http://127.0.0.1:{server.server_port}/hook")
    with instance_for_test() as instance:
        result = nightly.execute_in_process(
            instance=instance, raise_on_error=False, tags={"dagster/partition": "2026-11-22"}
        )
        failure = next(e for e in result.all_events if e.event_type == DagsterEventType.RUN_FAILURE)
        context = build_run_status_sensor_context(
            sensor_name=sensor.name,
            dagster_event=failure,
            dagster_instance=instance,
            dagster_run=result.dagster_run,
        ).for_run_failure()
        sensor(context)
    server.server_close()
    assert len(received) == 1
    assert received[0]["job"] == "nightly" and received[0]["partition"] == "2026-11-22"
    assert received[0]["text"].startswith("Dagster run of nightly failed for 2026-11-22")
