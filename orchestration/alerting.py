"""Run-failure alerts: a log line always, and a JSON POST to ALERT_WEBHOOK_URL when it is set."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from typing import Any

from dagster import (
    DagsterEventType,
    DefaultSensorStatus,
    RunFailureSensorContext,
    SensorDefinition,
    run_failure_sensor,
)

from orchestration.run_errors import root_cause

_TIMEOUT_SECONDS = 10
_MAX_ERROR_CHARS = 2000


def failure_payload(
    job_name: str, run_id: str, error: str | None, tags: Mapping[str, str], webserver_url: str | None
) -> dict[str, Any]:
    """The webhook body: which run failed, for which partition(s), and why (truncated)."""
    first, last = (
        tags.get("dagster/asset_partition_range_start"),
        tags.get("dagster/asset_partition_range_end"),
    )
    partition = tags.get("dagster/partition") or (
        first if first == last else f"{first}..{last}" if first else None
    )
    message = (error or "unknown error").strip()
    if len(message) > _MAX_ERROR_CHARS:
        message = message[: _MAX_ERROR_CHARS - 3] + "..."
    text = f"Dagster run of {job_name} failed" + (f" for {partition}" if partition else "") + f": {message}"
    payload: dict[str, Any] = {
        "text": text,
        "job": job_name,
        "run_id": run_id,
        "partition": partition,
        "error": message,
    }
    if webserver_url:
        payload["run_url"] = f"{webserver_url.rstrip('/')}/runs/{run_id}"
    return payload


def post_json(url: str, payload: Mapping[str, Any]) -> None:
    """POST a JSON body; raise on a non-2xx answer."""
    request = urllib.request.Request(
        url, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}, method="POST"
    )
    with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as response:
        if not 200 <= response.status < 300:
            raise OSError(f"webhook answered HTTP {response.status}")


def build_failure_sensors(
    webhook_url: str | None, webserver_url: str | None = None
) -> list[SensorDefinition]:
    """The sensors that alert on this code location's failed runs, each failure once.

    `alert_on_run_failure` sees the runs launched through this code location (the UI, schedules,
    sensors, backfills): Dagster's run-status sensors match a run by the code location it was
    launched from. A run executed in a process of its own (`td-dagster run`, `dagster asset
    materialize`, `dagster job execute`) has no such origin, so `alert_on_local_run_failure`
    watches every location's runs and takes only those without an origin whose job is one of this
    code location's: a `td-dagster run` from cron does not fail silently.
    """

    def alert(context: RunFailureSensorContext) -> None:
        run = context.dagster_run
        # What failed, as the CLI's summary says it (`dbt: Database Error in model ...`); the run's
        # own failure event says only which steps failed.
        step_errors = [
            root_cause(entry.dagster_event.event_specific_data.error)
            for entry in context.instance.all_logs(run.run_id, of_type=DagsterEventType.STEP_FAILURE)
            if entry.dagster_event
            and entry.dagster_event.event_specific_data
            and entry.dagster_event.event_specific_data.error
        ]
        error = "\n".join(step_errors) or (context.failure_event.message if context.failure_event else None)
        payload = failure_payload(run.job_name, run.run_id, error, run.tags, webserver_url)
        context.log.error(payload["text"])
        if not webhook_url:
            return
        try:
            post_json(webhook_url, payload)
        except OSError as problem:  # an alert channel outage must not fail the sensor forever
            context.log.error(f"Could not post the failure alert to ALERT_WEBHOOK_URL: {problem}")

    @run_failure_sensor(name="alert_on_run_failure", default_status=DefaultSensorStatus.RUNNING)
    def alert_on_run_failure(context: RunFailureSensorContext) -> None:
        alert(context)

    @run_failure_sensor(
        name="alert_on_local_run_failure",
        monitor_all_code_locations=True,
        default_status=DefaultSensorStatus.RUNNING,
        description="Alerts on failed runs of this code location's jobs executed outside the "
        "webserver and daemon (td-dagster run, dagster asset materialize).",
    )
    def alert_on_local_run_failure(context: RunFailureSensorContext) -> None:
        # Nothing is returned for the runs left alone: one tick handles several runs, and a
        # SkipReason beside another run's alert is refused.
        run = context.dagster_run
        repository = context.repository_def
        launched = run.remote_job_origin is not None  # alert_on_run_failure's, or another location's
        if not launched and repository is not None and repository.has_job(run.job_name):
            alert(context)

    return [alert_on_run_failure, alert_on_local_run_failure]
