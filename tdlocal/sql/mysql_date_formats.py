"""Trino's MySQL date functions' format strings (`date_format`, `date_parse`) as DuckDB's
strftime / strptime formats.

Source: Trino's DateTimeFunctions.createDateTimeFormatter (the specifiers and the Joda field each
one prints) and Trino docs, Date and time functions, "MySQL date functions": `%D %U %u %V %w %X`
fail with INVALID_FUNCTION_ARGUMENT "%U not supported in date format string", and `%x` for any x
not listed is the literal x. sqlglot rewrites Trino's format into strftime letters, which cannot
be read back (Trino's `%u` is refused where strftime's prints the ISO day, Trino's `%A` is a
literal A), so tdlocal's parser keeps the format as written (`tdlocal.sql.parsing`).
"""

from __future__ import annotations

from tdlocal.errors import TrinoError

# Trino's specifier -> what strftime prints the same way (Joda's English texts are strftime's
# C-locale ones). `%f` prints six digits of a value truncated to milliseconds (Trino docs:
# "000000 .. 999000"), so milliseconds and three zeros.
_FORMATTING = {
    "a": "%a",
    "b": "%b",
    "c": "%-m",
    "d": "%d",
    "e": "%-d",
    "f": "%g000",
    "H": "%H",
    "h": "%I",
    "I": "%I",
    "i": "%M",
    "j": "%j",
    "k": "%-H",
    "l": "%-I",
    "M": "%B",
    "m": "%m",
    "p": "%p",
    "r": "%I:%M:%S %p",
    "S": "%S",
    "s": "%S",
    "T": "%H:%M:%S",
    "v": "%V",  # Joda's weekOfWeekyear: the ISO week
    "x": "%G",  # Joda's weekyear: the ISO week's year
    "W": "%A",
    "Y": "%Y",
    "y": "%y",
    "%": "%%",
}
_REFUSED = set("DUuVwX")


def _specifiers(trino_format: str) -> list[tuple[bool, str]]:
    """(is_specifier, character) pairs of a Trino format, as createDateTimeFormatter reads it."""
    pieces: list[tuple[bool, str]] = []
    escaped = False
    for character in trino_format:
        if escaped:
            if character in _REFUSED:
                raise TrinoError(
                    f"%{character} not supported in date format string", "INVALID_FUNCTION_ARGUMENT"
                )
            pieces.append((True, character))
            escaped = False
        elif character == "%":
            escaped = True
        else:
            pieces.append((False, character))
    # A trailing lone '%' adds nothing to Joda's formatter.
    return pieces


def strftime_format(trino_format: str) -> str:
    """DuckDB's strftime format printing what Trino's date_format(x, trino_format) prints.

    Raises TrinoError (INVALID_FUNCTION_ARGUMENT) for the specifiers Trino refuses.
    """
    parts = []
    for is_specifier, character in _specifiers(trino_format):
        if is_specifier:
            parts.append(_FORMATTING.get(character, "%%" if character == "%" else character))
        else:
            parts.append("%%" if character == "%" else character)
    return "".join(parts)


def check_parse_format(trino_format: str) -> frozenset[str]:
    """The specifier letters of date_parse's format; raises Trino's error for one Trino refuses."""
    return frozenset(character for is_specifier, character in _specifiers(trino_format) if is_specifier)
