"""upper() and lower() mapping code point by code point, as Trino's do.

Trino's upper/lower (io.airlift.slice.SliceUtf8.toUpperCase / toLowerCase) map each code point
with Java's Character.toUpperCase(int) / toLowerCase(int): Unicode's simple, one-to-one case
mappings, so `upper('straße')` is `STRAßE` (U+00DF has no simple uppercase). DuckDB's upper
(utf8proc) maps ß to ẞ (U+1E9E). Compared over every code point up to U+2FFFF, that is the only
code point where DuckDB's upper or lower differs from the simple mappings (Python's str.upper /
str.lower where they give one character), so only text holding ß takes the slower path.
"""

from __future__ import annotations

from sqlglot import exp

from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import macro

MACROS: dict[str, str] = {
    # Split at each ß, upper-case the pieces and join them again with ß.
    "trino_upper": (
        "(s) AS CASE WHEN contains(s, 'ß') "
        "THEN array_to_string(list_transform(string_split(s, 'ß'), lambda piece: upper(piece)), 'ß') "
        "ELSE upper(s) END"
    ),
}


def upper(node: exp.Upper, context: TranslationContext) -> exp.Expression:
    """upper(s) keeping ß (Trino: `upper('straße')` is `STRAßE`); lower() needs no fix."""
    return exp.Anonymous(this=macro("trino_upper"), expressions=[node.this])
