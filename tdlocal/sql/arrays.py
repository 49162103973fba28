"""Trino's array and map functions where DuckDB would answer differently.

Sources: Trino docs, Array functions and operators / Map functions and operators, and Trino's
TestArrayOperators / TestMapOperators for the error texts.
"""

from __future__ import annotations

from sqlglot import exp
from sqlglot.expressions import apply_index_offset

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import macro
from tdlocal.sql.templates import fill

#: Trino's cap on the entries of sequence() and repeat() (MAX_RESULT_ENTRIES in Trino's
#: SequenceFunction and RepeatFunction).
MAX_RESULT_ENTRIES = 10_000
_SEQUENCE_DIRECTION = (
    "sequence stop value should be greater than or equal to start value if step is greater than zero "
    "otherwise stop should be less than or equal to start"
)
_SEQUENCE_SIZE = f"result of sequence function must not have more than {MAX_RESULT_ENTRIES} entries"

MACROS: dict[str, str] = {
    # Integer sequences are counted before they are built, so sequence(1, 1e12) fails at once;
    # the stop is clamped in the ELSE branch, which DuckDB constant-folds even when not taken.
    "trino_integer_sequence": (
        "(a, b, s) AS CASE WHEN s = 0 THEN error('step must not be zero') "
        f"WHEN (s > 0 AND b < a) OR (s < 0 AND b > a) THEN error('{_SEQUENCE_DIRECTION}') "
        f"WHEN (CAST(b AS HUGEINT) - a) // NULLIF(s, 0) + 1 > {MAX_RESULT_ENTRIES} THEN error('{_SEQUENCE_SIZE}') "
        f"ELSE generate_series(a, CASE WHEN (CAST(b AS HUGEINT) - a) // NULLIF(s, 0) + 1 > {MAX_RESULT_ENTRIES} "
        "THEN a ELSE b END, s) END"
    ),
    # Dates and timestamps are counted before they are built too: by whole months for a
    # year-month step, by microseconds for a day-time step (Trino's two interval types).
    "interval_months": "(s) AS datepart('year', s) * 12 + datepart('month', s)",
    "interval_micros": "(s) AS CAST(epoch(s) * 1000000 AS BIGINT)",
    "temporal_sequence_count": (
        "(a, b, s) AS CASE WHEN tdlocal.main.interval_months(s) <> 0 "
        "THEN datesub('month', a, b) // tdlocal.main.interval_months(s) + 1 "
        "ELSE (epoch_us(CAST(b AS TIMESTAMP)) - epoch_us(CAST(a AS TIMESTAMP))) "
        "// NULLIF(tdlocal.main.interval_micros(s), 0) + 1 END"
    ),
    "trino_temporal_sequence": (
        "(a, b, s) AS CASE "
        "WHEN tdlocal.main.interval_months(s) = 0 AND tdlocal.main.interval_micros(s) = 0 "
        "THEN error('step must not be zero') "
        "WHEN (sign(tdlocal.main.interval_months(s)) + sign(tdlocal.main.interval_micros(s)) > 0 AND b < a) "
        "OR (sign(tdlocal.main.interval_months(s)) + sign(tdlocal.main.interval_micros(s)) < 0 AND b > a) "
        f"THEN error('{_SEQUENCE_DIRECTION}') "
        f"WHEN tdlocal.main.temporal_sequence_count(a, b, s) > {MAX_RESULT_ENTRIES} THEN error('{_SEQUENCE_SIZE}') "
        # Year-month steps count from the start, as Trino's SequenceFunction adds i * step months
        # to it (Jan 31 + 1 month steps: Feb 29, Mar 31); DuckDB's series would add cumulatively.
        "WHEN tdlocal.main.interval_months(s) <> 0 THEN list_transform("
        f"range(least(tdlocal.main.temporal_sequence_count(a, b, s), {MAX_RESULT_ENTRIES})), "
        "lambda i: a + to_months(CAST(i * tdlocal.main.interval_months(s) AS INTEGER))) "
        # The stop is clamped as well: DuckDB constant-folds this branch even when it is not taken.
        f"ELSE generate_series(a, CASE WHEN tdlocal.main.temporal_sequence_count(a, b, s) > {MAX_RESULT_ENTRIES} "
        "THEN a ELSE b END, s) END"
    ),
    # Trino's repeat(element, count) is an array (DuckDB's repeat(text, n) concatenates text).
    "trino_repeat": (
        "(x, n) AS CASE WHEN n < 0 THEN error('count argument of repeat function must be greater than "
        f"or equal to 0') WHEN n > {MAX_RESULT_ENTRIES} THEN error('count argument of repeat function "
        f"must be less than or equal to {MAX_RESULT_ENTRIES}') ELSE repeat([x], n) END"
    ),
    # array_distinct keeps the first occurrence of each value, in order, and one NULL (DuckDB's
    # list_distinct reorders and drops NULLs). `IS NOT DISTINCT FROM` makes NULL equal NULL.
    "trino_array_distinct": (
        "(a) AS list_filter(a, lambda x, i: i = 1 OR NOT list_bool_or(list_transform(a[1:i - 1], "
        "lambda y: y IS NOT DISTINCT FROM x)))"
    ),
    # Trino's set functions keep the first occurrences in the order of the first array (and of
    # the second, for array_union), comparing with IS NOT DISTINCT FROM (one NULL is kept).
    # DuckDB's list_distinct / array_intersect order by hash.
    # array_remove keeps NULL elements and is NULL for a NULL value (Trino's ArrayRemoveFunction:
    # a null element is kept; the function is called on non-null arguments only); DuckDB's
    # list_filter(a, x -> x <> v) drops NULLs, and everything for a NULL v. Trino compares with
    # the type's equal operator, and DoubleType's is `left == right`, so NaN equals nothing and a
    # NaN value removes nothing; DuckDB's NaN = NaN is true (typeof() is constant: the test costs
    # nothing for other types).
    "trino_array_remove": (
        "(a, v) AS CASE WHEN v IS NULL THEN NULL "
        "WHEN typeof(v) IN ('DOUBLE', 'FLOAT') AND isnan(TRY_CAST(v AS DOUBLE)) THEN a "
        "ELSE list_filter(a, lambda e: e IS NULL OR e <> v) END"
    ),
    "trino_array_union": "(a, b) AS tdlocal.main.trino_array_distinct(list_concat(a, b))",
    "trino_array_except": (
        "(a, b) AS list_filter(tdlocal.main.trino_array_distinct(a), "
        "lambda e: NOT list_bool_or(list_transform(b, lambda x: x IS NOT DISTINCT FROM e)) OR len(b) = 0)"
    ),
    "trino_array_intersect": (
        "(a, b) AS list_filter(tdlocal.main.trino_array_distinct(a), "
        "lambda e: list_bool_or(list_transform(b, lambda x: x IS NOT DISTINCT FROM e)))"
    ),
    # a[i] fails outside the array and for a missing map key (element_at gives NULL). DuckDB
    # binds every CASE branch, so each branch must bind for arrays and maps alike: cardinality()
    # and to_json() take both; typeof() is constant, so only the branch for a's type runs. A key
    # whose value is NULL is told from a missing key through the map's JSON, only when a[i] is NULL.
    "trino_subscript": (
        "(a, i) AS CASE WHEN typeof(a) LIKE 'MAP(%' THEN "
        "CASE WHEN a[i] IS NOT NULL THEN a[i] "
        "WHEN json_exists(to_json(a), '$.' || to_json(CAST(i AS VARCHAR))) THEN a[i] "
        "ELSE error('Key not present in map: ' || CAST(i AS VARCHAR)) END "
        "WHEN i IS NULL THEN NULL "
        "WHEN TRY_CAST(i AS BIGINT) = 0 THEN error('SQL array indices start at 1') "
        "WHEN TRY_CAST(i AS BIGINT) < 0 THEN error('Array subscript is negative: ' || CAST(i AS VARCHAR)) "
        "WHEN TRY_CAST(i AS BIGINT) > cardinality(a) THEN error('Array subscript must be less than or "
        "equal to array length: ' || CAST(i AS VARCHAR) || ' > ' || CAST(cardinality(a) AS VARCHAR)) "
        "ELSE a[i] END"
    ),
}


def array_distinct(node: exp.ArrayDistinct, context: TranslationContext) -> exp.Expression:
    """array_distinct(a): first-seen order, one NULL kept."""
    return exp.Anonymous(this=macro("trino_array_distinct"), expressions=[node.this])


def array_remove(node: exp.ArrayRemove, context: TranslationContext) -> exp.Expression:
    """array_remove(a, v): NULL elements stay, a NULL v gives NULL (ArrayRemoveFunction)."""
    return exp.Anonymous(this=macro("trino_array_remove"), expressions=[node.this, node.expression])


def subscript(node: exp.Bracket, context: TranslationContext) -> exp.Expression:
    """a[i] / m[k]: an error where Trino raises one; element_at (safe) keeps DuckDB's NULL."""
    if node.args.get("safe") and len(node.expressions) == 1:
        return _element_at(node)
    if node.args.get("safe") or len(node.expressions) != 1:
        return node
    if node.args.get("json_access"):
        return node
    # sqlglot stores Trino's 1-based index 0-based and adds the offset back when writing DuckDB.
    index = _one_based_index(node)
    return exp.Anonymous(this=macro("trino_subscript"), expressions=[node.this, index])


def _element_at(node: exp.Bracket) -> exp.Expression:
    """element_at(array, 0) fails as Trino's (ArrayElementAtFunction: "SQL array indices start at
    1"; out-of-range indexes give NULL); DuckDB answered NULL. A map's key 0 is looked up."""
    index = node.expressions[0]
    if isinstance(index, exp.Literal) and index.is_int and int(index.this) != 0:
        return node
    zero_on_array = fill(
        "typeof({a}) NOT LIKE 'MAP(%' AND TRY_CAST({i} AS BIGINT) = 0", a=node.this, i=_one_based_index(node)
    )
    refused = exp.Anonymous(this="error", expressions=[exp.Literal.string("SQL array indices start at 1")])
    return exp.Case(ifs=[exp.If(this=zero_on_array, true=refused)], default=node)


def _one_based_index(node: exp.Bracket) -> exp.Expression:
    # What sqlglot's DuckDB generator writes inside a[...], taken as an expression of its own.
    offset = 1 - (node.args.get("offset") or 0)
    return apply_index_offset(node.this, [node.expressions[0]], offset, dialect="duckdb")[0]


def sequence(node: exp.GenerateSeries, *, is_date: bool) -> exp.Expression:
    """sequence(start, stop[, step]): Trino counts down when stop < start and no step is given,
    refuses more than 10,000 entries, a zero step and a step pointing away from stop."""
    start, stop, step = node.args.get("start"), node.args.get("end"), node.args.get("step")
    temporal = is_date or isinstance(step, exp.Interval)
    if step is None:
        one: exp.Expression = (
            exp.Interval(this=exp.Literal.string("1"), unit=exp.var("DAY"))
            if temporal
            else exp.Literal.number(1)
        )
        minus_one: exp.Expression = (
            exp.Interval(this=exp.Literal.string("-1"), unit=exp.var("DAY"))
            if temporal
            else exp.Literal.number(-1)
        )
        step = exp.Case(
            ifs=[exp.If(this=exp.GTE(this=stop.copy(), expression=start.copy()), true=one)], default=minus_one
        )
    name = "trino_temporal_sequence" if temporal else "trino_integer_sequence"
    return exp.Anonymous(this=macro(name), expressions=[start, stop, step])


def repeat(node: exp.Repeat, context: TranslationContext) -> exp.Expression:
    """repeat(element, count): an array of `count` copies, at most 10,000 (Trino docs, RepeatFunction)."""
    return exp.Anonymous(this=macro("trino_repeat"), expressions=[node.this, node.args["times"]])


def _set_function(name: str) -> object:
    def rewrite(node: exp.Expression, context: TranslationContext) -> exp.Expression:
        if isinstance(node, exp.ArrayExcept):
            arguments = [node.this, node.expression]
        else:  # array_intersect and array_union keep their arguments as a list
            arguments = list(node.expressions)
        if len(arguments) != 2:
            raise TrinoError(f"Function '{name}' takes two arrays", "FUNCTION_NOT_FOUND")
        return exp.Anonymous(this=macro(f"trino_{name}"), expressions=list(arguments))

    return rewrite


array_union = _set_function("array_union")
array_except = _set_function("array_except")
array_intersect = _set_function("array_intersect")


def zip_arrays(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """zip(a, b, ...): rows of the i-th elements, padded with NULL to the longest (Trino docs)."""
    if len(node.expressions) < 2:
        raise TrinoError("Function 'zip' takes two to five arrays", "FUNCTION_NOT_FOUND")
    return exp.Anonymous(this="list_zip", expressions=list(node.expressions))


def every(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """every(b): Trino's alias of bool_and."""
    return exp.Anonymous(this="bool_and", expressions=list(node.expressions))


def histogram(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """histogram(x) -> map(K, bigint) as in Trino's docs; DuckDB counts in UBIGINT, which a client
    would see as decimal(20,0). DuckDB computes the identical aggregate once."""
    call = exp.Anonymous(this="histogram", expressions=list(node.expressions))
    return fill("map(map_keys({h}), CAST(map_values({h}) AS BIGINT[]))", h=call)


def _entry_lambda(function: exp.Expression, name: str) -> tuple[exp.Expression, str, str]:
    if not isinstance(function, exp.Lambda) or len(function.expressions) != 2:
        raise TrinoError(f"{name} takes a map and a (key, value) -> ... lambda", "FUNCTION_NOT_FOUND")
    key, value = (parameter.name for parameter in function.expressions)
    return function.this, key, value


def _over_entry(body: exp.Expression, key: str, value: str) -> exp.Expression:
    """`body` with its (key, value) parameters read from a map entry `e` (e.key, e.value)."""
    entry = exp.column("__tdlocal_entry")
    return substitute_parameters(
        body,
        {
            key: exp.Dot(this=entry, expression=exp.to_identifier("key")),
            value: exp.Dot(this=entry.copy(), expression=exp.to_identifier("value")),
        },
    )


def _entry_function(body: exp.Expression) -> exp.Lambda:
    return exp.Lambda(this=body, expressions=[exp.to_identifier("__tdlocal_entry")])


def map_filter(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """map_filter(m, (k, v) -> condition): the entries for which the condition is true."""
    m, function = node.expressions
    body, key, value = _entry_lambda(function, "map_filter")
    condition = exp.Coalesce(this=exp.Paren(this=_over_entry(body, key, value)), expressions=[exp.false()])
    entries = exp.Anonymous(
        this="list_filter",
        expressions=[exp.Anonymous(this="map_entries", expressions=[m]), _entry_function(condition)],
    )
    return exp.Anonymous(this="map_from_entries", expressions=[entries])


def _transform_map(node: exp.Anonymous, name: str, transformed: str) -> exp.Expression:
    m, function = node.expressions
    body, key, value = _entry_lambda(function, name)
    new_value = _over_entry(body, key, value)
    kept = exp.Dot(
        this=exp.column("__tdlocal_entry"),
        expression=exp.to_identifier("value" if transformed == "key" else "key"),
    )
    pair = (new_value, kept) if transformed == "key" else (kept, new_value)
    entry = exp.Anonymous(
        this="struct_pack",
        expressions=[
            exp.PropertyEQ(this=exp.to_identifier("key"), expression=pair[0]),
            exp.PropertyEQ(this=exp.to_identifier("value"), expression=pair[1]),
        ],
    )
    entries = exp.Anonymous(
        this="list_transform",
        expressions=[exp.Anonymous(this="map_entries", expressions=[m]), _entry_function(entry)],
    )
    return exp.Anonymous(this="map_from_entries", expressions=[entries])


def transform_values(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """transform_values(m, (k, v) -> new value)."""
    return _transform_map(node, "transform_values", "value")


def transform_keys(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """transform_keys(m, (k, v) -> new key); DuckDB refuses duplicate keys as Trino does."""
    return _transform_map(node, "transform_keys", "key")


def cardinality(node: exp.ArraySize, context: TranslationContext) -> exp.Expression:
    """cardinality(array or map) as a bigint (DuckDB's array_length refuses maps)."""
    return exp.Cast(
        this=exp.Anonymous(this="cardinality", expressions=[node.this]), to=exp.DataType.build("BIGINT")
    )


# Expressions that are visibly maps: UNNEST(map) yields (key, value) rows in Trino.
_MAP_FUNCTIONS = {
    "map_agg",
    "histogram",
    "split_to_map",
    "tdlocal_split_to_map",  # split_to_map as strings.split_to_map_call rewrites it
    "map_from_entries",
    "map_concat",
    "map_filter",
}


def _is_map_expression(node: exp.Expression) -> bool:
    if isinstance(node, (exp.Map, exp.VarMap, exp.MapFromEntries)):
        return True
    return isinstance(node, exp.Anonymous) and str(node.this).lower() in _MAP_FUNCTIONS


def unnest(node: exp.Unnest, context: TranslationContext) -> exp.Expression:
    """UNNEST(a, b, ...) zips arrays (padding with NULL) and UNNEST(map) yields (key, value) rows.

    Source: Trino docs, SELECT / UNNEST. DuckDB's table UNNEST takes one list, so these become a
    (lateral) subquery whose select list unnests each array; DuckDB zips the unnests of one
    select list and pads the shorter ones with NULL, as Trino does. WITH ORDINALITY numbers the
    rows from 1. Arrays of rows with one column alias per field are expanded field by field.
    """
    if not isinstance(node.parent, (exp.From, exp.Join)):
        return node
    arrays = list(node.expressions)
    alias = node.args.get("alias")
    names = [column.name for column in alias.columns] if isinstance(alias, exp.TableAlias) else []
    ordinality = node.args.get("offset")
    if len(arrays) == 1 and _is_map_expression(arrays[0]):
        source = arrays[0]
        arrays = [
            exp.Anonymous(this="map_keys", expressions=[source]),
            exp.Anonymous(this="map_values", expressions=[source.copy()]),
        ]
    elif len(arrays) == 1 and not ordinality and len(names) > 1:
        # One array of rows, one alias per row field: expand the rows' fields.
        inner = exp.select(_named(exp.Unnest(expressions=[arrays[0]]), "__tdlocal_row")).subquery()
        expanded = exp.select(exp.Unnest(expressions=[exp.column("__tdlocal_row")])).from_(inner)
        return exp.Subquery(this=expanded, alias=alias)
    elif len(arrays) == 1:
        return node
    items: list[exp.Expression] = []
    for position, array in enumerate(arrays):
        item: exp.Expression = exp.Unnest(expressions=[array])
        if position < len(names):
            item = _named(item, names[position])
        items.append(item)
    if ordinality:
        longest = (
            exp.Greatest(
                this=exp.Anonymous(this="len", expressions=[arrays[0].copy()]),
                expressions=[exp.Anonymous(this="len", expressions=[array.copy()]) for array in arrays[1:]],
            )
            if len(arrays) > 1
            else exp.Anonymous(this="len", expressions=[arrays[0].copy()])
        )
        numbers = exp.Anonymous(
            this="range",
            expressions=[exp.Literal.number(1), exp.Add(this=longest, expression=exp.Literal.number(1))],
        )
        # sqlglot keeps the ordinality column's alias in `offset` (True when it has none).
        ordinal_name = ordinality.name if isinstance(ordinality, exp.Identifier) else "ordinality"
        items.append(_named(exp.Unnest(expressions=[numbers]), ordinal_name))
    table_name = (
        alias.this if isinstance(alias, exp.TableAlias) and alias.this else exp.to_identifier("_unnest")
    )
    return exp.Subquery(this=exp.select(*items), alias=exp.TableAlias(this=table_name))


def _named(item: exp.Expression, name: str) -> exp.Alias:
    # exp.alias_ would set an UNNEST's own table alias instead of naming the select item.
    return exp.Alias(this=item, alias=exp.to_identifier(name, quoted=True))


# Trino's ArraysOverlapFunction: false when either array is empty; true on a common non-null
# element; else NULL when either array holds a NULL, false otherwise. DuckDB's list_has_any
# ignores NULLs, and list_count counts the non-null elements.
MACROS["trino_arrays_overlap"] = (
    "(x, y) AS CASE WHEN x IS NULL OR y IS NULL THEN NULL "
    "WHEN len(x) = 0 OR len(y) = 0 THEN false "
    "WHEN list_has_any(x, y) THEN true "
    "WHEN list_count(x) < len(x) OR list_count(y) < len(y) THEN NULL ELSE false END"
)


def arrays_overlap(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """arrays_overlap(x, y) -> boolean with Trino's NULL answers (Trino docs, Array functions:
    "Returns null if there are no non-null elements in common but either array contains null")."""
    if len(node.expressions) != 2:
        raise TrinoError("Function 'arrays_overlap' takes two arrays", "FUNCTION_NOT_FOUND")
    return exp.Anonymous(this=macro("trino_arrays_overlap"), expressions=list(node.expressions))


ANONYMOUS_FIXES = {"arrays_overlap": arrays_overlap}


# --- all_match, any_match, none_match, zip_with, ngrams --------------------------------------------

# Trino's three-valued answers over the predicate's values t (docs, Array functions): all_match
# is false on any false, else NULL on any NULL, else true (also for an empty array); any_match
# true on any true, else NULL on any NULL, else false; none_match false on any true, else NULL
# on any NULL, else true. list_count counts the non-NULL values.
MACROS.update(
    {
        "trino_all_match": (
            "(t) AS CASE WHEN t IS NULL THEN NULL WHEN len(list_filter(t, lambda v: NOT v)) > 0 THEN false "
            "WHEN list_count(t) < len(t) THEN NULL ELSE true END"
        ),
        "trino_any_match": (
            "(t) AS CASE WHEN t IS NULL THEN NULL WHEN len(list_filter(t, lambda v: v)) > 0 THEN true "
            "WHEN list_count(t) < len(t) THEN NULL ELSE false END"
        ),
        "trino_none_match": (
            "(t) AS CASE WHEN t IS NULL THEN NULL WHEN len(list_filter(t, lambda v: v)) > 0 THEN false "
            "WHEN list_count(t) < len(t) THEN NULL ELSE true END"
        ),
        # ngrams(array, n): the windows of n adjacent elements; the array itself when n exceeds
        # its length (Trino docs: ngrams(ARRAY['foo', 'bar', 'baz', 'foo'], 5) is [['foo', 'bar',
        # 'baz', 'foo']]); n must be positive (ArrayNgramsFunction).
        "trino_ngrams": (
            "(a, n) AS CASE WHEN n <= 0 THEN error('N must be positive') "
            "WHEN n >= len(a) THEN [a] "
            "ELSE list_transform(range(1, len(a) - n + 2), lambda i: a[i:i + n - 1]) END"
        ),
    }
)


def _match(name: str):
    def rewrite(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
        if len(node.expressions) != 2 or not isinstance(node.expressions[1], exp.Lambda):
            raise TrinoError(
                f"Function '{name}' takes an array and a predicate (x -> ...)", "FUNCTION_NOT_FOUND"
            )
        array, predicate = node.expressions
        values = exp.Anonymous(this="list_transform", expressions=[array, predicate])
        return exp.Anonymous(this=macro(f"trino_{name}"), expressions=[values])

    return rewrite


def substitute_parameters(body: exp.Expression, values: dict[str, exp.Expression]) -> exp.Expression:
    """`body` (a lambda's) with each bare parameter name (an identifier, or a column without a
    table) replaced by a parenthesised copy of its expression; `body` itself is left unchanged."""
    body = body.copy()
    for identifier in list(body.find_all(exp.Identifier)):
        value = values.get(identifier.name)
        if value is None:
            continue
        target = identifier.parent if isinstance(identifier.parent, exp.Column) else identifier
        if isinstance(target, exp.Column) and target.table:
            continue
        target.replace(exp.Paren(this=value.copy()))
    return body


def zip_with(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """zip_with(a, b, (x, y) -> ...): the function of the i-th elements, the shorter array padded
    with NULL (Trino docs, Array functions)."""
    if len(node.expressions) != 3 or not isinstance(node.expressions[2], exp.Lambda):
        raise TrinoError(
            "Function 'zip_with' takes two arrays and a (x, y) -> ... lambda", "FUNCTION_NOT_FOUND"
        )
    left, right, function = node.expressions
    if len(function.expressions) != 2:
        raise TrinoError("zip_with's lambda takes two parameters (x, y)", "FUNCTION_NOT_FOUND")
    index = exp.column("__tdlocal_i")
    x, y = (parameter.name for parameter in function.expressions)
    body = substitute_parameters(
        function.this,
        {
            x: exp.Bracket(this=left, expressions=[index], offset=1),
            y: exp.Bracket(this=right, expressions=[index], offset=1),
        },
    )
    positions = fill("range(1, greatest(len({a}), len({b})) + 1)", a=left, b=right)
    return exp.Anonymous(
        this="list_transform",
        expressions=[positions, exp.Lambda(this=body, expressions=[exp.to_identifier("__tdlocal_i")])],
    )


def ngrams(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """ngrams(array, n) -> array(array)."""
    if len(node.expressions) != 2:
        raise TrinoError("Function 'ngrams' takes (array, n)", "FUNCTION_NOT_FOUND")
    return exp.Anonymous(this=macro("trino_ngrams"), expressions=list(node.expressions))


ANONYMOUS_FIXES.update(
    {
        "all_match": _match("all_match"),
        "any_match": _match("any_match"),
        "none_match": _match("none_match"),
        "zip_with": zip_with,
        "ngrams": ngrams,
    }
)


# --- functions DuckDB runs with other answers: array_position, array_max/min, contains, slice -------
#
# Sources: Trino docs, Array functions (array_position "returns 0 if not found", slice(x, start,
# length) "negative start from the end"), and Trino's ArrayPositionFunction, ArrayMinMaxUtils
# (NULL when an element is NULL), ArrayContains (NULL when not found and the array holds a NULL)
# and ArraySliceFunction (its errors). DuckDB answered NULL, skipped NULLs, answered false, and
# read slice's third argument as an end index.
MACROS.update(
    {
        "trino_array_position": (
            "(a, x) AS CASE WHEN a IS NULL OR x IS NULL THEN NULL "
            "ELSE CAST(coalesce(list_position(a, x), 0) AS BIGINT) END"
        ),
        "trino_array_max": "(a) AS CASE WHEN list_count(a) < len(a) THEN NULL ELSE list_max(a) END",
        "trino_array_min": "(a) AS CASE WHEN list_count(a) < len(a) THEN NULL ELSE list_min(a) END",
        "trino_contains": (
            "(a, x) AS CASE WHEN a IS NULL OR x IS NULL THEN NULL WHEN list_contains(a, x) THEN true "
            "WHEN list_count(a) < len(a) THEN NULL ELSE false END"
        ),
        # The 1-based start of slice(a, start, length), counted from the end when negative.
        "slice_start": "(a, s) AS CASE WHEN s < 0 THEN len(a) + s + 1 ELSE s END",
        "trino_slice": (
            "(a, s, n) AS CASE WHEN n < 0 THEN error('length must be greater than or equal to 0') "
            "WHEN s = 0 THEN error('SQL array indices start at 1') "
            "WHEN tdlocal.main.slice_start(a, s) < 1 OR tdlocal.main.slice_start(a, s) > len(a) THEN a[1:0] "
            "ELSE list_slice(a, tdlocal.main.slice_start(a, s), "
            "least(tdlocal.main.slice_start(a, s) + n - 1, len(a))) END"
        ),
    }
)


def _macro_call(name: str, *arguments: exp.Expression | None) -> exp.Expression:
    return exp.Anonymous(
        this=macro(name), expressions=[argument for argument in arguments if argument is not None]
    )


def array_position(node: exp.ArrayPosition, context: TranslationContext) -> exp.Expression:
    """array_position(a, x) -> bigint, 0 when x is not in a."""
    return _macro_call("trino_array_position", node.this, node.expression)


def array_max(node: exp.ArrayMax, context: TranslationContext) -> exp.Expression:
    """array_max(a): NULL when an element is NULL."""
    return _macro_call("trino_array_max", node.this)


def array_min(node: exp.ArrayMin, context: TranslationContext) -> exp.Expression:
    """array_min(a): NULL when an element is NULL."""
    return _macro_call("trino_array_min", node.this)


def contains(node: exp.ArrayContains, context: TranslationContext) -> exp.Expression:
    """contains(a, x): NULL when x is not found and a holds a NULL."""
    return _macro_call("trino_contains", node.this, node.expression)


def array_slice(node: exp.ArraySlice, context: TranslationContext) -> exp.Expression:
    """slice(a, start, length) (sqlglot keeps `length` as `end`)."""
    if node.args.get("start") is None or node.args.get("end") is None or node.args.get("step") is not None:
        raise TrinoError("Function 'slice' takes (array, start, length)", "FUNCTION_NOT_FOUND")
    return _macro_call("trino_slice", node.this, node.args["start"], node.args["end"])
