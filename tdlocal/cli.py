"""The `tdlocal` command: serve, load-sample, load, query, status, stop.

Every failure a user can fix (a port or data dir in use, a missing file, a bad table name, bad SQL)
is printed as one line on stderr with exit code 1, never as a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from tdlocal.clock import InvalidNowError
from tdlocal.engine import DATABASE_FILE_NAME, DataDirInUseError
from tdlocal.errors import TrinoError
from tdlocal.loading import LoadError
from tdlocal.process import DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT, TdlocalStartError
from tdlocal.sample_data import DEFAULT_DAYS, DEFAULT_ROWS_PER_DAY

# Longest cell printed by `tdlocal query`; longer values are cut with an ellipsis.
MAX_CELL_WIDTH = 60


class CommandError(Exception):
    """A user error in a command; printed without a traceback."""


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the `tdlocal` console script and `python -m tdlocal`."""
    parser = _parser()
    arguments = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if arguments.command == "serve" else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return int(arguments.run(arguments) or 0)
    except KeyboardInterrupt:
        return 0
    except (
        CommandError,
        DataDirInUseError,
        TdlocalStartError,
        LoadError,
        InvalidNowError,
        ValueError,
    ) as error:
        print(f"tdlocal {arguments.command}: {error}", file=sys.stderr)
        return 1
    except TrinoError as error:
        print(f"tdlocal {arguments.command}: {error.name}: {error.message}", file=sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tdlocal",
        description="A local Treasure Data stand-in: Trino's client protocol over DuckDB, for dbt and tests.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    serve = commands.add_parser("serve", help="serve the Trino protocol on a data dir (foreground)")
    _data_dir_option(serve)
    serve.add_argument(
        "--host", default=os.environ.get("TDLOCAL_HOST", DEFAULT_HOST), help="default %(default)s"
    )
    serve.add_argument(
        "--port", type=int, default=_default_port(), help="default %(default)s (env TDLOCAL_PORT)"
    )
    serve.add_argument(
        "--lenient",
        action="store_true",
        help="accept stock dbt-trino SQL that TD rejects (views, MERGE, COMMENT ON, renames)",
    )
    serve.add_argument(
        "--log-statements", metavar="FILE", help="append every statement and what ran, as JSON lines"
    )
    serve.set_defaults(run=_serve)

    sample = commands.add_parser("load-sample", help="(re)load the synthetic sample tables, ending at now")
    _data_dir_option(sample)
    sample.add_argument(
        "--days", type=int, default=DEFAULT_DAYS, help="UTC days ending today (default %(default)s)"
    )
    sample.add_argument(
        "--rows-per-day",
        type=int,
        default=DEFAULT_ROWS_PER_DAY,
        help="rows per day and table (default %(default)s)",
    )
    sample.set_defaults(run=_load_sample)

    load = commands.add_parser("load", help="load a CSV or Parquet file into a table (create or append)")
    _data_dir_option(load)
    load.add_argument("file", help="a .csv, .tsv, .csv.gz or .parquet file")
    load.add_argument(
        "--table", required=True, metavar="DB.TABLE", help="the TD database and table to load into"
    )
    load.set_defaults(run=_load)

    query = commands.add_parser("query", help="run one statement and print the result as a table")
    _data_dir_option(query)
    query.add_argument("sql", help="the Trino SQL statement")
    query.add_argument("--schema", help="the TD database for unqualified table names")
    query.add_argument(
        "--lenient", action="store_true", help="lenient mode when no server holds the data dir"
    )
    query.add_argument(
        "--max-rows", type=int, default=100, help="rows to print at most (default %(default)s)"
    )
    query.set_defaults(run=_query)

    status = commands.add_parser("status", help="print the URL of the server holding the data dir")
    _data_dir_option(status)
    status.set_defaults(run=_status)

    stop = commands.add_parser("stop", help="stop the background server holding the data dir")
    _data_dir_option(stop)
    stop.set_defaults(run=_stop)
    return parser


def _data_dir_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--data-dir",
        type=Path,
        default=Path(os.environ.get("TDLOCAL_DATA_DIR", str(DEFAULT_DATA_DIR))),
        help="where the td catalog lives (default %(default)s, env TDLOCAL_DATA_DIR)",
    )


def _default_port() -> int:
    text = os.environ.get("TDLOCAL_PORT", "").strip()
    if not text:
        return DEFAULT_PORT
    if not text.isdigit():
        raise SystemExit(
            f"tdlocal: TDLOCAL_PORT={text!r} is not a port number: unset it or give e.g. {DEFAULT_PORT}"
        )
    return int(text)


# ---------------------------------------------------------------------------------------------
# Commands
# ---------------------------------------------------------------------------------------------


def _serve(arguments: argparse.Namespace) -> int:
    from tdlocal.process import serve

    serve(
        arguments.data_dir,
        host=arguments.host,
        port=arguments.port,
        strict=not arguments.lenient,
        log_statements=arguments.log_statements,
    )
    return 0


def _load_sample(arguments: argparse.Namespace) -> int:
    from tdlocal.loading import open_database
    from tdlocal.sample_data import load_sample

    with open_database(arguments.data_dir) as connection:
        loaded = load_sample(connection, days=arguments.days, rows_per_day=arguments.rows_per_day)
    print(f"loaded {loaded.describe()} into {arguments.data_dir}")
    return 0


def _load(arguments: argparse.Namespace) -> int:
    from tdlocal.loading import file_format, load_file, open_database, parse_table_name

    # Check the arguments before opening (and perhaps creating) the data dir.
    table = parse_table_name(arguments.table)
    if not Path(arguments.file).is_file():
        raise CommandError(f"no such file: {arguments.file} (give the path of a .csv or .parquet file)")
    file_format(arguments.file)
    with open_database(arguments.data_dir) as connection:
        loaded = load_file(connection, arguments.file, table)
    print(f"{loaded.describe()} from {arguments.file}")
    return 0


def _query(arguments: argparse.Namespace) -> int:
    from tdlocal.process import find_running

    url = find_running(arguments.data_dir)
    if url is not None:
        columns, rows, summary = _query_through_server(
            url, arguments.sql, arguments.schema, arguments.max_rows
        )
    else:
        columns, rows, summary = _query_on_engine(
            arguments.data_dir, arguments.sql, arguments.schema, not arguments.lenient, arguments.max_rows
        )
    if columns:
        print(format_table(columns, rows[: arguments.max_rows]))
    print(summary)
    return 0


def _status(arguments: argparse.Namespace) -> int:
    from tdlocal.process import find_running

    url = find_running(arguments.data_dir)
    if url is None:
        print(f"no tdlocal server holds {arguments.data_dir}")
        return 1
    print(url)
    return 0


def _stop(arguments: argparse.Namespace) -> int:
    from tdlocal.process import stop_running

    if stop_running(arguments.data_dir):
        print(f"stopped the tdlocal server of {arguments.data_dir}")
    else:
        print(f"no tdlocal server holds {arguments.data_dir}")
    return 0


def _query_through_server(
    url: str, sql: str, schema: str | None, max_rows: int
) -> tuple[list[str], list[Any], str]:
    import trino.dbapi
    import trino.exceptions

    host, port = url.split("://", 1)[1].rsplit(":", 1)
    connection = trino.dbapi.connect(
        host=host.strip("[]"),
        port=int(port),
        user="tdlocal",
        catalog="td",
        schema=schema,
        source="tdlocal-cli",
    )
    try:
        cursor = connection.cursor()
        try:
            cursor.execute(sql)
            rows = cursor.fetchmany(max_rows + 1)
        except trino.exceptions.TrinoQueryError as error:
            raise CommandError(f"{error.error_name}: {error.message}") from None
        columns = [description[0] for description in cursor.description or []]
        summary = _summary(len(rows), max_rows, cursor.update_type, cursor.rowcount, f"via {url}")
        return columns, rows, summary
    finally:
        connection.close()


def _query_on_engine(
    data_dir: Path, sql: str, schema: str | None, strict: bool, max_rows: int
) -> tuple[list[str], list[Any], str]:
    from tdlocal.engine import Engine
    from tdlocal.session import Session

    if not (data_dir / DATABASE_FILE_NAME).exists():
        raise CommandError(
            f"no tdlocal data in {data_dir}: run `tdlocal load-sample --data-dir {data_dir}` or "
            f"`tdlocal serve --data-dir {data_dir}` first"
        )
    engine = Engine(data_dir, strict=strict)
    try:
        result = engine.execute(
            sql, Session(user="tdlocal", catalog="td", schema=schema, source="tdlocal-cli"), "cli"
        )
        try:
            rows = result.fetch(max_rows + 1) if result.columns else []
        finally:
            result.close()
        columns = [column.name for column in result.columns]
        count = result.update_count if result.update_count is not None else -1
        summary = _summary(len(rows), max_rows, result.update_type, count, f"on {data_dir}")
        return columns, rows, summary
    finally:
        engine.close()


def _summary(fetched: int, max_rows: int, update_type: str | None, update_count: int, where: str) -> str:
    if update_type is not None:
        counted = f" ({update_count:,} rows)" if update_count >= 0 else ""
        return f"{update_type}{counted} {where}"
    if fetched > max_rows:
        return f"(first {max_rows} rows shown; raise --max-rows for more) {where}"
    return f"({fetched} row{'' if fetched == 1 else 's'}) {where}"


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Rows as an aligned text table with a header, as Trino's CLI prints them."""
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [len(name) for name in columns]
    for row in cells:
        widths = [max(width, len(cell)) for width, cell in zip(widths, row, strict=True)]
    header = " | ".join(name.ljust(width) for name, width in zip(columns, widths, strict=True))
    rule = "-+-".join("-" * width for width in widths)
    lines = [f" {header}", f"-{rule}-"]
    lines += [
        " " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) for row in cells
    ]
    return "\n".join(line.rstrip() for line in lines)


def _cell(value: Any) -> str:
    text = "NULL" if value is None else str(value)
    text = text.replace("\n", "\\n")
    return text if len(text) <= MAX_CELL_WIDTH else text[: MAX_CELL_WIDTH - 1] + "…"


if __name__ == "__main__":
    sys.exit(main())
