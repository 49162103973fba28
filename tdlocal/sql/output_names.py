"""Trino's names for result columns: unaliased expressions are `_col<position>`.

Trino names a select item after its alias, or after the column it reads as written (`t.A` ->
`A`); every other item has no name and the client sees `_col<N>`, N being its position in the
final output (after `*` expansion). DuckDB would call it `(a + 1)`, and would name a column
after the table's spelling. Unnamed items get a marker alias here; the engine renames marked
result columns by position once it knows the expanded column list.
"""

from __future__ import annotations

import itertools

from sqlglot import exp

UNNAMED_MARKER = "__tdlocal_unnamed_"
#: Set in a node's meta by rewrites that turn an unnamed expression into a column reference.
UNNAMED_META = "tdlocal_unnamed"


def name_select_items(tree: exp.Expression) -> None:
    """Alias unnamed select items with a unique marker, and columns with their written name."""
    counter = itertools.count()
    for select in tree.find_all(exp.Select):
        items = [_unparenthesized(item) for item in select.expressions]
        for index, item in enumerate(items):
            if _has_name(item) and isinstance(item, exp.Column) and isinstance(item.this, exp.Identifier):
                if item.name != item.name.lower():
                    items[index] = exp.alias_(item, item.name, quoted=True)
            elif not _has_name(item):
                items[index] = exp.alias_(item, f"{UNNAMED_MARKER}{next(counter)}", quoted=True)
        select.set("expressions", items)


def output_name(name: str, position: int) -> str:
    """The Trino name of the result column DuckDB calls `name` at `position` (0-based)."""
    return f"_col{position}" if name.startswith(UNNAMED_MARKER) else name


def unnamed_positions(select: exp.Select) -> list[int]:
    """Positions of select items that have no Trino name (stars excluded)."""
    return [index for index, item in enumerate(select.expressions) if not _has_name(item)]


def _unparenthesized(item: exp.Expression) -> exp.Expression:
    """`(a)` as `a`: Trino's parser keeps no parentheses, so `SELECT DISTINCT(symbol)` names its
    column `symbol` (a CTAS of it has a column `symbol`)."""
    inner = item
    while isinstance(inner, exp.Paren):
        inner = inner.this
    return inner if isinstance(inner, (exp.Column, exp.Dot)) else item


def _has_name(item: exp.Expression) -> bool:
    item = _unparenthesized(item)
    if item.meta.get(UNNAMED_META):
        return False
    # A Column covers `a`, `t.a` and `t.*`; a Dot covers row field access such as `t.r.f`.
    return isinstance(item, (exp.Alias, exp.Star, exp.Column, exp.Dot))
