"""The functions tdlocal adds to DuckDB: Python UDFs and SQL macros the translated SQL calls.

Python UDFs registered on the engine's connection are visible to all its cursors (verified:
DuckDB registers them database-wide), while TEMP macros are per connection. So SQL macros live in
an attached in-memory catalog, `tdlocal`, which every cursor shares and which never touches the
user's td.duckdb file. No UDF is registered with side effects: DuckDB constant-folds a pure UDF
whose arguments are constants, which keeps TD_INTERVAL's bounds computed once per query.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import duckdb

from tdlocal.trino_types import trino_type_from_text

FUNCTION_CATALOG = "tdlocal"
TRINO_TYPE_UDF = "tdlocal_trino_type"


@dataclass(frozen=True)
class PythonFunction:
    """A Python UDF: its SQL name, implementation, and DuckDB signature."""

    name: str
    function: Callable[..., Any]
    parameters: list[str]
    returns: str
    special_nulls: bool = False  # the function sees NULL arguments (else NULL in -> NULL out)


def _trino_type_name(duckdb_type_text: str) -> str:
    return trino_type_from_text(duckdb_type_text)


def python_functions() -> list[PythonFunction]:
    """Every Python UDF the translated SQL may call."""
    from tdlocal.sql import colors, json_url, math_functions, numeric, strings, td_geoip, td_user_agents
    from tdlocal.sql.td_udfs import TD_PYTHON_FUNCTIONS

    return [
        PythonFunction(TRINO_TYPE_UDF, _trino_type_name, ["VARCHAR"], "VARCHAR"),
        *TD_PYTHON_FUNCTIONS,
        *strings.PYTHON_FUNCTIONS,
        *json_url.PYTHON_FUNCTIONS,
        *td_user_agents.PYTHON_FUNCTIONS,
        *td_geoip.PYTHON_FUNCTIONS,
        *numeric.PYTHON_FUNCTIONS,
        *colors.PYTHON_FUNCTIONS,
        *math_functions.PYTHON_FUNCTIONS,
    ]


def sql_macros() -> dict[str, str]:
    """Every SQL macro (name -> `(params) AS body`) created in the `tdlocal` catalog."""
    from tdlocal.sql import (
        arrays,
        case_mapping,
        casts,
        coercions,
        datetime_casts,
        datetime_text,
        intervals,
        json_url,
        numeric,
        strings,
        zoned_timestamps,
    )
    from tdlocal.sql.trino_semantics import MACROS as TRINO_MACROS

    # Zoned timestamps first: the Trino macros (trino_varchar) call them.
    return {
        **intervals.MACROS,
        **zoned_timestamps.MACROS,
        **zoned_timestamps.COMPARISON_MACROS,
        **numeric.DECIMAL_MACROS,
        **numeric.MACROS_FOR_COMPARISONS,
        **TRINO_MACROS,
        **strings.MACROS,
        **arrays.MACROS,
        **numeric.MACROS,
        **json_url.JSON_MACROS,
        **datetime_text.MACROS,
        **casts.MACROS,
        **datetime_casts.MACROS,
        **case_mapping.MACROS,
        **coercions.MACROS,
    }


def install(connection: duckdb.DuckDBPyConnection) -> None:
    """Register the UDFs and create the macros on a freshly opened connection."""
    for udf in python_functions():
        connection.create_function(
            udf.name,
            udf.function,
            [duckdb.sqltype(kind) for kind in udf.parameters],
            duckdb.sqltype(udf.returns),
            null_handling="special" if udf.special_nulls else "default",
            side_effects=False,
        )
    from tdlocal.sql import unchecked_twins

    connection.execute(f"ATTACH ':memory:' AS {FUNCTION_CATALOG}")
    for name, definition in unchecked_twins.twins(sql_macros()).items():
        connection.execute(f"CREATE MACRO {FUNCTION_CATALOG}.main.{name}{definition}")


@functools.cache
def raising_macros() -> frozenset[str]:
    """The macros that have an `_unchecked` twin (tdlocal.sql.unchecked_twins)."""
    from tdlocal.sql import unchecked_twins

    return frozenset(
        name[: -len(unchecked_twins.SUFFIX)]
        for name in unchecked_twins.twins(sql_macros())
        if name.endswith(unchecked_twins.SUFFIX)
    )


def macro(name: str) -> str:
    """The qualified SQL name of a tdlocal macro."""
    return f"{FUNCTION_CATALOG}.main.{name}"
