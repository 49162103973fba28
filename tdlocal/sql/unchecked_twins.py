"""Macro calls under a window spec or TRY go to twins without error() branches.

tdlocal raises Trino's errors from SQL with DuckDB's error() (a map key not present, a value too
long for varchar(n), a sum beyond bigint, a unit the value's type lacks, ...). error() is
volatile, and DuckDB refuses a volatile expression in a window's PARTITION BY / ORDER BY
("PARTITION BY window expressions cannot be volatile") and inside TRY ("TRY can not be used in
combination with a volatile function"), so `row_number() OVER (PARTITION BY CAST(x AS varchar))`,
`rank() OVER (ORDER BY sum(x))` or `TRY(element_at(a, i))` failed where Trino 423 answers: all are
deterministic expressions in Trino. A non-volatile way to raise does not exist in DuckDB 2.0: a
failing cast or a pure UDF is constant-folded, and raises, even in a CASE branch never taken.

So every macro whose body raises (directly or through another macro) gets a twin, `<name>_unchecked`,
whose error() calls are NULL; after translation, calls inside a window spec or TRY are pointed at
the twins, and bare error() calls there become NULL. Under TRY the twin is exact: Trino's TRY
answers NULL for the errors these checks raise (INVALID_FUNCTION_ARGUMENT, INVALID_CAST_ARGUMENT,
NUMERIC_VALUE_OUT_OF_RANGE; Trino docs, TRY). In a window spec a value Trino would fail on is
NULL instead (it then only decides which partition or position a row takes); the same expression
anywhere else still fails as Trino's.
"""

from __future__ import annotations

import re

from sqlglot import exp

from tdlocal.sql.function_library import FUNCTION_CATALOG

SUFFIX = "_unchecked"
_PREFIX = f"{FUNCTION_CATALOG}.main."
_ERROR_CALL = re.compile(r"\berror\s*\(", re.IGNORECASE)


def _without_errors(body: str) -> str:
    """`body` with each error(...) call (parentheses balanced, quoted text skipped) as NULL."""
    out: list[str] = []
    position = 0
    while True:
        found = _ERROR_CALL.search(body, position)
        while found is not None and _inside_quotes(body, found.start()):
            found = _ERROR_CALL.search(body, found.end())
        if found is None:
            out.append(body[position:])
            return "".join(out)
        out.append(body[position : found.start()])
        out.append("NULL")
        position = _after_closing_parenthesis(body, found.end())


def _inside_quotes(text: str, index: int) -> bool:
    return text.count("'", 0, index) % 2 == 1


def _after_closing_parenthesis(text: str, start: int) -> int:
    depth, index, quoted = 1, start, False
    while depth:
        character = text[index]
        if character == "'":
            quoted = not quoted
        elif not quoted and character == "(":
            depth += 1
        elif not quoted and character == ")":
            depth -= 1
        index += 1
    return index


def twins(macros: dict[str, str]) -> dict[str, str]:
    """`macros` (name -> `(params) AS body`, in creation order) with a twin after each macro that
    raises directly or through another: error() calls NULL, calls of raising macros their twins."""
    raising: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, definition in macros.items():
            if name in raising:
                continue
            if _ERROR_CALL.search(definition) or any(f"{_PREFIX}{other}(" in definition for other in raising):
                raising.add(name)
                changed = True
    result: dict[str, str] = {}
    for name, definition in macros.items():
        result[name] = definition
        if name in raising:
            twin = _without_errors(definition)
            for other in raising:
                twin = twin.replace(f"{_PREFIX}{other}(", f"{_PREFIX}{other}{SUFFIX}(")
            result[name + SUFFIX] = twin
    return result


def use_twins(tree: exp.Expression, raising: frozenset[str]) -> exp.Expression:
    """Point the calls inside window specs and TRY at the twins (`raising`: the macro names, bare,
    that have one); returns the tree."""
    scopes: list[exp.Expression] = []
    for window in tree.find_all(exp.Window):
        scopes.extend(window.args.get("partition_by") or [])
        if window.args.get("order") is not None:
            scopes.append(window.args["order"])
    scopes.extend(tree.find_all(exp.Try))
    for scope in scopes:
        for call in list(scope.find_all(exp.Anonymous)):
            name = call.name
            if name.lower() == "error":
                call.replace(exp.Null())
            elif name.startswith(_PREFIX) and name[len(_PREFIX) :] in raising:
                call.set("this", name + SUFFIX)
    return tree
