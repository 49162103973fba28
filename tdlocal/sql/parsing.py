"""Trino SQL text to one sqlglot tree, with parse failures reported as Trino SYNTAX_ERRORs."""

from __future__ import annotations

import logging
import re

import sqlglot
from sqlglot import exp
from sqlglot.dialects.trino import Trino
from sqlglot.errors import ParseError, TokenError

from tdlocal.errors import TrinoError

# sqlglot logs a warning when it falls back to a generic Command; we detect those trees ourselves.
logging.getLogger("sqlglot").setLevel(logging.ERROR)

# Where a date_format / date_parse node keeps its format as written (see TrinoKeepingFormats).
TRINO_FORMAT_META = "tdlocal_trino_format"


def _keeping_format(builder):
    def build(args, dialect):
        node = builder(args, dialect)
        if len(args) > 1 and isinstance(args[1], exp.Literal) and args[1].is_string:
            node.meta[TRINO_FORMAT_META] = args[1].this
        return node

    build.keeps_trino_format = True
    return build


def _keep_date_formats() -> None:
    """Make sqlglot's Trino parser keep date_format's and date_parse's format string as written.

    sqlglot rewrites it into strftime letters, which cannot be read back (Trino's `%u` is refused,
    strftime's is the ISO day; Trino's `%A` is a literal A); tdlocal.sql.mysql_date_formats reads
    the original. sqlglot's parser classes are compiled and cannot be subclassed, so the builders
    in its function table are wrapped (once), which only adds a meta entry to the node.
    """
    functions = Trino.Parser.FUNCTIONS
    for name in ("DATE_FORMAT", "DATE_PARSE"):
        if not getattr(functions[name], "keeps_trino_format", False):
            functions[name] = _keeping_format(functions[name])


_keep_date_formats()

# Where a date_trunc / date_add / date_diff node keeps a unit that is no string literal, as
# written: sqlglot turns date_trunc(u, ts) into the unit Var(U), the same tree as date_trunc('u', ts).
UNIT_EXPRESSION_META = "tdlocal_unit_expression"


def _keeping_unit_expression(builder):
    def build(args, dialect):
        # As sqlglot's parser calls builders: with the dialect only where one takes it.
        try:
            node = builder(args)
        except TypeError:
            node = builder(args, dialect=dialect)
        if args and not (isinstance(args[0], exp.Literal) and args[0].is_string):
            node.meta[UNIT_EXPRESSION_META] = args[0].sql(dialect="trino")
        return node

    build.keeps_unit_expression = True
    return build


def _keep_unit_expressions() -> None:
    """Mark date_trunc / date_add / date_diff calls whose unit is computed (see _keep_date_formats
    for why the builders are wrapped)."""
    functions = Trino.Parser.FUNCTIONS
    for name in ("DATE_TRUNC", "DATE_ADD", "DATE_DIFF"):
        if not getattr(functions[name], "keeps_unit_expression", False):
            functions[name] = _keeping_unit_expression(functions[name])


_keep_unit_expressions()
READ_DIALECT = "trino"


# A quoted string or identifier (kept), or a comment (blanked); one pass in C, since seed
# statements carry up to 1 MB of literals.
_QUOTED_OR_COMMENT = re.compile(r"'[^']*(?:''[^']*)*'|\"[^\"]*(?:\"\"[^\"]*)*\"|--[^\n]*|/\*.*?\*/", re.S)


def blank_comments(sql: str) -> str:
    """`sql` with each `-- ...` and `/* ... */` comment outside quotes turned into spaces.

    dbt prefixes every statement with `/* {"app": "dbt", ...} */`, and users end lines with
    `-- ...`; the statements tdlocal recognises by pattern (SHOW, SET SESSION, USE, ...) must see
    through them as Trino's parser does. Newlines are kept so error positions stay true; an
    unterminated block comment is left for the parser to reject.
    """
    if "--" not in sql and "/*" not in sql:
        return sql
    return _QUOTED_OR_COMMENT.sub(_blank_comment, sql)


def _blank_comment(match: re.Match[str]) -> str:
    text = match.group(0)
    if text[0] in "'\"":
        return text
    return "".join("\n" if char == "\n" else " " for char in text)


def parse_statement(sql: str) -> exp.Expression:
    """The single statement in `sql` (a trailing semicolon is allowed), or a SYNTAX_ERROR."""
    try:
        statements = [tree for tree in sqlglot.parse(sql, read=READ_DIALECT) if tree is not None]
    except ParseError as error:
        raise _syntax_error(error) from None
    except TokenError as error:
        raise TrinoError(f"line 1:1: {error}", "SYNTAX_ERROR", line=1, column=1) from None
    if not statements:
        raise TrinoError(
            "line 1:1: empty statement: send one SQL statement", "SYNTAX_ERROR", line=1, column=1
        )
    if len(statements) > 1:
        raise TrinoError(
            "Trino runs one statement per request: send the statements separately (split on ';')",
            "SYNTAX_ERROR",
        )
    if isinstance(statements[0], exp.Command):
        _check_embedded_query(sql)
    return statements[0]


_QUERY_START = re.compile(r"\b(?:AS|INTO\s+\S+(?:\s*\([^)]*\))?)\s+(?=\(*\s*(?:SELECT|WITH|VALUES)\b)", re.I)


def _check_embedded_query(sql: str) -> None:
    """A statement sqlglot only read as a Command (`CREATE TABLE t AS <query>`, `INSERT INTO t
    <query>`) whose query does not parse is Trino's SYNTAX_ERROR at the query's bad token, not an
    unsupported statement."""
    if not re.match(r"\s*(?:CREATE\s+TABLE|INSERT\s+INTO)\b", sql, re.I):
        return
    match = _QUERY_START.search(sql)
    if match is None:
        return
    start = match.end()
    try:
        parse_statement(sql[start:])
    except TrinoError as error:
        if error.name != "SYNTAX_ERROR" or error.line is None or error.column is None:
            raise
        before = sql[:start]
        line = before.count("\n") + error.line
        column = error.column + (len(before) - before.rfind("\n") - 1 if error.line == 1 else 0)
        message = re.sub(r"^line \d+:\d+: ", f"line {line}:{column}: ", error.message)
        raise TrinoError(message, "SYNTAX_ERROR", line=line, column=column) from None


def parse_expression(sql: str) -> exp.Expression:
    """One Trino expression (not a statement), e.g. a parameter value."""
    try:
        return sqlglot.parse_one(sql, read=READ_DIALECT, into=exp.Expression)
    except (ParseError, TokenError) as error:
        raise TrinoError(f"cannot read {sql!r} as a value: {error}", "SYNTAX_ERROR") from None


def _syntax_error(error: ParseError) -> TrinoError:
    details = error.errors[0] if error.errors else {}
    line, column = details.get("line") or 1, details.get("col") or 1
    description = details.get("description") or str(error)
    near = details.get("highlight")
    # Trino's parser says `line L:C: mismatched input 'X'. Expecting: ...`; the parser's own
    # description is kept when it reads as SQL, and dropped when it names the parser's classes
    # ("Required keyword: 'expression' missing for <class 'sqlglot...Mul'>"), which mean nothing
    # to someone fixing a model.
    readable = "sqlglot" not in description and "<class " not in description
    if near and column >= len(near):
        column -= len(near) - 1  # the parser points at the token's end, Trino at its start
    if near:
        message = f"line {line}:{column}: mismatched input {near!r}"
        if readable:
            message += f" ({description})"
    else:
        message = f"line {line}:{column}: {description if readable else 'syntax error'}"
    return TrinoError(message, "SYNTAX_ERROR", line=line, column=column)
