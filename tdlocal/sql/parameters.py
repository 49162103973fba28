"""Prepared-statement parameters: `?` placeholders bound to the literals of `USING a, b, ...`.

dbt seeds send up to 1,000 rows x columns of literals per statement, so binding is done on the
text with a small scanner (one pass, no parsing of every literal) and the bound statement is
then parsed once. The scanner knows enough SQL lexis to skip strings, quoted identifiers and
comments, where a `?` or a comma means nothing.
"""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime
from decimal import Decimal

from tdlocal.errors import TrinoError

_CLOSERS = {"(": ")", "[": "]"}
# Strings and quoted identifiers ('' and "" escape their quote; an unterminated one runs to the
# end), comments, and the single characters that matter.
_LEXEME = re.compile(r"'(?:[^']|'')*'?|\"(?:[^\"]|\"\")*\"?|--[^\n]*|/\*.*?(?:\*/|\Z)|[?,()\[\]]", re.S)


def read_string_literal(text: str, start: int) -> tuple[str, int]:
    """The value of the '...' literal opening at `start` ('' is a quote) and the index after it."""
    if text[start] != "'":
        raise ValueError(f"no string literal at position {start}")
    parts = []
    index = start + 1
    while True:
        end = text.find("'", index)
        if end < 0:
            raise TrinoError("unterminated string literal: a quote (') is missing", "SYNTAX_ERROR")
        parts.append(text[index:end])
        if end + 1 < len(text) and text[end + 1] == "'":
            parts.append("'")
            index = end + 2
            continue
        return "".join(parts), end + 1


def split_parameters(text: str) -> list[str]:
    """The comma-separated parameter expressions of a USING clause, as text."""
    values, start, depth = [], 0, 0
    for index, char in _significant_chars(text):
        if char in _CLOSERS:
            depth += 1
        elif char in _CLOSERS.values():
            depth -= 1
        elif char == "," and depth == 0:
            values.append(text[start:index].strip())
            start = index + 1
    last = text[start:].strip()
    if last or values:
        values.append(last)
    if any(not value for value in values):
        raise TrinoError(f"empty parameter in USING {text[:200]!r}", "SYNTAX_ERROR")
    return values


def placeholder_count(sql: str) -> int:
    """How many `?` placeholders `sql` has."""
    return sum(1 for _, char in _significant_chars(sql) if char == "?")


def bind_parameters(sql: str, values: list[str]) -> str:
    """`sql` with its `?` placeholders replaced, in order, by the parameter texts `values`."""
    expected = placeholder_count(sql)
    if expected != len(values):
        raise TrinoError(
            f"Incorrect number of parameters: expected {expected} but found {len(values)}",
            "INVALID_PARAMETER_USAGE",
        )
    pieces, start, taken = [], 0, 0
    for index, char in _significant_chars(sql):
        if char == "?":
            pieces.append(sql[start:index])
            pieces.append(values[taken])
            taken += 1
            start = index + 1
    pieces.append(sql[start:])
    return "".join(pieces)


def _significant_chars(text: str):
    """(index, char) for each `?`, `,` and bracket outside strings, quoted names and comments."""
    for match in _LEXEME.finditer(text):
        lexeme = match.group(0)
        if lexeme[0] in "'\"":
            if len(lexeme) < 2 or lexeme[-1] != lexeme[0]:
                kind = "string literal" if lexeme[0] == "'" else "quoted identifier"
                raise TrinoError(f"unterminated {kind}: a closing {lexeme[0]} is missing", "SYNTAX_ERROR")
            continue
        if lexeme[0] in "?,()[]":
            yield match.start(), lexeme


# --- parameters as DuckDB values -------------------------------------------------------------------

NOT_A_SIMPLE_LITERAL = object()
_INTEGER = re.compile(r"^-?\d+$")
_TYPED_LITERAL = re.compile(r"^(?P<type>DOUBLE|REAL|DECIMAL|DATE|TIMESTAMP|UUID)\s*'(?P<text>[^']*)'$", re.I)
_STRING = re.compile(r"^'(?P<text>(?:[^']|'')*)'$", re.S)
_HEX = re.compile(r"^X'(?P<hex>[0-9A-Fa-f]*)'$")
_TIMESTAMP = re.compile(r"^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?$")
_CONSTANTS = {
    "null": None,
    "true": True,
    "false": False,
    "infinity()": float("inf"),
    "-infinity()": float("-inf"),
    "nan()": float("nan"),
}


def python_value(text: str) -> object:
    """The Python value of a parameter literal as the Trino client writes it, for DuckDB to bind.

    Returns NOT_A_SIMPLE_LITERAL for anything else (arrays, maps, rows, times with zones...),
    which must go through SQL translation instead.
    """
    text = text.strip()
    lowered = text.lower()
    if lowered in _CONSTANTS:
        return _CONSTANTS[lowered]
    if _INTEGER.match(text):
        return int(text)
    if match := _STRING.match(text):
        return match["text"].replace("''", "'")
    if match := _HEX.match(text):
        return bytes.fromhex(match["hex"])
    if match := _TYPED_LITERAL.match(text):
        return _typed_value(match["type"].upper(), match["text"])
    return NOT_A_SIMPLE_LITERAL


def _typed_value(kind: str, text: str) -> object:
    try:
        if kind in ("DOUBLE", "REAL"):
            return float(text)
        if kind == "DECIMAL":
            return Decimal(text)
        if kind == "DATE":
            return date.fromisoformat(text)
        if kind == "UUID":
            return uuid.UUID(text)
        if kind == "TIMESTAMP" and _TIMESTAMP.match(text):
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    return NOT_A_SIMPLE_LITERAL
