"""Trino type text -> parsed type, display name and typeSignature (`tdlocal.wire_types`)."""

from __future__ import annotations

import pytest

from tdlocal import protocol
from tdlocal.wire_types import TypeTextError, parse_type


@pytest.mark.parametrize(
    ("type_text", "display", "signature"),
    [
        ("bigint", "bigint", {"rawType": "bigint", "arguments": []}),
        (
            "varchar",
            "varchar",
            {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]},
        ),
        (
            "decimal(10,2)",
            "decimal(10,2)",
            {
                "rawType": "decimal",
                "arguments": [{"kind": "LONG", "value": 10}, {"kind": "LONG", "value": 2}],
            },
        ),
        ("timestamp", "timestamp(3)", {"rawType": "timestamp", "arguments": [{"kind": "LONG", "value": 3}]}),
        (
            "timestamp(3) with time zone",
            "timestamp(3) with time zone",
            {"rawType": "timestamp with time zone", "arguments": [{"kind": "LONG", "value": 3}]},
        ),
        (
            "array(varchar)",
            "array(varchar)",
            {
                "rawType": "array",
                "arguments": [
                    {
                        "kind": "TYPE",
                        "value": {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]},
                    }
                ],
            },
        ),
        (
            "map(varchar,bigint)",
            "map(varchar, bigint)",
            {
                "rawType": "map",
                "arguments": [
                    {
                        "kind": "TYPE",
                        "value": {"rawType": "varchar", "arguments": [{"kind": "LONG", "value": 2147483647}]},
                    },
                    {"kind": "TYPE", "value": {"rawType": "bigint", "arguments": []}},
                ],
            },
        ),
        (
            'row("a" integer,"b" double)',
            'row("a" integer, "b" double)',
            {
                "rawType": "row",
                "arguments": [
                    {
                        "kind": "NAMED_TYPE",
                        "value": {
                            "fieldName": {"name": "a"},
                            "typeSignature": {"rawType": "integer", "arguments": []},
                        },
                    },
                    {
                        "kind": "NAMED_TYPE",
                        "value": {
                            "fieldName": {"name": "b"},
                            "typeSignature": {"rawType": "double", "arguments": []},
                        },
                    },
                ],
            },
        ),
    ],
)
def test_type_signatures_match_trino(type_text: str, display: str, signature: dict) -> None:
    column = protocol.result_column("c", type_text).to_json()
    assert column == {"name": "c", "type": display, "typeSignature": signature}


@pytest.mark.parametrize(
    ("type_text", "field_names"),
    [
        ("row(integer, varchar)", (None, None)),
        ("row(a double precision, b interval day to second)", ("a", "b")),
        ("row(time bigint, ts timestamp(3) with time zone)", ("time", "ts")),
        ('row("odd ""name""" varchar)', ('odd "name"',)),
    ],
)
def test_row_field_names_parse(type_text: str, field_names: tuple) -> None:
    assert parse_type(type_text).field_names == field_names


@pytest.mark.parametrize(
    "bad", ["", "array(", "map(varchar bigint", "decimal(10,", "row(a integer))", "a b ("]
)
def test_unparseable_type_text_is_an_opaque_type_not_a_crash(bad: str) -> None:
    with pytest.raises(TypeTextError):
        parse_type(bad)
    column = protocol.result_column("c", bad)
    assert column.encode("anything") == "anything"
