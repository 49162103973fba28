"""Python values -> the JSON values the `trino` client's value mappers decode back to the right
Python type (doubles' NaN/Infinity as text, decimals as plain text, varbinary as base64, temporal
values at their type's precision, maps as objects, rows as positional lists).

Pure functions, chosen once per result column from its parsed type (`tdlocal.wire_types`).
"""

from __future__ import annotations

import base64
import json
import math
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from tdlocal.wire_types import DEFAULT_TEMPORAL_PRECISION, TrinoType


def value_encoder(parsed: TrinoType) -> Callable[[Any], Any]:
    """A function turning one Python value of this type into its Trino JSON value (None stays null)."""
    raw = parsed.raw
    if raw in {"tinyint", "smallint", "integer", "bigint"}:
        return _nullable(_encode_integer)
    if raw in {"double", "real"}:
        return _nullable(_encode_double)
    if raw == "boolean":
        return _nullable(bool)
    if raw == "decimal":
        return _nullable(_encode_decimal)
    if raw == "varbinary":
        return _nullable(_encode_binary)
    if raw == "date":
        return _nullable(_encode_date)
    if raw == "json":
        return _nullable(_encode_json_text)
    if raw in {"time", "time with time zone"}:
        precision = parsed.numbers[0] if parsed.numbers else DEFAULT_TEMPORAL_PRECISION
        return _nullable(lambda value: _encode_time(value, precision, with_zone=raw != "time"))
    if raw in {"timestamp", "timestamp with time zone"}:
        precision = parsed.numbers[0] if parsed.numbers else DEFAULT_TEMPORAL_PRECISION
        with_zone = raw != "timestamp"
        return _nullable(lambda value: _encode_timestamp(value, precision, with_zone=with_zone))
    if raw == "interval day to second":
        return _nullable(_encode_day_to_second)
    if raw == "interval year to month":
        return _nullable(_encode_year_to_month)
    if raw == "array":
        element = value_encoder(parsed.elements[0])
        return _nullable(lambda value: [element(item) for item in value])
    if raw == "map":
        key, item = value_encoder(parsed.elements[0]), value_encoder(parsed.elements[1])
        return _nullable(lambda value: {_map_key_text(key(k)): item(v) for k, v in _map_items(value)})
    if raw == "row":
        fields = [value_encoder(field_type) for field_type in parsed.elements]
        return _nullable(lambda value: _encode_row(value, fields))
    if raw in {"varchar", "char", "uuid", "ipaddress"}:
        return _nullable(_encode_text)
    return _encode_opaque


def _nullable(encode: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def encode_or_null(value: Any) -> Any:
        return None if value is None else encode(value)

    return encode_or_null


def _encode_integer(value: Any) -> int:
    return int(value)


def _encode_double(value: Any) -> float | str:
    number = float(value)
    if math.isnan(number):
        return "NaN"
    if math.isinf(number):
        return "Infinity" if number > 0 else "-Infinity"
    return number


def _encode_decimal(value: Any) -> str:
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    return format(number, "f")


def _encode_binary(value: Any) -> str:
    return base64.b64encode(bytes(value)).decode("ascii")


def _encode_date(value: Any) -> str:
    if isinstance(value, datetime):
        value = value.date()
    return value.isoformat() if isinstance(value, date) else str(value)


def _encode_json_text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, separators=(",", ":"))


def _encode_text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


def _fraction(microsecond: int, precision: int) -> str:
    if precision <= 0:
        return ""
    digits = f"{microsecond:06d}"
    return "." + (digits[:precision] if precision <= 6 else digits + "0" * (precision - 6))


def _encode_timestamp(value: Any, precision: int, *, with_zone: bool) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, datetime):  # a DATE where a timestamp was promised: midnight
        value = datetime(value.year, value.month, value.day)
    text = f"{value:%Y-%m-%d %H:%M:%S}" + _fraction(value.microsecond, precision)
    if value.year < 1000:  # %Y does not zero-pad years below 1000 on every platform
        text = f"{value.year:04d}" + text[text.index("-") :]
    return f"{text} {_zone_text(value)}" if with_zone else text


def _encode_time(value: Any, precision: int, *, with_zone: bool) -> str:
    if isinstance(value, str):
        return value
    text = f"{value:%H:%M:%S}" + _fraction(value.microsecond, precision)
    if not with_zone:
        return text
    offset = value.utcoffset() if isinstance(value, time) else None
    return text + _offset_text(offset or timedelta(0))


def _zone_text(value: datetime) -> str:
    zone = value.tzinfo
    if zone is None:
        return "UTC"
    name = getattr(zone, "key", None) or getattr(zone, "zone", None)  # zoneinfo / pytz
    if name:
        return str(name)
    offset = value.utcoffset() or timedelta(0)
    if offset == timedelta(0):
        return "UTC"
    return _offset_text(offset)


def _offset_text(offset: timedelta) -> str:
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f"{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _encode_day_to_second(value: Any) -> str:
    if isinstance(value, str):
        return value
    # An interval day to second holds milliseconds; Trino rounds a finer difference half up
    # (TimestampOperators.TimestampMinusTimestamp: DateTimes.round(interval, 3)).
    millis = math.floor(value / timedelta(milliseconds=1) + 0.5)
    sign = "-" if millis < 0 else ""
    seconds, fraction = divmod(abs(millis), 1000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    return f"{sign}{days} {hour:02d}:{minute:02d}:{second:02d}.{fraction:03d}"


def _encode_year_to_month(value: Any) -> str:
    if isinstance(value, str):
        return value
    months = int(value)  # a count of months
    sign = "-" if months < 0 else ""
    return f"{sign}{abs(months) // 12}-{abs(months) % 12}"


def _map_items(value: Any) -> Iterable[tuple[Any, Any]]:
    # DuckDB returns MAP values as dicts; older versions as {'key': [...], 'value': [...]}.
    if isinstance(value, dict):
        if set(value) == {"key", "value"} and isinstance(value["key"], list):
            return zip(value["key"], value["value"], strict=True)
        return value.items()
    return value  # already (key, value) pairs


def _map_key_text(encoded_key: Any) -> str:
    # JSON object keys are text; the client maps each key back through the key type's mapper.
    if isinstance(encoded_key, bool):
        return "true" if encoded_key else "false"
    return encoded_key if isinstance(encoded_key, str) else json.dumps(encoded_key)


def _encode_row(value: Any, fields: list[Callable[[Any], Any]]) -> list[Any]:
    items = list(value.values()) if isinstance(value, dict) else list(value)
    if len(items) != len(fields):
        raise ValueError(f"row value has {len(items)} fields, its type has {len(fields)}")
    return [encode(item) for encode, item in zip(fields, items, strict=True)]


def _encode_opaque(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        return _encode_double(value)
    return str(value)


# ---------------------------------------------------------------------------------------------
# Whole columns of a page
# ---------------------------------------------------------------------------------------------

_NONE_TYPE = type(None)
# Python types whose values already are their Trino JSON value, per Trino type: a column holding
# only these goes out as it is. The check (`frozenset.issuperset(map(type, column))`) runs in C,
# where calling an encoder costs two Python calls per value (~1.7 s per million rows).
_ALREADY_ENCODED: dict[str, frozenset[type]] = {
    **dict.fromkeys(("tinyint", "smallint", "integer", "bigint"), frozenset({int, _NONE_TYPE})),
    **dict.fromkeys(("varchar", "char", "uuid", "ipaddress", "json"), frozenset({str, _NONE_TYPE})),
    "boolean": frozenset({bool, _NONE_TYPE}),
    **dict.fromkeys(("double", "real"), frozenset({float, _NONE_TYPE})),
}


def column_encoder(parsed: TrinoType) -> Callable[[Sequence[Any]], Sequence[Any]]:
    """A function turning one column of a page (a sequence of Python values, None for NULL) into the
    sequence of its Trino JSON values, each exactly what `value_encoder(parsed)` gives for it.

    Columns whose values are already in wire form (integers, text, booleans, finite doubles) are
    returned unchanged; any other column, or one holding an unexpected Python type, is encoded
    value by value.
    """
    encode = value_encoder(parsed)
    native = _ALREADY_ENCODED.get(parsed.raw)
    if native is None:
        return lambda values: list(map(encode, values))
    finite_only = parsed.raw in {"double", "real"}

    def encode_column(values: Sequence[Any]) -> Sequence[Any]:
        if native.issuperset(map(type, values)) and (not finite_only or all_finite(values)):
            return values
        return list(map(encode, values))

    return encode_column


def python_type_is_wire_form(parsed: TrinoType, python_type: type) -> bool:
    """Whether values of exactly `python_type` (and None) in a column of this type already are their
    Trino JSON values, as `column_encoder` would find by checking each one: int for the integer
    types, str for varchar/char/json, bool for boolean, float for double/real (then only when
    finite: see `needs_finite_check`).
    """
    native = _ALREADY_ENCODED.get(parsed.raw)
    return native is not None and python_type in native


def needs_finite_check(parsed: TrinoType) -> bool:
    """Whether a column of this type in wire form must still be checked for NaN and infinities."""
    return parsed.raw in {"double", "real"}


def all_finite(values: Iterable[float | None]) -> bool:
    """Whether no value is NaN or infinite (None counts as finite): floats or None only. False also
    when their sum overflows, which only costs the caller the value-by-value path."""
    # A sum is NaN or infinite whenever one of its terms is, so a finite sum proves every value is
    # finite (an overflowing sum only sends the column down the value-by-value path). filter(None)
    # drops NULLs (and zeros, which cannot make a sum non-finite).
    return math.isfinite(sum(filter(None, values)))
