"""DuckDB SQL snippets with `{name}` holes, filled with sqlglot expressions.

Rewrites read better as SQL than as nested constructor calls: `fill("strftime({t}, '%Y')",
t=node)` parses the snippet once (cached) and puts a copy of `node` in each hole.

A hole is `{name}` with `name` an identifier (a letter or `_` first) outside any quoted string
or identifier: a regex literal such as `'\\d{4}'` keeps its braces. (Holes used to be any
`{word}`, so `{4}` in TD_TIME_PARSE's regex became a hole and its SQL path never matched.)
"""

from __future__ import annotations

import re
from functools import lru_cache

import sqlglot
from sqlglot import exp

# A quoted string or identifier (kept as it is), or a hole.
_QUOTED_OR_HOLE = re.compile(r"'[^']*(?:''[^']*)*'|\"[^\"]*(?:\"\"[^\"]*)*\"|\{([A-Za-z_]\w*)\}")
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
    text = _QUOTED_OR_HOLE.sub(_hole_name, template)
    return sqlglot.parse_one(text, read="duckdb")


def holes(template: str) -> list[str]:
    """The hole names in `template`, in order (quoted text is never a hole)."""
    return [match.group(1) for match in _QUOTED_OR_HOLE.finditer(template) if match.group(1)]


def _hole_name(match: re.Match[str]) -> str:
    return f"{_HOLE_PREFIX}{match.group(1)}" if match.group(1) else match.group(0)
