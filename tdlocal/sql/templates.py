"""DuckDB SQL snippets with `{name}` holes, filled with sqlglot expressions.

Rewrites read better as SQL than as nested constructor calls: `fill("strftime({t}, '%Y')",
t=node)` parses the snippet once (cached) and puts a copy of `node` in each hole.
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

_HOLE = re.compile(r"\{(\w+)\}")
_HOLE_PREFIX = "__tdlocal_hole_"


def fill(template: str, **values: exp.Expression) -> exp.Expression:
    """The expression `template` (DuckDB SQL) with each {name} replaced by a copy of values[name]."""
    tree = _parse(template).copy()
    if isinstance(tree, exp.Column) and tree.name.startswith(_HOLE_PREFIX):
        return values[tree.name[len(_HOLE_PREFIX) :]].copy()
    for column in list(tree.find_all(exp.Column)):
        if column.name.startswith(_HOLE_PREFIX) and not column.table:
            column.replace(values[column.name[len(_HOLE_PREFIX) :]].copy())
    return tree


@lru_cache(maxsize=512)
def _parse(template: str) -> exp.Expression:
    text = _HOLE.sub(lambda match: f"{_HOLE_PREFIX}{match.group(1)}", template)
    return sqlglot.parse_one(text, read="duckdb")
