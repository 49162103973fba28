"""Trino's URL functions (url_extract_*, url_encode, url_decode), json_size, and TD_URL_DECODE / TD_MD5.

Trino parses with java.net.URI (UrlFunctions): a string that is not a valid URI gives NULL, a part
the URI lacks gives '' (Trino turns Java's null into an empty slice), a missing port gives NULL;
path, query and fragment are decoded (URI.getPath/getQuery/getFragment) while
url_extract_parameter splits the raw query. url_encode is Java's URLEncoder (space as '+', only
letters, digits and `.-*_` kept) and url_decode its URLDecoder. DuckDB's url_encode/url_decode
follow RFC 3986 instead (space as %20, '+' kept), which is why they are replaced.

Python's urllib.parse does the percent-encoding (a well-kept standard library module); the URI
grammar check is written here because urllib accepts what java.net.URI refuses (e.g. '^', ' ').
"""

from __future__ import annotations

import functools
import json
import math
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import PythonFunction, macro
from tdlocal.sql.templates import fill

# Characters java.net.URI accepts (RFC 2396 unreserved, reserved, escaped and non-ASCII "other").
_URI_CHARACTERS = re.compile(r"^[A-Za-z0-9\-_.!~*'();/?:@&=+$,\[\]%#\u0080-\U0010FFFF]*$")
_BAD_ESCAPE = re.compile(r"%(?![0-9A-Fa-f]{2})")
_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.\-]*):")


@dataclass(frozen=True)
class _Uri:
    scheme: str | None
    host: str | None
    port: int | None
    raw_path: str | None
    raw_query: str | None
    raw_fragment: str | None


def _parse(url: str) -> _Uri | None:
    """java.net.URI's reading of `url`, or None where it would throw URISyntaxException."""
    if not _URI_CHARACTERS.match(url) or _BAD_ESCAPE.search(url) or url.count("#") > 1:
        return None
    text, _, fragment = url.partition("#")
    raw_fragment = fragment if "#" in url else None
    scheme_match = _SCHEME.match(text)
    scheme = scheme_match.group(1) if scheme_match else None
    rest = text[scheme_match.end() :] if scheme_match else text
    if scheme is not None and not rest.startswith("/"):
        # An opaque URI (mailto:x@y): no host, path or query.
        return _Uri(scheme, None, None, None, None, raw_fragment) if rest else None
    host = port = None
    if rest.startswith("//"):
        authority_end = len(rest)
        for separator in "/?":
            found = rest.find(separator, 2)
            if found >= 0:
                authority_end = min(authority_end, found)
        authority, rest = rest[2:authority_end], rest[authority_end:]
        host, port = _host_and_port(authority)
        if host is _INVALID:
            return None
    path, question, query = rest.partition("?")
    return _Uri(scheme, host, port, path, query if question else None, raw_fragment)


_INVALID = object()


def _host_and_port(authority: str) -> tuple:
    server = authority.rpartition("@")[2]
    if "[" in server or "]" in server:
        return _INVALID, None
    host, colon, port_text = server.partition(":")
    if colon and port_text and not port_text.isdigit():
        return _INVALID, None
    # java.net.URI only names a host that is a domain name or IPv4 address (else: no host).
    if host and not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9\-.]*[A-Za-z0-9])?", host):
        return None, None
    return host or None, int(port_text) if port_text else None


def _decoded(text: str | None) -> str:
    return "" if text is None else urllib.parse.unquote(text, errors="strict")


def _part(getter: Callable[[_Uri], str | None]) -> Callable[[str], str | None]:
    def extract(url: str) -> str | None:
        uri = _parse(url)
        return None if uri is None else getter(uri)

    return extract


def _port(url: str) -> int | None:
    uri = _parse(url)
    return None if uri is None else uri.port


def _parameter(url: str, name: str) -> str | None:
    uri = _parse(url)
    if uri is None or uri.raw_query is None:
        return None
    for item in uri.raw_query.split("&"):
        key, equals, value = item.partition("=")
        if key == name:
            return value if equals else ""
    return None


def url_encode(text: str) -> str:
    """Java's URLEncoder.encode(text, UTF-8): Trino's url_encode (TestUrlFunctions)."""
    # quote_plus keeps '~' (RFC 3986 unreserved); URLEncoder encodes it.
    return urllib.parse.quote_plus(text, safe="*").replace("~", "%7E")


def url_decode(text: str) -> str:
    """Java's URLDecoder.decode(text, UTF-8): '+' is a space; a bad escape is an error."""
    if _BAD_ESCAPE.search(text):
        raise ValueError(f"URLDecoder: Illegal hex characters in escape (%) pattern: {text[:100]!r}")
    return urllib.parse.unquote_plus(text, errors="strict")


def _null_in_null_out(function: Callable[..., object]) -> Callable[..., object]:
    @functools.wraps(function)
    def call(*arguments: object) -> object:
        return None if any(argument is None for argument in arguments) else function(*arguments)

    return call


_FUNCTIONS: dict[str, tuple[Callable[..., object], list[str], str]] = {
    "url_extract_protocol": (_part(lambda uri: uri.scheme or ""), ["VARCHAR"], "VARCHAR"),
    "url_extract_host": (_part(lambda uri: uri.host or ""), ["VARCHAR"], "VARCHAR"),
    "url_extract_port": (_port, ["VARCHAR"], "BIGINT"),
    "url_extract_path": (_part(lambda uri: _decoded(uri.raw_path)), ["VARCHAR"], "VARCHAR"),
    "url_extract_query": (_part(lambda uri: _decoded(uri.raw_query)), ["VARCHAR"], "VARCHAR"),
    "url_extract_fragment": (_part(lambda uri: _decoded(uri.raw_fragment)), ["VARCHAR"], "VARCHAR"),
    "url_extract_parameter": (_parameter, ["VARCHAR", "VARCHAR"], "VARCHAR"),
    "url_encode": (url_encode, ["VARCHAR"], "VARCHAR"),
    "url_decode": (url_decode, ["VARCHAR"], "VARCHAR"),
}

PYTHON_FUNCTIONS = [
    PythonFunction(f"tdlocal_{name}", _null_in_null_out(function), parameters, returns, special_nulls=True)
    for name, (function, parameters, returns) in _FUNCTIONS.items()
]


def _url_function(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    name = node.this.lower()
    _, parameters, _ = _FUNCTIONS[name]
    if len(node.expressions) != len(parameters):
        raise TrinoError(
            f"Unexpected parameters ({len(node.expressions)} arguments) for function {name}",
            "FUNCTION_NOT_FOUND",
        )
    return exp.Anonymous(this=f"tdlocal_{name}", expressions=list(node.expressions))


ANONYMOUS_FIXES = dict.fromkeys(_FUNCTIONS, _url_function)


def td_url_decode(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    """TD_URL_DECODE(text): TD's URL decoding, Java's URLDecoder like Trino's url_decode."""
    return exp.Anonymous(this="tdlocal_url_decode", expressions=arguments)


def td_md5(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    """TD_MD5(text): the MD5 digest of the text's UTF-8 bytes as 32 lower-case hex digits (TD docs)."""
    return exp.Anonymous(
        this="md5", expressions=[exp.Cast(this=arguments[0], to=exp.DataType.build("VARCHAR"))]
    )


JSON_MACROS: dict[str, str] = {
    # Trino's json_size: the element or key count of the array or object at the path, 0 for a
    # scalar, NULL when the path selects nothing (Trino docs, JSON functions).
    "trino_json_size": (
        "(j, p) AS CASE json_type(j, p) WHEN 'ARRAY' THEN CAST(json_array_length(j, p) AS BIGINT) "
        "WHEN 'OBJECT' THEN CAST(len(json_keys(j, p)) AS BIGINT) "
        "WHEN NULL THEN NULL ELSE CAST(0 AS BIGINT) END"
    ),
}


def json_size(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    """json_size(json, path) -> bigint."""
    return exp.Anonymous(this=macro("trino_json_size"), expressions=list(node.expressions))


ANONYMOUS_FIXES["json_size"] = json_size


# --- json_array_get -----------------------------------------------------------------------------------


class _NumberText(str):
    """A JSON number kept as its source text (Jackson's getValueAsString gives the token's text)."""


def _refuse_constant(name: str) -> object:
    # Jackson (Trino's parser) does not read NaN / Infinity: the text is not JSON.
    raise ValueError(f"not JSON: {name}")


_JSON_DECODER = json.JSONDecoder(
    parse_float=_NumberText, parse_int=_NumberText, parse_constant=_refuse_constant
)


def _json_text(value: object) -> str:
    """Compact JSON text of a parsed value, numbers as written (Jackson's tree serialization)."""
    if isinstance(value, _NumberText):
        return str(value)
    if isinstance(value, list):
        return "[" + ",".join(_json_text(item) for item in value) + "]"
    if isinstance(value, dict):
        return (
            "{"
            + ",".join(
                f"{json.dumps(key, ensure_ascii=False)}:{_json_text(item)}" for key, item in value.items()
            )
            + "}"
        )
    return json.dumps(value, ensure_ascii=False)


# json_extract_scalar of a number: Trino's JsonExtract.ScalarValueJsonExtractor returns Jackson's
# getText(), the number as written in the document ('1.50', '1e2', '-0'); DuckDB's
# json_extract_string prints the parsed double ('1.5', '100.0'). Only values DuckDB types as
# DOUBLE come here (integers print as written in both). The path is Trino's JsonPath subset:
# `$`, `.name`, `["name"]`, `[index]`; any other path is left to DuckDB (None).
_PATH_STEP = re.compile(r'\.([A-Za-z_][A-Za-z0-9_]*)|\.?\[?"((?:[^"\\]|\\.)*)"\]?|\[(\d+)\]')


_NOT_FOUND = object()


def _path_value(document: str, path: str) -> object:
    """The value `path` selects in `document` (numbers as _NumberText), or _NOT_FOUND."""
    if not path.startswith("$"):
        return _NOT_FOUND
    steps, position = [], 1
    while position < len(path):
        step = _PATH_STEP.match(path, position)
        if step is None:
            return _NOT_FOUND
        name, quoted, index = step.groups()
        steps.append(
            int(index) if index is not None else name if name is not None else json.loads(f'"{quoted}"')
        )
        position = step.end()
    try:
        value = _JSON_DECODER.decode(document)
    except ValueError:
        return _NOT_FOUND
    for step in steps:
        in_array = isinstance(step, int) and isinstance(value, list) and step < len(value)
        in_object = isinstance(step, str) and isinstance(value, dict) and step in value
        if not (in_array or in_object):
            return _NOT_FOUND
        value = value[step]
    return value


def json_number_text(document: str, path: str) -> str | None:
    """The source text of the number `path` selects in `document`, or None."""
    value = _path_value(document, path)
    return str(value) if isinstance(value, _NumberText) else None


def json_path_scalar(document: str, path: str) -> str | None:
    """json_extract_scalar for a path DuckDB reads otherwise (`$["*"]`, `$["-1"]`): the scalar's
    text (a number as written, a boolean as true/false), NULL for objects, arrays, JSON null."""
    value = _path_value(document, path)
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value) if isinstance(value, str) else None


def json_path_json(document: str, path: str) -> str | None:
    """json_extract for such a path: the selected value's compact JSON text (numbers as written)."""
    value = _path_value(document, path)
    return None if value is _NOT_FOUND or value is None else _json_text(value)


JSON_PATH_SCALAR = "tdlocal_json_path_scalar"
JSON_PATH_JSON = "tdlocal_json_path_json"


def trino_path_text(path: exp.JSONPath) -> str | None:
    """A sqlglot JSON path of field names and indexes as the bracketed text `_path_value` reads
    (`$["*"]`, `$[0]`); None for steps of other kinds (wildcards, negative indexes)."""
    parts = ["$"]
    for step in path.expressions:
        inner = step.this
        if isinstance(step, exp.JSONPathRoot):
            continue
        if isinstance(step, exp.JSONPathSubscript) and isinstance(inner, int) and inner >= 0:
            parts.append(f"[{inner}]")
        elif isinstance(step, exp.JSONPathKey) and isinstance(inner, str):
            parts.append(f"[{json.dumps(inner, ensure_ascii=False)}]")
        else:
            return None
    return "".join(parts)


def written_path_text(path: exp.JSONPath) -> str:
    """A sqlglot JSON path as a query writes it (`$.bar[2][-1]`, `$[*]`, `$.*`), for messages."""
    parts = []
    for step in path.expressions:
        inner = step.this
        wildcard = isinstance(inner, exp.JSONPathWildcard)
        if isinstance(step, exp.JSONPathRoot):
            parts.append("$")
        elif isinstance(step, exp.JSONPathSubscript):
            parts.append("[*]" if wildcard else f"[{inner}]")
        elif wildcard:
            parts.append(".*")
        elif isinstance(inner, str) and re.fullmatch(r"[A-Za-z0-9_]+", inner):
            parts.append(f".{inner}")
        else:
            parts.append(f"[{json.dumps(str(inner), ensure_ascii=False)}]")
    return "".join(parts)


JSON_NUMBER_TEXT = "tdlocal_json_number_text"


def json_array_get(json_array: str, index: int) -> str | None:
    """json_array_get(json_array, index) -> json, as Trino 423 answers it.

    The zero-based element (negative: from the end); NULL past either end, for a JSON null
    element, and for text that is not a JSON array. A string element comes back *unquoted*
    (Trino docs' warning: "The semantics of this function are broken ... it will be converted
    into an invalid JSON value that is not properly quoted"), a number as written, an array or
    object as compact JSON text.
    Source: Trino 423 docs, JSON functions (json_array_get examples: '["a", [3, 9], "c"]' index 0
    is JSON 'a', index 1 JSON '[3,9]'); Trino's JsonFunctions.jsonArrayGet.
    """
    try:
        parsed = _JSON_DECODER.decode(json_array)
    except ValueError:
        return None
    if not isinstance(parsed, list):
        return None
    position = index if index >= 0 else len(parsed) + index
    if not 0 <= position < len(parsed):
        return None
    element = parsed[position]
    if element is None:
        return None
    if isinstance(element, str) and not isinstance(element, _NumberText):
        return element
    if isinstance(element, bool):
        return "true" if element else "false"
    return _json_text(element)


JSON_ARRAY_GET = "tdlocal_json_array_get"
PYTHON_FUNCTIONS.extend(
    PythonFunction(name, _null_in_null_out(function), ["VARCHAR", "VARCHAR"], kind, True)
    for name, function, kind in [
        (JSON_NUMBER_TEXT, json_number_text, "VARCHAR"),
        (JSON_PATH_SCALAR, json_path_scalar, "VARCHAR"),
        (JSON_PATH_JSON, json_path_json, "JSON"),
    ]
)
PYTHON_FUNCTIONS.append(
    PythonFunction(JSON_ARRAY_GET, _null_in_null_out(json_array_get), ["VARCHAR", "BIGINT"], "JSON", True)
)


def _json_array_get(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    if len(node.expressions) != 2:
        raise TrinoError("Function 'json_array_get' takes (json, bigint)", "FUNCTION_NOT_FOUND")
    json_value, index = node.expressions
    text = exp.Cast(this=json_value, to=exp.DataType.build("VARCHAR"))
    return exp.Anonymous(this=JSON_ARRAY_GET, expressions=[text, index])


ANONYMOUS_FIXES["json_array_get"] = _json_array_get


# --- json_array_contains, is_json_scalar --------------------------------------------------------------

_INTEGER_TEXT = re.compile(r"^-?\d+$")


def json_array_contains(json_array: str, value: str, kind: str) -> bool | None:
    """json_array_contains(json, value) -> boolean: whether a top-level element of the JSON array
    is `value`, compared as Trino's JsonFunctions does for the value's type (`kind`): a bigint
    matches integer numbers only, a double non-integer ones, a boolean true/false, a varchar JSON
    strings. NULL when the text is not a JSON array.
    Source: Trino docs, JSON functions (json_array_contains('[1, 2, 3]', 2) is true);
    JsonFunctions.jsonArrayContains.
    """
    try:
        parsed = _JSON_DECODER.decode(json_array)
    except ValueError:
        return None
    if not isinstance(parsed, list):
        return None
    for element in parsed:
        if kind == "bigint" and isinstance(element, _NumberText) and _INTEGER_TEXT.match(element):
            if _LONG_MIN <= int(element) <= _LONG_MAX and int(element) == int(value):
                return True
        elif kind == "double" and isinstance(element, _NumberText) and not _INTEGER_TEXT.match(element):
            number = float(element)
            if math.isfinite(number) and number == float(value):
                return True
        elif kind == "boolean" and isinstance(element, bool):
            if element == (value.lower() == "true"):
                return True
        elif (
            kind == "varchar"
            and isinstance(element, str)
            and not isinstance(element, _NumberText)
            and element == value
        ):
            return True
    return False


_LONG_MIN, _LONG_MAX = -(2**63), 2**63 - 1


def is_json_scalar(json_text: str) -> bool:
    """is_json_scalar(json) -> boolean: a number, string, true, false or null (Trino docs, JSON
    functions). Raises ValueError "Invalid JSON value: ..." for text that is not JSON."""
    try:
        parsed = _JSON_DECODER.decode(json_text)
    except ValueError:
        raise ValueError(f"Invalid JSON value: {json_text[:100]}") from None
    return not isinstance(parsed, (list, dict))


JSON_ARRAY_CONTAINS = "tdlocal_json_array_contains"
IS_JSON_SCALAR = "tdlocal_is_json_scalar"
PYTHON_FUNCTIONS.extend(
    [
        PythonFunction(
            JSON_ARRAY_CONTAINS,
            _null_in_null_out(json_array_contains),
            ["VARCHAR", "VARCHAR", "VARCHAR"],
            "BOOLEAN",
            True,
        ),
        PythonFunction(IS_JSON_SCALAR, _null_in_null_out(is_json_scalar), ["VARCHAR"], "BOOLEAN", True),
    ]
)

# The Trino type json_array_contains compares as, from DuckDB's type of the value (typeof() is
# constant when DuckDB binds the query).
_VALUE_KIND = (
    "CASE WHEN typeof({v}) IN ('TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT') THEN 'bigint' "
    "WHEN typeof({v}) IN ('DOUBLE', 'FLOAT') OR typeof({v}) LIKE 'DECIMAL%' THEN 'double' "
    "WHEN typeof({v}) = 'BOOLEAN' THEN 'boolean' ELSE 'varchar' END"
)


def json_array_contains_call(node: exp.JSONArrayContains, context: TranslationContext) -> exp.Expression:
    """json_array_contains(json, value) (sqlglot's JSONArrayContains)."""
    value = node.expression
    return exp.Anonymous(
        this=JSON_ARRAY_CONTAINS,
        expressions=[
            exp.Cast(this=node.this, to=exp.DataType.build("VARCHAR")),
            exp.Cast(this=value.copy(), to=exp.DataType.build("VARCHAR")),
            fill(_VALUE_KIND, v=value),
        ],
    )


def _is_json_scalar(node: exp.Anonymous, context: TranslationContext) -> exp.Expression:
    if len(node.expressions) != 1:
        raise TrinoError("Function 'is_json_scalar' takes one argument", "FUNCTION_NOT_FOUND")
    return exp.Anonymous(
        this=IS_JSON_SCALAR,
        expressions=[exp.Cast(this=node.expressions[0], to=exp.DataType.build("VARCHAR"))],
    )


ANONYMOUS_FIXES["is_json_scalar"] = _is_json_scalar
