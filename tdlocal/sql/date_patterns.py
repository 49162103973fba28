"""Java date patterns as DuckDB SQL over a local wall-clock TIMESTAMP.

TD_TIME_FORMAT takes java.text.SimpleDateFormat patterns and Trino's format_datetime takes Joda
patterns; both are compiled here, at translation time, into strftime() calls and a few SQL
expressions, so formatting runs per row in DuckDB, never in Python. Zone letters (z, Z) depend on
the zone and are supplied by the caller.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.templates import fill

# Quoted text ('' is a quote), a run of one letter, other text, or an unterminated quote.
_TOKEN = re.compile(r"'(?:[^']|'')*'|([A-Za-z])\1*|[^A-Za-z']+|'")

ZoneField = Callable[[str, int], exp.Expression | str]


@dataclass(frozen=True)
class _Directive:
    """A strftime directive such as %Y."""

    code: str


Piece = str | _Directive | exp.Expression


def tokenize(pattern: str) -> list[str | tuple[str, int]]:
    """Literal text and (letter, repeat count) fields of a Java date pattern."""
    tokens: list[str | tuple[str, int]] = []
    for match in _TOKEN.finditer(pattern):
        text = match.group(0)
        if text == "'":
            raise TrinoError(f"unterminated quote in date pattern {pattern!r}", "INVALID_FUNCTION_ARGUMENT")
        if text.startswith("'"):
            tokens.append("'" if text == "''" else text[1:-1].replace("''", "'"))
        elif match.group(1):
            tokens.append((match.group(1), len(text)))
        else:
            tokens.append(text)
    return tokens


def simple_date_format_sql(pattern: str, local: exp.Expression, zone_field: ZoneField) -> exp.Expression:
    """SQL rendering `local` with a SimpleDateFormat pattern, as TD_TIME_FORMAT (tdtime) does.

    The pattern must already be validated by tdtime (which rejects letters it does not support).
    """
    pieces: list[Piece] = []
    for token in tokenize(pattern):
        if isinstance(token, str):
            pieces.append(token)
            continue
        letter, count = token
        if letter in "zZ":
            pieces.append(zone_field(letter, count))
        else:
            pieces.append(_simple_date_format_field(letter, count, local))
    return _assemble(pieces, local)


def joda_sql(
    pattern: str,
    timestamp: exp.Expression,
    *,
    offset_seconds: exp.Expression | None = None,
    original: exp.Expression | None = None,
) -> exp.Expression:
    """SQL rendering `timestamp` with a Joda pattern, as Trino's format_datetime does.

    `timestamp` is the wall clock to print; `offset_seconds` (seconds east of UTC) prints Z and
    ZZ; `original` (the zoned value itself) prints z. Without them, `timestamp` supplies both.
    """
    pieces: list[Piece] = []
    for token in tokenize(pattern):
        if isinstance(token, str):
            pieces.append(token)
        elif token[0] == "Z" and offset_seconds is not None:
            if token[1] >= 3:
                raise TrinoError(
                    f"format_datetime pattern {pattern!r}: tdlocal does not print zone ids (ZZZ); use Z or ZZ",
                    "NOT_SUPPORTED",
                )
            pieces.append(_offset_text(offset_seconds, colon=token[1] >= 2))
        elif token[0] == "z" and original is not None:
            pieces.append(fill("strftime({t}, '%Z')", t=original))
        else:
            pieces.append(_joda_field(*token, timestamp, pattern))
    return _assemble(pieces, timestamp)


def _offset_text(seconds: exp.Expression, *, colon: bool) -> exp.Expression:
    """Joda's Z (+0900) or ZZ (+09:00) for an offset in seconds east of UTC."""
    separator = ":" if colon else ""
    return fill(
        "(CASE WHEN {o} < 0 THEN '-' ELSE '+' END) || lpad(CAST(abs({o}) // 3600 AS VARCHAR), 2, '0') "
        f"|| '{separator}' || lpad(CAST(abs({{o}}) % 3600 // 60 AS VARCHAR), 2, '0')",
        o=seconds,
    )


def _simple_date_format_field(letter: str, count: int, local: exp.Expression) -> Piece:
    if letter == "G":
        return "AD"
    if letter == "y":
        if count == 2:
            return _Directive("%y")
        return _Directive("%Y") if count <= 4 else _number("year({t})", count, local)
    if letter == "Y":  # the week year, ISO as TD's weeks are (see tdtime's formatting)
        if count == 2:
            return _number("isoyear({t}) % 100", 2, local)
        return _number("isoyear({t})", count, local)
    if letter == "F":
        return _number("(day({t}) - 1) // 7 + 1", count, local)
    if letter in "ML":
        return {1: _Directive("%-m"), 2: _Directive("%m"), 3: _Directive("%b")}.get(count, _Directive("%B"))
    if letter == "E":
        return _Directive("%a") if count < 4 else _Directive("%A")
    if letter == "a":
        return _Directive("%p")
    if letter == "S":
        return "0" * count  # TD times are whole seconds
    return _numeric_field(letter, count, local)


# Letters SimpleDateFormat (TD_TIME_FORMAT) and Joda (format_datetime) spell the same way.
_DAY_AND_CLOCK_DIRECTIVES = {
    ("d", 1): "%-d",
    ("d", 2): "%d",
    ("H", 1): "%-H",
    ("H", 2): "%H",
    ("h", 1): "%-I",
    ("h", 2): "%I",
    ("m", 1): "%-M",
    ("m", 2): "%M",
    ("s", 1): "%-S",
    ("s", 2): "%S",
    ("D", 1): "%-j",
    ("D", 3): "%j",
    ("w", 2): "%V",
}
_NUMERIC_DIRECTIVES = {**_DAY_AND_CLOCK_DIRECTIVES, ("u", 1): "%u"}
# ISO week (TD's weeks are ISO, Monday first), and the hour variants strftime lacks.
_NUMERIC_EXPRESSIONS = {
    "d": "day({t})",
    "H": "hour({t})",
    "h": "CASE WHEN hour({t}) % 12 = 0 THEN 12 ELSE hour({t}) % 12 END",
    "k": "CASE WHEN hour({t}) = 0 THEN 24 ELSE hour({t}) END",
    "K": "hour({t}) % 12",
    "m": "minute({t})",
    "s": "second({t})",
    "D": "dayofyear({t})",
    "w": "week({t})",
    "u": "isodow({t})",
}


def _numeric_field(letter: str, count: int, local: exp.Expression) -> Piece:
    directive = _NUMERIC_DIRECTIVES.get((letter, count))
    if directive is not None:
        return _Directive(directive)
    if letter not in _NUMERIC_EXPRESSIONS:
        raise TrinoError(f"unsupported date pattern letter {letter!r}", "INVALID_FUNCTION_ARGUMENT")
    return _number(_NUMERIC_EXPRESSIONS[letter], count, local)


def _number(template: str, count: int, local: exp.Expression) -> exp.Expression:
    """The number zero-padded to at least `count` digits (never cut), as Java prints it."""
    value = fill(template, t=local)
    if count <= 1:
        return exp.Cast(this=value, to=exp.DataType.build("VARCHAR"))
    return exp.Anonymous(this="printf", expressions=[exp.Literal.string(f"%0{count}d"), value])


_JODA_DIRECTIVES = {
    ("y", 2): "%y",
    ("Y", 2): "%y",
    ("x", 2): "%y",
    ("M", 1): "%-m",
    ("M", 2): "%m",
    ("M", 3): "%b",
    **_DAY_AND_CLOCK_DIRECTIVES,
    ("e", 1): "%u",
    ("a", 1): "%p",
    ("S", 1): None,
    ("S", 3): "%g",
    ("S", 6): "%f",
    ("S", 9): "%n",
    ("Z", 1): None,
    ("z", 1): "%Z",
}


def _joda_field(letter: str, count: int, timestamp: exp.Expression, pattern: str) -> Piece:
    if letter == "G":
        return "AD"
    if letter in "yYx" and count != 2:
        return (
            _Directive("%G" if letter == "x" else "%Y")
            if count <= 4
            else _number("year({t})", count, timestamp)
        )
    if letter == "M" and count >= 4:
        return _Directive("%B")
    if letter == "E":
        return _Directive("%a") if count < 4 else _Directive("%A")
    if letter == "Z":
        # Joda: Z -> -0800, ZZ -> -08:00 (DuckDB's %z prints -08 or -08:00).
        offset = fill("strftime({t}, '%z')", t=timestamp)
        if count >= 2:
            return fill("rpad({o}, 6, ':00')", o=offset)
        return fill("replace(rpad({o}, 6, ':00'), ':', '')", o=offset)
    if letter == "z":
        return _Directive("%Z")
    directive = _JODA_DIRECTIVES.get((letter, count))
    if directive:
        return _Directive(directive)
    if letter in "dHhmsDwkK" or letter == "e":
        return _numeric_field("u" if letter == "e" else letter, count, timestamp)
    raise TrinoError(
        f"format_datetime pattern {pattern!r}: tdlocal does not support the letter {letter!r} "
        f"repeated {count} time(s); use y M d H h m s S E a D w e Z z",
        "NOT_SUPPORTED",
    )


def _assemble(pieces: list[Piece], timestamp: exp.Expression) -> exp.Expression:
    """Concatenate pieces: runs of directives and text become one strftime() call."""
    parts: list[exp.Expression] = []
    run: list[str] = []
    run_has_directive = False

    def flush() -> None:
        nonlocal run, run_has_directive
        if not run:
            return
        text = "".join(run)
        if run_has_directive:
            parts.append(
                exp.Anonymous(this="strftime", expressions=[timestamp.copy(), exp.Literal.string(text)])
            )
        else:
            parts.append(exp.Literal.string(text.replace("%%", "%")))
        run, run_has_directive = [], False

    for piece in pieces:
        if isinstance(piece, _Directive):
            run.append(piece.code)
            run_has_directive = True
        elif isinstance(piece, str):
            run.append(piece.replace("%", "%%"))
        else:
            flush()
            parts.append(piece)
    flush()
    if not parts:
        parts = [exp.Literal.string("")]
    result = parts[0]
    for part in parts[1:]:
        result = exp.DPipe(this=result, expression=part, safe=True)
    if not any(isinstance(piece, (_Directive, exp.Expression)) for piece in pieces):
        # Only literal text: still NULL for a NULL time, as the function is.
        return fill("CASE WHEN {t} IS NULL THEN NULL ELSE {text} END", t=timestamp, text=result)
    return result
