"""The CLI's run output without running dbt: the progress folded from Dagster events, plain lines
off a terminal, a live display on one, -q / -v, logging levels, and the lines after the summary."""

from __future__ import annotations

import io
import json
import logging
import os
import re
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

from dagster import AssetCheckEvaluation, AssetKey, AssetMaterialization, DagsterEvent, EventLogEntry
from dagster._core.definitions.asset_checks.asset_check_evaluation import AssetCheckEvaluationPlanned
from dagster._core.events import AssetMaterializationPlannedData, StepMaterializationData

from orchestration.run_progress import (
    MODEL_BUILT,
    PLANNED_MODEL,
    PLANNED_TEST,
    STEP_FAILED,
    TEST_RESULT,
    ProgressEvent,
    RunProgress,
)
from orchestration.terminal_output import Terminal, Verbosity, configure_logging

RANGE = "-2d/2026-11-23"


def _entry(event_type: str, data) -> EventLogEntry:
    event = DagsterEvent(event_type_value=event_type, job_name="load_and_test", event_specific_data=data)
    return EventLogEntry(
        error_info=None, level=logging.INFO, user_message="", run_id="r", timestamp=0.0, dagster_event=event
    )


def _a_run() -> list[EventLogEntry]:
    """What Dagster records for a 2-day load of one partitioned model with one dbt test."""
    key = AssetKey("incremental_events")
    planned = [
        _entry("ASSET_MATERIALIZATION_PLANNED", AssetMaterializationPlannedData(key, partition=day))
        for day in ("2026-11-21", "2026-11-22")
    ]
    planned.append(
        _entry(
            "ASSET_CHECK_EVALUATION_PLANNED",
            AssetCheckEvaluationPlanned(asset_key=key, check_name="not_null_incremental_events_time"),
        )
    )
    days = [
        _entry(
            "ASSET_MATERIALIZATION",
            StepMaterializationData(
                AssetMaterialization(
                    key, partition=day, metadata={"td/rows": rows, "Execution Duration": 0.66}
                )
            ),
        )
        for day, rows in (("2026-11-21", 1956), ("2026-11-22", 2040))
    ]
    test = _entry(
        "ASSET_CHECK_EVALUATION",
        AssetCheckEvaluation(
            asset_key=key, check_name="not_null_incremental_events_time", passed=True, metadata={}
        ),
    )
    return [*planned, *days, test]


def test_a_partitioned_model_is_one_line_once_every_planned_day_has_landed():
    progress = RunProgress(target_range=RANGE)
    for day in ("2026-11-21", "2026-11-22"):
        assert progress.apply(ProgressEvent(PLANNED_MODEL, asset="incremental_events", partition=day)) == []
    progress.apply(ProgressEvent(PLANNED_MODEL, asset="page_views"))
    progress.apply(ProgressEvent(PLANNED_TEST, asset="page_views", check="not_null_page_views_path"))
    assert progress.describe() == "0/2 models, 0/1 tests" and progress.total == 3

    first = ProgressEvent(
        MODEL_BUILT,
        asset="incremental_events",
        partition="2026-11-21",
        metadata={"td/rows": 1956, "Execution Duration": 0.66},
    )
    assert progress.apply(first) == []  # the other day has not come yet
    (line,) = progress.apply(
        ProgressEvent(
            MODEL_BUILT,
            asset="incremental_events",
            partition="2026-11-22",
            metadata={"td/rows": 2040, "Execution Duration": 0.66},
        )
    )
    assert line.ok is True
    assert line.text.split() == ["incremental_events", "2", "days", "3,996", "rows", "0.66", "s"]
    (rebuilt,) = progress.apply(
        ProgressEvent(MODEL_BUILT, asset="page_views", metadata={"td/rows_affected": 10})
    )
    assert rebuilt.text.split()[:4] == ["page_views", "rebuilt", "10", "rows"]
    (failed,) = progress.apply(
        ProgressEvent(TEST_RESULT, asset="page_views", check="not_null_page_views_path", passed=False)
    )
    assert failed.ok is False and "not_null_page_views_path  FAILED" in failed.text
    assert progress.completed == progress.total == 3 and progress.failures == 1
    (step,) = progress.apply(ProgressEvent(STEP_FAILED, step="td_models", error="dbt failed\nTraceback ..."))
    assert step.text == "td_models failed: dbt failed" and step.ok is False


def test_off_a_terminal_the_lines_are_plain_dbt_is_told_not_to_colour_and_its_echo_is_held_back(monkeypatch):
    monkeypatch.delenv("DBT_USE_COLORS", raising=False)
    out = io.StringIO()
    terminal = Terminal(out, Verbosity.NORMAL)
    assert not terminal.live  # a StringIO is not a tty
    with terminal.follow_run(RunProgress(target_range=RANGE)) as on_event:
        assert os.environ["DBT_USE_COLORS"] == "false"  # inherited by the dbt subprocesses
        print("1 of 12 OK created sql incremental model analytics.incremental_events")  # dagster-dbt's echo
        for entry in _a_run():
            on_event(entry)
    assert "DBT_USE_COLORS" not in os.environ
    assert out.getvalue().splitlines() == [
        "  ok   incremental_events           2 days         3,996 rows  0.66 s",
        "  ok   test not_null_incremental_events_time",
    ]
    assert list(terminal.dbt_output.lines) == [
        "1 of 12 OK created sql incremental model analytics.incremental_events"
    ]


def test_quiet_shows_no_progress_and_verbose_shows_dbts_output(capsys):
    quiet_out = io.StringIO()
    quiet = Terminal(quiet_out, Verbosity.QUIET)
    with quiet.follow_run(RunProgress(target_range=RANGE)) as on_event:
        for entry in _a_run():
            on_event(entry)
    quiet.say("Starting tdlocal ...")
    quiet.summary("Run r: SUCCESS in 9 s")
    assert quiet_out.getvalue() == "Run r: SUCCESS in 9 s\n"

    verbose = Terminal(io.StringIO(), Verbosity.VERBOSE)
    with verbose.follow_run(RunProgress(target_range=RANGE)):
        print("1 of 12 START sql incremental model")
    assert "1 of 12 START sql incremental model" in capsys.readouterr().out


def test_on_a_terminal_the_live_display_prints_each_line_above_its_bar(monkeypatch):
    monkeypatch.delenv("DBT_USE_COLORS", raising=False)
    out = io.StringIO()
    terminal = Terminal(out, Verbosity.NORMAL, live=True)
    with terminal.follow_run(RunProgress(target_range=RANGE)) as on_event:
        assert "DBT_USE_COLORS" not in os.environ  # dbt colours its own output on a terminal
        for entry in _a_run():
            on_event(entry)
    text = out.getvalue()
    assert "\x1b[" in text  # colours and redraws: it is a terminal
    shown = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", text)
    assert "✓ incremental_events           2 days         3,996 rows  0.66 s" in shown
    assert shown.index("✓ incremental_events") < shown.index("✓ test not_null_incremental_events_time")
    assert "1/1 models, 1/1 tests" in shown  # the bar's label once everything has finished


def test_third_party_info_logging_stays_off_the_console_unless_verbose(capsys):
    trino_auth = logging.getLogger("trino.auth")
    previous = trino_auth.level
    trino_auth.setLevel(logging.INFO)  # what the trino client sets on import
    try:
        configure_logging(Verbosity.NORMAL)
        trino_auth.info("keyring module not found. OAuth2 token will not be stored in keyring.")
        logging.getLogger("dagster.builtin").info("Running dbt command: `dbt build ...`")
        logging.getLogger("orchestration.pool_slots").warning("run abc holds the td pool")
        assert capsys.readouterr().err == "WARNING orchestration.pool_slots: run abc holds the td pool\n"
        configure_logging(Verbosity.VERBOSE)
        trino_auth.info("keyring module not found.")
        assert "INFO trino.auth: keyring module not found." in capsys.readouterr().err
    finally:
        trino_auth.setLevel(previous)
        configure_logging(Verbosity.NORMAL)


def test_the_stop_command_names_the_data_dir_unless_it_is_the_default(tmp_path):
    from orchestration.local_engine_start import stop_command

    assert stop_command(tmp_path / ".tdlocal", cwd=tmp_path) == "uv run tdlocal stop"
    other = tmp_path / "elsewhere"
    assert stop_command(other, cwd=tmp_path) == f"uv run tdlocal stop --data-dir {other}"


class _FakeWebserver(BaseHTTPRequestHandler):
    known_runs: frozenset[str] = frozenset()

    def do_POST(self):
        query = json.loads(self.rfile.read(int(self.headers["Content-Length"])))["query"]
        known = any(run_id in query for run_id in self.known_runs)
        body = {"data": {"runOrError": {"__typename": "Run" if known else "RunNotFoundError"}}}
        payload = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


def test_the_summary_links_the_run_when_a_webserver_shows_it_else_says_how_to_start_one():
    from orchestration.webserver_link import shown_run_url, webserver_url, where_to_see_run

    server = HTTPServer(("127.0.0.1", 0), _FakeWebserver)
    _FakeWebserver.known_runs = frozenset({"run-a"})
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    try:
        assert shown_run_url("run-a", base) == f"{base}/runs/run-a"
        assert shown_run_url("run-b", base) is None  # another instance's webserver
    finally:
        server.shutdown()
    assert shown_run_url("run-a", base) is None  # nothing listens any more
    assert webserver_url({"DAGSTER_WEBSERVER_PORT": "3333"}) == "http://localhost:3333"
    assert where_to_see_run("run-b", "http://localhost:3000", None) == (
        "  In the UI: start it with `uv run dagster dev` in this directory, then "
        "http://localhost:3000/runs/run-b"
    )
