"""Python UDF fallbacks for TD functions whose format, zone or interval is not a literal.

With literal arguments (the common case) td_functions decides everything at translation time or
emits plain SQL; these UDFs run only when such an argument comes from a column or expression.
Each one is tdtime itself, so the fallback cannot drift from the literal path. None has side
effects: DuckDB constant-folds them when their arguments are constant (TD_INTERVAL's bounds are
then computed once per query, not per row).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import Any

import tdtime
from tdlocal.sql.function_library import PythonFunction

INTERVAL_START = "tdlocal_td_interval_start"
INTERVAL_END = "tdlocal_td_interval_end"
INTERVAL_RANGE = "tdlocal_td_interval_range"
TIME_RANGE_BOUND = "tdlocal_td_time_range_bound"
TIME_STRING = "tdlocal_td_time_string"
TIME_FORMAT = "tdlocal_td_time_format"
TIME_PARSE = "tdlocal_td_time_parse"
DATE_TRUNC = "tdlocal_td_date_trunc"
TIME_ADD = "tdlocal_td_time_add"

_NUMBER = re.compile(r"^\s*-?\d+(\.\d*)?([eE][-+]?\d+)?\s*$")


def _null_in_null_out(function: Callable[..., Any]) -> Callable[..., Any]:
    """NULL in any argument gives NULL, and the function itself may return NULL (unparseable text)."""

    @functools.wraps(function)
    def call(*arguments: Any) -> Any:
        return None if any(argument is None for argument in arguments) else function(*arguments)

    return call


def _interval_start(interval: str, zone: str, now: int) -> int:
    return tdtime.td_interval_bounds(interval, now, zone)[0]


def _interval_end(interval: str, zone: str, now: int) -> int:
    return tdtime.td_interval_bounds(interval, now, zone)[1]


def _interval_range(interval: str, zone: str, now: int) -> list[int]:
    return tdtime.td_interval_range(interval, zone, now=now)


def _time_range_bound(value: str | None, zone: str) -> int | None:
    """A TD_TIME_RANGE bound given as text (numbers arrive as their text); None = unbounded."""
    if value is None:
        return None
    bound = float(value) if _NUMBER.match(value) else value
    return tdtime.time_range_bounds(bound, None, zone)[0]


def _time_add(time: str, duration: str, zone: str) -> int | None:
    value: int | str = int(float(time) // 1) if _NUMBER.match(time) else time
    return tdtime.td_time_add(value, duration, zone)


def _udf(name: str, function: Callable[..., Any], parameters: list[str], returns: str) -> PythonFunction:
    # Special NULL handling: the functions may return NULL, which DuckDB's default forbids.
    return PythonFunction(name, _null_in_null_out(function), parameters, returns, special_nulls=True)


TD_PYTHON_FUNCTIONS = [
    _udf(INTERVAL_START, _interval_start, ["VARCHAR", "VARCHAR", "BIGINT"], "BIGINT"),
    _udf(INTERVAL_END, _interval_end, ["VARCHAR", "VARCHAR", "BIGINT"], "BIGINT"),
    _udf(INTERVAL_RANGE, _interval_range, ["VARCHAR", "VARCHAR", "BIGINT"], "BIGINT[]"),
    _udf(TIME_RANGE_BOUND, _time_range_bound, ["VARCHAR", "VARCHAR"], "BIGINT"),
    _udf(TIME_STRING, tdtime.td_time_string, ["BIGINT", "VARCHAR", "VARCHAR"], "VARCHAR"),
    _udf(TIME_FORMAT, tdtime.td_time_format, ["BIGINT", "VARCHAR", "VARCHAR"], "VARCHAR"),
    _udf(TIME_PARSE, tdtime.td_time_parse, ["VARCHAR", "VARCHAR"], "BIGINT"),
    _udf(DATE_TRUNC, tdtime.td_date_trunc, ["VARCHAR", "BIGINT", "VARCHAR"], "BIGINT"),
    _udf(TIME_ADD, _time_add, ["VARCHAR", "VARCHAR", "VARCHAR"], "BIGINT"),
]
