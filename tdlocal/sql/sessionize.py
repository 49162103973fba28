"""TD_SESSIONIZE_WINDOW(time, timeout) OVER (PARTITION BY ... ORDER BY time), as window SQL.

DuckDB has no such function and no Python window UDFs, so the window is computed from gaps, in
two derived tables over the SELECT's source (windows cannot nest):
1. a new-session flag per row: the gap to the previous row (LAG) starts a session when tdtime
   says it does (tdtime.starts_new_session decides whether a gap equal to the timeout breaks);
2. the session's start: the running maximum of flagged times (RANGE frame, so rows with equal
   times share it), hashed with the partition values and the timeout into a UUID-shaped id.
Rows share an id exactly when tdtime.sessionize puts them in one session, and re-running the
query gives the same ids. Both passes are linear per (sorted) partition.

The rewrite needs a SELECT over one source with no GROUP BY or aggregates; other shapes get an
error explaining how to compute the sessions in a CTE first.
"""

from __future__ import annotations

import itertools

from sqlglot import exp

import tdtime
from tdlocal.errors import TrinoError
from tdlocal.sql.output_names import UNNAMED_META
from tdlocal.sql.td_functions import literal_value, td_function_name
from tdlocal.sql.templates import fill

FUNCTION_NAME = "TD_SESSIONIZE_WINDOW"
_COLUMN_PREFIX = "__tdlocal_session_"
_RESTRUCTURE_HINT = (
    "compute the sessions in a CTE over a single source first, then join or aggregate: "
    "WITH sessions AS (SELECT *, TD_SESSIONIZE_WINDOW(time, 1800) OVER (PARTITION BY user_id "
    "ORDER BY time) AS session_id FROM events) SELECT session_id, count(*) FROM sessions GROUP BY 1"
)


def rewrite_sessionize_windows(tree: exp.Expression) -> exp.Expression:
    """Rewrite every TD_SESSIONIZE_WINDOW in `tree`; returns the tree."""
    counter = itertools.count()
    for call in list(tree.find_all(exp.Anonymous)):
        if td_function_name(call) == FUNCTION_NAME and not isinstance(call.parent, exp.Window):
            raise TrinoError(
                "TD_SESSIONIZE_WINDOW is a window function: write TD_SESSIONIZE_WINDOW(time, timeout) "
                "OVER (PARTITION BY <key> ORDER BY time)",
                "GENERIC_USER_ERROR",
            )
    selects: dict[int, tuple[exp.Select, list[exp.Window]]] = {}
    for window in tree.find_all(exp.Window):
        if td_function_name(window.this) == FUNCTION_NAME:
            select = window.find_ancestor(exp.Select)
            if select is None:
                raise TrinoError("TD_SESSIONIZE_WINDOW must appear in a SELECT list", "GENERIC_USER_ERROR")
            selects.setdefault(id(select), (select, []))[1].append(window)
    # Innermost SELECTs first, so an outer rewrite wraps already-rewritten sources.
    for select, windows in sorted(selects.values(), key=lambda item: -item[0].depth):
        _rewrite_select(select, windows, counter)
    return tree


def _rewrite_select(select: exp.Select, windows: list[exp.Window], counter: itertools.count) -> None:
    _check_shape(select, windows)
    source = select.args["from_"].this
    alias = source.alias_or_name
    where = select.args.get("where")
    flags, sessions = [], []
    for window in windows:
        number = next(counter)
        flag_name, session_name = f"{_COLUMN_PREFIX}new_{number}", f"{_COLUMN_PREFIX}id_{number}"
        time, timeout, partition = _window_parts(window)
        flags.append(exp.alias_(_new_session_flag(time, timeout, partition), flag_name, quoted=True))
        sessions.append(
            exp.alias_(_session_id(time, timeout, partition, flag_name), session_name, quoted=True)
        )
        replacement = _uuid_text(exp.column(session_name, quoted=True))
        if isinstance(window.parent, exp.Select):
            replacement.meta[UNNAMED_META] = True  # still an unaliased select item for `_colN`
        window.replace(replacement)

    flagged = exp.select(
        exp.Star() if not alias else exp.Column(this=exp.Star(), table=exp.to_identifier(alias))
    )
    flagged = flagged.select(*flags, append=True).from_(source.copy())
    if where is not None:
        flagged.set("where", where.copy())
        select.set("where", None)
    identified = exp.select(exp.Star(), *sessions).from_(_derived(flagged, alias))
    select.set("from_", exp.From(this=_derived(identified, alias)))
    _hide_internal_columns(select, [flag.alias for flag in flags] + [session.alias for session in sessions])


def _check_shape(select: exp.Select, windows: list[exp.Window]) -> None:
    if select.args.get("group") is not None or select.args.get("having") is not None:
        raise TrinoError(
            "TD_SESSIONIZE_WINDOW cannot share a SELECT with GROUP BY/HAVING: " + _RESTRUCTURE_HINT,
            "NOT_SUPPORTED",
        )
    for item in select.expressions:
        for aggregate in item.find_all(exp.AggFunc):
            if aggregate.find_ancestor(exp.Window, exp.Select) is select:
                raise TrinoError(
                    "TD_SESSIONIZE_WINDOW cannot share a SELECT with aggregate functions: "
                    + _RESTRUCTURE_HINT,
                    "NOT_SUPPORTED",
                )
    from_ = select.args.get("from_")
    if from_ is None:
        raise TrinoError("TD_SESSIONIZE_WINDOW needs a FROM clause: " + _RESTRUCTURE_HINT, "NOT_SUPPORTED")
    if select.args.get("joins"):
        raise TrinoError(
            "TD_SESSIONIZE_WINDOW over a join is not supported by tdlocal: " + _RESTRUCTURE_HINT,
            "NOT_SUPPORTED",
        )
    if not isinstance(from_.this, (exp.Table, exp.Subquery, exp.Values)):
        raise TrinoError(
            "TD_SESSIONIZE_WINDOW needs a table or subquery as its source: " + _RESTRUCTURE_HINT,
            "NOT_SUPPORTED",
        )


def _window_parts(window: exp.Window) -> tuple[exp.Expression, exp.Expression, list[exp.Expression]]:
    arguments = window.this.expressions
    if len(arguments) != 2:
        raise TrinoError(
            f"Unexpected parameters ({len(arguments)} arguments) for function td_sessionize_window. "
            "Expected: td_sessionize_window(bigint, integer)",
            "FUNCTION_NOT_FOUND",
        )
    time, timeout = arguments
    timeout_value = literal_value(timeout)
    if isinstance(timeout_value, (int, float)) or timeout_value is None:
        try:
            tdtime.sessionize([], timeout_value if timeout_value is None else int(timeout_value))
        except ValueError as error:
            raise TrinoError(str(error), "INVALID_FUNCTION_ARGUMENT") from None
    order = window.args.get("order")
    ordered = order.expressions if order is not None else []
    if len(ordered) != 1 or ordered[0].args.get("desc") or ordered[0].this != time:
        raise TrinoError(
            f"TD_SESSIONIZE_WINDOW's window must be ordered by its time argument: write "
            f"OVER (PARTITION BY <key> ORDER BY {time.sql(dialect='trino')})",
            "GENERIC_USER_ERROR",
        )
    return time, timeout, list(window.args.get("partition_by") or [])


def _window(function: exp.Expression, partition: list[exp.Expression], time: exp.Expression) -> exp.Window:
    return exp.Window(
        this=function,
        partition_by=[part.copy() for part in partition],
        order=exp.Order(expressions=[exp.Ordered(this=time.copy(), nulls_first=False)]),
    )


def _new_session_flag(
    time: exp.Expression, timeout: exp.Expression, partition: list[exp.Expression]
) -> exp.Expression:
    previous = _window(exp.Anonymous(this="lag", expressions=[time.copy()]), partition, time)
    # tdtime decides whether a gap equal to the timeout starts a new session.
    breaks = ">=" if tdtime.starts_new_session(1, 1) else ">"
    return fill(
        f"CASE WHEN {{previous}} IS NULL OR {{t}} - {{previous}} {breaks} {{timeout}} THEN 1 ELSE 0 END",
        previous=previous,
        t=time,
        timeout=timeout,
    )


def _session_id(
    time: exp.Expression, timeout: exp.Expression, partition: list[exp.Expression], flag_name: str
) -> exp.Expression:
    flagged_time = fill(f'CASE WHEN "{flag_name}" = 1 THEN {{t}} END', t=time)
    start = _window(exp.Anonymous(this="max", expressions=[flagged_time]), partition, time)
    key = exp.Anonymous(this="row", expressions=[*(part.copy() for part in partition), start, timeout.copy()])
    return fill("CASE WHEN {t} IS NULL THEN NULL ELSE md5(CAST({key} AS VARCHAR)) END", t=time, key=key)


def _uuid_text(digest: exp.Expression) -> exp.Expression:
    """A 32-digit hex digest in UUID form (8-4-4-4-12); NULL stays NULL."""
    return fill(
        "substr({d}, 1, 8) || '-' || substr({d}, 9, 4) || '-' || substr({d}, 13, 4) || '-' "
        "|| substr({d}, 17, 4) || '-' || substr({d}, 21, 12)",
        d=digest,
    )


def _derived(query: exp.Select, alias: str) -> exp.Subquery:
    return exp.Subquery(this=query, alias=exp.TableAlias(this=exp.to_identifier(alias or "sessionized")))


def _hide_internal_columns(select: exp.Select, names: list[str]) -> None:
    """`SELECT *` over the rewritten source must not show the helper columns."""
    for item in select.expressions:
        star = item if isinstance(item, exp.Star) else item.this if isinstance(item, exp.Column) else None
        if isinstance(star, exp.Star):
            star.set("except_", [exp.column(name, quoted=True) for name in names])
