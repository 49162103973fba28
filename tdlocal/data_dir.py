"""What a tdlocal data dir holds, named without importing the engine (a client that only finds or
starts a server, such as `td-dagster run`, needs the names, not DuckDB)."""

from tdlocal.sql.context import TD_CATALOG

#: The DuckDB database: catalog `td`, its schemas (TD databases) as DuckDB schemas.
DATABASE_FILE_NAME = f"{TD_CATALOG}.duckdb"
