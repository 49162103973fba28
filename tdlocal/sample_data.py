"""Deterministic synthetic TD data, generated in bulk inside DuckDB.

Two tables, ending at "now" (TDLOCAL_NOW pins it):
- `sample_datasets.www_access`: the shape of TD's public sample table (web access log).
- `raw.events`: the product events the dbt project's sources read. Each user's events come in
  sessions (bursts a few minutes apart) separated by more than 30 minutes, so TD_SESSIONIZE_WINDOW
  has sessions to find.

Every value derives from a 32-bit integer hash of (UTC day number, row number, salt), written as
SQL so millions of rows generate in seconds and the same day always holds the same rows, whatever
day the data is loaded on. Loading a range of days first deletes those days, so loading again never
duplicates rows.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import duckdb

from tdlocal.clock import pinned_now_from_environment

DEFAULT_DAYS = 30
DEFAULT_ROWS_PER_DAY = 2000
SECONDS_PER_DAY = 86_400
CATALOG = "td"

EVENTS_TABLE = "raw.events"
WWW_ACCESS_TABLE = "sample_datasets.www_access"

# A user's sessions start in distinct 2-hour slots, within the slot's first 30 minutes, and last at
# most 7 x 180 + 150 seconds (~24 minutes): consecutive sessions are always > 30 minutes apart, and
# events inside a session are at most 330 seconds apart.
_SLOT_SECONDS = 7200
_SLOTS_PER_DAY = SECONDS_PER_DAY // _SLOT_SECONDS
_SESSION_START_SPREAD = 1800
_EVENT_SPACING = 180
_EVENT_JITTER = 150
# Rows come in blocks of 8 split into two sessions, so a day has rows_per_day / 4 sessions; with a
# user for every 16 rows each user has about 4 sessions a day, each in its own slot.
_ROWS_PER_BLOCK = 8
_ROWS_PER_USER = 16

EVENTS_COLUMNS = (
    ("time", "BIGINT"),
    ("event_id", "VARCHAR"),
    ("user_id", "VARCHAR"),
    ("event_type", "VARCHAR"),
    ("path", "VARCHAR"),
    ("device", "VARCHAR"),
    ("revenue", "DOUBLE"),
)
WWW_ACCESS_COLUMNS = (
    ("time", "BIGINT"),
    ("host", "VARCHAR"),
    ("path", "VARCHAR"),
    ("method", "VARCHAR"),
    ("referer", "VARCHAR"),
    ("code", "BIGINT"),
    ("agent", "VARCHAR"),
    ("user", "VARCHAR"),
    ("size", "BIGINT"),
)

# lowbias32 (a well-mixed 32-bit integer hash), in UBIGINT arithmetic so no step overflows and the
# data does not depend on DuckDB's own hash() (which may change between versions).
_HASH_MACROS = """
CREATE OR REPLACE TEMP MACRO tdlocal_mix_a(x) AS (xor(x, x >> 16) * 2146121005::UBIGINT) & 4294967295::UBIGINT;
CREATE OR REPLACE TEMP MACRO tdlocal_mix_b(x) AS (xor(x, x >> 15) * 2221713035::UBIGINT) & 4294967295::UBIGINT;
CREATE OR REPLACE TEMP MACRO tdlocal_mix_c(x) AS xor(x, x >> 16);
CREATE OR REPLACE TEMP MACRO tdlocal_hash(x) AS
    tdlocal_mix_c(tdlocal_mix_b(tdlocal_mix_a(((x)::BIGINT & 4294967295)::UBIGINT)))::BIGINT;
CREATE OR REPLACE TEMP MACRO tdlocal_unit(day, row_number, salt) AS
    tdlocal_hash((day) * 1000003 + (row_number) * 7919 + (salt) * 104729) / 4294967296.0;
"""


@dataclass(frozen=True)
class SampleLoad:
    """What load_sample wrote: the UTC days replaced, "now", and the rows per table."""

    first_day: str
    last_day: str
    now: int
    rows: dict[str, int]

    def describe(self) -> str:
        tables = ", ".join(f"{table}: {count:,} rows" for table, count in self.rows.items())
        return (
            f"sample data for {self.first_day} .. {self.last_day} (UTC, ending at now={self.now}): {tables}"
        )


def sample_now() -> int:
    """Unix seconds the sample ends at: TDLOCAL_NOW when set, else the wall clock."""
    pinned = pinned_now_from_environment()
    return pinned if pinned is not None else int(time.time())


def load_sample(
    connection: duckdb.DuckDBPyConnection,
    *,
    days: int = DEFAULT_DAYS,
    rows_per_day: int = DEFAULT_ROWS_PER_DAY,
    now: int | None = None,
    tables: tuple[str, ...] = (EVENTS_TABLE, WWW_ACCESS_TABLE),
) -> SampleLoad:
    """Replace the last `days` UTC days (today included, up to `now`) of the sample tables."""
    if days < 1:
        raise ValueError(f"days={days}: load at least 1 day")
    unknown = set(tables) - set(_TABLES)
    if unknown:
        raise ValueError(f"no sample table {sorted(unknown)}: choose from {', '.join(_TABLES)}")
    if rows_per_day < _ROWS_PER_BLOCK:
        raise ValueError(f"rows_per_day={rows_per_day}: use at least {_ROWS_PER_BLOCK} rows per day")
    now = sample_now() if now is None else now
    last_day = now // SECONDS_PER_DAY
    first_day = last_day - days + 1
    parameters = {
        "first_day": first_day,
        "last_day": last_day,
        "rows_per_day": rows_per_day,
        "now": now,
        "users": max(10, rows_per_day // _ROWS_PER_USER),
    }
    cursor = connection.cursor()
    try:
        cursor.execute(_HASH_MACROS)
        rows = {table: _replace_days(cursor, table, *_TABLES[table], parameters) for table in tables}
    finally:
        cursor.close()
    return SampleLoad(_day_text(first_day), _day_text(last_day), now, rows)


def _day_text(day_number: int) -> str:
    return datetime.fromtimestamp(day_number * SECONDS_PER_DAY, UTC).strftime("%Y-%m-%d")


def _replace_days(
    cursor: duckdb.DuckDBPyConnection,
    table: str,
    columns: tuple[tuple[str, str], ...],
    select: str,
    parameters: dict[str, int],
) -> int:
    schema, name = table.split(".")
    qualified = f'{CATALOG}."{schema}"."{name}"'
    column_list = ", ".join(f'"{column}" {kind}' for column, kind in columns)
    cursor.execute(f'CREATE SCHEMA IF NOT EXISTS {CATALOG}."{schema}"')
    cursor.execute(f"CREATE TABLE IF NOT EXISTS {qualified} ({column_list})")
    _check_columns(cursor, schema, name, columns)
    start = parameters["first_day"] * SECONDS_PER_DAY
    end = (parameters["last_day"] + 1) * SECONDS_PER_DAY
    cursor.execute("BEGIN TRANSACTION")
    try:
        cursor.execute(f"DELETE FROM {qualified} WHERE time >= {start} AND time < {end}")
        names = ", ".join(f'"{column}"' for column, _ in columns)
        cursor.execute(f"INSERT INTO {qualified} ({names}) {select.format(**parameters)} ORDER BY time")
        inserted = _count(cursor)
        # Today's rows after `now` go afterwards: as a WHERE clause the filter would be pushed down
        # and make DuckDB compute the whole time expression twice.
        cursor.execute(f"DELETE FROM {qualified} WHERE time > {parameters['now']} AND time < {end}")
        inserted -= _count(cursor)
        cursor.execute("COMMIT")
    except Exception:
        cursor.execute("ROLLBACK")
        raise
    return inserted


def _count(cursor: duckdb.DuckDBPyConnection) -> int:
    row = cursor.fetchone()
    return int(row[0]) if row else 0


def _check_columns(
    cursor: duckdb.DuckDBPyConnection, schema: str, name: str, columns: tuple[tuple[str, str], ...]
) -> None:
    existing = cursor.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [CATALOG, schema, name],
    ).fetchall()
    expected = [(column, kind) for column, kind in columns]
    if [(column, kind.upper()) for column, kind in existing] != expected:
        found = ", ".join(f"{column} {kind}" for column, kind in existing)
        raise ValueError(
            f"table {schema}.{name} already exists with other columns ({found}); the sample needs "
            f"{', '.join(f'{c} {k}' for c, k in expected)}. Drop or rename that table, or use another data dir"
        )


# One row per (day, row number); every column is a pure function of both. Sessions: see the
# constants above. (CASE and small joins instead of list literals: building a list per row is what
# makes generated SQL slow.)
_EVENTS_SELECT = f"""
WITH days AS (
    SELECT day, strftime(to_timestamp(day * {SECONDS_PER_DAY}), '%Y%m%d') || '-' AS id_prefix,
        tdlocal_hash(day) AS day_hash
    FROM range({{first_day}}, {{last_day}} + 1) AS days(day)
), users AS (
    SELECT user_number, 'u' || lpad(user_number::VARCHAR, 6, '0') AS user_id,
        CASE tdlocal_hash(user_number * 31 + 7) % 6 WHEN 0 THEN 'desktop' WHEN 1 THEN 'desktop'
            WHEN 2 THEN 'tablet' ELSE 'mobile' END AS device
    FROM range({{users}}) AS users(user_number)
), grid AS (
    SELECT day, id_prefix, day_hash, r, r // {_ROWS_PER_BLOCK} AS block, r % {_ROWS_PER_BLOCK} AS position_in_block
    FROM days, range({{rows_per_day}}) AS numbers(r)
), split AS (
    SELECT *, 1 + tdlocal_hash(day * 1000003 + block) % {_ROWS_PER_BLOCK - 1} AS first_session_length
    FROM grid
), sessions AS (
    SELECT
        day, id_prefix, day_hash, r,
        2 * block + (position_in_block >= first_session_length)::BIGINT AS session,
        CASE WHEN position_in_block < first_session_length THEN position_in_block
             ELSE position_in_block - first_session_length END AS position
    FROM split
), timed AS (
    SELECT *,
        day * {SECONDS_PER_DAY}
        + ((session_round * 5 + tdlocal_hash(day * 7919 + user_number)) % {_SLOTS_PER_DAY}) * {_SLOT_SECONDS}
        + floor(tdlocal_unit(day, session, 11) * {_SESSION_START_SPREAD})::BIGINT
        + position * {_EVENT_SPACING}
        + floor(tdlocal_unit(day, r, 13) * {_EVENT_JITTER})::BIGINT AS time,
        tdlocal_unit(day, r, 17) AS kind,
        floor(tdlocal_unit(day, r, 19) * 6)::BIGINT AS page
    FROM (
        SELECT *, (session + day_hash) % {{users}} AS user_number, session // {{users}} AS session_round
        FROM sessions
    )
), typed AS (
    SELECT *,
        CASE
            WHEN position = 0 OR kind < 0.50 THEN 'page_view'
            WHEN kind < 0.77 THEN 'click'
            WHEN kind < 0.90 THEN 'add_to_cart'
            WHEN kind < 0.97 THEN 'purchase'
            ELSE 'signup'
        END AS event_type
    FROM timed

)
SELECT
    time,
    id_prefix || r::VARCHAR AS event_id,
    users.user_id,
    event_type,
    CASE
        WHEN event_type = 'add_to_cart' THEN '/cart'
        WHEN event_type = 'purchase' THEN '/checkout/complete'
        WHEN event_type = 'signup' THEN '/signup'
        WHEN page = 0 THEN '/'
        WHEN page = 1 THEN '/products'
        WHEN page = 2 THEN '/search'
        WHEN page = 3 THEN '/about'
        WHEN page = 4 THEN '/blog/' || (tdlocal_hash(r) % 30)::VARCHAR
        ELSE '/products/' || (tdlocal_hash(day + r) % 200)::VARCHAR
    END AS path,
    users.device,
    CASE WHEN event_type = 'purchase' THEN round(10 + tdlocal_unit(day, r, 23) * 190, 2) END AS revenue
FROM typed JOIN users USING (user_number)
"""

_USER_AGENTS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Safari/537.36",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148",
    "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0 Mobile Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0",
)
_AGENT_CASE = " ".join(f"WHEN {index} THEN '{agent}'" for index, agent in enumerate(_USER_AGENTS))

_WWW_ACCESS_SELECT = f"""
WITH visitors AS (
    SELECT visitor,
        (64 + tdlocal_hash(visitor * 3 + 1) % 160)::VARCHAR || '.' || (tdlocal_hash(visitor * 3 + 2) % 256)::VARCHAR
        || '.' || (tdlocal_hash(visitor * 5 + 3) % 256)::VARCHAR || '.' || (1 + tdlocal_hash(visitor * 7 + 4) % 254)::VARCHAR
            AS host,
        CASE tdlocal_hash(visitor * 11) % {len(_USER_AGENTS)} {_AGENT_CASE} END AS agent
    FROM range({{rows_per_day}} // 4 + 1) AS visitors(visitor)
), grid AS (
    SELECT day, r,
        day * {SECONDS_PER_DAY} + floor(tdlocal_unit(day, r, 103) * {SECONDS_PER_DAY})::BIGINT AS time,
        tdlocal_hash(day * 65599 + r) % ({{rows_per_day}} // 4 + 1) AS visitor,
        tdlocal_unit(day, r, 101) AS u,
        floor(tdlocal_unit(day, r, 107) * 9)::BIGINT AS page,
        tdlocal_unit(day, r, 113) AS status
    FROM range({{first_day}}, {{last_day}} + 1) AS days(day), range({{rows_per_day}}) AS numbers(r)
)
SELECT
    time,
    visitors.host,
    CASE page
        WHEN 0 THEN '/category/electronics' WHEN 1 THEN '/category/books' WHEN 2 THEN '/category/toys'
        WHEN 3 THEN '/category/games' WHEN 4 THEN '/category/software' WHEN 5 THEN '/search/?c=Books+Games'
        WHEN 6 THEN '/item/books/' || (tdlocal_hash(r + 1) % 3000)::VARCHAR
        WHEN 7 THEN '/item/electronics/' || (tdlocal_hash(r) % 3000)::VARCHAR
        ELSE '/'
    END AS path,
    CASE WHEN tdlocal_unit(day, r, 109) < 0.9 THEN 'GET' ELSE 'POST' END AS method,
    CASE WHEN u < 0.6 THEN '-'
         WHEN u < 0.8 THEN 'http://www.google.com/search?q=' || (tdlocal_hash(r + 5) % 500)::VARCHAR
         ELSE 'http://www.example.com/category/' || CASE tdlocal_hash(r + 9) % 3 WHEN 0 THEN 'books'
             WHEN 1 THEN 'games' ELSE 'toys' END
    END AS referer,
    CASE WHEN status < 0.93 THEN 200 WHEN status < 0.95 THEN 301 WHEN status < 0.99 THEN 404 ELSE 500 END::BIGINT
        AS code,
    visitors.agent,
    '-' AS "user",
    (200 + tdlocal_hash(day * 31 + r) % 8000)::BIGINT AS size
FROM grid JOIN visitors USING (visitor)
"""

_TABLES = {
    EVENTS_TABLE: (EVENTS_COLUMNS, _EVENTS_SELECT),
    WWW_ACCESS_TABLE: (WWW_ACCESS_COLUMNS, _WWW_ACCESS_SELECT),
}
