"""Trino's string and regular-expression functions where DuckDB would answer differently.

Regular expressions: Trino compiles them with Java's java.util.regex (docs: "Regular expression
functions ... use the Java pattern syntax"); DuckDB uses RE2. Most patterns mean the same in both,
and run on RE2 (fast, in DuckDB). Patterns that need what RE2 lacks (look-around,
back-references, possessive quantifiers, atomic groups) run in Python's `re`, whose syntax for
those constructs is Java's; a pattern neither can read is refused with a Trino-shaped error
naming the construct, never answered differently. Replacements use Java's `$1` / `${name}`.

Python's standard `re` is used rather than a third-party engine: it reads every Java construct
listed above, ships with Python, and needs no native build.
"""

from __future__ import annotations

import base64
import binascii
import functools
import hashlib
import hmac
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterator
from functools import lru_cache

import sqlglot
from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import TRINO_TYPE_UDF, PythonFunction, macro
from tdlocal.sql.templates import fill

JAVA_REGEXP_LIKE = "tdlocal_java_regexp_like"
JAVA_REGEXP_REPLACE = "tdlocal_java_regexp_replace"
JAVA_REGEXP_EXTRACT = "tdlocal_java_regexp_extract"
JAVA_REGEXP_EXTRACT_ALL = "tdlocal_java_regexp_extract_all"
JAVA_REGEXP_SPLIT = "tdlocal_java_regexp_split"
JAVA_REGEXP_COUNT = "tdlocal_java_regexp_count"

# Java constructs RE2 cannot run: (?=, (?!, (?<=, (?<!, (?>, \1-\9, \k<name>, possessive x*+.
_NEEDS_JAVA = re.compile(r"\(\?(?:=|!|<=|<!|>)|\\[1-9]|\\k<|[*+?}]\+")
# Java's named group `(?<name>`; RE2 and Python spell it `(?P<name>`.
_JAVA_NAMED_GROUP = re.compile(r"\(\?<(?=[A-Za-z])")
# Java replacement syntax: `$n`, `${name}`, or a backslash-escaped character.
_JAVA_REPLACEMENT = re.compile(r"\$(\d+)|\$\{([A-Za-z][A-Za-z0-9]*)\}|\\(.)|(\$)", re.S)


def _string_literal(node: exp.Expression | None) -> str | None:
    if isinstance(node, exp.Literal) and node.is_string:
        return node.this
    return None


def _java_to_engine_pattern(pattern: str) -> str:
    """A Java pattern in the `(?P<name>...)` spelling RE2 and Python share."""
    return _JAVA_NAMED_GROUP.sub("(?P<", pattern)


@lru_cache(maxsize=256)
def compile_java_pattern(pattern: str) -> re.Pattern[str]:
    """Python's compiled form of a Java regex; INVALID_FUNCTION_ARGUMENT naming what it cannot read."""
    try:
        return re.compile(_java_to_engine_pattern(pattern))
    except re.error as error:
        raise TrinoError(
            f"tdlocal cannot run the Java regular expression {pattern!r} ({error}); "
            "Trino reads it with java.util.regex: rewrite it without that construct",
            "INVALID_FUNCTION_ARGUMENT",
        ) from None


def _group_names(pattern: str) -> dict[str, int]:
    return dict(compile_java_pattern(pattern).groupindex)


def java_replacement(replacement: str, pattern: str, group_syntax: Callable[[str], str]) -> str:
    """Java's replacement text (`$1`, `${name}`, `\\$`) in another engine's syntax.

    `group_syntax(n)` spells a reference to group n; a literal backslash is doubled, which is how
    both RE2 (DuckDB) and Python's re.sub read one.
    Source: Trino docs, regexp_replace ("capturing groups can be referenced in replacement using
    $g for a numbered group or ${name} for a named group; a dollar sign ($) may be included in
    the replacement by escaping it with a backslash (\\$)"); Java's Matcher.appendReplacement.
    """
    names = _group_names(pattern) if "${" in replacement else {}
    groups = compile_java_pattern(pattern).groups

    def convert(match: re.Match[str]) -> str:
        number, name, escaped, _lone_dollar = match.groups()
        if number is not None:
            # Java reads digits while the number still names a group: with one group, `$12` is
            # group 1 then the text "2".
            digits = number[0]
            if int(digits) > groups:
                raise TrinoError(f"No group {digits}", "INVALID_FUNCTION_ARGUMENT")
            while len(digits) < len(number) and int(number[: len(digits) + 1]) <= groups:
                digits = number[: len(digits) + 1]
            return group_syntax(str(int(digits))) + number[len(digits) :]
        if name is not None:
            if name not in names:
                raise TrinoError(f"No group with name {{{name}}}", "INVALID_FUNCTION_ARGUMENT")
            return group_syntax(str(names[name]))
        if escaped is not None:
            return "\\\\" if escaped == "\\" else escaped
        raise TrinoError(
            "Illegal group reference: a lone '$' in the replacement", "INVALID_FUNCTION_ARGUMENT"
        )

    if replacement.endswith("\\") and not replacement.endswith("\\\\"):
        raise TrinoError("character to be escaped is missing", "INVALID_FUNCTION_ARGUMENT")
    return _JAVA_REPLACEMENT.sub(convert, replacement)


# --- Python fallbacks (Java semantics) --------------------------------------------------------------


def _java_regexp_like(text: str, pattern: str) -> bool:
    return compile_java_pattern(pattern).search(text) is not None


def _trino_matches(compiled: re.Pattern[str], text: str) -> Iterator[re.Match[str]]:
    """The matches Trino's regexp_replace / _split / _extract_all / _count loops find.

    Each search starts where the previous match ended, or one code point further when that match
    was empty (JoniRegexpFunctions.getNextStart); so an empty match may follow a non-empty one
    ('a*' in 'aaa' matches 'aaa', then '' at the end). RE2's global functions skip that empty
    match, and Python's finditer would retry a non-empty match at an empty match's position.
    """
    position = 0
    while position <= len(text):
        match = compiled.search(text, position)
        if match is None:
            return
        yield match
        position = match.end() + 1 if match.end() == match.start() else match.end()


def _java_regexp_replace(text: str, pattern: str, replacement: str) -> str:
    python = java_replacement(replacement, pattern, lambda group: f"\\g<{group}>")
    pieces, last_end = [], 0
    for match in _trino_matches(compile_java_pattern(pattern), text):
        pieces.append(text[last_end : match.start()])
        pieces.append(match.expand(python))
        last_end = match.end()
    pieces.append(text[last_end:])
    return "".join(pieces)


def _check_group(pattern: re.Pattern[str], group: int) -> None:
    # A ValueError inside a UDF reaches the client as INVALID_FUNCTION_ARGUMENT (duckdb_errors).
    if group < 0 or group > pattern.groups:
        raise ValueError(f"Pattern has {pattern.groups} groups. Cannot access group {group}")


def _java_regexp_extract(text: str, pattern: str, group: int) -> str | None:
    compiled = compile_java_pattern(pattern)
    _check_group(compiled, group)
    match = compiled.search(text)
    # A group that did not take part in the match is NULL (JoniRegexpFunctions.regexpExtract).
    return None if match is None else match.group(group)


def _java_regexp_extract_all(text: str, pattern: str, group: int) -> list[str | None]:
    compiled = compile_java_pattern(pattern)
    _check_group(compiled, group)
    return [match.group(group) for match in _trino_matches(compiled, text)]


def _java_regexp_split(text: str, pattern: str) -> list[str]:
    pieces, last_end = [], 0
    for match in _trino_matches(compile_java_pattern(pattern), text):
        pieces.append(text[last_end : match.start()])
        last_end = match.end()
    pieces.append(text[last_end:])
    return pieces


def _java_regexp_count(text: str, pattern: str) -> int:
    return sum(1 for _ in _trino_matches(compile_java_pattern(pattern), text))


def _null_in_null_out(function: Callable[..., object]) -> Callable[..., object]:
    # functools.wraps keeps the signature, which DuckDB reads to count the parameters.
    @functools.wraps(function)
    def call(*arguments: object) -> object:
        return None if any(argument is None for argument in arguments) else function(*arguments)

    return call


PYTHON_FUNCTIONS = [
    PythonFunction(
        JAVA_REGEXP_LIKE, _null_in_null_out(_java_regexp_like), ["VARCHAR", "VARCHAR"], "BOOLEAN", True
    ),
    PythonFunction(
        JAVA_REGEXP_REPLACE,
        _null_in_null_out(_java_regexp_replace),
        ["VARCHAR", "VARCHAR", "VARCHAR"],
        "VARCHAR",
        True,
    ),
    PythonFunction(
        JAVA_REGEXP_EXTRACT,
        _null_in_null_out(_java_regexp_extract),
        ["VARCHAR", "VARCHAR", "BIGINT"],
        "VARCHAR",
        True,
    ),
    PythonFunction(
        JAVA_REGEXP_EXTRACT_ALL,
        _null_in_null_out(_java_regexp_extract_all),
        ["VARCHAR", "VARCHAR", "BIGINT"],
        "VARCHAR[]",
        True,
    ),
    PythonFunction(
        JAVA_REGEXP_SPLIT, _null_in_null_out(_java_regexp_split), ["VARCHAR", "VARCHAR"], "VARCHAR[]", True
    ),
    PythonFunction(
        JAVA_REGEXP_COUNT, _null_in_null_out(_java_regexp_count), ["VARCHAR", "VARCHAR"], "BIGINT", True
    ),
]


# --- rewrites ---------------------------------------------------------------------------------------


def _pattern_of(node: exp.Expression, *, empty_matches_differ: bool = False) -> tuple[str | None, bool]:
    """(literal pattern or None, whether it runs in Python's `re` with Trino's semantics
    instead of RE2): when it needs Java's constructs, or, for the functions that step over every
    match (`empty_matches_differ`), when it can match the empty string (see _trino_matches)."""
    pattern = _string_literal(node.expression)
    if pattern is None:
        return None, False
    needs_java = bool(_NEEDS_JAVA.search(pattern))
    if needs_java:
        compile_java_pattern(pattern)  # refuse what Python cannot read, before running anything
    elif empty_matches_differ and _may_match_empty(pattern):
        needs_java = True
    return pattern, needs_java


def _may_match_empty(pattern: str) -> bool:
    """Whether `pattern` can match the empty string somewhere (`a*`, `x?`, `^`, `\\b`, ``), by its
    minimum width as Python's regex parser computes it; False when Python cannot read the pattern
    (RE2 can: `\\pL`), which then stays on RE2."""
    try:
        from re import _parser  # the standard library's parser: its width is exact, no own rules

        return _parser.parse(_java_to_engine_pattern(pattern)).getwidth()[0] == 0
    except Exception:
        return False


def _group_may_not_participate(pattern: str, group: exp.Expression) -> bool:
    """Whether a group other than 0 is read from a pattern where it may be left out of a match
    (inside an optional repeat, an alternative or a look-around): RE2 gives '' for such a group,
    Trino NULL. Read from Python's regex parser's tree; any doubt (a computed group number, a
    pattern Python cannot read) counts as may."""
    if not (isinstance(group, exp.Literal) and group.is_int):
        return True
    number = int(group.this)
    if number == 0:
        return False
    optional = _optional_groups(pattern)
    return optional is None or number in optional


_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


@lru_cache(maxsize=256)
def _optional_groups(pattern: str) -> frozenset[int] | None:
    try:
        from re import _parser  # the standard library's parser: the tree, not own rules

        tree = _parser.parse(_java_to_engine_pattern(pattern))
    except Exception:
        return None
    optional: set[int] = set()

    def walk(items, inside_optional: bool) -> None:
        for op, argument in items:
            name = str(op)
            if name == "SUBPATTERN":
                number, _, _, sub = argument
                if number is not None and inside_optional:
                    optional.add(number)
                walk(sub, inside_optional)
            elif name in _REPEATS:
                low, _, sub = argument
                walk(sub, inside_optional or low == 0)
            elif name == "BRANCH":
                for sub in argument[1]:
                    walk(sub, True)
            elif name in ("ASSERT", "ASSERT_NOT"):
                walk(argument[1], True)
            elif name == "GROUPREF_EXISTS":
                for sub in argument[1:]:
                    if sub is not None:
                        walk(sub, True)
            elif name == "ATOMIC_GROUP":
                walk(argument, inside_optional)

    walk(tree, False)
    return frozenset(optional)


def _check_literal_group(node: exp.Expression, pattern: str | None) -> None:
    """Trino's error for a group number the pattern does not have (DuckDB's differs)."""
    group = node.args.get("group")
    if pattern is None or not (isinstance(group, exp.Literal) and group.is_int):
        return
    try:
        groups = re.compile(_java_to_engine_pattern(pattern)).groups
    except re.error:
        return  # RE2 reads it and Python does not: DuckDB checks the group itself
    number = int(group.this)
    if number < 0 or number > groups:
        raise TrinoError(
            f"Pattern has {groups} groups. Cannot access group {number}", "INVALID_FUNCTION_ARGUMENT"
        )


def _set_engine_pattern(node: exp.Expression, pattern: str) -> None:
    node.set("expression", exp.Literal.string(_java_to_engine_pattern(pattern)))


def _call(name: str, *arguments: exp.Expression) -> exp.Expression:
    return exp.Anonymous(this=name, expressions=[argument.copy() for argument in arguments])


def _group_argument(node: exp.Expression) -> exp.Expression:
    group = node.args.get("group")
    return group if group is not None else exp.Literal.number(0)


def regexp_like(node: exp.RegexpLike, context: TranslationContext) -> exp.Expression:
    """regexp_like(s, pattern): Java patterns; look-around and back-references in Python."""
    pattern, needs_java = _pattern_of(node)
    if needs_java:
        return _call(JAVA_REGEXP_LIKE, node.this, exp.Literal.string(pattern))
    if pattern is not None:
        _set_engine_pattern(node, pattern)
    return node


def regexp_replace(node: exp.RegexpReplace, context: TranslationContext) -> exp.Expression:
    """regexp_replace(s, pattern[, replacement]) with Java's `$1` / `${name}` replacements."""
    pattern, needs_java = _pattern_of(node, empty_matches_differ=True)
    replacement_node = node.args.get("replacement")
    replacement = "" if replacement_node is None else _string_literal(replacement_node)
    if pattern is None or replacement is None:
        if pattern is not None:
            _set_engine_pattern(node, pattern)
        if replacement_node is not None and _string_literal(replacement_node) is None:
            # A computed replacement is read by RE2's rules (\1, not $1): refuse rather than differ.
            raise TrinoError(
                "tdlocal needs regexp_replace's replacement to be a string literal (Trino reads $1 "
                "and ${name} in it; DuckDB would not)",
                "NOT_SUPPORTED",
            )
        return node
    if needs_java:
        return _call(
            JAVA_REGEXP_REPLACE, node.this, exp.Literal.string(pattern), exp.Literal.string(replacement)
        )
    re2_replacement = java_replacement(replacement, pattern, lambda group: f"\\{group}")
    _set_engine_pattern(node, pattern)
    node.set("replacement", exp.Literal.string(re2_replacement))
    return node


def regexp_extract(node: exp.RegexpExtract, context: TranslationContext) -> exp.Expression | None:
    """The Java-engine call for regexp_extract when its pattern needs one, else None (RE2 path)."""
    pattern, needs_java = _pattern_of(node)
    _check_literal_group(node, pattern)
    if pattern is not None and not needs_java and _may_compile_in_python(pattern):
        needs_java = _group_may_not_participate(pattern, _group_argument(node))
    if pattern is not None and not needs_java:
        _set_engine_pattern(node, pattern)
    if not needs_java:
        return None
    return _call(JAVA_REGEXP_EXTRACT, node.this, exp.Literal.string(pattern), _group_argument(node))


def _may_compile_in_python(pattern: str) -> bool:
    try:
        compile_java_pattern(pattern)
    except TrinoError:
        return False
    return True


def regexp_split(node: exp.RegexpSplit, context: TranslationContext) -> exp.Expression:
    """regexp_split(s, pattern) with Java patterns and Trino's empty matches."""
    pattern, needs_java = _pattern_of(node, empty_matches_differ=True)
    if needs_java:
        return _call(JAVA_REGEXP_SPLIT, node.this, exp.Literal.string(pattern))
    if pattern is not None:
        _set_engine_pattern(node, pattern)
    return node


def regexp_count(node: exp.RegexpCount, context: TranslationContext) -> exp.Expression:
    """regexp_count(s, pattern) with Java patterns and Trino's empty matches (sqlglot's DuckDB
    form counts 0 for an empty pattern, where Trino counts every position)."""
    pattern, needs_java = _pattern_of(node, empty_matches_differ=True)
    if needs_java:
        return _call(JAVA_REGEXP_COUNT, node.this, exp.Literal.string(pattern))
    if pattern is not None:
        _set_engine_pattern(node, pattern)
    return node


def regexp_extract_all(node: exp.RegexpExtractAll, context: TranslationContext) -> exp.Expression:
    """regexp_extract_all(s, pattern[, group]) with Java patterns."""
    pattern, needs_java = _pattern_of(node, empty_matches_differ=True)
    _check_literal_group(node, pattern)
    if needs_java:
        return _call(JAVA_REGEXP_EXTRACT_ALL, node.this, exp.Literal.string(pattern), _group_argument(node))
    if pattern is not None:
        _set_engine_pattern(node, pattern)
    return node


# --- substr, split_part, digests ---------------------------------------------------------------------

MACROS: dict[str, str] = {
    # Trino's StringFunctions.substr: start 0, a start before the beginning, or a length <= 0 give
    # '' (DuckDB: substr('abc', 0) is 'abc'). substring(s, 1, 0) is the empty value of s's type.
    "trino_substr": (
        "(s, start) AS CASE WHEN start = 0 OR (start < 0 AND -start > length(s)) "
        "THEN substring(s, 1, 0) ELSE substring(s, start) END"
    ),
    "trino_substr_length": (
        "(s, start, n) AS CASE WHEN start = 0 OR n <= 0 OR (start < 0 AND -start > length(s)) "
        "THEN substring(s, 1, 0) ELSE substring(s, start, n) END"
    ),
    # Trino's split_part: NULL past the last field, an error for an index below 1 (DuckDB: '').
    "trino_split_part": (
        "(s, d, i) AS CASE WHEN i <= 0 THEN error('Index must be greater than zero') "
        "WHEN i > len(string_split(s, d)) THEN NULL ELSE split_part(s, d, i) END"
    ),
}


# What Trino's one-argument trim / ltrim / rtrim remove: airlift's SliceUtf8.trim, whose
# whitespace is Java's Character.isWhitespace (tab, line feed, vertical tab, form feed, carriage
# return, the four information separators U+001C..U+001F, and the Unicode space, line and
# paragraph separators except the no-break spaces U+00A0, U+2007, U+202F). DuckDB's trim removes
# spaces only, so a value ending in a tab or a newline kept it.
JAVA_WHITESPACE = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \u1680"
    + "".join(chr(code) for code in range(0x2000, 0x200B) if code != 0x2007)
    + "\u2028\u2029\u205f\u3000"
)
# The same characters as SQL: chr() calls DuckDB folds into one constant. Written as characters
# in a literal, U+2028 / U+2029 (line and paragraph separators) would break the statement log's
# lines for readers that split on them.
_JAVA_WHITESPACE_SQL = " || ".join(f"chr({ord(character)})" for character in JAVA_WHITESPACE)


def trim(node: exp.Trim, context: TranslationContext) -> exp.Expression:
    """trim(s) / ltrim(s) / rtrim(s) / TRIM(BOTH FROM s): Java's whitespace, not only spaces.
    With characters given (trim(s, 'x'), TRIM(LEADING 'x' FROM s)) DuckDB's answer is Trino's."""
    if node.args.get("expression") is None:
        node.set("expression", _java_whitespace_expression().copy())
    return node


@functools.lru_cache(maxsize=1)
def _java_whitespace_expression() -> exp.Expression:
    return sqlglot.parse_one(_JAVA_WHITESPACE_SQL, read="duckdb")


def substr(node: exp.Substring, context: TranslationContext) -> exp.Expression:
    """substr(s, start[, length]) with Trino's out-of-range answers."""
    start = node.args.get("start")
    length = node.args.get("length")
    if start is None:
        return node
    if length is None:
        return _call(macro("trino_substr"), node.this, start)
    return _call(macro("trino_substr_length"), node.this, start, length)


def split_part(node: exp.SplitPart, context: TranslationContext) -> exp.Expression:
    """split_part(s, delimiter, index): NULL past the end, as Trino."""
    return _call(macro("trino_split_part"), node.this, node.args["delimiter"], node.args["part_index"])


def sha1(node: exp.SHA, context: TranslationContext) -> exp.Expression:
    """sha1(varbinary) is a varbinary digest in Trino; DuckDB's sha1 returns its hex text."""
    return _call("unhex", exp.Anonymous(this="sha1", expressions=[node.this.copy()]))


def _sha512(data: bytes) -> bytes:
    return hashlib.sha512(data).digest()


SHA512 = "tdlocal_sha512"
PYTHON_FUNCTIONS.append(PythonFunction(SHA512, _sha512, ["BLOB"], "BLOB"))


def sha2(node: exp.SHA2Digest, context: TranslationContext) -> exp.Expression:
    """sha256 / sha512 of a varbinary; DuckDB has no sha512 (sqlglot would silently use sha256)."""
    length = node.args.get("length")
    bits = int(length.this) if isinstance(length, exp.Literal) else 256
    if bits == 256:
        return _call("unhex", exp.Anonymous(this="sha256", expressions=[node.this.copy()]))
    if bits == 512:
        return _call(SHA512, node.this)
    raise TrinoError(f"Function 'sha{bits}' not registered", "FUNCTION_NOT_FOUND")


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


CRC32 = "tdlocal_crc32"
PYTHON_FUNCTIONS.append(PythonFunction(CRC32, _crc32, ["BLOB"], "BIGINT"))
MACROS["trino_codepoint"] = (
    # Trino's codepoint takes varchar(1): a longer text is a type error there, an error here.
    "(c) AS CASE WHEN length(c) <> 1 THEN error('Unexpected parameters (varchar) for function codepoint. "
    "Expected: codepoint(varchar(1))') ELSE CAST(unicode(c) AS INTEGER) END"
)


def crc32(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """crc32(varbinary) -> bigint (zlib's CRC-32, the same polynomial as Java's CRC32)."""
    return _call(CRC32, *node.expressions)


def codepoint(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """codepoint(varchar(1)) -> integer, the Unicode code point."""
    return _call(macro("trino_codepoint"), *node.expressions)


# Marks a concatenation already checked here: its result is varchar, varbinary or an array, so an
# enclosing `||` need not check it again (and copying it into typeof() at every level of a long
# `a || b || c ...` chain would double the SQL per level).
_CHECKED_CONCAT = "tdlocal_checked_concat"
_CONCAT_SIGNATURES = (
    "concat(varchar), concat(varbinary), concat(array(E)), concat(array(E), E), concat(E, array(E))"
)


def concat_operand_types(node: exp.DPipe | exp.Concat, context: TranslationContext) -> exp.Expression:
    """`a || b` and concat(...) with Trino's operand types: varchar, varbinary or arrays only.

    Trino has no implicit cast to varchar here: `1 || '-'` fails at analysis with
    "Unexpected parameters (integer, varchar(1)) for function concat" (FUNCTION_NOT_FOUND), where
    DuckDB would cast and answer '1-'. The operand types are known only when DuckDB binds the
    query, so the check is a CASE on typeof(), which DuckDB folds to one branch before running.
    """
    operands = [node.this, node.expression] if isinstance(node, exp.DPipe) else list(node.expressions)
    checked = [operand for operand in operands if not _is_text_for_certain(operand)]
    if not checked:
        node.meta[_CHECKED_CONCAT] = True
        return node
    allowed = " AND ".join(
        f"(typeof({{o{index}}}) IN ('VARCHAR', 'BLOB', '\"NULL\"') OR ends_with(typeof({{o{index}}}), ']'))"
        for index in range(len(checked))
    )
    type_names: list[str] = []
    position = 0
    for operand in operands:
        if operand in checked:
            type_names.append(f"{TRINO_TYPE_UDF}(typeof({{o{position}}}))")
            position += 1
        else:
            type_names.append("'varchar'")
    message = (
        "'Unexpected parameters (' || "
        + " || ', ' || ".join(type_names)
        + f" || ') for function concat. Expected: {_CONCAT_SIGNATURES}'"
    )
    values = {f"o{index}": operand for index, operand in enumerate(checked)}
    result = fill(f"CASE WHEN {allowed} THEN {{concat}} ELSE error({message}) END", concat=node, **values)
    result.meta[_CHECKED_CONCAT] = True
    return result


def _is_text_for_certain(node: exp.Expression) -> bool:
    if isinstance(node, exp.Literal) and node.is_string:
        return True
    if node.meta.get(_CHECKED_CONCAT):
        return True
    return isinstance(node, exp.Cast) and node.to.this in (exp.DataType.Type.VARCHAR, exp.DataType.Type.TEXT)


# --- regexp_position, strpos(s, sub, instance) -------------------------------------------------------

JAVA_REGEXP_POSITION = "tdlocal_java_regexp_position"
STRING_POSITION = "tdlocal_string_position"


def java_regexp_position(text: str, pattern: str, start: int, occurrence: int) -> int:
    """regexp_position(string, pattern, start, occurrence) -> integer, positions in code points.

    The `occurrence`-th match of the Java `pattern` found from code point `start` (1-based,
    included), or -1; `start` past the end is -1; a match that is empty moves the next search on
    by one code point. `^` still means the start of `text`, and look-behind sees before `start`,
    as Joni's search from an offset does. Raises ValueError (INVALID_FUNCTION_ARGUMENT) for
    start < 1 or occurrence < 1, with Trino's texts.
    Source: Trino docs, Regular expression functions (regexp_position examples); Trino's
    JoniRegexpFunctions.regexpPosition for the errors and the -1 cases.
    """
    if start < 1:
        raise ValueError("start position cannot be smaller than 1")
    if occurrence < 1:
        raise ValueError("occurrence cannot be smaller than 1")
    if start > len(text):
        return -1
    for count, match in enumerate(compile_java_pattern(pattern).finditer(text, start - 1), start=1):
        if count == occurrence:
            return match.start() + 1
    return -1


def string_position(text: str, substring: str, instance: int) -> int:
    """strpos(string, substring, instance) -> bigint: the 1-based code point position of the
    `instance`-th occurrence (overlapping occurrences count), searched from the end when
    `instance` is negative; 0 when there are fewer; 1 for an empty substring.
    Raises ValueError (INVALID_FUNCTION_ARGUMENT) for instance 0, with Trino's text.
    Source: Trino docs, String functions (strpos); Trino's StringFunctions.stringPosition.
    """
    if instance == 0:
        raise ValueError("'instance' must be a positive or negative number.")
    if substring == "":
        return 1
    index = -1 if instance > 0 else len(text)
    for _ in range(abs(instance)):
        if instance > 0:
            index = text.find(substring, index + 1)
        else:
            # An occurrence starting before the previous one (Java's lastIndexOf(s, index - 1)).
            end = index - 1 + len(substring)
            index = text.rfind(substring, 0, end) if index > 0 else -1
        if index < 0:
            return 0
    return index + 1


PYTHON_FUNCTIONS.extend(
    [
        PythonFunction(
            JAVA_REGEXP_POSITION,
            _null_in_null_out(java_regexp_position),
            ["VARCHAR", "VARCHAR", "BIGINT", "BIGINT"],
            "INTEGER",
            True,
        ),
        PythonFunction(
            STRING_POSITION,
            _null_in_null_out(string_position),
            ["VARCHAR", "VARCHAR", "BIGINT"],
            "BIGINT",
            True,
        ),
    ]
)


def regexp_position(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """regexp_position(string, pattern[, start[, occurrence]]) with Java patterns (Python's `re`)."""
    arguments = list(node.expressions)
    if not 2 <= len(arguments) <= 4:
        raise TrinoError(
            f"Unexpected parameters ({len(arguments)} arguments) for function regexp_position. Expected: "
            "regexp_position(varchar(x), JoniRegExp), regexp_position(varchar(x), JoniRegExp, integer), "
            "regexp_position(varchar(x), JoniRegExp, integer, integer)",
            "FUNCTION_NOT_FOUND",
        )
    pattern = _string_literal(arguments[1])
    if pattern is not None:
        compile_java_pattern(pattern)  # refuse what Python cannot read, before running anything
    defaults = [exp.Literal.number(1)] * (4 - len(arguments))
    return _call(JAVA_REGEXP_POSITION, *arguments, *defaults)


def strpos(node: exp.StrPosition, context: TranslationContext) -> exp.Expression:
    """strpos(s, sub) stays DuckDB's (the same answers); strpos(s, sub, instance) is Trino's."""
    instance = node.args.get("occurrence")
    if instance is None or node.args.get("position") is not None:
        return node
    return _call(STRING_POSITION, node.this, node.args["substr"], instance)


ANONYMOUS_FIXES = {"regexp_position": regexp_position}


# --- split_to_map, split_to_multimap, hamming_distance, normalize -------------------------------------


def _entries(text: str, entry_delimiter: str, key_value_delimiter: str) -> list[tuple[str, str]]:
    """(key, value) pairs of `text` as Trino's SplitToMapFunction reads them: entries end at the
    entry delimiter (a trailing one adds no entry), each holds the key-value delimiter exactly once.
    Raises ValueError (INVALID_FUNCTION_ARGUMENT) with Trino's texts."""
    if entry_delimiter == "":
        raise ValueError("entryDelimiter is empty")
    if key_value_delimiter == "":
        raise ValueError("keyValueDelimiter is empty")
    if entry_delimiter == key_value_delimiter:
        raise ValueError("entryDelimiter and keyValueDelimiter must not be the same")
    pairs: list[tuple[str, str]] = []
    start = 0
    while start < len(text):
        end = text.find(entry_delimiter, start)
        entry = text[start:] if end < 0 else text[start:end]
        key, found, value = entry.partition(key_value_delimiter)
        if not found or key_value_delimiter in value:
            raise ValueError(
                f"Key-value delimiter must appear exactly once in each entry. Bad input: '{entry}'"
            )
        pairs.append((key, value))
        if end < 0:
            break
        start = end + len(entry_delimiter)
    return pairs


def split_to_map(text: str, entry_delimiter: str, key_value_delimiter: str) -> dict[str, str]:
    """split_to_map(string, entryDelimiter, keyValueDelimiter) -> map(varchar, varchar).

    A key seen twice is an error ("Duplicate keys (a) are not allowed").
    Source: Trino docs, String functions; Trino's TestStringFunctions.testSplitToMap.
    """
    result: dict[str, str] = {}
    for key, value in _entries(text, entry_delimiter, key_value_delimiter):
        if key in result:
            raise ValueError(f"Duplicate keys ({key}) are not allowed")
        result[key] = value
    return result


def split_to_multimap(text: str, entry_delimiter: str, key_value_delimiter: str) -> dict[str, list[str]]:
    """split_to_multimap(string, entryDelimiter, keyValueDelimiter) -> map(varchar, array(varchar)):
    each key's values in the order they appear (Trino docs, String functions)."""
    result: dict[str, list[str]] = {}
    for key, value in _entries(text, entry_delimiter, key_value_delimiter):
        result.setdefault(key, []).append(value)
    return result


def hamming_distance(left: str, right: str) -> int:
    """hamming_distance(string1, string2) -> bigint: code points that differ, position by position.
    Raises ValueError for strings of different lengths (Trino's StringFunctions.hammingDistance)."""
    if len(left) != len(right):
        raise ValueError("The input strings to hamming_distance function must have the same length")
    return sum(1 for a, b in zip(left, right, strict=True) if a != b)


def _normalize(text: str, form: str) -> str:
    return unicodedata.normalize(form, text)


SPLIT_TO_MAP = "tdlocal_split_to_map"
SPLIT_TO_MULTIMAP = "tdlocal_split_to_multimap"
HAMMING_DISTANCE = "tdlocal_hamming_distance"
NORMALIZE = "tdlocal_normalize"
PYTHON_FUNCTIONS.extend(
    [
        PythonFunction(
            SPLIT_TO_MAP, _null_in_null_out(split_to_map), ["VARCHAR"] * 3, "MAP(VARCHAR, VARCHAR)", True
        ),
        PythonFunction(
            SPLIT_TO_MULTIMAP,
            _null_in_null_out(split_to_multimap),
            ["VARCHAR"] * 3,
            "MAP(VARCHAR, VARCHAR[])",
            True,
        ),
        PythonFunction(
            HAMMING_DISTANCE, _null_in_null_out(hamming_distance), ["VARCHAR"] * 2, "BIGINT", True
        ),
        PythonFunction(NORMALIZE, _null_in_null_out(_normalize), ["VARCHAR"] * 2, "VARCHAR", True),
    ]
)


def split_to_map_call(node: exp.StrToMap, context: TranslationContext) -> exp.Expression:
    """split_to_map(string, entryDelimiter, keyValueDelimiter) (sqlglot's StrToMap; DuckDB has none)."""
    return _call(SPLIT_TO_MAP, node.this, node.args["pair_delim"], node.args["key_value_delim"])


def _split_to_multimap(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    if len(node.expressions) != 3:
        raise TrinoError(
            "Function 'split_to_multimap' takes (varchar, varchar, varchar)", "FUNCTION_NOT_FOUND"
        )
    return _call(SPLIT_TO_MULTIMAP, *node.expressions)


def _hamming_distance(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    if len(node.expressions) != 2:
        raise TrinoError("Function 'hamming_distance' takes (varchar, varchar)", "FUNCTION_NOT_FOUND")
    return _call(HAMMING_DISTANCE, *node.expressions)


_NORMAL_FORMS = {"NFC", "NFD", "NFKC", "NFKD"}


def normalize(node: exp.Normalize, context: TranslationContext) -> exp.Expression:
    """normalize(string[, NFC | NFD | NFKC | NFKD]) -> varchar, NFC by default (Trino docs, String
    functions), with Python's unicodedata (the Unicode database Python ships)."""
    form_node = node.args.get("form")
    form = form_node.name.upper() if isinstance(form_node, exp.Expression) else "NFC"
    if form not in _NORMAL_FORMS:
        raise TrinoError(
            f"Normalization form must be one of [NFD, NFC, NFKD, NFKC]: {form}", "INVALID_FUNCTION_ARGUMENT"
        )
    return _call(NORMALIZE, node.this, exp.Literal.string(form))


ANONYMOUS_FIXES["split_to_multimap"] = _split_to_multimap
ANONYMOUS_FIXES["hamming_distance"] = _hamming_distance


# --- HMAC, base32, base64url --------------------------------------------------------------------------


def _hmac(algorithm: str) -> Callable[[bytes, bytes], bytes]:
    def digest(data: bytes, key: bytes) -> bytes:
        return hmac.new(key, data, algorithm).digest()

    return digest


def _from_base32(data: str) -> bytes:
    # Guava's BaseEncoding.base32() (Trino's from_base32) refuses what is not base32.
    try:
        return base64.b32decode(data)
    except (binascii.Error, ValueError):
        raise ValueError("Invalid input length") from None


def _from_base64url(text: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError(f"Illegal base64url input: {text[:100]!r}") from None


_BINARY_FUNCTIONS: dict[str, tuple[Callable[..., object], list[str], str]] = {
    # hmac_xxx(varbinary, key varbinary) -> varbinary (Trino docs, Binary functions).
    "hmac_md5": (_hmac("md5"), ["BLOB", "BLOB"], "BLOB"),
    "hmac_sha1": (_hmac("sha1"), ["BLOB", "BLOB"], "BLOB"),
    "hmac_sha256": (_hmac("sha256"), ["BLOB", "BLOB"], "BLOB"),
    "hmac_sha512": (_hmac("sha512"), ["BLOB", "BLOB"], "BLOB"),
    # RFC 4648 base32 with padding, as Guava's BaseEncoding.base32() that Trino uses.
    "to_base32": (base64.b32encode, ["BLOB"], "VARCHAR"),
    "from_base32": (_from_base32, ["VARCHAR"], "BLOB"),
    # Java's Base64.getUrlEncoder() (padded) and getUrlDecoder().
    "to_base64url": (base64.urlsafe_b64encode, ["BLOB"], "VARCHAR"),
    "from_base64url": (_from_base64url, ["VARCHAR"], "BLOB"),
}


def _text_result(function: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(function)
    def call(*arguments: object) -> object:
        result = function(*arguments)
        return result.decode("ascii") if isinstance(result, bytes) else result

    return call


for _name, (_function, _parameters, _returns) in _BINARY_FUNCTIONS.items():
    _implementation = _text_result(_function) if _returns == "VARCHAR" else _function
    PYTHON_FUNCTIONS.append(
        PythonFunction(f"tdlocal_{_name}", _null_in_null_out(_implementation), _parameters, _returns, True)
    )


def _binary_function(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    name = node.this.lower()
    _, parameters, _ = _BINARY_FUNCTIONS[name]
    if len(node.expressions) != len(parameters):
        raise TrinoError(
            f"Unexpected parameters ({len(node.expressions)} arguments) for function {name}",
            "FUNCTION_NOT_FOUND",
        )
    if name in ("from_base32", "from_base64url"):
        # Trino takes varchar or varbinary; either is ASCII text here, read as VARCHAR.
        return _call(f"tdlocal_{name}", exp.Cast(this=node.expressions[0], to=exp.DataType.build("VARCHAR")))
    return _call(f"tdlocal_{name}", *node.expressions)


ANONYMOUS_FIXES.update(dict.fromkeys(_BINARY_FUNCTIONS, _binary_function))


def base32_call(node: exp.FromBase32 | exp.ToBase32, context: TranslationContext) -> exp.Expression:
    """from_base32 / to_base32 (sqlglot's FromBase32 / ToBase32 nodes)."""
    name = "from_base32" if isinstance(node, exp.FromBase32) else "to_base32"
    return _binary_function(exp.Anonymous(this=name, expressions=[node.this]), context)


# split(string, delimiter[, limit]): Trino keeps the rest of the string in the last of `limit`
# parts and refuses an empty delimiter (StringFunctions.split); DuckDB's string_split dropped the
# limit and split an empty delimiter into characters.
MACROS["trino_split"] = (
    "(s, d, n) AS CASE WHEN n <= 0 THEN error('Limit must be positive') "
    "WHEN d = '' THEN error('The delimiter may not be the empty string') "
    "WHEN n IS NULL OR len(string_split(s, d)) <= n THEN string_split(s, d) "
    "ELSE list_concat(string_split(s, d)[1:n - 1], [array_to_string(string_split(s, d)[n:], d)]) END"
)


def split(node: exp.Split, context: TranslationContext) -> exp.Expression:
    """split(string, delimiter[, limit]) -> array(varchar) with Trino's limit and errors."""
    limit = node.args.get("limit")
    if limit is None:
        limit = exp.Cast(this=exp.Null(), to=exp.DataType.build("BIGINT"))
    return _call(macro("trino_split"), node.this, node.expression, limit)
