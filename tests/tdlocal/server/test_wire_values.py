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


ROUND_TRIP_CASES = [
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
]


@pytest.mark.parametrize(("type_text", "value"), ROUND_TRIP_CASES)
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


# --- whole pages: `protocol.encode_rows` encodes column by column --------------------------------


def decode_page(type_texts: list[str], rows: list[tuple]) -> list[list[object]]:
    """Encode a page as tdlocal does, serialize it, and decode it as the trino client does."""
    columns = [protocol.result_column(f"c{index}", text) for index, text in enumerate(type_texts)]
    wire = json.loads(protocol.to_json_bytes(protocol.encode_rows(rows, columns)))
    mapper = RowMapperFactory().create(columns=[c.to_json() for c in columns], legacy_primitive_types=False)
    return mapper.map(wire)


@pytest.mark.parametrize("bad", [math.nan, math.inf, -math.inf])
def test_one_special_double_in_a_page_travels_as_text_where_it_is(bad: float) -> None:
    # Trino sends non-finite doubles as the JSON strings "NaN", "Infinity", "-Infinity" (the python
    # client's DoubleValueMapper reads exactly those); the other doubles stay JSON numbers.
    rows = [(float(i), i) for i in range(999)] + [(bad, 999), (None, 1000)]
    columns = [protocol.result_column("d", "double"), protocol.result_column("n", "bigint")]
    data = json.loads(protocol.to_json_bytes(protocol.encode_rows(rows, columns)))
    assert data[999][0] == {math.inf: "Infinity", -math.inf: "-Infinity"}.get(bad, "NaN")
    assert data[998] == [998.0, 998] and data[1000] == [None, 1000]
    decoded = decode_page(["double", "bigint"], rows)
    assert math.isnan(decoded[999][0]) if math.isnan(bad) else decoded[999][0] == bad


def test_doubles_whose_sum_overflows_are_still_numbers() -> None:
    # Every value is finite although their sum is not: each must still arrive as the number it is.
    rows = [(1.7e308,), (1.7e308,), (-0.0,)]
    assert decode_page(["double"], rows) == [[1.7e308], [1.7e308], [-0.0]]


def test_a_bigint_page_beyond_64_bits_is_written_exactly() -> None:
    # DuckDB sums integers into HUGEINT; the JSON must still carry the exact integer the engine gave.
    rows = [(2**63 + 5,), (-(2**70),), (None,)]
    assert decode_page(["bigint"], rows) == [[2**63 + 5], [-(2**70)], [None]]


def test_a_column_holding_other_python_types_is_encoded_value_by_value() -> None:
    # An engine may hand an int for a double, a Decimal for a bigint or a UUID for a varchar: the
    # page must carry what the single-value encoder gives for each.
    rows = [(1, Decimal("7"), uuid.UUID(int=1), True), (2.5, 3, "x", None)]
    assert decode_page(["double", "bigint", "varchar", "boolean"], rows) == [
        [1.0, 7, "00000000-0000-0000-0000-000000000001", True],
        [2.5, 3, "x", None],
    ]


def test_a_page_of_every_type_equals_its_values_encoded_one_by_one() -> None:
    cases = ROUND_TRIP_CASES
    columns = [protocol.result_column(f"c{index}", text) for index, (text, _) in enumerate(cases)]
    rows = [tuple(value for _, value in cases), tuple(None for _ in cases)]
    expected = [[column.encode(value) for column, value in zip(columns, row, strict=True)] for row in rows]
    assert json.loads(protocol.to_json_bytes(protocol.encode_rows(rows, columns))) == json.loads(
        protocol.to_json_bytes(expected)
    )


def test_a_page_whose_python_types_are_guaranteed_goes_out_as_is_but_for_special_doubles() -> None:
    # With the engine's guarantee of each column's Python type the rows are sent without looking at
    # each value, but Trino's JSON still carries NaN and the infinities as the strings "NaN",
    # "Infinity", "-Infinity" (what the python client's DoubleValueMapper reads).
    columns = [
        protocol.result_column(f"c{i}", t) for i, t in enumerate(["bigint", "varchar", "double", "boolean"])
    ]
    rows = [(1, "a", 1.5, True), (None, None, math.nan, None), (2, "b", -math.inf, False)]
    finite = [(1, "a", 1.5, True), (None, None, None, None)]
    assert protocol.encode_rows(finite, columns, [int, str, float, bool]) is finite
    data = json.loads(protocol.to_json_bytes(protocol.encode_rows(rows, columns, [int, str, float, bool])))
    assert data == [[1, "a", 1.5, True], [None, None, "NaN", None], [2, "b", "-Infinity", False]]


def test_a_guaranteed_type_that_is_not_the_columns_wire_form_is_encoded_value_by_value() -> None:
    # A bool in a bigint column is still the number Trino sends (1), a UUID in a varchar its text;
    # an unknown type (None) is checked value by value.
    columns = [protocol.result_column("n", "bigint"), protocol.result_column("s", "varchar")]
    rows = [(True, uuid.UUID(int=1))]
    assert json.loads(protocol.to_json_bytes(protocol.encode_rows(rows, columns, [bool, None]))) == [
        [1, "00000000-0000-0000-0000-000000000001"]
    ]


def test_a_row_of_the_wrong_width_is_refused() -> None:
    columns = [protocol.result_column("a", "bigint"), protocol.result_column("b", "bigint")]
    with pytest.raises(ValueError, match="rows have 3 values, the result has 2 columns"):
        protocol.encode_rows([(1, 2, 3)], columns)
    with pytest.raises(ValueError):
        protocol.encode_rows([(1, 2), (1,)], columns)
    with pytest.raises(ValueError, match="rows have 3 values, the result has 2 columns"):
        protocol.encode_rows([(1, 2, 3)], columns, [int, int])
