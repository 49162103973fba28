"""TD_SESSIONIZE_WINDOW(time, timeout) OVER (PARTITION BY ... ORDER BY time), as window SQL.

DuckDB has no such function and no Python window UDFs, so the window is computed from gaps, in
two derived tables over the SELECT's source (windows cannot nest):
1. a new-session flag per row: the gap to the previous row (LAG) starts a session when tdtime
   says it does (tdtime.starts_new_session decides whether a gap equal to the timeout breaks);
2. the session's start: the running maximum of flagged times (RANGE frame, so rows with equal
   times share it), hashed with the partition values and the timeout into a UUID-shaped id.
Rows share an id exactly when tdtime.sessionize puts them in one session, and re-running the
query gives the same ids. Both passes are linear per (sorted) partition.

A grouped SELECT (GROUP BY, HAVING or aggregates) runs as on TD, where Trino evaluates window
functions after grouping, over the grouped rows: the grouped SELECT becomes a derived table that
also outputs each window's time and partition expressions, and the windows, DISTINCT, ORDER BY
and LIMIT run over it. The rewrite needs one source (no join) and each TD_SESSIONIZE_WINDOW as a
whole select item; other shapes get an error explaining how to compute the sessions in a CTE.
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
    grouped: dict[int, tuple[exp.Select, list[exp.Window]]] = {}
    for window in tree.find_all(exp.Window):
        if td_function_name(window.this) == FUNCTION_NAME:
            select = window.find_ancestor(exp.Select)
            if select is not None and _is_grouped(select):
                grouped.setdefault(id(select), (select, []))[1].append(window)
    for select, windows in sorted(grouped.values(), key=lambda item: -item[0].depth):
        replacement = _window_over_grouped_rows(select, windows)
        if select is tree:
            tree = replacement
        else:
            select.replace(replacement)
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


def _is_grouped(select: exp.Select) -> bool:
    if select.args.get("group") is not None or select.args.get("having") is not None:
        return True
    return any(
        aggregate.find_ancestor(exp.Window, exp.Select) is select
        for item in select.expressions
        for aggregate in item.find_all(exp.AggFunc)
    )


def _window_over_grouped_rows(select: exp.Select, windows: list[exp.Window]) -> exp.Select:
    """`select` as an outer SELECT computing its sessionize windows over the grouped rows.

    The grouped SELECT keeps FROM, WHERE, GROUP BY and HAVING and outputs every other select
    item plus the windows' time and partition expressions (which Trino requires to be grouping
    keys or aggregates there); the outer SELECT keeps the output names, DISTINCT, ORDER BY and
    LIMIT, which Trino applies after windows.
    """
    if select.args.get("joins"):
        raise TrinoError(
            "TD_SESSIONIZE_WINDOW over a join is not supported by tdlocal: " + _RESTRUCTURE_HINT,
            "NOT_SUPPORTED",
        )
    inner = select.copy()
    for modifier in ("with_", "distinct", "order", "limit", "offset"):
        inner.set(modifier, None)
    inner_items: list[exp.Expression] = []
    outer_items: list[exp.Expression] = []
    grouped_names: dict[str, str] = {}  # the SQL of a grouped item -> its column in the derived table
    for position, item in enumerate(select.expressions):
        value = item.this if isinstance(item, exp.Alias) else item
        window = next((window for window in windows if window is value), None)
        if window is not None:
            outer_window = _window_over_columns(window, position, inner_items)
            if isinstance(item, exp.Alias):
                outer_window = exp.Alias(this=outer_window, alias=item.args["alias"].copy())
            outer_items.append(outer_window)
            continue
        if any(_contains(item, window) for window in windows):
            raise TrinoError(
                "tdlocal needs TD_SESSIONIZE_WINDOW(...) OVER (...) as a whole select item when the "
                "SELECT has GROUP BY: " + _RESTRUCTURE_HINT,
                "NOT_SUPPORTED",
            )
        if isinstance(value, exp.Star) or (
            isinstance(value, exp.Column) and isinstance(value.this, exp.Star)
        ):
            raise TrinoError(
                "SELECT * cannot be combined with GROUP BY and TD_SESSIONIZE_WINDOW", "NOT_SUPPORTED"
            )
        column_name = f"{_COLUMN_PREFIX}grouped_{position}"
        inner_items.append(exp.alias_(value.copy(), column_name, quoted=True))
        grouped_names[value.sql()] = column_name
        reference = exp.column(column_name, quoted=True)
        if isinstance(item, exp.Alias):
            outer_items.append(exp.Alias(this=reference, alias=item.args["alias"].copy()))
        elif isinstance(value, exp.Column):
            outer_items.append(exp.Alias(this=reference, alias=value.this.copy()))
        else:
            reference.meta[UNNAMED_META] = True
            outer_items.append(reference)
    inner.set("expressions", inner_items)
    outer = exp.Select(expressions=outer_items)
    outer.set("from_", exp.From(this=_derived(inner, "grouped")))
    for modifier in ("with_", "distinct", "limit", "offset"):
        if select.args.get(modifier) is not None:
            outer.set(modifier, select.args[modifier].copy())
    order = select.args.get("order")
    if order is not None:
        outer.set("order", _order_over_grouped_rows(order, outer_items, grouped_names))
    return outer


def _contains(item: exp.Expression, window: exp.Window) -> bool:
    return any(node is window for node in item.walk())


def _window_over_columns(window: exp.Window, position: int, inner_items: list[exp.Expression]) -> exp.Window:
    """The window with its time and partition keys read from the grouped SELECT's output."""
    time, timeout, partition = _window_parts(window)
    time_name = f"{_COLUMN_PREFIX}time_{position}"
    inner_items.append(exp.alias_(time.copy(), time_name, quoted=True))
    partition_columns = []
    for index, part in enumerate(partition):
        part_name = f"{_COLUMN_PREFIX}key_{position}_{index}"
        inner_items.append(exp.alias_(part.copy(), part_name, quoted=True))
        partition_columns.append(exp.column(part_name, quoted=True))
    time_column = exp.column(time_name, quoted=True)
    return exp.Window(
        this=exp.Anonymous(this=window.this.this, expressions=[time_column, timeout.copy()]),
        partition_by=partition_columns,
        order=exp.Order(expressions=[exp.Ordered(this=time_column.copy(), nulls_first=False)]),
    )


def _order_over_grouped_rows(
    order: exp.Order, outer_items: list[exp.Expression], grouped_names: dict[str, str]
) -> exp.Order:
    """ORDER BY of the outer SELECT: ordinals and output names as written, grouped expressions
    as the derived table's columns."""
    output_names = {item.alias_or_name for item in outer_items if isinstance(item, exp.Alias)}
    ordered_items = []
    for ordered in order.expressions:
        key = ordered.this
        if isinstance(key, exp.Literal) or (
            isinstance(key, exp.Column) and key.name in output_names and not key.table
        ):
            ordered_items.append(ordered.copy())
        elif key.sql() in grouped_names:
            reordered = ordered.copy()
            reordered.set("this", exp.column(grouped_names[key.sql()], quoted=True))
            ordered_items.append(reordered)
        else:
            raise TrinoError(
                f"tdlocal cannot order by {key.sql(dialect='trino')} in a grouped SELECT with "
                "TD_SESSIONIZE_WINDOW: order by an output column or its position",
                "NOT_SUPPORTED",
            )
    return exp.Order(expressions=ordered_items)


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
