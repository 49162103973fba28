"""tdlocal benchmark: TD_INTERVAL against a plain time predicate, and the protocol's per-statement cost.

Run with `uv run python benchmarks/tdlocal_bench.py [--rows N]`. It prints ratios against baselines
measured in the same run (nothing here asserts on time):
  (a) TD_INTERVAL / TD_TIME_RANGE filters through the engine vs `time >= a AND time < b` through the
      engine, over raw.events (10M rows by default, generated in DuckDB). Goal: at most 1.5x.
  (b) the median latency of a trivial statement sent by the trino client to a tdlocal server vs
      the same statement on DuckDB directly.
"""

from __future__ import annotations

import argparse
import socket
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import duckdb
import trino

import tdlocal
from tdlocal.clock import parse_now
from tdlocal.engine import Engine
from tdlocal.loading import open_database
from tdlocal.sample_data import EVENTS_TABLE, SECONDS_PER_DAY, load_sample
from tdlocal.session import Session

NOW = "2024-03-15T12:00:00+00:00"
DAYS = 100
FILTER_REPEATS = 15
STATEMENT_REPEATS = 300


def median_seconds(run: Callable[[], object], repeats: int, warmup: int = 3) -> float:
    """Median wall time of `run` over `repeats` calls, after a few unmeasured warm-up calls."""
    for _ in range(warmup):
        run()
    timings = []
    for _ in range(repeats):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def engine_runner(engine: Engine, sql: str) -> Callable[[], object]:
    session = Session(user="bench", catalog="td", schema="raw")

    def run() -> object:
        result = engine.execute(sql, session, "bench")
        try:
            return result.fetch_all()
        finally:
            result.close()

    return run


def bench_filters(data_dir: Path, now: int) -> None:
    end_day = now // SECONDS_PER_DAY
    end_date = time.strftime("%Y-%m-%d", time.gmtime(end_day * SECONDS_PER_DAY))
    print("\n(a) time filters through the engine (median of", FILTER_REPEATS, "runs)")
    print(f"    {'range':<8} {'predicate':<52} {'median ms':>10} {'ratio':>7}")
    engine = Engine(data_dir, strict=True, now=now)
    try:
        for days in (1, 7, 30):
            start = (end_day - days) * SECONDS_PER_DAY
            end = end_day * SECONDS_PER_DAY
            aggregate = "select count(*), round(sum(revenue), 2) from events where "
            cases = [
                ("plain", f"time >= {start} and time < {end}"),
                ("TD_INTERVAL", f"TD_INTERVAL(time, '-{days}d/{end_date}')"),
                ("TD_TIME_RANGE", f"TD_TIME_RANGE(time, {start}, {end})"),
            ]
            results = {}
            baseline = None
            for name, predicate in cases:
                run = engine_runner(engine, aggregate + predicate)
                results[name] = run()
                seconds = median_seconds(run, FILTER_REPEATS)
                baseline = baseline or seconds
                print(
                    f"    {days:>2}d      {predicate:<52} {seconds * 1000:>10.2f} {seconds / baseline:>6.2f}x"
                )
            if not results["plain"] == results["TD_INTERVAL"] == results["TD_TIME_RANGE"]:
                print(f"    !! the three filters disagree: {results}")
    finally:
        engine.close()
    with open_database(data_dir) as connection:
        start, end = (end_day - 7) * SECONDS_PER_DAY, end_day * SECONDS_PER_DAY
        sql = f"select count(*), sum(revenue) from td.raw.events where time >= {start} and time < {end}"
        seconds = median_seconds(lambda: connection.execute(sql).fetchall(), FILTER_REPEATS)
        print(
            f"    (for reference: the 7d plain predicate on DuckDB directly, no engine: {seconds * 1000:.2f} ms)"
        )


def bench_statement_overhead(data_dir: Path, now: int) -> None:
    print("\n(b) per-statement cost of `select 1` (median of", STATEMENT_REPEATS, "statements)")
    direct = duckdb.connect()
    duckdb_seconds = median_seconds(lambda: direct.execute("select 1").fetchall(), STATEMENT_REPEATS)
    engine = Engine(data_dir, strict=True, now=now)
    try:
        engine_seconds = median_seconds(engine_runner(engine, "select 1"), STATEMENT_REPEATS)
    finally:
        engine.close()
    # A background server process, as dbt and the Dagster code location use it.
    port = free_port()
    url = tdlocal.ensure_running(data_dir, port=port)
    try:
        cursor = trino.dbapi.connect(
            host="127.0.0.1", port=port, user="bench", catalog="td", schema="raw"
        ).cursor()

        def through_server() -> object:
            cursor.execute("select 1")
            return cursor.fetchall()

        protocol_seconds = median_seconds(through_server, STATEMENT_REPEATS, warmup=10)
    finally:
        tdlocal.stop_running(data_dir)
    print(f"    DuckDB directly:                   {duckdb_seconds * 1000:8.3f} ms  (baseline)")
    print(
        f"    tdlocal engine, in process:        {engine_seconds * 1000:8.3f} ms  "
        f"{engine_seconds / duckdb_seconds:8.1f}x  (SQL translation)"
    )
    print(
        f"    trino client -> tdlocal server:    {protocol_seconds * 1000:8.3f} ms  "
        f"{protocol_seconds / duckdb_seconds:8.1f}x  (a background server process at {url})"
    )
    print(
        f"    protocol overhead per statement:   {(protocol_seconds - engine_seconds) * 1000:8.3f} ms (HTTP + paging)"
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--rows", type=int, default=10_000_000, help="rows of raw.events (default %(default)s)"
    )
    parser.add_argument("--data-dir", type=Path, help="reuse this data dir (default: a temporary one)")
    arguments = parser.parse_args()
    now = parse_now(NOW)
    with tempfile.TemporaryDirectory(prefix="tdlocal-bench-") as temporary:
        data_dir = arguments.data_dir or Path(temporary)
        rows_per_day = max(8, arguments.rows // DAYS)
        started = time.perf_counter()
        with open_database(data_dir) as connection:
            loaded = load_sample(
                connection, days=DAYS, rows_per_day=rows_per_day, now=now, tables=(EVENTS_TABLE,)
            )
        print(f"generated {loaded.describe()} in {time.perf_counter() - started:.1f} s")
        bench_filters(data_dir, now)
        bench_statement_overhead(data_dir, now)


if __name__ == "__main__":
    main()
