"""Run-failure alerts: a log line always, and a JSON POST to ALERT_WEBHOOK_URL when it is set."""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Mapping
from typing import Any

from dagster import DefaultSensorStatus, RunFailureSensorContext, run_failure_sensor

_TIMEOUT_SECONDS = 10
_MAX_ERROR_CHARS = 2000


def failure_payload(
    job_name: str, run_id: str, error: str | None, tags: Mapping[str, str], webserver_url: str | None
) -> dict[str, Any]:
    """The webhook body: which run failed, for which partition(s), and why (truncated)."""
    partition = tags.get("dagster/partition") or (
        f"{tags['dagster/asset_partition_range_start']}..{tags['dagster/asset_partition_range_end']}"
        if "dagster/asset_partition_range_start" in tags
        else None
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


def build_failure_sensor(webhook_url: str | None, webserver_url: str | None = None):
    @run_failure_sensor(name="alert_on_run_failure", default_status=DefaultSensorStatus.RUNNING)
    def alert_on_run_failure(context: RunFailureSensorContext) -> None:
        run = context.dagster_run
        error = context.failure_event.message if context.failure_event else None
        payload = failure_payload(run.job_name, run.run_id, error, run.tags, webserver_url)
        context.log.error(payload["text"])
        if not webhook_url:
            return
        try:
            post_json(webhook_url, payload)
        except OSError as problem:  # an alert channel outage must not fail the sensor forever
            context.log.error(f"Could not post the failure alert to ALERT_WEBHOOK_URL: {problem}")

    return alert_on_run_failure
