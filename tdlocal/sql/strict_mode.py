"""Strict TD mode: reject what TD's hosted Trino (423, TD connector) rejects, with TD's words.

A green local run should mean the same SQL will run on TD. Lenient mode (Engine(strict=False))
accepts these statements, for dbt-trino's stock macros and for experiments.

Decisions where TD's behaviour is unconfirmed:
- ALTER TABLE ... RENAME TO is allowed: dbt-trino's default on_table_exists='rename' needs it
  and nothing shows TD rejecting it.
- CREATE SCHEMA is allowed: TD databases normally exist already, but a local data dir has to
  get them from somewhere.
- Other rejections (system.metadata, the `time` column TD adds) live where they are applied:
  metadata.py and statements.py.
"""

from __future__ import annotations

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext

STRICT_HINT = " (strict TD mode; Engine(strict=False) / lenient mode allows it)"


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
