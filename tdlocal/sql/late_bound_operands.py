"""Calls of tdlocal's macros on operands that DuckDB binds only after expanding the macro.

The interval operators (intervals.MACROS: `trino_subtract`, `trino_plus_interval`,
`trino_minus_interval`) have a DATE-typed overload beside an untyped one, and DuckDB 2.0 picks
the overload from the arguments' types when it expands the macro. An argument holding an
aggregate or a window function (`max(ts)`, `count(*)`, `min(ts) OVER ()`) has no type yet at
that point; DuckDB then takes the DATE overload and casts the argument to DATE. So
`max(ts) - min(ts)` was the difference of the two timestamps' dates (interval 0 within a day: a
wrong answer without an error), and `max(n) - min(n)` failed with `Unimplemented type for cast
(INTEGER -> DATE)`. Checked on DuckDB 2.0.0 with `CREATE MACRO g(a DATE, b DATE) AS 'date',
(a, b) AS 'other'`: `g(max(n), min(n))` is 'date', `g(n, n)` and `g((SELECT max(n) FROM t), 1)`
are 'other' (a scalar subquery is bound before the macro, so it needs nothing). A macro whose
body wraps its argument in try() (datetime_casts: CAST(varchar AS date | timestamp)) fails the
same way: DuckDB refuses an aggregate or window inside try(), so CAST(max(ts) AS date) failed.
typeof() itself is fine: it is a function, bound after its argument.

Such a call is made inside a lambda over a one-element list of the operands instead:
`list_extract(list_transform([{'o0': A, 'o1': B}], lambda o: m(struct_extract(o, 'o0'),
struct_extract(o, 'o1'))), 1)`. DuckDB binds the list, aggregates and windows included, before
the lambda's body, so the macro is expanded over plain values of the operands' real types and
every overload answers as for columns. (struct_extract, not `o.o0`: in HAVING DuckDB reads
`o.o0` as column `o0` of a table `o`.) A typeof() test cannot do this: the branches of a CASE
must share one type, and `date - date` (interval) and `n - n` (a number) do not. The list costs
one allocation per group for aggregates and per row for windows (~1.8x a window query over 2M
rows, measured in plain DuckDB); every other call keeps the plain macro call, so ordinary
statements' SQL is unchanged.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlglot import exp

from tdlocal.sql import numeric
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import macro

# Aggregate functions that sqlglot reads as plain function calls (exp.Anonymous), so no
# exp.AggFunc marks them: Trino 423's docs, "Aggregate functions" (general, bitwise, map,
# approximate, statistical, lambda and set-digest aggregates) and "Geospatial functions"
# (the *_agg ones), plus what tdlocal rewrites some into: DuckDB's bool_and (arrays.every) and
# tdlocal's macros holding aggregates (numeric.MACROS: avg of decimals).
_AGGREGATE_FUNCTION_NAMES = frozenset(
    [
        "approx_most_frequent",
        "approx_set",
        "bitwise_xor_agg",
        "bool_and",
        "checksum",
        "convex_hull_agg",
        "every",
        "geometric_mean",
        "geometry_union_agg",
        "histogram",
        "make_set_digest",
        "map_agg",
        "map_union",
        "merge",
        "merge_set_digest",
        "multimap_agg",
        "numeric_histogram",
        "qdigest_agg",
        "reduce_agg",
        "tdigest_agg",
        "trino_avg",
        "trino_avg_distinct",
    ]
)

# Aggregate and window functions whose result is never a date or timestamp (Trino 423 docs,
# Aggregate functions and Window functions: counts and ranks are bigint, the statistical ones
# double; sum and avg give a number or an interval). Subtracting one needs no date overload.
_NEVER_DATETIME = (
    exp.Count,
    exp.CountIf,
    exp.Sum,
    exp.Avg,
    exp.ApproxDistinct,
    exp.Stddev,
    exp.StddevPop,
    exp.StddevSamp,
    exp.Variance,
    exp.VariancePop,
    exp.Corr,
    exp.CovarPop,
    exp.CovarSamp,
    exp.Kurtosis,
    exp.Skewness,
    exp.RegrSlope,
    exp.RegrIntercept,
    exp.RowNumber,
    exp.Rank,
    exp.DenseRank,
    exp.PercentRank,
    exp.CumeDist,
    exp.Ntile,
)
_NEVER_DATETIME_NAMES = frozenset(["geometric_mean", "trino_avg", "trino_avg_distinct"])

# The lambda's parameter: a name no TD column is likely to have (a column of that name would
# still not be read: a lambda parameter shadows columns in DuckDB).
_OPERANDS = "tdlocal_operands"


def binds_late(node: exp.Expression) -> bool:
    """Whether `node` holds an aggregate or window function of its own query (not one inside a
    subquery, which DuckDB binds first), so DuckDB cannot type it when it expands a macro."""
    for inner in node.walk(prune=lambda candidate: isinstance(candidate, exp.Query)):
        if isinstance(inner, (exp.AggFunc, exp.Window)):
            return True
        if _is_aggregate_name(inner):
            return True
    return False


def is_never_datetime(node: exp.Expression) -> bool:
    """Whether `node` is visibly an aggregate or window function whose value is never a date or
    timestamp (a count, a sum, a rank ...), bare or with FILTER / OVER: `x - node` is then
    DuckDB's own `-`, and needs no date overload (nor the lambda's cost per row, ~1.8x for a
    window over 2M rows, measured in plain DuckDB)."""
    while isinstance(node, (exp.Paren, exp.Window, exp.Filter)):
        node = node.this
    if isinstance(node, exp.Anonymous):
        return str(node.this).lower().rsplit(".", 1)[-1] in _NEVER_DATETIME_NAMES
    return isinstance(node, _NEVER_DATETIME)


def macro_call(name: str, *operands: exp.Expression) -> exp.Expression:
    """The call `tdlocal.main.<name>(operands...)` of a macro that DuckDB cannot expand over an
    aggregate or window operand, made so that it expands over the operands' bound values (see
    above): one with typed overloads, or one whose body uses try(), which DuckDB refuses around
    an aggregate (`aggregates are not allowed inside the TRY expression`) or a window.

    Returns the plain call when no operand binds late; else the lambda form.
    """
    if not any(binds_late(operand) for operand in operands):
        return exp.Anonymous(this=macro(name), expressions=list(operands))
    fields = [_field(position) for position in range(len(operands))]
    call = exp.Anonymous(this=macro(name), expressions=[_extract(field) for field in fields])
    return _over_values(call, dict(zip(fields, operands, strict=True)))


def try_over_aggregates(attempt: exp.Try, context: TranslationContext) -> exp.Expression:
    """Trino's TRY(x) where x holds aggregates or window functions: `TRY(max(n) / 0)` is NULL
    (Trino docs, TRY: an error evaluating x gives NULL), where DuckDB's try() refuses the
    aggregate (`aggregates are not allowed inside the TRY expression`).

    The aggregates, windows and subqueries in x are computed first (each distinct one once) and
    x's remaining operators run under try() inside the lambda; `attempt` itself when x binds
    nothing late.
    """
    if not binds_late(attempt.this):
        return attempt
    fields: dict[exp.Expression, str] = {}  # a value (compared by structure) -> its field

    def hoist(node: exp.Expression) -> exp.Expression:
        if isinstance(node, exp.Lambda):
            return node  # a lambda of the query's own: its parameters are no values to hoist
        if isinstance(node, _HOISTED) or _is_aggregate_name(node) or _is_output_check(node):
            if node not in fields:
                fields[node.copy()] = _field(len(fields))
            return _extract(fields[node])
        return node

    body = _transform_outermost(attempt.copy(), hoist)
    return _over_values(body, {field: value for value, field in fields.items()})


# What a TRY over aggregates computes before its lambda: aggregates and windows (DuckDB's try()
# refuses them) and subqueries (DuckDB refuses them in a lambda). Columns stay in the lambda,
# which reads them as DuckDB lambdas read outer columns.
_HOISTED = (exp.AggFunc, exp.Window, exp.Filter, exp.Subquery, exp.Query)


def _transform_outermost(
    tree: exp.Expression, replace: Callable[[exp.Expression], exp.Expression]
) -> exp.Expression:
    # Top-down: a replaced (or kept lambda) node's children are left as they are.
    replaced = replace(tree)
    if replaced is not tree or isinstance(tree, exp.Lambda):
        return replaced
    for child in list(tree.iter_expressions()):
        new = _transform_outermost(child, replace)
        if new is not child:
            child.replace(new)
    return tree


def _is_aggregate_name(node: exp.Expression) -> bool:
    return (
        isinstance(node, exp.Anonymous)
        and str(node.this).lower().rsplit(".", 1)[-1] in _AGGREGATE_FUNCTION_NAMES
    )


def _is_output_check(node: exp.Expression) -> bool:
    """An aggregate's output check (numeric.OUTPUT_CHECK_MACROS, e.g. sum's bigint overflow): hoisted
    whole, with its aggregate, so that its error is raised as Trino raises it, in the aggregation,
    and not turned into NULL by the try() around the rest."""
    return (
        isinstance(node, exp.Anonymous)
        and str(node.this).lower().rsplit(".", 1)[-1] in numeric.OUTPUT_CHECK_MACROS
    )


def _field(position: int) -> str:
    return f"o{position}"


def _extract(field: str) -> exp.Expression:
    return exp.Anonymous(
        this="struct_extract", expressions=[exp.column(_OPERANDS), exp.Literal.string(field)]
    )


def _over_values(body: exp.Expression, values: dict[str, exp.Expression]) -> exp.Expression:
    """`body` (reading the values as struct_extract(tdlocal_operands, field)) evaluated in a
    lambda over the one-element list of the values."""
    packed = exp.Struct(
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier(field), expression=value) for field, value in values.items()
        ]
    )
    transform = exp.Anonymous(
        this="list_transform",
        expressions=[
            exp.Array(expressions=[packed]),
            exp.Lambda(this=body, expressions=[exp.to_identifier(_OPERANDS)]),
        ],
    )
    return exp.Anonymous(this="list_extract", expressions=[transform, exp.Literal.number(1)])
