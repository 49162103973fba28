"""Orchestration benchmark: what `td-dagster` costs on top of dbt and the warehouse (issue 10).

Run with `uv run python benchmarks/orchestration_bench.py [--only P2,P3] [--repeats 3]`. Each goal is
a ratio of two measurements taken in this run, interleaved A B A B after one unmeasured warm-up
pair, printed as the median and the min-max over the repeats with the goal beside it. Nothing in
the test suite asserts on time.

  P2  wall and CPU of `td-dagster run --partition D` / the bare `dbt build`s of the same
      selections with the same vars (partitioned models with the partition's vars, then the rest),
      both warm (manifest parsed, tables present).                          goal <= 1.3
      Then the fixed costs of each side: A's imports (Dagster, dagster-dbt with dbt-core),
      and the start-up of one dbt process, which B pays per build and A's forked dbts do not.
  P1  wall of a 30-day range run / a 1-day run, default sample (2,000 rows a day); and
      with --p1-rows-per-day (100x by default), reported without a goal.    goal <= 1.5
  P3  CPU of loading the code location over a generated project of 2,000 models (200 partitioned,
      1,800 tables in a DAG) / a bare `@dbt_assets` over the same manifest; then, without a
      goal, the same against a bare load that freezes its heap as the code location does (the
      work alone); then runs `dagster definitions validate` on it once and prints what it
      reports.                                                              goal <= 1.2
  P7  wall of a 1-day run with 365 days of history / with 30 days, 50,000 rows a day.  goal <= 1.2

CPU is the user+system time of the measured process and the processes it waited for (dbt), read
from os.wait4; tdlocal runs in its own process, the same for both sides of a ratio. The sample data
(pinned at TDLOCAL_NOW) and the generated project are made once and kept under --work-dir, so a
second run of the benchmark reuses them.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# 03:00 in Tokyo on 2026-11-23: the daily schedule's tick that loads 2026-11-22.
NOW = "2026-11-23T03:00:00+09:00"
DAY = "2026-11-22"
TIMEZONE = "Asia/Tokyo"
PARTITIONED_SELECTOR = "config.materialized:incremental,config.incremental_strategy:td_window"
NOT_UNPARTITIONED_SELECTOR = f"{PARTITIONED_SELECTOR} resource_type:snapshot"
# The console scripts of this environment (uv run puts them on PATH; a bare python may not).
BIN = Path(sys.executable).parent


@dataclass(frozen=True)
class Cost:
    wall: float
    cpu: float


def measure(argv: list[str], env: dict[str, str], cwd: Path = ROOT) -> Cost:
    """Wall seconds and CPU seconds (user+sys of the process and its waited-for children)."""
    started = time.perf_counter()
    process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        sys.exit(
            f"benchmark command failed ({process.returncode}): {' '.join(argv)}\n{output.decode()[-3000:]}"
        )
    return Cost(wall, usage.ru_utime + usage.ru_stime)


def interleaved(
    first: Callable[[], Cost], second: Callable[[], Cost], repeats: int
) -> list[tuple[Cost, Cost]]:
    """(A, B) pairs run A B A B ..., after one unmeasured warm-up pair."""
    first(), second()
    return [(first(), second()) for _ in range(repeats)]


def report(goal_id: str, what: str, ratios: list[float], goal: float | None) -> None:
    target = f"goal <= {goal}" if goal is not None else "reported"
    verdict = "" if goal is None else ("  met" if statistics.median(ratios) <= goal else "  NOT met")
    print(
        f"{goal_id:<3} {what:<58} median {statistics.median(ratios):5.2f}  "
        f"[{min(ratios):.2f}-{max(ratios):.2f}]  {target}{verdict}",
        flush=True,
    )


def report_pairs(
    goal_id: str, what: str, pairs: list[tuple[Cost, Cost]], goal: float | None, cpu: bool
) -> None:
    report(goal_id, f"{what} (wall)", [a.wall / b.wall for a, b in pairs], goal)
    if cpu:
        report(goal_id, f"{what} (CPU)", [a.cpu / b.cpu for a, b in pairs], goal)
    a_wall = statistics.median(a.wall for a, _ in pairs)
    b_wall = statistics.median(b.wall for _, b in pairs)
    a_cpu = statistics.median(a.cpu for a, _ in pairs)
    b_cpu = statistics.median(b.cpu for _, b in pairs)
    print(
        f"      medians: A {a_wall:.1f} s wall / {a_cpu:.1f} s CPU, B {b_wall:.1f} s wall / {b_cpu:.1f} s CPU"
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Warehouse:
    """A tdlocal server over sample data of `days` x `rows_per_day`, made once under work_dir, with
    its own copy of the dbt project and Dagster instance."""

    def __init__(self, work_dir: Path, days: int, rows_per_day: int):
        self.root = work_dir / f"sample_{days}d_{rows_per_day}r"
        self.data_dir = self.root / "tdlocal"
        self.project_dir = self.root / "dbt_project"
        self.dagster_home = self.root / "dagster_home"
        self.port = free_port()
        self.env = {
            **os.environ,
            "TDLOCAL_NOW": NOW,
            "TD_TIMEZONE": TIMEZONE,
            "TD_PARTITION_START": "2025-01-01",
            "DBT_PROJECT_DIR": str(self.project_dir),
            "TDLOCAL_DATA_DIR": str(self.data_dir),
            "TDLOCAL_PORT": str(self.port),
            "DAGSTER_HOME": str(self.dagster_home),
            "DBT_TARGET": "local",
        }
        # A fresh copy of the project each benchmark run: the code under test is the checkout's.
        shutil.rmtree(self.project_dir, ignore_errors=True)
        copy_project(self.project_dir, ignore=("target", "logs", ".user.yml", "dbt_packages"))
        shutil.rmtree(self.dagster_home, ignore_errors=True)
        self.dagster_home.mkdir(parents=True)
        (self.dagster_home / "dagster.yaml").write_text(
            "concurrency:\n  pools:\n    default_limit: 1\ntelemetry:\n  enabled: false\n"
        )
        marker = self.root / "loaded"
        if not marker.exists():
            print(f"    generating {days} days x {rows_per_day:,} rows in {self.data_dir} (once)", flush=True)
            shutil.rmtree(self.data_dir, ignore_errors=True)
            subprocess.run(
                [BIN / "tdlocal", "load-sample", "--data-dir", str(self.data_dir),
                 "--days", str(days), "--rows-per-day", str(rows_per_day)],
                env=self.env, check=True, cwd=ROOT, stdout=subprocess.DEVNULL,
            )  # fmt: skip
            marker.write_text("")
        self.server = subprocess.Popen(
            [BIN / "tdlocal", "serve", "--data-dir", str(self.data_dir), "--port", str(self.port)],
            env=self.env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        deadline = time.monotonic() + 60
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline or self.server.poll() is not None:
                    sys.exit("tdlocal did not start")
                time.sleep(0.2)

    def close(self) -> None:
        self.server.terminate()
        self.server.wait()

    def td_dagster(self, *args: str, env: dict[str, str] | None = None) -> Callable[[], Cost]:
        return lambda: measure([str(BIN / "td-dagster"), "run", *args], {**self.env, **(env or {})})

    def bare_dbt_builds(self, day: str) -> Callable[[], Cost]:
        """The two `dbt build`s a partition run makes, by hand: each keeps its own target folder so
        that both stay warm (partial parsing), as dbt users run them."""
        from datetime import date, timedelta

        end = date.fromisoformat(day) + timedelta(days=1)
        dbt_vars = json.dumps({"target_range": f"-1d/{end}", "td_timezone": TIMEZONE})
        dbt = str(BIN / "dbt")
        common = ["--project-dir", str(self.project_dir), "--profiles-dir", str(self.project_dir)]
        partitioned = [dbt, "build", *common, "--select", PARTITIONED_SELECTOR, "--vars", dbt_vars,
                       "--target-path", "target/bare_partitioned"]  # fmt: skip
        rest = [dbt, "build", *common, "--exclude", *NOT_UNPARTITIONED_SELECTOR.split(),
                "--target-path", "target/bare_rest"]  # fmt: skip

        def run() -> Cost:
            first, second = measure(partitioned, self.env), measure(rest, self.env)
            return Cost(first.wall + second.wall, first.cpu + second.cpu)

        return run


# What any process running a Dagster job over dbt assets imports: dagster-dbt imports dbt-core (its
# in-process selection of dbt_assets(select=...) needs dbt's graph), and the instance's SQLite
# storage imports alembic. The bare side's dbt processes import dbt-core too, but not Dagster.
RUN_IMPORTS = "import dagster_dbt, dagster._core.storage.sqlite_storage"
# What a `dbt build` process imports before it reads the project.
DBT_IMPORTS = "import dbt.cli.main, dbt.adapters.trino.impl"


def bench_p2(work_dir: Path, repeats: int) -> None:
    warehouse = Warehouse(work_dir, days=30, rows_per_day=2000)
    try:
        pairs = interleaved(warehouse.td_dagster("--partition", DAY), warehouse.bare_dbt_builds(DAY), repeats)
        report_pairs("P2", "td-dagster run --partition / bare dbt builds", pairs, 1.3, cpu=True)
        # The same run with dbt started as a subprocess (as dagster-dbt does): what forking saves.
        unforked = interleaved(
            warehouse.td_dagster("--partition", DAY, env={"TD_DBT_FORK": "false"}),
            warehouse.bare_dbt_builds(DAY),
            repeats,
        )
        report_pairs("P2", "the same, TD_DBT_FORK=false / bare dbt builds", unforked, None, cpu=True)
        # Where the two sides' fixed costs are: A is one Python process that imports Dagster and
        # dbt-core, then forks its dbt builds from itself (forked_dbt.py); B starts a Python process
        # per dbt build, each importing dbt-core and the trino adapter.
        imports = [
            measure([sys.executable, "-c", f"{RUN_IMPORTS}, tdlocal"], warehouse.env).cpu
            for _ in range(repeats)
        ]
        dbt_start = [measure([sys.executable, "-c", DBT_IMPORTS], warehouse.env).cpu for _ in range(repeats)]
        print(
            f"      A's imports (Dagster, dagster-dbt with dbt-core, SQLite storage, tdlocal's client): "
            f"{statistics.median(imports):.1f} s CPU, once; a dbt process's start-up (Python, dbt-core, "
            f"the trino adapter): {statistics.median(dbt_start):.1f} s CPU, paid by each of B's two dbt "
            "builds and by none of A's (forked from A's process; TD_DBT_FORK=false starts them as B does)"
        )
    finally:
        warehouse.close()


def bench_p1(work_dir: Path, repeats: int, rows_per_day: int, goal: float | None) -> None:
    warehouse = Warehouse(work_dir, days=30, rows_per_day=rows_per_day)
    try:
        pairs = interleaved(
            warehouse.td_dagster("--range", f"-30d/{NOW[:10]}"),
            warehouse.td_dagster("--partition", DAY),
            repeats,
        )
        report_pairs("P1", f"30-day range / 1-day run, {rows_per_day:,} rows a day", pairs, goal, cpu=False)
    finally:
        warehouse.close()


def bench_p7(work_dir: Path, repeats: int) -> None:
    long, short = Warehouse(work_dir, 365, 50_000), Warehouse(work_dir, 30, 50_000)
    try:
        pairs = interleaved(
            long.td_dagster("--partition", DAY), short.td_dagster("--partition", DAY), repeats
        )
        report_pairs("P7", "1-day run, 365 days / 30 days of history, 50k rows a day", pairs, 1.2, cpu=False)
    finally:
        long.close()
        short.close()


def copy_project(destination: Path, ignore: tuple[str, ...]) -> None:
    """The checkout's dbt_project at `destination`, with the td_dbt package beside it (../td_dbt)."""
    shutil.copytree(ROOT / "dbt_project", destination, ignore=shutil.ignore_patterns(*ignore))
    shutil.rmtree(destination.parent / "td_dbt", ignore_errors=True)
    shutil.copytree(ROOT / "td_dbt", destination.parent / "td_dbt")


def generated_project(work_dir: Path, partitioned: int = 200, tables: int = 1800) -> Path:
    """A TD dbt project of `partitioned` td_window models and `tables` table models, each table
    reading one to three earlier models, parsed once (no warehouse needed)."""
    project = work_dir / f"project_{partitioned}p_{tables}t"
    if (project / "target" / "manifest.json").exists():
        return project
    print(
        f"    generating and parsing a {partitioned + tables:,}-model project in {project} (once)", flush=True
    )
    shutil.rmtree(project, ignore_errors=True)
    copy_project(project, ignore=("target", "logs", "models", "tests", "dbt_packages"))
    models = project / "models"
    (models / "incremental").mkdir(parents=True)
    (models / "marts").mkdir(parents=True)
    shutil.copy(ROOT / "dbt_project" / "models" / "sources.yml", models / "sources.yml")
    names = []
    for index in range(partitioned):
        name = f"p_{index:04d}"
        (models / "incremental" / f"{name}.sql").write_text(
            "select * from {{ td_dbt.incremental_scan(source('raw', 'events')) }}\n"
        )
        names.append(name)
    for index in range(tables):
        name = f"t_{index:04d}"
        parents = sorted({names[(index * 7 + k * 13) % len(names)] for k in range(1 + index % 3)})
        body = "\nunion all\n".join(
            f"select * from {{{{ ref('{parent}') }}}}"
            f" where TD_INTERVAL(time, '{{{{ mart_window() }}}}', '{{{{ td_dbt.td_timezone() }}}}')"
            for parent in parents
        )
        (models / "marts" / f"{name}.sql").write_text(body + "\n")
        names.append(name)
    env = {**os.environ, "DBT_TARGET": "local"}
    subprocess.run(
        [str(BIN / "dbt"), "deps", "--project-dir", str(project)],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    subprocess.run(
        [str(BIN / "dbt"), "parse", "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env, check=True, stdout=subprocess.DEVNULL,
    )  # fmt: skip
    return project


# Both loads print the CPU seconds of their phases (imports; definitions; jobs) on their last line.
# {freeze} is empty in the bare load the goal compares with (dagster-dbt's plain @dbt_assets);
# FROZEN puts the code location's two gc.freeze() calls (orchestration/definitions.py) at the same
# points of the bare load, for a second line that compares the work alone.
BARE_LOAD = """
import time
from pathlib import Path
from dagster import Definitions
from dagster_dbt import DbtCliResource, dbt_assets
imported = time.process_time()
{freeze}
project = Path({project!r})
@dbt_assets(manifest=project / "target" / "manifest.json")
def all_models(context, dbt: DbtCliResource):
    yield from dbt.cli(["build"], context=context).stream()
defs = Definitions(assets=[all_models], resources={{"dbt": DbtCliResource(project_dir=str(project))}})
{freeze}
repository = defs.get_repository_def()
built = time.process_time()
repository.get_all_jobs()
print("phases", imported, built - imported, time.process_time() - built)
"""
FROZEN = "import gc; gc.freeze()"
TD_LOAD = """
import time
import orchestration.code_location
imported = time.process_time()
from orchestration.definitions import defs
repository = defs.get_repository_def()
built = time.process_time()
repository.get_all_jobs()
print("phases", imported, built - imported, time.process_time() - built)
"""


def load_phases(script: str, env: dict[str, str]) -> list[float]:
    """CPU seconds of a load script's phases: imports, definitions, jobs (its `phases` line)."""
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return [float(value) for value in output.strip().splitlines()[-1].split()[1:]]


def bench_p3(work_dir: Path, repeats: int) -> None:
    project = generated_project(work_dir)
    env = {**os.environ, "DBT_PROJECT_DIR": str(project), "DBT_TARGET": "local", "DAGSTER_HOME": ""}
    env.pop("DAGSTER_HOME")
    bare_load = BARE_LOAD.format(project=str(project), freeze="")
    frozen_bare_load = BARE_LOAD.format(project=str(project), freeze=FROZEN)
    ours = lambda: measure([sys.executable, "-c", TD_LOAD], env)  # noqa: E731
    bare = lambda: measure([sys.executable, "-c", bare_load], env)  # noqa: E731
    pairs = interleaved(ours, bare, repeats)
    report_pairs("P3", "code-location load, 2,000 models / bare @dbt_assets", pairs, 1.2, cpu=True)
    # The code location freezes its long-lived heap (orchestration/definitions.py); a bare
    # @dbt_assets does not. The same freeze on the bare side leaves the work alone in the ratio.
    frozen_bare = lambda: measure([sys.executable, "-c", frozen_bare_load], env)  # noqa: E731
    frozen_pairs = interleaved(ours, frozen_bare, repeats)
    report_pairs("P3", "the same / bare @dbt_assets with the same gc.freeze()", frozen_pairs, None, cpu=True)
    # Where the difference lies: this code location defines four asset jobs over the dbt assets
    # (daily load, tests, range load, late-data observation), each resolved over the 2,000 assets;
    # the bare load has Dagster's one implicit job. Definitions include two dbt selections and
    # the checks, observations, schedules and sensors.
    ours_runs = [load_phases(TD_LOAD, env) for _ in range(repeats)]
    bare_runs = [load_phases(bare_load, env) for _ in range(repeats)]
    ours_phases = [statistics.median(phase) for phase in zip(*ours_runs, strict=True)]
    bare_phases = [statistics.median(phase) for phase in zip(*bare_runs, strict=True)]
    print(
        "      in-process CPU (medians), this code location vs bare: "
        + ", ".join(
            f"{phase} {a:.1f} vs {b:.1f} s"
            for phase, a, b in zip(("imports", "definitions", "jobs"), ours_phases, bare_phases, strict=True)
        )
    )
    validate = subprocess.run(
        [str(BIN / "dagster"), "definitions", "validate", "-m", "orchestration.definitions"],
        env=env, cwd=ROOT, capture_output=True, text=True,
    )  # fmt: skip
    output = re.sub(r"\x1b\[[0-9;]*m", "", validate.stdout + validate.stderr)  # colour codes
    said = [line for line in output.splitlines() if "validat" in line.lower() and "Warning" not in line]
    print(
        f"      dagster definitions validate (exit {validate.returncode}):",
        textwrap.shorten(" | ".join(said), 300),
    )


def bytecode_compiled() -> bool:
    """Whether the installed packages have bytecode, or Python may write it as it imports them."""
    import dagster

    cached = Path(dagster.__file__).parent / "__pycache__"
    return not os.environ.get("PYTHONDONTWRITEBYTECODE") or any(cached.glob("__init__.*.pyc"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", default="P2,P1,P3,P7", help="comma-separated goals to measure")
    parser.add_argument("--repeats", type=int, default=3, help="measured pairs per goal (after a warm-up)")
    parser.add_argument(
        "--p1-rows-per-day", type=int, default=200_000, help="the heavier P1 sample (0: skip it)"
    )
    parser.add_argument("--work-dir", type=Path, default=ROOT / ".bench", help="generated data, kept")
    args = parser.parse_args()
    args.work_dir.mkdir(exist_ok=True)
    only = {goal.strip().upper() for goal in args.only.split(",")}
    print(f"orchestration benchmark: {args.repeats} pairs per goal after a warm-up, TDLOCAL_NOW={NOW}")
    if not bytecode_compiled():
        # Both sides then compile every module they import, in every process: the ratios are off.
        print(
            "    WARNING: the environment has no compiled bytecode and PYTHONDONTWRITEBYTECODE is set: "
            "run `uv sync --compile-bytecode` first (as the README's quick start does)"
        )
    if "P2" in only:
        bench_p2(args.work_dir, args.repeats)
    if "P1" in only:
        bench_p1(args.work_dir, args.repeats, 2000, 1.5)
        if args.p1_rows_per_day:
            bench_p1(args.work_dir, args.repeats, args.p1_rows_per_day, None)
    if "P3" in only:
        bench_p3(args.work_dir, args.repeats)
    if "P7" in only:
        bench_p7(args.work_dir, args.repeats)


if __name__ == "__main__":
    main()
