"""Python values -> JSON values (`tdlocal.wire_values`), through a result column's encoder.

Values are checked by decoding them with the trino client's own value mappers, so "round-trips"
means exactly what a Trino client will see.
"""

from __future__ import annotations

import json
import math
import uuid
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from trino.mapper import RowMapperFactory

from tdlocal import protocol


def decode(type_text: str, value: object) -> object:
    """Encode `value` as tdlocal does, push it through JSON, and decode it as the trino client does."""
    column = protocol.result_column("c", type_text)
    wire = json.loads(protocol.to_json_bytes([[column.encode(value)]]))
    mapper = RowMapperFactory().create(columns=[column.to_json()], legacy_primitive_types=False)
    return mapper.map(wire)[0][0]


@pytest.mark.parametrize(
    ("type_text", "value"),
    [
        ("bigint", 2**62),
        ("integer", -7),
        ("smallint", 3),
        ("tinyint", 1),
        ("double", 1.25),
        ("real", 0.5),
        ("boolean", True),
        ("varchar", "héllo, wörld"),
        ("varchar(10)", "short"),
        ("char(3)", "abc"),
        ("decimal(10,2)", Decimal("12345678.90")),
        ("decimal(38,0)", Decimal("12345678901234567890123456789012345678")),
        ("decimal(5,4)", Decimal("0.0001")),
        ("varbinary", b"\x00\x01\xfe\xff"),
        ("date", date(2024, 2, 29)),
        ("timestamp(6)", datetime(2024, 1, 2, 3, 4, 5, 123456)),
        ("timestamp(3)", datetime(2024, 1, 2, 3, 4, 5, 123000)),
        ("timestamp(0)", datetime(2024, 1, 2, 3, 4, 5)),
        ("timestamp(6) with time zone", datetime(2024, 1, 2, 3, 4, 5, 123456, tzinfo=ZoneInfo("Asia/Tokyo"))),
        (
            "timestamp(3) with time zone",
            datetime(2024, 1, 2, 3, 4, 5, 1000, tzinfo=timezone(timedelta(hours=-8))),
        ),
        ("time(6)", time(23, 59, 58, 999999)),
        ("time(3) with time zone", time(9, 30, 0, 250000, tzinfo=timezone(timedelta(hours=9)))),
        ("interval day to second", timedelta(days=2, hours=3, minutes=4, seconds=5, milliseconds=678)),
        ("interval day to second", -timedelta(hours=1, milliseconds=500)),
        ("uuid", uuid.UUID("12345678-1234-5678-1234-567812345678")),
        ("array(bigint)", [1, None, 3]),
        ("array(varchar)", []),
        ("array(array(double))", [[1.5], [2.5, None]]),
        ("map(varchar,bigint)", {"a": 1, "b": None}),
        ("map(bigint,varchar)", {1: "one", 2: "two"}),
        ("map(varchar,array(integer))", {"k": [1, 2]}),
        ('row("a" integer,"b" varchar)', (1, "x")),
        ("row(a integer, b row(c double, d array(varchar)))", (1, (2.5, ["p", "q"]))),
        ("array(row(x bigint, y varchar))", [(1, "a"), (2, None)]),
        ("json", '{"a": [1, 2]}'),
    ],
)
def test_values_round_trip_through_the_trino_client_mappers(type_text: str, value: object) -> None:
    decoded = decode(type_text, value)
    if isinstance(value, uuid.UUID):
        assert decoded == value
    elif type_text.startswith("real"):
        assert decoded == pytest.approx(value)
    else:
        assert decoded == value
        if value is not None:
            assert type(decoded) is type(value) or isinstance(value, tuple)


@pytest.mark.parametrize(
    "type_text", ["bigint", "varchar", "array(bigint)", "row(a integer)", "timestamp(3)"]
)
def test_null_is_null_for_every_type(type_text: str) -> None:
    assert decode(type_text, None) is None


def test_special_doubles_travel_as_strings_and_come_back() -> None:
    column = protocol.result_column("d", "double")
    assert [column.encode(v) for v in (math.inf, -math.inf)] == ["Infinity", "-Infinity"]
    assert column.encode(math.nan) == "NaN"
    assert math.isnan(decode("double", math.nan))
    assert decode("double", -math.inf) == -math.inf


def test_row_values_decode_with_field_names() -> None:
    decoded = decode('row("a" integer,"b" varchar)', {"a": 1, "b": "x"})
    assert decoded.a == 1 and decoded.b == "x"


def test_timestamp_text_has_exactly_the_precision_digits() -> None:
    value = datetime(2024, 1, 2, 3, 4, 5, 123456)
    assert protocol.result_column("t", "timestamp(3)").encode(value) == "2024-01-02 03:04:05.123"
    assert protocol.result_column("t", "timestamp(0)").encode(value) == "2024-01-02 03:04:05"
    assert protocol.result_column("t", "timestamp(9)").encode(value) == "2024-01-02 03:04:05.123456000"
    zoned = value.replace(tzinfo=UTC)
    assert (
        protocol.result_column("t", "timestamp(6) with time zone").encode(zoned)
        == "2024-01-02 03:04:05.123456 UTC"
    )


def test_decimal_is_sent_as_plain_text() -> None:
    assert protocol.result_column("d", "decimal(10,2)").encode(Decimal("1E+2")) == "100"
    assert protocol.result_column("d", "decimal(10,2)").encode(Decimal("0.10")) == "0.10"
