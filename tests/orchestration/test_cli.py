"""`td-dagster` as a user runs it: ranges, lint, bad input, and `run` on a fresh checkout."""

from __future__ import annotations

import json
import os
import pty
import re
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from dagster import AssetKey, DagsterInstance
from dagster._core.instance.ref import InstanceRef

import tdlocal
from orchestration.cli import main
from orchestration.settings import PROJECT_ROOT

from .conftest import PINNED_NOW, copy_dbt_project, query_tdlocal

FIXTURES = Path(__file__).parent / "fixtures"


def test_ranges_prints_keys_and_target_range(local_td, capsys):
    assert main(["ranges", "-3d"]) == 0
    out = capsys.readouterr().out
    assert "partitions:   2026-11-20..2026-11-22 (3 days)" in out
    assert "target_range: -3d/2026-11-23" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["run", "--range", "2024-01-01/2024-01-31"], "write '-30d/2024-01-31'"),
        (["run", "--range", "-7d/now"], "not at local midnight"),
        (["run", "--partition", "2026/11/20"], "partition key '2026/11/20' is not a date in yyyy-MM-dd form"),
        (
            ["run", "--partition", "2026-11-23"],
            "partition 2026-11-23 is outside the daily partitions 2026-11-01..2026-11-22",
        ),
        (["run", "--range", "-3d/2026-10-02"], "outside the daily partitions"),
    ],
)
def test_bad_ranges_and_keys_fail_before_any_sql(local_td, capsys, argv, message):
    before = local_td.statements_logged()
    assert main(argv) == 2
    assert message in capsys.readouterr().err
    assert local_td.statements_logged() == before


@pytest.mark.parametrize(
    ("env", "argv", "message"),
    [
        (
            {"TD_TIMEZONE": "Mars/Olympus"},
            ["run", "--range", "-3d"],
            "TD_TIMEZONE='Mars/Olympus' is not an IANA",
        ),
        ({"TD_TIMEZONE": "JST"}, ["ranges", "-3d"], "Set TD_TIMEZONE='Asia/Tokyo'"),
        (
            {"TD_PARTITION_START": "2025-13-01"},
            ["run", "--partition", "2026-11-20"],
            "write it as yyyy-MM-dd",
        ),
        ({"TD_PARTITION_START": "1969-12-31"}, ["ranges", "-3d"], "is before 1970"),
        (
            {"TD_DATABASE": "analytics; drop"},
            ["run", "--partition", "2026-11-20"],
            "is not a TD database name",
        ),
        ({"TD_SOURCE_DATABASE": "Raw Events"}, ["lint"], "TD_SOURCE_DATABASE='Raw Events'"),
        ({}, ["run", "--range", "-" + "9" * 5000 + "d"], "is out of range"),
        ({}, ["ranges", "-" + "9" * 5000 + "d"], "is out of range"),
        ({}, ["ranges", "-3d/2026-10-02"], "outside the daily partitions"),  # as `run` refuses it
        ({}, ["ranges", "-7d/now"], "use whole days (e.g. '-7d'"),
        # Zones zoneinfo knows but dbt's pytz does not: every dbt run would fail on them.
        ({"TD_TIMEZONE": "Factory"}, ["ranges", "-2d"], "TD_TIMEZONE='Factory' is not an IANA"),
        ({"TD_TIMEZONE": "localtime"}, ["run", "--partition", "2026-11-20"], "TD_TIMEZONE='localtime'"),
        ({"TDLOCAL_NOW": "yesterday"}, ["ranges", "-2d"], "TDLOCAL_NOW='yesterday' is not a time"),
        ({"TDLOCAL_NOW": "99999999999999"}, ["ranges", "-2d"], "TDLOCAL_NOW='99999999999999'"),
        ({"TDLOCAL_NOW": "99999999999999999"}, ["ranges", "-2d"], "'99999999999999999' is out of the range"),
        # Zone names are file names, case-sensitive: the error offers the name that exists.
        ({"TD_TIMEZONE": "asia/tokyo"}, ["ranges", "-2d"], "did you mean 'Asia/Tokyo'?"),
        ({}, ["run", "--partition", "2026-11-31"], "'2026-11-31' is not a day of the calendar"),
        ({"TD_DBT_TARGETS_KEPT": "\u00b2"}, ["ranges", "-1d"], "TD_DBT_TARGETS_KEPT='\u00b2' is not a whole"),
        ({"TD_DBT_TARGETS_KEPT": "0"}, ["ranges", "-1d"], "is not a whole number from 1 up"),
        ({"TDLOCAL_PORT": "\u00b2"}, ["ranges", "-1d"], "is not a TCP port"),
        ({"TD_SOURCE_DATABASE": "select"}, ["ranges", "-1d"], "is a reserved word in Trino SQL"),
        ({"TD_API_HOST": "1/key@evil"}, ["doctor"], "TD_API_HOST='1/key@evil' is not a host name"),
        (
            {"TD_PARTITION_START": "2030-01-01"},
            ["ranges", "-2d"],
            "TD_PARTITION_START=2030-01-01 is not before today (2026-11-23 in Asia/Tokyo)",
        ),
    ],
)
def test_bad_environment_and_ranges_are_one_line_errors(local_td, capsys, monkeypatch, env, argv, message):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    before = local_td.statements_logged()
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("td-dagster: ") and message in err and len(err.splitlines()) == 1, err
    assert "Traceback" not in err and len(err) < 600
    assert local_td.statements_logged() == before


def test_lint_reports_exactly_one_rule_per_fixture_model(local_td, tmp_path, capsys, monkeypatch):
    # The project's own models plus fixture models that break one rule each (and two that silence
    # a rule with meta.td_lint_ignore): only the fixtures are named, each with its rule.
    project = copy_dbt_project(tmp_path / "dbt_project")
    shutil.copytree(FIXTURES / "lint", project / "models" / "lint_fixtures")
    monkeypatch.setenv("DBT_PROJECT_DIR", str(project))
    assert main(["lint", "--format", "json"]) == 1
    captured = capsys.readouterr()
    findings = json.loads(captured.out)
    assert sorted((f["model"], f["rule"]) for f in findings) == [
        ("delete_insert_strategy", "td-incremental-strategy"),
        ("grants_model", "td-grants"),
        ("max_time_pattern", "td-max-time-pattern"),
        ("persist_docs_model", "td-persist-docs"),
        ("range_without_timezone", "td-range-without-timezone"),
        ("reads_incremental_in_full", "td-unfiltered-scan"),
        ("replace_on_exists", "td-on-table-exists-replace"),
        ("scans_without_time_filter", "td-unfiltered-scan"),
        ("sessionize_group_by", "td-sessionize-group-by"),
        ("view_model", "td-view"),
    ]
    assert "10 problems" in captured.err
    by_model = {f["model"]: f for f in findings}
    assert by_model["max_time_pattern"]["path"] == "models/lint_fixtures/max_time_pattern.sql"
    assert by_model["max_time_pattern"]["line"] == 10  # the `where time > (select max(time) ...)` line
    assert "td_window" in by_model["max_time_pattern"]["fix"]
    assert "not idempotent per day" in by_model["delete_insert_strategy"]["message"]
    assert '"td"."analytics"."incremental_events"' in by_model["reads_incremental_in_full"]["message"]
    assert by_model["reads_incremental_in_full"]["line"] == 3

    # The text format: file:line, rule id, model, message and fix on one line.
    assert main(["lint"]) == 1
    out = capsys.readouterr().out
    assert (
        "models/lint_fixtures/scans_without_time_filter.sql:3: td-unfiltered-scan (scans_without_time_filter) "
        'reads "td"."raw"."events" without TD_INTERVAL/TD_TIME_RANGE' in out
    )
    assert "Fix: pass '{{ td_dbt.td_timezone() }}' as the third argument" in out


def test_run_select_with_an_unknown_model_fails_before_any_sql(local_td, capsys):
    before = local_td.statements_logged()
    assert main(["run", "--partition", "2026-11-20", "--select", "user_daily_activty+"]) == 2
    err = capsys.readouterr().err
    assert "named 'user_daily_activty'" in err and "Did you mean 'user_daily_activity'?" in err
    assert local_td.statements_logged() == before


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        ("bogus:method:x", "--select 'bogus:method:x': 'bogus' is not a dbt selection method."),
        ("++page_views", "--select '++page_views': '++page_views' repeats a graph operator"),
        ("", "--select '' is empty"),
        # What dbt's selector itself rejects while resolving, reported the same way.
        ("@page_views+", 'dbt rejects it: Invalid node spec @page_views+ - "@" prefix and "+" suffix'),
        ("state:modified", "dbt rejects it: Got a state selector method, but no comparison manifest."),
        ("resource_type:table", 'dbt rejects it: Invalid resource_type selector "table".'),
        # What dbt or dagster-dbt raise outside dbt's exceptions (a second review found them).
        ("path:/etc", "--select 'path:/etc' cannot be resolved to the project's models (NotImplementedError"),
        ("test_name:unique", "--select 'test_name:unique' cannot be resolved to the project's models"),
    ],
)
def test_run_select_dbt_rejects_is_one_clear_line_before_any_sql(local_td, capsys, selection, message):
    before = local_td.statements_logged()
    assert main(["run", "--partition", "2026-11-20", "--select", selection]) == 2
    err = capsys.readouterr().err
    assert err.startswith("td-dagster: ") and len(err.strip().splitlines()) == 1, err
    assert message in err, err
    # The fix: dbt's selection syntax, or for a bad method dbt's methods.
    assert "A selection is dbt syntax" in err or "The methods are `access:`" in err, err
    assert local_td.statements_logged() == before


def _environment_of_its_own(tmp_path: Path, td_database: str) -> dict[str, str]:
    """The environment of a `td-dagster` subprocess with a Dagster instance, a dbt project copy and
    a TD database of its own: the days the shared ones hold, which other tests assert, stay as
    they are."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    return {
        **os.environ,
        "DAGSTER_HOME": str(home),
        "DBT_PROJECT_DIR": str(copy_dbt_project(tmp_path / "dbt_project")),
        "TD_DATABASE": td_database,
        "TDLOCAL_NOW": PINNED_NOW.isoformat(),
    }


def test_a_run_whose_reader_goes_away_finishes_its_load_without_errors(local_td, tmp_path):
    """`td-dagster run ... | head -1`: the pipe breaks after the first line; the run still loads
    its day, and neither the progress lines nor the summary turn into broken-pipe errors."""
    env = _environment_of_its_own(tmp_path, "cli_closed_pipe")
    process = subprocess.Popen(
        [sys.executable, "-m", "orchestration.cli", "run", "--partition", "2026-11-19"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout.readline()  # what `head -1` reads, then it exits
    process.stdout.close()
    _, err = process.communicate(timeout=300)
    assert process.returncode == 0, err.decode()
    assert b"Broken pipe" not in err and b"Traceback" not in err, err.decode()
    rows = query_tdlocal(
        local_td.port,
        "select count(*) from incremental_events "
        "where td_time_range(time, '2026-11-19', '2026-11-20', 'Asia/Tokyo')",
        schema="cli_closed_pipe",
    )
    assert rows[0][0] > 0


def test_a_model_materialized_alone_fails_neither_its_run_nor_the_later_loads(local_td, tmp_path):
    """incremental_events loaded on its own (the UI's "Materialize selected", `--select`) runs its
    own tests only: not the check of user_daily_activity that compares the two models, which would
    fail on the day user_daily_activity has not loaded. The next full load of another day then
    passes that check, which compares only the days it loaded."""
    env = _environment_of_its_own(tmp_path, "cli_model_alone")
    env.pop("DBT_INDIRECT_SELECTION", None)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "run", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )

    alone = run("--partition", "2026-11-18", "--select", "incremental_events")
    assert alone.returncode == 0, alone.stdout + alone.stderr
    assert "assert_daily_activity_matches_events" not in alone.stdout + alone.stderr
    assert "indirect selection" not in alone.stdout + alone.stderr
    assert "incremental_events           1 partition" in alone.stdout
    both = run("--partition", "2026-11-19")
    assert both.returncode == 0, both.stdout + both.stderr
    assert re.search(r"checks: (\d+) of \1 passed", both.stdout), both.stdout
    days = query_tdlocal(
        local_td.port,
        "select 'events', event_date from incremental_events union all "
        "select 'activity', event_date from user_daily_activity group by 1, 2",
        schema="cli_model_alone",
    )
    assert sorted(set(days)) == [
        ("activity", "2026-11-19"),
        ("events", "2026-11-18"),
        ("events", "2026-11-19"),
    ]
    # The scheduled test job's check (the default range, which holds both days) passes too: the
    # day user_daily_activity has not loaded is a missing partition, not a disagreement.
    project = env["DBT_PROJECT_DIR"]
    command = [
        sys.executable,
        "-m",
        "dbt.cli.main",
        "test",
        "--select",
        "assert_daily_activity_matches_events",
    ]
    command += ["--project-dir", project, "--profiles-dir", project, "--target-path", str(tmp_path / "tests")]
    tested = subprocess.run(
        command,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert tested.returncode == 0 and "PASS=1" in tested.stdout, tested.stdout[-3000:]
    # incremental_events loaded again alone (after late rows, say): user_daily_activity's day was
    # built from what it held before, so `td-dagster stale` lists it.
    again = run("--partition", "2026-11-19", "--select", "incremental_events")
    assert again.returncode == 0, again.stdout + again.stderr
    stale = subprocess.run(
        [sys.executable, "-m", "orchestration.cli", "stale"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert stale.returncode == 0, stale.stdout + stale.stderr
    assert "2026-11-19  reads incremental_events 2026-11-19, loaded again since" in stale.stdout, stale.stdout
    assert "2026-11-18" not in stale.stdout.split("Stale partitions", 1)[-1]


def test_run_select_matching_nothing_is_one_line_without_dbts_warnings(local_td):
    # dbt's in-process selector warns once per dbt definition, in colour, through the stdout logger
    # a fresh process has; the CLI's own line says what matters. A subprocess: that logger exists
    # only in a process where dbt has not been set up yet.
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "orchestration.cli",
            "run",
            "--partition",
            "2026-11-20",
            "--select",
            "tag:mart",
        ],
        env=dict(os.environ),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 2, completed.stdout + completed.stderr
    assert "does not match any enabled nodes" not in completed.stdout + completed.stderr
    assert "\x1b[" not in completed.stdout + completed.stderr
    assert completed.stderr.strip().splitlines()[-1] == (
        "td-dagster: --select 'tag:mart' selects no model, seed or snapshot of the project: check the "
        "selector with `dbt ls --select ...` in the dbt project"
    )


def test_run_select_loads_only_the_selected_models(local_td, capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    # 2026-11-20 is also the end-to-end tests' first load: td_window leaves the same rows either way.
    assert main(["run", "--partition", "2026-11-20", "--select", "incremental_events+"]) == 0
    out = capsys.readouterr().out
    assert "incremental_events           1 partition" in out
    assert "user_daily_activity          1 partition" in out  # downstream, partitioned
    assert "daily_event_counts           rebuilt" in out  # downstream, unpartitioned
    assert "stg_events" not in out and "page_views" not in out  # not selected
    assert ("2026-11-20",) in local_td.query("select distinct event_date from user_daily_activity")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _fresh_checkout(destination: Path) -> Path:
    """The repository's files as a clone has them: tracked and new ones, nothing ignored."""
    listed = (
        subprocess.run(
            ["git", "ls-files", "-co", "--exclude-standard", "-z"],
            cwd=PROJECT_ROOT,
            capture_output=True,
            check=True,
        )
        .stdout.decode()
        .split("\0")
    )
    for name in filter(None, listed):
        source = PROJECT_ROOT / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    return destination


_CONTROL_SEQUENCE = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


def _in_order(text: str, *parts: str) -> bool:
    """Each part occurs in `text`, after the previous one."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def _isolated_env(port: int, **extra: str) -> dict[str, str]:
    """The test process's environment without its tdlocal, dbt and Dagster settings."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TDLOCAL_", "DBT_", "DAGSTER_")) and key not in ("TD_PARTITION_START",)
    }
    return env | {"TDLOCAL_PORT": str(port), "TDLOCAL_NOW": PINNED_NOW.isoformat(), **extra}


def test_run_on_a_fresh_checkout_loads_the_range_and_records_the_run(tmp_path):
    """Through a pipe (as in CI): plain lines in order, the first-run lines, the summary's ending."""
    checkout = _fresh_checkout(tmp_path / "checkout")
    port = _free_port()
    try:
        completed = subprocess.run(
            [sys.executable, "-m", "orchestration.cli", "run", "--range", "-3d"],
            cwd=checkout,
            env=_isolated_env(port),
            capture_output=True,
            text=True,
            timeout=900,
            check=False,
        )
    finally:
        tdlocal.stop_running(checkout / ".tdlocal")
    assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
    out = completed.stdout
    assert "\x1b" not in out + completed.stderr  # no colours, no cursor moves: not a terminal
    assert (
        "SUCCESS" in out
        and "loaded days 2026-11-20..2026-11-22 (Asia/Tokyo) as target_range -3d/2026-11-23" in out
    )
    assert "incremental_events           3 partitions" in out
    assert "checks: 25 of 25 passed" in out
    # What happens, in the order it happens: tdlocal starts on a new data dir with the sample, the
    # range loads model by model, each model before its tests, then the summary and how to go on.
    assert _in_order(
        out,
        f"Starting tdlocal (the local TD engine) at http://127.0.0.1:{port}, data in {checkout / '.tdlocal'}",
        "new data dir: loading 30 days of generated sample data",
        "[1/2] raw.events: ",
        "[2/2] sample_datasets.www_access: ",
        "tdlocal is up",
        "Loading 2026-11-20..2026-11-22 (3 days, Asia/Tokyo) as target_range -3d/2026-11-23",
        "- dbt build of the partitioned models for -3d/2026-11-23",
        "  ok   incremental_events           3 days",
        "  ok   test unique_incremental_events_event_id",  # dbt build: a model's tests, then downstream
        "  ok   user_daily_activity          3 days",
        "Run ",
    ), out
    assert _in_order(out, "- dbt build of the other models and seeds", "  ok   page_views    ", "Run ")
    assert _in_order(out, "  ok   test incremental_events:rows_in_partition_window", "Run ")
    assert _in_order(
        out,
        "Run ",
        "checks: 25 of 25 passed",
        f"tdlocal keeps running at http://127.0.0.1:{port} (data in {checkout / '.tdlocal'}): "
        "stop it with `uv run tdlocal stop`",
        "In the UI: ",
    ), out
    # No third-party INFO lines from this process, no dbt log echo at the default level.
    assert "dagster.builtin" not in out + completed.stderr
    assert "INFO trino" not in completed.stderr
    assert "START sql" not in out and "Running with dbt" not in out
    # The run is in the checkout's own instance, where `dagster dev` started there would show it
    # (dagster.yaml's storage paths are relative to the directory Dagster starts in).
    previous = Path.cwd()
    os.chdir(checkout)
    try:
        with DagsterInstance.from_ref(
            InstanceRef.from_dir(str(checkout / ".dagster_home"), config_dir=str(checkout))
        ) as instance:
            runs = instance.get_runs()
    finally:
        os.chdir(previous)
    assert [run.job_name for run in runs] == ["load_and_test"]
    assert runs[0].tags["dagster/asset_partition_range_start"] == "2026-11-20"
    assert f"/runs/{runs[0].run_id}" in out


def _run_in_pty(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str]:
    """Run `command` with a pseudo-terminal as its stdin/stdout/stderr; its exit code and output."""
    pid, fd = pty.fork()
    if pid == 0:  # the child: the terminal's side
        os.chdir(cwd)
        os.execve(command[0], command, env)
    chunks = []
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 1.0)
            if not ready:
                continue
            try:
                chunk = os.read(fd, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        else:
            os.kill(pid, signal.SIGKILL)
    finally:
        os.close(fd)
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status), b"".join(chunks).decode("utf-8", errors="replace")


def test_run_on_a_terminal_shows_a_live_display_then_the_summary(tmp_path):
    """Through a pseudo-terminal: the live display (colours, a bar) with each model's line, first-run
    lines for a new data dir, then the plain summary."""
    project = copy_dbt_project(tmp_path / "dbt_project")
    data_dir, home = tmp_path / "tdlocal", tmp_path / "dagster_home"
    home.mkdir()
    port = _free_port()
    env = _isolated_env(
        port,
        DBT_PROJECT_DIR=str(project),
        TDLOCAL_DATA_DIR=str(data_dir),
        DAGSTER_HOME=str(home),
        COLUMNS="120",
        TERM="xterm-256color",
    )
    try:
        code, output = _run_in_pty(
            [sys.executable, "-m", "orchestration.cli", "run", "--partition", "2026-11-22"],
            PROJECT_ROOT,
            env,
            timeout=900,
        )
    finally:
        tdlocal.stop_running(data_dir)
    assert code == 0, output[-3000:]
    assert "\x1b[" in output  # a terminal: colours and redraws
    shown = _CONTROL_SEQUENCE.sub("", output)
    assert _in_order(
        shown,
        f"Starting tdlocal (the local TD engine) at http://127.0.0.1:{port}, data in {data_dir}",
        "[1/2] raw.events",
        "Loading 2026-11-22 (1 day, Asia/Tokyo) as target_range -1d/2026-11-23",
        "> dbt build of the partitioned models for -1d/2026-11-23",
        "✓ incremental_events           1 day",
        "✓ user_daily_activity          1 day",
        "✓ page_views                   rebuilt",
        "Run ",
        "checks: 25 of 25 passed",
        f"stop it with `uv run tdlocal stop --data-dir {data_dir}`",
    ), shown[-4000:]
    assert "models," in shown and "tests" in shown  # the bar's label: n/7 models, n/25 tests
    assert "dagster.builtin" not in shown and "START sql" not in shown


def test_a_run_killed_mid_load_does_not_block_the_next_one(local_td, tmp_path):
    """SIGKILL leaves the run STARTED and its `td` slot claimed; the next run frees both and loads.

    The kill reaches the CLI only: its dbt child, orphaned, is stopped by the next run before that
    run loads. The next run re-loads the killed day, as a user would, and the day's checks pass:
    what the killed run had loaded of it is replaced, not added to.
    """
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text(
        "concurrency:\n  pools:\n    default_limit: 1\ntelemetry:\n  enabled: false\n"
    )
    env = {
        **os.environ,
        "DAGSTER_HOME": str(home),
        # A project of its own: the CLI parses it, and the manifest records TD_DATABASE.
        "DBT_PROJECT_DIR": str(copy_dbt_project(tmp_path / "dbt_project")),
        "TD_DATABASE": "cli_killed_runs",
        "TDLOCAL_NOW": PINNED_NOW.isoformat(),
    }
    command = [sys.executable, "-m", "orchestration.cli", "run", "--partition"]
    killed = subprocess.Popen(
        [*command, "2026-11-20"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    with DagsterInstance.from_ref(InstanceRef.from_dir(str(home))) as instance:
        deadline = time.monotonic() + 300
        # Killed once its first model has loaded the day: the day is half loaded (incremental_events
        # holds it, user_daily_activity may not), the case a re-load must put right.
        while instance.get_latest_materialization_event(AssetKey("incremental_events")) is None:
            assert killed.poll() is None and time.monotonic() < deadline, "the run never loaded a model"
            time.sleep(0.2)
        assert instance.event_log_storage.get_concurrency_info("td").claimed_slots
        killed.send_signal(signal.SIGKILL)
        killed.wait(timeout=60)
        (stuck,) = instance.get_runs()
        assert stuck.status.value == "STARTED"  # what a killed process leaves behind

        completed = subprocess.run(
            [*command, "2026-11-20"], env=env, capture_output=True, text=True, timeout=600, check=False
        )
        assert completed.returncode == 0, completed.stdout[-3000:] + completed.stderr[-3000:]
        assert "SUCCESS" in completed.stdout
        assert instance.get_run_by_id(stuck.run_id).status.value == "FAILURE"
        assert not instance.event_log_storage.get_concurrency_info("td").claimed_slots


def test_a_failed_run_shows_the_end_of_dbts_output_at_the_default_level(local_td, capsys, monkeypatch):
    """dbt's echoed log is held back while the run goes well; when it fails, its end is shown."""
    from orchestration import cli_run
    from orchestration.range_run import RunSummary

    def failing_run(settings, first_key, last_key, **options):
        # What dagster-dbt does during a run: echo dbt's log lines to sys.stdout.
        print("1 of 2 START sql incremental model analytics.incremental_events")
        print("1 of 2 ERROR creating sql incremental model analytics.incremental_events")
        return RunSummary("run-x", "FAILURE", first_key, last_key, "Asia/Tokyo", errors=["dbt build failed"])

    monkeypatch.setattr(cli_run, "run_partition_range", failing_run)
    assert main(["run", "--partition", "2026-11-22"]) == 1
    captured = capsys.readouterr()
    assert "ERROR creating sql" not in captured.out  # not mixed into the progress and summary
    assert captured.err.splitlines()[-2:] == [
        "  1 of 2 START sql incremental model analytics.incremental_events",
        "  1 of 2 ERROR creating sql incremental model analytics.incremental_events",
    ]
    assert "Run run-x: FAILURE" in captured.out and "error: dbt build failed" in captured.out
    assert main(["run", "--partition", "2026-11-22", "-q"]) == 1
    quiet = capsys.readouterr()
    assert quiet.out.startswith("Run run-x: FAILURE")  # -q: no news, no progress, the summary
    assert "ERROR creating sql" in quiet.err  # and the errors


def test_ctrl_c_during_a_run_is_one_line_and_exit_130_with_the_terminal_restored(
    local_td, capsys, monkeypatch
):
    from orchestration import cli_run

    def interrupted_run(settings, first_key, last_key, **options):
        print("dbt output echoed before the interrupt")
        raise KeyboardInterrupt

    monkeypatch.setattr(cli_run, "run_partition_range", interrupted_run)
    monkeypatch.delenv("DBT_USE_COLORS", raising=False)
    stdout = sys.stdout
    assert main(["run", "--partition", "2026-11-22"]) == 130
    assert sys.stdout is stdout and "DBT_USE_COLORS" not in os.environ  # the display let go of both
    assert capsys.readouterr().err == "td-dagster: interrupted\n"


def test_a_port_held_by_another_program_is_one_line_naming_it_before_any_sample_data(
    tmp_path, capsys, monkeypatch
):
    data_dir = tmp_path / "tdlocal"
    with socket.socket() as squatter:  # listens, but is not tdlocal
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        monkeypatch.setenv("TDLOCAL_PORT", str(port))
        monkeypatch.setenv("TDLOCAL_DATA_DIR", str(data_dir))
        monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
        monkeypatch.setenv("TDLOCAL_NOW", PINNED_NOW.isoformat())
        monkeypatch.setenv("TD_PARTITION_START", "2026-11-01")
        assert main(["run", "--partition", "2026-11-22"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(
        f"td-dagster: cannot start tdlocal: something else listens on http://127.0.0.1:{port}"
    )
    assert "Give tdlocal another port (e.g. TDLOCAL_PORT or --port)" in err and len(err.splitlines()) == 1
    assert not (data_dir / "td.duckdb").exists()  # refused before generating the sample


def test_doctor_connects_and_lists_what_it_sees(local_td, capsys):
    assert main(["doctor"]) == 0
    out = capsys.readouterr().out
    assert f"endpoint:  http://127.0.0.1:{local_td.port}" in out
    assert "select 1:  ok" in out
    assert "raw" in out.split("databases: ", 1)[1].splitlines()[0]


def test_doctor_never_prints_the_key(local_td, capsys, monkeypatch):
    key = "1/0123456789abcdefghijklmnopqrstuvwxyz"
    monkeypatch.setenv("DBT_TARGET", "prod")
    monkeypatch.setenv("TD_API_KEY", key)
    monkeypatch.setenv("TD_API_HOST", "127.0.0.1")  # nothing listens on 443 here: the check fails
    assert main(["doctor"]) == 1
    captured = capsys.readouterr()
    assert "API key:   ****wxyz" in captured.out and "error:" in captured.out
    assert key not in captured.out + captured.err
    assert "0123456789" not in captured.out + captured.err
    monkeypatch.delenv("TD_API_KEY")
    assert main(["doctor"]) == 2
    assert "TD_API_KEY is not set" in capsys.readouterr().err


def test_status_json_stays_json_when_the_project_is_parsed_first(local_td, capfd, monkeypatch, tmp_path):
    # A project never parsed: `status` runs dbt deps and dbt parse first. dbt's output (and the
    # trino client's "keyring module not found" lines its process logs) must not reach stdout,
    # where a script reads the JSON.
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))
    monkeypatch.setenv("DBT_PROJECT_DIR", str(copy_dbt_project(tmp_path / "dbt_project")))
    assert main(["status", "--days", "2", "--format", "json"]) == 0
    out, err = capfd.readouterr()
    assert set(json.loads(out)["models"]) == {"incremental_events", "user_daily_activity"}
    assert "keyring" not in out + err


def test_status_prints_a_calendar_per_partitioned_model(local_td, capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path))  # an instance with no runs yet
    assert main(["status", "--days", "7"]) == 0
    out = capsys.readouterr().out
    assert "incremental_events (2026-11-16..2026-11-22, Asia/Tokyo)" in out
    assert "user_daily_activity (2026-11-16..2026-11-22, Asia/Tokyo)" in out
    assert "  week of     M T W T F S S\n  2026-11-16  . . . . . . ." in out and "7 missing" in out
    assert main(["status", "--days", "3", "--format", "json"]) == 0
    days = json.loads(capsys.readouterr().out)["models"]["incremental_events"]["days"]
    assert days == {"2026-11-20": "missing", "2026-11-21": "missing", "2026-11-22": "missing"}
    assert main(["status", "--days", "0"]) == 2


def test_status_verify_counts_the_tables_of_its_own_td_database(local_td, capsys, monkeypatch, tmp_path):
    """A command under another TD_DATABASE (a run, a lint) leaves dbt's manifest naming that
    database's relations; `status --verify` must count the tables of the database it is run with
    (the manifest is parsed again for the environment), not report mismatches, or "ok", for the
    other database's tables."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n")
    # An instance, a project and TD databases of its own: the shared ones' days stay as they are.
    monkeypatch.setenv("DAGSTER_HOME", str(home))
    monkeypatch.setenv("DBT_PROJECT_DIR", str(copy_dbt_project(tmp_path / "dbt_project")))
    monkeypatch.setenv("TD_DATABASE", "cli_verify_a")
    assert main(["run", "--partition", "2026-11-20", "-q"]) == 0
    capsys.readouterr()

    # What any command under cli_verify_b does first, in a process of its own as a user runs it.
    prepare = "from orchestration.project import refresh_manifest as r; from orchestration.settings import Settings as S; r(S.from_env())"
    other = subprocess.run(
        [sys.executable, "-c", prepare], env={**os.environ, "TD_DATABASE": "cli_verify_b"}, timeout=300
    )
    assert other.returncode == 0

    def verified() -> dict[str, str]:  # as a user runs it: a process of its own, under cli_verify_a
        argv = [
            sys.executable,
            "-m",
            "orchestration.cli",
            "status",
            "--days",
            "3",
            "--verify",
            "--format",
            "json",
        ]
        status = subprocess.run(argv, capture_output=True, text=True, timeout=300)
        assert status.returncode == 0, status.stderr
        return json.loads(status.stdout)["models"]["incremental_events"]["days"]

    assert verified() == {"2026-11-20": "loaded", "2026-11-21": "missing", "2026-11-22": "missing"}
    # And it is cli_verify_a's table that is counted: one row fewer there is a mismatch.
    day = "td_time_range(time, '2026-11-20', '2026-11-21', 'Asia/Tokyo')"
    (first,) = query_tdlocal(
        local_td.port, f"select min(time) from incremental_events where {day}", "cli_verify_a"
    )
    query_tdlocal(local_td.port, f"delete from incremental_events where time = {first[0]}", "cli_verify_a")
    assert verified()["2026-11-20"] == "mismatch"
