"""Select-list aliases outside ORDER BY: Trino cannot see them; DuckDB can.

Trino's StatementAnalyzer.visitQuerySpecification analyzes WHERE, GROUP BY and HAVING in the
FROM clause's scope (`analyzeWhere(node, sourceScope, ...)`, `analyzeGroupBy(node, sourceScope,
outputExpressions)` where the output expressions serve only GROUP BY ordinals, `analyzeHaving(node,
sourceScope)`); only ORDER BY's scope holds the select list's names. So
`SELECT x + 1 AS y FROM t WHERE y > 0` fails on TD with COLUMN_NOT_FOUND `line 1:32: Column 'y'
cannot be resolved`, while DuckDB, which falls back to aliases, answers it; so does
`SELECT 1 AS a, a + 1 AS b` (analyzeSelect reads the select list in the FROM scope as well).

A name is refused only when it is a select alias and no relation of its FROM clause has such a
column (a real column of the same name is what Trino reads, and so does DuckDB, which prefers
columns). Whether a FROM clause has the column is asked of DuckDB itself, at run time, with a
`SELECT name FROM <the same FROM> LIMIT 0` probe: tables change between statements, and the FROM
may hold CTEs, subqueries and UNNEST. A SELECT nested in an expression (a possibly correlated
subquery) is not checked, nor is one whose FROM uses a CTE defined inside a nested WITH.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlglot import exp

from tdlocal.errors import TrinoError

_CLAUSES = ("where", "group", "having")


@dataclass(frozen=True)
class ColumnProbe:
    """A query that binds only if `error`'s column exists: run it before the statement."""

    query: exp.Select  # Trino-dialect tree; the planner translates it for DuckDB
    error: TrinoError


def alias_probes(tree: exp.Expression) -> list[ColumnProbe]:
    """Probes for names in WHERE / GROUP BY / HAVING / the select list that may only be aliases.

    Raises COLUMN_NOT_FOUND at once for a SELECT with no FROM clause (nothing but the alias could
    be meant). Returns [] for the usual statement, which references no alias outside ORDER BY.
    """
    probes: list[ColumnProbe] = []
    root_with = tree.args.get("with_") or tree.args.get("with")
    for select in tree.find_all(exp.Select):
        if _in_expression_subquery(select):
            continue
        references = _alias_references(select)
        if not references:
            continue
        errors = [_column_not_found(column) for column in references]
        source = select.args.get("from_") or select.args.get("from")
        if source is None:
            raise errors[0]
        probe = exp.Select(expressions=[exp.column(column.name, quoted=True) for column in references])
        probe.set("from_", source.copy())
        probe.set("joins", [join.copy() for join in select.args.get("joins") or []])
        probe.set("limit", exp.Limit(expression=exp.Literal.number(0)))
        if root_with is not None:
            probe.set("with_", root_with.copy())
        # One probe per name, so the error names the one that is missing.
        for column, error in zip(references, errors, strict=True):
            single = probe.copy()
            single.set("expressions", [exp.column(column.name, quoted=True)])
            probes.append(ColumnProbe(single, error))
    return probes


def _alias_references(select: exp.Select) -> list[exp.Column]:
    """Unqualified names in WHERE / GROUP BY / HAVING, or in another select item, that are aliases.

    DuckDB also resolves an alias in a later select item (`SELECT 1 AS a, a + 1 AS b`); Trino's
    analyzeSelect reads the select list in the FROM scope too.
    """
    aliases = {
        item.alias.lower(): position
        for position, item in enumerate(select.expressions)
        if isinstance(item, exp.Alias) and item.alias and not _aliases_itself(item)
    }
    if not aliases:
        return []
    scopes: list[tuple[exp.Expression, int | None]] = [
        (node, None) for node in (select.args.get(clause) for clause in _CLAUSES) if node is not None
    ]
    scopes += [(item, position) for position, item in enumerate(select.expressions)]
    found: dict[str, exp.Column] = {}
    for node, position in scopes:
        for column in node.find_all(exp.Column):
            name = column.name.lower()
            if (
                column.table
                or aliases.get(name, position) == position  # not an alias, or the item's own name
                or name in found
                or _nearest_select(column) is not select
                or _is_lambda_parameter(column)
            ):
                continue
            found[name] = column
    return list(found.values())


def _aliases_itself(item: exp.Alias) -> bool:
    """`x AS x` (or `t.x AS x`): the alias is a column's own name, which WHERE can read."""
    return isinstance(item.this, exp.Column) and item.this.name.lower() == item.alias.lower()


def _nearest_select(node: exp.Expression) -> exp.Expression | None:
    parent = node.parent
    while parent is not None and not isinstance(parent, exp.Select):
        parent = parent.parent
    return parent


def _is_lambda_parameter(column: exp.Column) -> bool:
    parent = column.parent
    while parent is not None:
        if isinstance(parent, exp.Lambda) and any(
            parameter.name.lower() == column.name.lower() for parameter in parent.expressions
        ):
            return True
        parent = parent.parent
    return False


def _in_expression_subquery(select: exp.Select) -> bool:
    """True for a SELECT that is part of an expression or LATERAL (may read outer columns)."""
    node: exp.Expression = select
    while node.parent is not None:
        parent = node.parent
        if isinstance(parent, exp.Lateral):
            return True
        if isinstance(parent, exp.Select) and node.arg_key not in ("from_", "from", "joins", "with_", "with"):
            return True
        node = parent
    return False


def _column_not_found(column: exp.Column) -> TrinoError:
    meta = column.this.meta if isinstance(column.this, exp.Identifier) else {}
    line = meta.get("line")
    end = meta.get("col")
    name = column.name
    if line is None or end is None:
        return TrinoError(f"Column '{name}' cannot be resolved{_ADVICE}", "COLUMN_NOT_FOUND")
    # sqlglot records where the identifier ends; Trino reports where it starts.
    start = max(1, end - len(name) + 1 - (2 if column.this.quoted else 0))
    return TrinoError(
        f"line {line}:{start}: Column '{name}' cannot be resolved{_ADVICE}",
        "COLUMN_NOT_FOUND",
        line=line,
        column=start,
    )


_ADVICE = (
    ": it is a select-list alias, which Trino reads only in ORDER BY; repeat the expression, "
    "or use the GROUP BY ordinal (tdlocal's strict TD mode, as on TD)"
)
