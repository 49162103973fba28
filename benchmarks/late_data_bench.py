"""Late-data observation benchmark: does the per-source fingerprint query cost grow with history?

Run with `uv run python benchmarks/late_data_bench.py [--rows-per-day N]`. It prints ratios against
a baseline measured in the same run (nothing here asserts on time):
  the observation query (orchestration.source_fingerprints.fingerprint_sql, 7 days) over a table
  holding 10x more days of history, against the same query over a table holding 30 days. Goal:
  about 1x (the TD_INTERVAL filter is pruned). For reference, the same grouped query without the
  filter, which grows with the history (the cost the filter avoids).
"""

from __future__ import annotations

import argparse
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from orchestration.source_fingerprints import fingerprint_sql
from tdlocal.clock import parse_now
from tdlocal.engine import Engine
from tdlocal.loading import open_database
from tdlocal.sample_data import EVENTS_TABLE, load_sample
from tdlocal.session import Session

NOW = "2026-11-23T03:00:00+09:00"
TIMEZONE = "Asia/Tokyo"
REPEATS = 9


def median_ms(engine: Engine, sql: str) -> float:
    session = Session(user="bench", catalog="td", schema="raw")

    def run() -> object:
        result = engine.execute(sql, session, "bench")
        try:
            return result.fetch_all()
        finally:
            result.close()

    run()
    timings = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        timings.append(time.perf_counter() - started)
    return sorted(timings)[len(timings) // 2] * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows-per-day", type=int, default=20_000, help="default %(default)s")
    arguments = parser.parse_args()
    now = parse_now(NOW)
    last = (datetime.fromtimestamp(now, UTC) - timedelta(days=1)).date()
    observed = fingerprint_sql(
        {"raw/events": "td.raw.events"}, (last - timedelta(days=6)).isoformat(), last.isoformat(), TIMEZONE
    )
    unfiltered = observed.split("where")[0] + "group by 2"
    timings = {}
    for days in (30, 300):
        with tempfile.TemporaryDirectory(prefix="late-data-bench-") as temporary:
            data_dir = Path(temporary)
            with open_database(data_dir) as connection:
                load_sample(
                    connection,
                    days=days,
                    rows_per_day=arguments.rows_per_day,
                    now=now,
                    tables=(EVENTS_TABLE,),
                )
            engine = Engine(data_dir, strict=True, now=now)
            try:
                timings[days] = (median_ms(engine, observed), median_ms(engine, unfiltered))
            finally:
                engine.close()
    print(f"observation of 7 days, {arguments.rows_per_day:,} rows per day (median of {REPEATS} runs)")
    print(f"  {'history':<10} {'observation ms':>15} {'ratio':>7} {'no filter ms':>13} {'ratio':>7}")
    base_observed, base_unfiltered = timings[30]
    for days, (observed_ms, unfiltered_ms) in timings.items():
        print(
            f"  {days:>4} days  {observed_ms:>15.2f} {observed_ms / base_observed:>6.2f}x "
            f"{unfiltered_ms:>13.2f} {unfiltered_ms / base_unfiltered:>6.2f}x"
        )


if __name__ == "__main__":
    main()
