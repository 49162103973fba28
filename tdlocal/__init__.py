"""tdlocal: a local Treasure Data stand-in that speaks Trino's client protocol over DuckDB.

The production dbt-trino adapter, TD's SQL functions and any Trino client run against it unchanged,
offline. The public API:

    url = tdlocal.ensure_running(data_dir, host, port)   # reuse or start a background server
    with tdlocal.start_in_thread(data_dir) as server:      # a server inside this process (tests)
        ... server.url ...
    tdlocal.find_running(data_dir) / tdlocal.stop_running(data_dir)
    tdlocal.serve(data_dir, host=..., port=...)            # foreground, as `tdlocal serve`
"""

from tdlocal.process import (
    DEFAULT_DATA_DIR,
    DEFAULT_HOST,
    DEFAULT_PORT,
    LocalServer,
    PortInUseError,
    TdlocalStartError,
    ensure_running,
    find_running,
    serve,
    start_in_thread,
    stop_running,
)


def __getattr__(name: str) -> object:
    # DataDirInUseError lives with the engine, which `import tdlocal` does not load (process.py).
    if name == "DataDirInUseError":
        from tdlocal.engine import DataDirInUseError

        return DataDirInUseError
    raise AttributeError(f"module 'tdlocal' has no attribute {name!r}")


__all__ = [
    "DEFAULT_DATA_DIR",
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DataDirInUseError",
    "LocalServer",
    "PortInUseError",
    "TdlocalStartError",
    "ensure_running",
    "find_running",
    "serve",
    "start_in_thread",
    "stop_running",
]
