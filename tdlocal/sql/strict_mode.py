"""Strict TD mode: reject what TD's hosted Trino (423, TD connector) rejects, with TD's words.

A green local run should mean the same SQL will run on TD. Lenient mode (`tdlocal serve
--lenient`, `Engine(strict=False)` in Python) accepts these statements, for dbt-trino's stock macros and for experiments.

Decisions where TD's behaviour is unconfirmed:
- ALTER TABLE ... RENAME TO is allowed: dbt-trino's default on_table_exists='rename' needs it
  and nothing shows TD rejecting it.
- CREATE SCHEMA is allowed: TD databases normally exist already, but a local data dir has to
  get them from somewhere.
- Other rejections (system.metadata, the `time` column TD adds) live where they are applied:
  metadata.py and statements.py.
"""

from __future__ import annotations

from functools import cache

import duckdb
from sqlglot import exp
from sqlglot.dialects.trino import Trino
from sqlglot.tokens import Token, TokenType

from tdlocal.errors import TrinoError
from tdlocal.sql import trino_grammar
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.trino_functions import is_known_function

# Users meet these errors through dbt or a Trino client, so the hint names the command that starts
# a lenient server, not the Python API (`Engine(strict=False)`) behind it.
STRICT_HINT = (
    " (tdlocal's strict TD mode, as on TD; a server started with `tdlocal serve --lenient` accepts it)"
)


def check(tree: exp.Expression, context: TranslationContext) -> None:
    """Raise the error TD would give for `tree`, when strict mode is on."""
    if not context.strict:
        return
    if isinstance(tree, exp.Create):
        _check_create(tree)
    elif isinstance(tree, exp.Delete) and tree.args.get("where") is None:
        raise TrinoError(
            "Does not support DELETE statement without WHERE condition: bound it, e.g. "
            "WHERE TD_INTERVAL(time, '-1d', 'JST')" + STRICT_HINT,
            "NOT_SUPPORTED",
        )
    elif isinstance(tree, exp.Merge):
        raise TrinoError(
            "This connector does not support merges: use the delete+insert incremental strategy"
            + STRICT_HINT,
            "NOT_SUPPORTED",
        )
    elif isinstance(tree, exp.Update):
        raise TrinoError(
            "This connector does not support updates: rebuild the rows with DELETE and INSERT" + STRICT_HINT,
            "NOT_SUPPORTED",
        )
    elif isinstance(tree, exp.Comment):
        kind = (tree.args.get("kind") or "TABLE").lower()
        raise TrinoError(
            f"This connector does not support setting {kind} comments: turn off persist_docs" + STRICT_HINT,
            "NOT_SUPPORTED",
        )


def _check_create(tree: exp.Create) -> None:
    kind = (tree.args.get("kind") or "").upper()
    if kind == "VIEW":
        raise TrinoError(
            "This connector does not support creating views: materialize the model as a table "
            "(and keep views_enabled: false)" + STRICT_HINT,
            "NOT_SUPPORTED",
        )
    if kind == "TABLE" and tree.args.get("replace"):
        raise TrinoError(
            "line 1:19: mismatched input 'TABLE'. Expecting: 'FUNCTION', 'MATERIALIZED', 'VIEW': "
            "CREATE OR REPLACE TABLE arrived in Trino 431 and TD runs Trino 423. Drop the table "
            "first (dbt-trino: on_table_exists='drop')" + STRICT_HINT,
            "SYNTAX_ERROR",
        )
    properties = tree.args.get("properties")
    if (
        kind == "TABLE"
        and properties is not None
        and any(isinstance(prop, exp.SchemaCommentProperty) for prop in properties.expressions)
    ):
        raise TrinoError(
            "This connector does not support setting table comments: turn off persist_docs" + STRICT_HINT,
            "NOT_SUPPORTED",
        )


# --- DuckDB-only functions and syntax ---------------------------------------------------------------
#
# sqlglot's Trino parser is forgiving: it reads `x::int`, `[1, 2]`, `{'a': 1}`, ILIKE, `* EXCLUDE`,
# FROM-first queries and any function name, and DuckDB then runs them, so a model could pass
# locally and fail on TD. Strict mode reads the statement's tokens (what was written, before
# sqlglot maps `ifnull` to coalesce or `len` to length) and refuses them as Trino's parser and
# function resolver do.

_TRINO = Trino()
# Tokens Trino's grammar has no place for, with what Trino expects instead.
_FOREIGN_TOKENS = {
    TokenType.DCOLON: "CAST(x AS type)",
    TokenType.ILIKE: "lower(x) LIKE pattern",
    TokenType.L_BRACE: "ROW(...) or MAP(...)",
    TokenType.HEREDOC_STRING: "a 'quoted' string",
    TokenType.QUALIFY: "a subquery filtering a window function's result",
    TokenType.PIVOT: "CASE expressions with GROUP BY",
    TokenType.UNPIVOT: "UNNEST",
}
# A `[` that starts a list literal follows none of these (a subscript or ARRAY[...] does).
_BEFORE_SUBSCRIPT = {
    TokenType.VAR,
    TokenType.R_PAREN,
    TokenType.R_BRACKET,
    TokenType.ARRAY,
    TokenType.IDENTIFIER,
}
# Keywords that name functions in DuckDB but are reserved words in Trino.
_KEYWORD_CALLS = {TokenType.LEFT, TokenType.RIGHT}


def check_syntax(sql: str, tree: exp.Expression, context: TranslationContext) -> None:
    """Strict mode: refuse DuckDB-only syntax and functions Trino 423 and TD do not have.

    Errors are Trino's: `line L:C: mismatched input '::'` (SYNTAX_ERROR) and
    `line L:C: Function 'list_value' not registered` (FUNCTION_NOT_FOUND). The allowlist and its
    source are in trino_functions.py.
    """
    if not context.strict:
        return
    tokens = _TRINO.tokenize(sql)
    trino_grammar.check(tokens, tree, STRICT_HINT)
    relation_names = _relation_names(tree)
    previous: Token | None = None
    for index, token in enumerate(tokens):
        following = tokens[index + 1] if index + 1 < len(tokens) else None
        _check_token(token, previous, following, relation_names, index)
        previous = token


def _check_token(
    token: Token, previous: Token | None, following: Token | None, relation_names: set[str], index: int
) -> None:
    kind = token.token_type
    if kind in _FOREIGN_TOKENS:
        _refuse_syntax(token, f"use {_FOREIGN_TOKENS[kind]}")
    if kind == TokenType.L_BRACKET and (previous is None or previous.token_type not in _BEFORE_SUBSCRIPT):
        _refuse_syntax(token, "use ARRAY[...]")
    if kind == TokenType.FROM and index == 0:
        _refuse_syntax(token, "start the query with SELECT")
    if (
        previous is not None
        and previous.token_type == TokenType.STAR
        and (kind in (TokenType.EXCEPT, TokenType.REPLACE) or token.text.upper() == "EXCLUDE")
    ):
        _refuse_syntax(token, "list the columns to keep")
    if following is None or following.token_type != TokenType.L_PAREN:
        return
    if previous is not None and previous.token_type == TokenType.DOT:
        return  # a qualified name: a column or table, not a function Trino would resolve
    if previous is not None and previous.text.upper() == "WITHIN" and token.text.upper() == "GROUP":
        return  # listagg(...) WITHIN GROUP (ORDER BY ...): Trino syntax, not a call of `group`
    if previous is not None and previous.token_type == TokenType.TABLE_SAMPLE:
        return  # TABLESAMPLE BERNOULLI (p): a sample type, checked by trino_grammar
    if kind in _KEYWORD_CALLS:
        _refuse_syntax(token, "use substr(...)")
    if (
        kind == TokenType.VAR
        and token.text.lower() not in relation_names
        and not is_known_function(token.text)
    ):
        line, column = _position(token)
        name = token.text.lower()
        # Only a name DuckDB really has is called DuckDB's; any other is Trino's plain message.
        origin = (
            ": it is DuckDB's, not Trino 423's or TD's" + STRICT_HINT if name in _duckdb_functions() else ""
        )
        raise TrinoError(
            f"line {line}:{column}: Function '{name}' not registered{origin}",
            "FUNCTION_NOT_FOUND",
            line=line,
            column=column,
        )


@cache
def _duckdb_functions() -> frozenset[str]:
    """Names of DuckDB's built-in functions and macros (lowercase), read once from DuckDB itself."""
    with duckdb.connect() as connection:
        rows = connection.execute("SELECT DISTINCT lower(function_name) FROM duckdb_functions()").fetchall()
    return frozenset(row[0] for row in rows)


def _relation_names(tree: exp.Expression) -> set[str]:
    """Names that may stand before `(` without being calls: tables, CTEs, aliases with columns."""
    names: set[str] = set()
    for node in tree.find_all(exp.Table, exp.TableAlias, exp.CTE, exp.Schema):
        name = node.alias_or_name if isinstance(node, exp.CTE) else node.name
        if name:
            names.add(name.lower())
    return names


_position = trino_grammar.token_position


def _refuse_syntax(token: Token, advice: str) -> None:
    line, column = _position(token)
    raise TrinoError(
        f"line {line}:{column}: mismatched input '{token.text}': DuckDB-only syntax that Trino 423 "
        f"does not read; {advice}" + STRICT_HINT,
        "SYNTAX_ERROR",
        line=line,
        column=column,
    )
