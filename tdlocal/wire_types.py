"""Trino type text as the protocol describes result columns: 'decimal(10,2)' -> a parsed TrinoType,
its canonical form, its display name and the `typeSignature` the client picks value mappers from.

Pure functions. Not to be confused with `tdlocal.trino_types`, which names DuckDB types in Trino's
words on the engine side; this module reads those names on the wire side.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

# Trino's length for an unbounded varchar, as its clients expect to see it in typeSignature.
UNBOUNDED_VARCHAR_LENGTH = 2_147_483_647
# Precision Trino gives `timestamp` / `time` written without one.
DEFAULT_TEMPORAL_PRECISION = 3


@dataclass(frozen=True)
class TrinoType:
    """A parsed Trino type: base name ('timestamp with time zone'), numeric parameters, nested types."""

    raw: str
    numbers: tuple[int, ...] = ()
    elements: tuple[TrinoType, ...] = ()  # array: (element,); map: (key, value); row: field types
    field_names: tuple[str | None, ...] = ()  # row only, None for an anonymous field


class TypeTextError(ValueError):
    """Trino type text that tdlocal cannot parse."""


_TOKEN = re.compile(
    r'\s*(?:(?P<number>\d+)|(?P<word>[A-Za-z_][A-Za-z0-9_]*)|(?P<quoted>"(?:[^"]|"")*")|(?P<punct>[(),]))'
)


def parse_type(text: str) -> TrinoType:
    """Parse Trino type text such as 'decimal(10,2)', 'map(varchar,bigint)' or 'row("a" integer)'."""
    tokens = _tokenize(text)
    parsed, position = _parse_type_at(tokens, 0, text)
    if position != len(tokens):
        raise TypeTextError(f"unexpected {tokens[position][1]!r} in Trino type {text!r}")
    return parsed


def _tokenize(text: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    position = 0
    stripped_end = len(text.rstrip())
    while position < stripped_end:
        match = _TOKEN.match(text, position)
        if match is None or match.end() == position:
            raise TypeTextError(f"cannot read Trino type {text!r} at position {position}")
        kind = match.lastgroup
        assert kind is not None
        tokens.append((kind, match.group(kind)))
        position = match.end()
    return tokens


def _parse_type_at(tokens: list[tuple[str, str]], position: int, text: str) -> tuple[TrinoType, int]:
    words: list[str] = []
    while position < len(tokens) and tokens[position][0] == "word":
        words.append(tokens[position][1].lower())
        position += 1
    if not words:
        raise TypeTextError(f"expected a type name in Trino type {text!r}")
    name = " ".join(words)
    numbers: list[int] = []
    elements: list[TrinoType] = []
    field_names: list[str | None] = []
    if position < len(tokens) and tokens[position] == ("punct", "("):
        position += 1
        while True:
            kind, value = tokens[position] if position < len(tokens) else ("end", "")
            if kind == "number":
                numbers.append(int(value))
                position += 1
            elif name == "row":
                field_name, field_type, position = _parse_row_field(tokens, position, text)
                field_names.append(field_name)
                elements.append(field_type)
            else:
                element, position = _parse_type_at(tokens, position, text)
                elements.append(element)
            if position < len(tokens) and tokens[position] == ("punct", ","):
                position += 1
                continue
            if position < len(tokens) and tokens[position] == ("punct", ")"):
                position += 1
                break
            raise TypeTextError(f"expected ',' or ')' in Trino type {text!r}")
        # `timestamp(3) with time zone`: the words after the parameters belong to the base name.
        while position < len(tokens) and tokens[position][0] == "word":
            name = f"{name} {tokens[position][1].lower()}"
            position += 1
    return TrinoType(name, tuple(numbers), tuple(elements), tuple(field_names)), position


_MULTI_WORD_TYPE_NAMES = {
    "double precision",
    "time with time zone",
    "timestamp with time zone",
    "interval day to second",
    "interval year to month",
}


def _parse_row_field(
    tokens: list[tuple[str, str]], position: int, text: str
) -> tuple[str | None, TrinoType, int]:
    kind, value = tokens[position] if position < len(tokens) else ("end", "")
    if kind == "quoted":
        return value[1:-1].replace('""', '"'), *_parse_type_at(tokens, position + 1, text)
    # `row(a integer)` names its field with a leading word, `row(integer)` does not; a run of words
    # that spells a multi-word type name ('double precision') is a type, not a name and a type.
    words = []
    end = position
    while end < len(tokens) and tokens[end][0] == "word":
        words.append(tokens[end][1].lower())
        end += 1
    if len(words) >= 2 and " ".join(words) not in _MULTI_WORD_TYPE_NAMES:
        return value, *_parse_type_at(tokens, position + 1, text)
    field_type, after = _parse_type_at(tokens, position, text)
    return None, field_type, after


def canonical_type(parsed: TrinoType) -> TrinoType:
    """Fill in the parameters Trino always reports: varchar length, decimal (38,0), temporal precision."""
    numbers = parsed.numbers
    raw = parsed.raw
    if raw == "double precision":
        raw = "double"
    if raw in {"varchar", "char"} and not numbers:
        numbers = (UNBOUNDED_VARCHAR_LENGTH,) if raw == "varchar" else (1,)
    elif raw in {"decimal", "numeric"}:
        raw = "decimal"
        if not numbers:
            numbers = (38, 0)
        elif len(numbers) == 1:
            numbers = (numbers[0], 0)
    elif raw in {"time", "timestamp", "time with time zone", "timestamp with time zone"} and not numbers:
        numbers = (DEFAULT_TEMPORAL_PRECISION,)
    return TrinoType(raw, numbers, tuple(canonical_type(e) for e in parsed.elements), parsed.field_names)


def display_name(parsed: TrinoType) -> str:
    """Trino's display text for a (canonical) type, e.g. 'timestamp(3) with time zone'."""
    raw = parsed.raw
    if raw == "varchar" and parsed.numbers == (UNBOUNDED_VARCHAR_LENGTH,):
        return "varchar"
    if raw == "array":
        return f"array({display_name(parsed.elements[0])})"
    if raw == "map":
        return f"map({display_name(parsed.elements[0])}, {display_name(parsed.elements[1])})"
    if raw == "row":
        fields = []
        for name, field_type in zip(parsed.field_names, parsed.elements, strict=True):
            quoted = "" if name is None else '"' + name.replace('"', '""') + '" '
            fields.append(quoted + display_name(field_type))
        return f"row({', '.join(fields)})"
    if not parsed.numbers:
        return raw
    numbers = ",".join(str(n) for n in parsed.numbers)
    if raw.endswith(" with time zone"):
        return f"{raw.removesuffix(' with time zone')}({numbers}) with time zone"
    return f"{raw}({numbers})"


def type_signature(parsed: TrinoType) -> dict[str, Any]:
    """The client's `typeSignature` for a (canonical) type: {rawType, arguments: [{kind, value}]}."""
    if parsed.raw == "row":
        arguments = []
        for name, field_type in zip(parsed.field_names, parsed.elements, strict=True):
            value: dict[str, Any] = {"typeSignature": type_signature(field_type)}
            if name is not None:
                value["fieldName"] = {"name": name}
            arguments.append({"kind": "NAMED_TYPE", "value": value})
        return {"rawType": "row", "arguments": arguments}
    arguments = [{"kind": "LONG", "value": n} for n in parsed.numbers]
    arguments += [{"kind": "TYPE", "value": type_signature(e)} for e in parsed.elements]
    return {"rawType": parsed.raw, "arguments": arguments}
