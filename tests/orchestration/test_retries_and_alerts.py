"""Which dbt failures are retried, failure alerts, and TD console links."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from orchestration.alerting import failure_payload, post_json
from orchestration.materialization_metadata import (
    CONSOLE_LINK_KEY,
    QUERY_ID_KEY,
    ROWS_AFFECTED_KEY,
    adapter_response_metadata,
    console_base_url,
)
from orchestration.retries import is_transient_warehouse_error, retry_delay_seconds


# The shapes below are what dbt-trino 1.11 logs: trino.exceptions' TrinoQueryError repr, the
# client's Http50xError texts, and TrinoConnectionError's "failed to execute: <requests error>".
@pytest.mark.parametrize(
    "message",
    [
        "Database Error in model incremental_events (models/incremental/incremental_events.sql)\n"
        "  failed to execute: HTTPSConnectionPool(host='api-presto.treasuredata.com', port=443): Max retries exceeded",
        "Database Error in model stg_events (models/staging/stg_events.sql)\n"
        "  TrinoExternalError(type=EXTERNAL, name=SERVER_STARTING_UP, "
        'message="Trino server is still initializing", query_id=20261123_000000_00001_abcde)',
        "Database Error in model stg_events (models/staging/stg_events.sql)\n  error 503: service unavailable",
        "Database Error in model stg_events (models/staging/stg_events.sql)\n  error 502: bad gateway",
        "Database Error\n  failed to execute: ('Connection aborted.', "
        "RemoteDisconnected('Remote end closed connection without response'))",
        "Database Error\n  Failed to establish a new connection: [Errno 111] Connection refused",
        "TrinoInternalError(type=INSUFFICIENT_RESOURCES, name=CLUSTER_OUT_OF_MEMORY, "
        'message="Query killed because the cluster is out of memory", query_id=q1)',
    ],
)
def test_warehouse_trouble_is_retried(message):
    assert is_transient_warehouse_error(message)


@pytest.mark.parametrize(
    "message",
    [
        'TrinoUserError(type=USER_ERROR, name=SYNTAX_ERROR, message="line 1:8: mismatched input", query_id=q1)',
        "TrinoUserError(type=USER_ERROR, name=TABLE_NOT_FOUND, "
        "message=\"Table 'td.raw.evnts' does not exist\", query_id=q2)",
        "Compilation Error in model x\n  target_range '2024-01-15' is not a TD_INTERVAL string",
        # A SQL error in a run that also hit a connection hiccup is still a SQL error.
        "Database Error\n  failed to execute: HTTPSConnectionPool(...): Max retries exceeded\n"
        'Database Error\n  TrinoUserError(type=USER_ERROR, name=COLUMN_NOT_FOUND, message="x", query_id=q3)',
        "TD_API_KEY is not set, and target 'prod' runs on Treasure Data",
        # Numbers and words inside a test result or an engine message are data, not HTTP status:
        "Failure in test unique_incremental_events_event_id (models/incremental/_incremental.yml)\n"
        "  Got 502 results, configured to fail if != 0",
        "Failure in test accepted_values_x (models/x.yml)\n  Got 503 results, configured to fail if != 0",
        "Database Error in model stg_events (models/staging/stg_events.sql)\n"
        "  TrinoUserError(type=USER_ERROR, name=INVALID_CAST_ARGUMENT, "
        "message=\"Cannot cast '503' to INT\", query_id=q4)",
        "Database Error in model x (models/x.sql)\n  TrinoUserError(type=USER_ERROR, name=GENERIC_USER_ERROR, "
        'message="error 504: gateway timeout\nfailed to execute: SERVER_STARTING_UP", query_id=q5)',
        "Database Error in model x (models/x.sql)\n  Service Unavailable: the upstream returned 504 rows",
    ],
)
def test_errors_in_the_query_or_the_data_are_not_retried(message):
    assert not is_transient_warehouse_error(message)


def test_backoff_doubles_and_is_capped():
    assert [retry_delay_seconds(n) for n in range(6)] == [30, 60, 120, 240, 480, 600]


def test_console_urls_follow_the_api_region():
    assert console_base_url("api-presto.treasuredata.com") == "https://console.treasuredata.com"
    assert console_base_url("api-presto.treasuredata.co.jp") == "https://console.treasuredata.co.jp"
    assert console_base_url("api-presto.eu01.treasuredata.com") == "https://console.eu01.treasuredata.com"


def test_adapter_response_becomes_metadata():
    event = {
        "data": {
            "run_result": {
                "adapter_response": {
                    "_message": "INSERT (42 rows)",
                    "rows_affected": 42,
                    "query_id": "20261123_000000_00001_abcde",
                }
            }
        }
    }
    metadata = adapter_response_metadata(event, "https://console.treasuredata.com")
    assert metadata[ROWS_AFFECTED_KEY].value == 42
    assert metadata[QUERY_ID_KEY].value == "20261123_000000_00001_abcde"
    assert (
        metadata[CONSOLE_LINK_KEY].value
        == "https://console.treasuredata.com/app/jobs/20261123_000000_00001_abcde"
    )
    assert CONSOLE_LINK_KEY not in adapter_response_metadata(event, None)  # tdlocal has no console
    assert adapter_response_metadata({"data": {}}, None) == {}
    assert ROWS_AFFECTED_KEY not in adapter_response_metadata(
        {"data": {"run_result": {"adapter_response": {"rows_affected": -1.0}}}}, None
    )


def test_failure_payload_names_the_partition_and_truncates():
    payload = failure_payload(
        "daily_incremental",
        "abc",
        "boom " * 1000,
        {"dagster/partition": "2026-11-22"},
        "http://localhost:3000",
    )
    assert payload["text"].startswith("Dagster run of daily_incremental failed for 2026-11-22: boom")
    assert len(payload["error"]) == 2000 and payload["run_url"] == "http://localhost:3000/runs/abc"
    ranged = failure_payload(
        "load_and_test",
        "r",
        None,
        {
            "dagster/asset_partition_range_start": "2026-11-01",
            "dagster/asset_partition_range_end": "2026-11-07",
        },
        None,
    )
    assert ranged["partition"] == "2026-11-01..2026-11-07" and "run_url" not in ranged


def test_post_json_delivers_the_payload():
    received = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            received.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    post_json(f"http://127.0.0.1:{server.server_port}/hook", {"text": "failed"})
    thread.join(5)
    server.server_close()
    assert received == [{"text": "failed"}]
