"""tdlocal benchmark: what TD's time filters and Trino's client protocol cost against DuckDB alone.

Run with `uv run python benchmarks/tdlocal_bench.py [--rows N] [--pairs N] [--regenerate]`. Every
line is a ratio A / B of two different things measured in the same run, interleaved (A B A B ...)
after a warm-up, printed as the median and min-max of the per-pair ratios with its goal beside it.
Nothing here asserts on time; the tests never time anything.

  filter  a TD_INTERVAL filter through the engine (Trino SQL translated, then run on DuckDB) / the
          plain `time >= a AND time < b` predicate it compiles to, run on DuckDB directly
          (goal <= 1.5x: a TD filter costs about what the hand-written predicate costs).
  P5      `select 1` through the `trino` client and a tdlocal server process / the same statement
          on the in-process engine (goal <= 3x: the protocol adds little per statement).
  P6      fetching 1M rows of raw.events through the `trino` client / DuckDB's `fetchall` of the
          same query (goal <= 3x).

Under P5 and P6, `client floor` is the same trino client calls, in the same rounds, against
`replay_server.py` answering tdlocal's recorded answers from memory: what the client alone costs,
which no change to tdlocal can remove. The ratio minus the floor is tdlocal's share.

The data (raw.events, `--rows` rows over 100 days ending at a pinned "now") is generated once
into `benchmarks/.data/` and reused by later runs; `--regenerate` rebuilds it. TDLOCAL_NOW is
pinned for the engine and the server alike, so every run reads the same rows.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import hashlib
import json
import os
import pickle
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import orjson
import psutil
import requests
import trino

import tdlocal
from tdlocal import sample_data
from tdlocal.clock import parse_now
from tdlocal.engine import DATABASE_FILE_NAME, Engine, connect_database_file
from tdlocal.loading import open_database
from tdlocal.sample_data import EVENTS_TABLE, SECONDS_PER_DAY, load_sample
from tdlocal.session import Session

NOW = "2024-03-15T12:00:00+00:00"
DAYS = 100
FETCH_ROWS = 1_000_000
DATA_ROOT = Path(__file__).resolve().parent / ".data"
MARKER_FILE = "bench.json"


@dataclass
class PairTimings:
    """Per-pair seconds of side A and side B (same length, same order): wall time and CPU time."""

    a: list[float] = field(default_factory=list)
    b: list[float] = field(default_factory=list)
    a_cpu: list[float] = field(default_factory=list)
    b_cpu: list[float] = field(default_factory=list)
    # The client floor, timed in the same rounds when asked: the trino client alone (its own CPU)
    # against a server replaying side A's answers from memory.
    floor: list[float] = field(default_factory=list)
    floor_cpu: list[float] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [a / b for a, b in zip(self.a, self.b, strict=True)]

    @property
    def floor_ratios(self) -> list[float]:
        return [f / b for f, b in zip(self.floor, self.b, strict=True)]

    def cpu(self) -> PairTimings:
        """The CPU seconds as the timings to report."""
        return PairTimings(self.a_cpu, self.b_cpu, floor=self.floor_cpu)


def interleaved(
    side_a: Callable[[], object],
    side_b: Callable[[], object],
    *,
    pairs: int,
    warmup: int,
    batch: int = 1,
    cpu_a: Callable[[], float] = time.process_time,
    floor: Callable[[], object] | None = None,
) -> PairTimings:
    """Time A then B (then `floor`, when given), `pairs` times, after `warmup` unmeasured rounds.

    A pair's sample is the wall time of `batch` consecutive calls, so statements of a millisecond
    are timed over a batch rather than one by one. Interleaving makes the load of this shared
    machine fall on both sides alike; the ratio of each pair is what gets reported. CPU seconds
    are read with `cpu_a` for side A (this process's, plus a server process's when A uses one)
    and with this process's CPU clock for side B and the floor (the client alone).
    """
    rounds = [(side_a, "a", cpu_a), (side_b, "b", time.process_time)]
    if floor is not None:
        rounds.append((floor, "floor", time.process_time))
    for _ in range(warmup):
        for side, _, _ in rounds:
            side()
    timings = PairTimings()
    for _ in range(pairs):
        for side, name, clock in rounds:
            wall, cpu = getattr(timings, name), getattr(timings, f"{name}_cpu")
            started, cpu_started = time.perf_counter(), clock()
            for _ in range(batch):
                side()
            wall.append((time.perf_counter() - started) / batch)
            cpu.append((clock() - cpu_started) / batch)
    return timings


def report(name: str, what: str, timings: PairTimings, goal: float | None) -> None:
    """One result line: medians of both sides, the ratio's median and min-max, the goal."""
    ratios = timings.ratios
    median = statistics.median(ratios)
    if goal is None:
        goal_text = "(reference, no goal)"
    else:
        goal_text = f"<= {goal:g}x " + ("met" if median <= goal else "NOT MET")
    print(
        f"  {name:<7} {what:<58} {statistics.median(timings.a) * 1000:>10.3f} "
        f"{statistics.median(timings.b) * 1000:>10.3f}  {median:>6.2f}x "
        f"[{min(ratios):.2f}-{max(ratios):.2f}]  {goal_text}"
    )
    if timings.floor:
        floors = timings.floor_ratios
        print(
            f"  {'':<7} {'    client floor: ' + f'{statistics.median(floors):.1f} of the ratio':<58} "
            f"{statistics.median(timings.floor) * 1000:>10.3f} {'':>10}  {statistics.median(floors):>6.2f}x "
            f"[{min(floors):.2f}-{max(floors):.2f}]  (the trino client alone, answered from memory)"
        )


def print_header() -> None:
    print(f"  {'line':<7} {'A / B':<58} {'A ms':>10} {'B ms':>10}  {'ratio':>7} [min-max]  goal")


# ---------------------------------------------------------------------------------------------
# Data, generated once
# ---------------------------------------------------------------------------------------------


def data_key(rows: int) -> dict[str, object]:
    """What the cached data depends on: its size, the pinned now, and the generator's source."""
    generator = Path(sample_data.__file__).read_bytes()
    return {
        "rows": rows,
        "days": DAYS,
        "now": NOW,
        "generator_sha256": hashlib.sha256(generator).hexdigest(),
        "duckdb": duckdb.__version__,
    }


def cached_data_dir(root: Path, rows: int, regenerate: bool) -> Path:
    """A data dir holding raw.events with `rows` rows: reused when its marker matches, else built."""
    data_dir = root / f"events-{rows}"
    marker = data_dir / MARKER_FILE
    key = data_key(rows)
    if not regenerate and marker.exists() and json.loads(marker.read_text()) == key:
        print(f"reusing {data_dir} (raw.events generated for --rows {rows:,}; --regenerate rebuilds it)")
        return data_dir
    if data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True)
    started = time.perf_counter()
    with open_database(data_dir) as connection:
        loaded = load_sample(
            connection,
            days=DAYS,
            rows_per_day=max(8, rows // DAYS),
            now=parse_now(NOW),
            tables=(EVENTS_TABLE,),
        )
    # Written last: a generation that was interrupted leaves no marker and is redone.
    marker.write_text(json.dumps(key, indent=2))
    print(f"generated {loaded.describe()} into {data_dir} in {time.perf_counter() - started:.1f} s")
    return data_dir


# ---------------------------------------------------------------------------------------------
# The sides compared
# ---------------------------------------------------------------------------------------------


def engine_side(engine: Engine, sql: str) -> Callable[[], list[tuple]]:
    session = Session(user="bench", catalog="td", schema="raw")

    def run() -> list[tuple]:
        result = engine.execute(sql, session, "bench")
        try:
            return result.fetch_all()
        finally:
            result.close()

    return run


def duckdb_side(connection: duckdb.DuckDBPyConnection, sql: str) -> Callable[[], list[tuple]]:
    return lambda: connection.execute(sql).fetchall()


def trino_side(cursor: trino.dbapi.Cursor, sql: str) -> Callable[[], list[list]]:
    def run() -> list[list]:
        cursor.execute(sql)
        return cursor.fetchall()

    return run


def record_answers(url: str, statements: list[str], recording: Path) -> None:
    """Record tdlocal's answers to `statements` for replay_server.py: each POST's body and every page
    its nextUris lead to, with the server's address replaced by a placeholder."""
    headers = {"X-Trino-User": "bench", "X-Trino-Catalog": "td", "X-Trino-Schema": "raw"}
    placeholder = b"{replay}"
    post: dict[str, bytes] = {}
    get: dict[str, bytes] = {}
    with requests.Session() as http:
        for sql in statements:
            body = http.post(f"{url}/v1/statement", data=sql.encode(), headers=headers, timeout=600).content
            post[sql] = body.replace(url.encode(), placeholder)
            while next_uri := orjson.loads(body).get("nextUri"):
                body = http.get(next_uri, headers=headers, timeout=600).content
                get[next_uri.removeprefix(url)] = body.replace(url.encode(), placeholder)
    recording.write_bytes(pickle.dumps({"post": post, "get": get}))


@contextlib.contextmanager
def replay_server(recording: Path) -> Iterator[int]:
    """Run replay_server.py on a recording in its own process; yields its port."""
    script = Path(__file__).resolve().parent / "replay_server.py"
    process = subprocess.Popen(
        [sys.executable, str(script), str(recording)], stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    try:
        assert process.stdout is not None
        yield int(process.stdout.readline())
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def executed_sql(engine: Engine, sql: str) -> str:
    """The DuckDB SQL the engine runs for a Trino statement."""
    result = engine.execute(sql, Session(user="bench", catalog="td", schema="raw"), "bench-plan")
    try:
        return result.executed_sql[-1]
    finally:
        result.close()


def bench_filters(data_dir: Path, now: int, pairs: int) -> None:
    end_day = now // SECONDS_PER_DAY
    end_date = time.strftime("%Y-%m-%d", time.gmtime(end_day * SECONDS_PER_DAY))
    aggregate = "select count(*), round(sum(revenue), 2) from {table} where "
    engine = Engine(data_dir, strict=True, now=now)
    # DuckDB directly: within one process a second connection shares the engine's database.
    direct = connect_database_file(data_dir)
    try:
        for days in (1, 7, 30):
            start, end = (end_day - days) * SECONDS_PER_DAY, end_day * SECONDS_PER_DAY
            td_sql = aggregate.format(table="events") + f"TD_INTERVAL(time, '-{days}d/{end_date}')"
            plain_sql = aggregate.format(table="td.raw.events") + f"time >= {start} and time < {end}"
            compiled = executed_sql(engine, td_sql)
            td_side, plain_side = engine_side(engine, td_sql), duckdb_side(direct, plain_sql)
            if td_side() != plain_side():
                print(f"  !! TD_INTERVAL and the plain predicate disagree over {days}d")
            timings = interleaved(td_side, plain_side, pairs=pairs, warmup=3, batch=5)
            report(
                "filter",
                f"TD_INTERVAL '-{days}d/..' via engine / plain predicate, DuckDB",
                timings,
                1.5,
            )
        print(f"          (the engine runs TD_INTERVAL as: {compiled.split(' WHERE ')[-1]})")
    finally:
        direct.close()
        engine.close()


def bench_protocol(data_dir: Path, now: int, pairs: int) -> None:
    # The direct sides read a copy: the server process holds the data dir's database file.
    with (
        tempfile.TemporaryDirectory(prefix="tdlocal-bench-direct-") as copy_dir,
        contextlib.ExitStack() as stack,
    ):
        shutil.copyfile(data_dir / DATABASE_FILE_NAME, Path(copy_dir) / DATABASE_FILE_NAME)
        engine = Engine(copy_dir, strict=True, now=now)
        direct = connect_database_file(Path(copy_dir))
        port = free_port()
        url = tdlocal.ensure_running(data_dir, port=port)
        # CPU of the trino sides: this process (the client) plus the server process.
        server = psutil.Process(requests.get(f"{url}/v1/info", timeout=10).json()["tdlocal"]["pid"])

        def client_and_server_cpu() -> float:
            times = server.cpu_times()
            return time.process_time() + times.user + times.system

        fetch_end = fetch_window_end(direct, now)
        trino_sql = f"select * from events where time < {fetch_end}"
        direct_sql = f"select * from td.raw.events where time < {fetch_end}"
        recording = Path(copy_dir) / "answers.pickle"
        try:
            record_answers(url, ["select 1", trino_sql], recording)
            replay = stack.enter_context(replay_server(recording))
            connection = trino.dbapi.connect(
                host="127.0.0.1", port=port, user="bench", catalog="td", schema="raw"
            )
            cursor = connection.cursor()
            floor_cursor = trino.dbapi.connect(
                host="127.0.0.1", port=replay, user="bench", catalog="td", schema="raw"
            ).cursor()
            timings = interleaved(
                trino_side(cursor, "select 1"),
                engine_side(engine, "select 1"),
                pairs=pairs,
                warmup=2,
                # The server's CPU is read in clock ticks (10 ms): a batch of 30 statements (~30 ms
                # of server CPU) moved each pair's CPU ratio by a third; 200 keep a tick under 5%.
                batch=200,
                cpu_a=client_and_server_cpu,
                floor=trino_side(floor_cursor, "select 1"),
            )
            report("P5", "select 1: trino client -> tdlocal server / engine in process", timings, 3)
            report("", "  CPU: client + server processes / engine in process", timings.cpu(), None)
            timings = interleaved(
                engine_side(engine, "select 1"),
                duckdb_side(direct, "select 1"),
                pairs=pairs,
                warmup=2,
                batch=30,
            )
            report("", "select 1: engine in process / DuckDB directly", timings, None)

            rows = direct.execute(f"select count(*) from td.raw.events where time < {fetch_end}").fetchone()[
                0
            ]
            timings = interleaved(
                trino_side(cursor, trino_sql),
                duckdb_side(direct, direct_sql),
                pairs=max(3, pairs // 3),
                warmup=1,
                cpu_a=client_and_server_cpu,
                floor=trino_side(floor_cursor, trino_sql),
            )
            report("P6", f"fetch {rows:,} rows: trino client / DuckDB fetchall", timings, 3)
            report("", "  CPU: client + server processes / DuckDB fetchall", timings.cpu(), None)
        finally:
            tdlocal.stop_running(data_dir)
            direct.close()
            engine.close()


def fetch_window_end(connection: duckdb.DuckDBPyConnection, now: int) -> int:
    """The end of the first whole days of raw.events holding about FETCH_ROWS rows (Unix seconds)."""
    total = connection.execute("select count(*) from td.raw.events").fetchone()[0]
    rows_per_day = max(1, total // DAYS)
    days = min(DAYS, max(1, round(FETCH_ROWS / rows_per_day)))
    return (now // SECONDS_PER_DAY - DAYS + 1 + days) * SECONDS_PER_DAY


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=10_000_000, help="rows of raw.events (default %(default)s)"
    )
    parser.add_argument(
        "--pairs", type=int, default=15, help="measured A/B pairs per line (default %(default)s)"
    )
    parser.add_argument("--data-root", type=Path, default=DATA_ROOT, help="where generated data is kept")
    parser.add_argument("--regenerate", action="store_true", help="rebuild the data even if it is cached")
    parser.add_argument(
        "--only", choices=("filter", "protocol"), help="run only the filter lines or only P5/P6"
    )
    arguments = parser.parse_args()
    # The server process inherits it: both sides see the same "now", so the same rows.
    os.environ["TDLOCAL_NOW"] = NOW
    now = parse_now(NOW)
    data_dir = cached_data_dir(arguments.data_root, arguments.rows, arguments.regenerate)
    # This process holds DuckDB, sqlglot and tdlocal, which a client process does not: without
    # this, the garbage collector's full passes over them doubled the trino client's CPU for
    # 1M rows. Both sides of every pair run in this process, so both gain alike.
    gc.freeze()
    print_header()
    try:
        if arguments.only != "protocol":
            bench_filters(data_dir, now, arguments.pairs)
        if arguments.only != "filter":
            bench_protocol(data_dir, now, arguments.pairs)
    finally:
        gc.unfreeze()  # frozen objects are never freed: DuckDB's bindings report them as leaks


if __name__ == "__main__":
    main()
