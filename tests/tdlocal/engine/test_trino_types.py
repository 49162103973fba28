"""DuckDB types as Trino type texts, and fetched values in Trino's shapes."""

import uuid

import duckdb
import pytest

from tdlocal.trino_types import row_converter, trino_type, trino_type_from_text


@pytest.mark.parametrize(
    ("duckdb_text", "trino_text"),
    [
        ("BIGINT", "bigint"),
        ("HUGEINT", "bigint"),
        ("FLOAT", "real"),
        ("DECIMAL(10,2)", "decimal(10,2)"),
        ("VARCHAR", "varchar"),
        ("JSON", "json"),
        ("BLOB", "varbinary"),
        ("TIMESTAMP", "timestamp(6)"),
        ("TIMESTAMP_MS", "timestamp(3)"),
        ("TIMESTAMP_S", "timestamp(0)"),
        # Trino's zoned values are timestamp(3) with time zone (Trino docs: current_timestamp,
        # from_unixtime); tdlocal's (instant, zone) struct is the same type to clients.
        ("TIMESTAMP WITH TIME ZONE", "timestamp(3) with time zone"),
        ("STRUCT(tdlocal_instant TIMESTAMPTZ, tdlocal_zone VARCHAR)", "timestamp(3) with time zone"),
        ("INTEGER[]", "array(integer)"),
        ("INTEGER[3]", "array(integer)"),
        ('STRUCT(a INTEGER, "b c" VARCHAR)', 'row("a" integer, "b c" varchar)'),
        ("MAP(VARCHAR, BIGINT[])", "map(varchar, array(bigint))"),
        ("UUID", "uuid"),
        ('"NULL"', "unknown"),
    ],
)
def test_type_names(duckdb_text, trino_text):
    assert trino_type(duckdb.sqltype(duckdb_text)) == trino_text
    assert trino_type_from_text(duckdb_text) == trino_text


def test_rows_become_tuples_and_uuids_text():
    kinds = [duckdb.sqltype("STRUCT(a INTEGER, b UUID[])"), duckdb.sqltype("INTEGER")]
    convert = row_converter(kinds)
    value = uuid.UUID(int=1)
    assert convert(({"a": 1, "b": [value]}, 5)) == ((1, [str(value)]), 5)
    assert convert((None, 5)) == (None, 5)


def test_plain_columns_need_no_conversion():
    assert row_converter([duckdb.sqltype("INTEGER"), duckdb.sqltype("VARCHAR[]")]) is None
