"""The `tdlocal` command: load-sample, load, query, and its errors."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from tdlocal.cli import format_table, main
from tdlocal.clock import parse_now
from tdlocal.loading import open_database
from tdlocal.sample_data import SECONDS_PER_DAY, load_sample

PINNED_NOW = "2024-03-15T12:00:00+00:00"


@pytest.fixture(autouse=True)
def pinned_now(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TDLOCAL_NOW", PINNED_NOW)


def table_digest(data_dir: Path, table: str) -> tuple[int, str]:
    with open_database(data_dir) as connection:
        rows = connection.execute(f"SELECT * FROM td.{table} ORDER BY ALL").fetchall()
    return len(rows), hashlib.sha256(repr(rows).encode()).hexdigest()


def run(capsys: pytest.CaptureFixture[str], *arguments: str) -> tuple[int, str, str]:
    code = main(list(arguments))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def test_load_sample_is_deterministic_and_does_not_duplicate(tmp_path: Path, capsys) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    for data_dir in (first, second):
        code, out, _ = run(
            capsys, "load-sample", "--days", "3", "--rows-per-day", "400", "--data-dir", str(data_dir)
        )
        assert code == 0 and "raw.events: " in out and "sample_datasets.www_access: " in out
    for table in ("raw.events", "sample_datasets.www_access"):
        assert table_digest(first, table) == table_digest(second, table)
    before = table_digest(first, "raw.events")
    assert (
        run(capsys, "load-sample", "--days", "3", "--rows-per-day", "400", "--data-dir", str(first))[0] == 0
    )
    assert table_digest(first, "raw.events") == before


def test_sample_days_end_at_now_and_hold_sessions(tmp_path: Path) -> None:
    now = parse_now(PINNED_NOW)
    with open_database(tmp_path) as connection:
        loaded = load_sample(connection, days=2, rows_per_day=800, now=now)
        assert (loaded.first_day, loaded.last_day) == ("2024-03-14", "2024-03-15")
        low, high = connection.execute("SELECT min(time), max(time) FROM td.raw.events").fetchone()
        assert low >= (now // SECONDS_PER_DAY - 1) * SECONDS_PER_DAY and high <= now
        kinds = {
            row[0] for row in connection.execute("SELECT DISTINCT event_type FROM td.raw.events").fetchall()
        }
        assert kinds == {"page_view", "click", "add_to_cart", "purchase", "signup"}
        revenue_outside_purchases = connection.execute(
            "SELECT count(*) FROM td.raw.events WHERE (revenue IS NOT NULL) <> (event_type = 'purchase')"
        ).fetchone()[0]
        assert revenue_outside_purchases == 0
        # Gaps between a user's consecutive events: short inside a session, > 30 minutes between them.
        gaps = connection.execute(
            "SELECT gap FROM (SELECT time - lag(time) OVER (PARTITION BY user_id ORDER BY time) AS gap "
            "FROM td.raw.events) WHERE gap IS NOT NULL"
        ).fetchall()
        assert all(gap <= 600 or gap > 1800 for (gap,) in gaps)
        assert sum(1 for (gap,) in gaps if gap > 1800) > 100


def test_loading_a_day_range_replaces_those_days_only(tmp_path: Path) -> None:
    now = parse_now(PINNED_NOW)
    with open_database(tmp_path) as connection:
        load_sample(connection, days=5, rows_per_day=80, now=now)
        before = connection.execute("SELECT count(*) FROM td.raw.events").fetchone()[0]
        load_sample(connection, days=2, rows_per_day=80, now=now)
        assert connection.execute("SELECT count(*) FROM td.raw.events").fetchone()[0] == before


def test_load_csv_creates_then_appends(tmp_path: Path, capsys) -> None:
    csv = tmp_path / "orders.csv"
    csv.write_text(
        "Order_ID,amount,created_at,note\n1,9.5,2024-01-02 03:04:05,first\n2,12,2024-01-03 00:00:00,\n"
    )
    data_dir = str(tmp_path / "data")
    code, out, _ = run(capsys, "load", str(csv), "--table", "shop.orders", "--data-dir", data_dir)
    assert code == 0 and "created shop.orders: 2 rows loaded" in out and "filled with the load time" in out
    code, out, _ = run(capsys, "load", str(csv), "--table", "shop.orders", "--data-dir", data_dir)
    assert code == 0 and "appended to shop.orders: 2 rows loaded" in out
    with open_database(data_dir) as connection:
        columns = connection.execute(
            "SELECT column_name, data_type FROM duckdb_columns() WHERE table_name = 'orders' ORDER BY column_index"
        ).fetchall()
        assert columns == [
            ("order_id", "BIGINT"),
            ("amount", "DOUBLE"),
            ("created_at", "VARCHAR"),
            ("note", "VARCHAR"),
            ("time", "BIGINT"),
        ]
        assert connection.execute("SELECT count(*) FROM td.shop.orders").fetchone() == (4,)


def test_load_parquet_with_its_own_time_column(tmp_path: Path, capsys) -> None:
    parquet = tmp_path / "events.parquet"
    duckdb.sql(
        f"COPY (SELECT range AS time, 'u' || range AS user_id FROM range(1000)) TO '{parquet}' (FORMAT parquet)"
    )
    code, out, _ = run(
        capsys, "load", str(parquet), "--table", "mine.events", "--data-dir", str(tmp_path / "d")
    )
    assert code == 0 and "1,000 rows loaded" in out and "load time" not in out


def test_query_prints_a_table(tmp_path: Path, capsys) -> None:
    data_dir = str(tmp_path / "data")
    assert run(capsys, "load-sample", "--days", "2", "--rows-per-day", "400", "--data-dir", data_dir)[0] == 0
    code, out, _ = run(
        capsys,
        "query",
        "select event_type, count(*) as n from events group by 1 order by 1",
        "--schema",
        "raw",
        "--data-dir",
        data_dir,
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split("|")[0].strip() == "event_type" and lines[1].startswith("---")
    assert [line.split("|")[0].strip() for line in lines[2:-1]] == [
        "add_to_cart",
        "click",
        "page_view",
        "purchase",
        "signup",
    ]
    assert lines[-1].startswith("(5 rows) on ")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["load", "missing.csv", "--table", "a.b"], "no such file: missing.csv"),
        (["load", "data.csv", "--table", "NotValid"], "bad table name 'NotValid'"),
        (["load", "data.csv", "--table", "My-DB.T"], "e.g. my_db.t"),
        (["load", "data.json", "--table", "a.b"], "cannot tell the format"),
        (["query", "select 1", "--data-dir", "nowhere"], "no tdlocal data in nowhere"),
        (["load-sample", "--days", "0"], "load at least 1 day"),
    ],
)
def test_user_errors_are_one_line_and_exit_1(tmp_path, capsys, monkeypatch, arguments, message) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "data.csv").write_text("a\n1\n")
    (tmp_path / "data.json").write_text("{}")
    code, _, err = run(capsys, *arguments)
    assert code == 1 and message in err and "Traceback" not in err


def test_a_bad_query_is_reported_with_its_trino_error_name(tmp_path: Path, capsys) -> None:
    data_dir = str(tmp_path / "data")
    assert run(capsys, "load-sample", "--days", "1", "--rows-per-day", "16", "--data-dir", data_dir)[0] == 0
    code, _, err = run(capsys, "query", "select * from raw.nothing_here", "--data-dir", data_dir)
    assert code == 1 and "TABLE_NOT_FOUND" in err


def test_loading_into_a_data_dir_held_by_a_server_fails_clearly(tmp_path: Path) -> None:
    import tdlocal

    data_dir = tmp_path / "busy"
    with tdlocal.start_in_thread(data_dir, load_sample_when_fresh=False):
        result = subprocess.run(
            [sys.executable, "-m", "tdlocal", "load-sample", "--days", "1", "--data-dir", str(data_dir)],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    assert result.returncode == 1
    assert (
        "is in use" in result.stderr and "tdlocal stop" in result.stderr and "Traceback" not in result.stderr
    )


def test_format_table_aligns_and_shows_nulls() -> None:
    text = format_table(["a", "long_name"], [[1, None], [22, "x"]])
    assert text.splitlines() == [" a  | long_name", "----+-----------", " 1  | NULL", " 22 | x"]


def test_the_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "tdlocal"
    result = subprocess.run([str(script), "--help"], capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0 and "load-sample" in result.stdout
