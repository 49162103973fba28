"""information_schema, system.metadata (lenient), SHOW and DESCRIBE, as dbt-trino queries them."""

from __future__ import annotations

import pytest

from tdlocal.errors import TrinoError

TYPED_TABLE = """
    create table typed (
        a_varchar varchar, a_bigint bigint, a_integer integer, a_decimal decimal(10,2), a_double double,
        a_boolean boolean, a_date date, a_timestamp timestamp(6), a_default_timestamp timestamp,
        an_array array(integer), a_row row(a integer, "B c" varchar), a_map map(varchar, bigint),
        a_varbinary varbinary, a_real real
    )
"""


def test_columns_have_trino_type_names(sql):
    sql(TYPED_TABLE)
    answer = sql(
        'select column_name, data_type from "td".INFORMATION_SCHEMA.columns '
        "where table_catalog = 'td' and table_schema = 'analytics' and table_name = 'typed' "
        "order by ordinal_position"
    )
    assert answer.rows == [
        ("a_varchar", "varchar"),
        ("a_bigint", "bigint"),
        ("a_integer", "integer"),
        ("a_decimal", "decimal(10,2)"),
        ("a_double", "double"),
        ("a_boolean", "boolean"),
        ("a_date", "date"),
        ("a_timestamp", "timestamp(6)"),
        ("a_default_timestamp", "timestamp(3)"),
        ("an_array", "array(integer)"),
        ("a_row", 'row("a" integer, "b c" varchar)'),
        ("a_map", "map(varchar, bigint)"),
        ("a_varbinary", "varbinary"),
        ("a_real", "real"),
        ("time", "bigint"),
    ]


def test_docs_generation_columns(lenient_sql):
    lenient_sql("create table t (id integer, name varchar)")
    lenient_sql("comment on column t.name is 'the name'")
    lenient_sql("comment on table t is 'a table'")
    answer = lenient_sql(
        'select table_catalog as "table_database", table_schema, table_name, column_name, '
        'ordinal_position as "column_index", data_type as "column_type", comment as "column_comment" '
        "from td.information_schema.columns where table_schema = 'analytics'"
    )
    assert answer.rows == [
        ("td", "analytics", "t", "id", 1, "integer", None),
        ("td", "analytics", "t", "name", 2, "varchar", "the name"),
    ]
    comments = lenient_sql(
        "select catalog_name, schema_name, table_name, comment from system.metadata.table_comments "
        "where catalog_name = 'td' and schema_name != 'information_schema' and schema_name in ('analytics')"
    )
    assert comments.rows == [("td", "analytics", "t", "a table")]


def test_schemata(sql):
    sql("create schema td.staging")
    answer = sql('select schema_name from "td".INFORMATION_SCHEMA.schemata order by 1')
    assert answer.rows == [("analytics",), ("information_schema",), ("staging",)]
    exists = sql(
        "select count(*) from \"td\".INFORMATION_SCHEMA.schemata where catalog_name = 'td' and schema_name = 'staging'"
    )
    assert exists.value == 1


def test_tables_and_views(lenient_sql):
    lenient_sql("create table t (id integer)")
    lenient_sql("create or replace view v security definer as select * from t")
    answer = lenient_sql(
        "select table_catalog, table_schema, table_name, table_type from td.information_schema.tables "
        "where table_schema = 'analytics' order by table_name"
    )
    assert answer.rows == [("td", "analytics", "t", "BASE TABLE"), ("td", "analytics", "v", "VIEW")]


def test_view_columns_and_comments_from_create_table(lenient_sql):
    lenient_sql("create table t (id integer) comment 'a described table'")
    lenient_sql("create view v as select id, 'x' as label from t")
    columns = lenient_sql(
        "select column_name, data_type from information_schema.columns where table_name = 'v'"
    )
    assert columns.rows == [("id", "integer"), ("label", "varchar")]
    assert lenient_sql("describe v").rows == [("id", "integer", "", ""), ("label", "varchar", "", "")]
    comments = lenient_sql("select comment from system.metadata.table_comments where table_name = 't'")
    assert comments.value == "a described table"


def test_dbt_trinos_list_relations_query_in_lenient_mode(lenient_sql):
    lenient_sql("create table t (id integer)")
    answer = lenient_sql(
        """
        select
          t.table_catalog as database, t.table_name as name, t.table_schema as schema,
          case when mv.name is not null then 'materialized_view'
               when t.table_type = 'BASE TABLE' then 'table'
               when t.table_type = 'VIEW' then 'view'
               else t.table_type
          end as table_type
        from "td".INFORMATION_SCHEMA.tables t
        left join (
                select * from system.metadata.materialized_views
                where catalog_name = 'td' and schema_name = 'analytics') mv
              on mv.catalog_name = t.table_catalog and mv.schema_name = t.table_schema and mv.name = t.table_name
        where t.table_schema = 'analytics'
        """
    )
    assert answer.rows == [("td", "t", "analytics", "table")]


def test_show_statements(sql):
    sql("create table t (id integer, name varchar)")
    assert sql("show schemas from td").rows == [("analytics",), ("information_schema",)]
    assert sql("SHOW SCHEMAS LIKE 'ana%'").rows == [("analytics",)]
    assert sql("show catalogs").rows == [("td",)]
    tables = sql('show tables from "td"."analytics"')
    assert (tables.names, tables.rows) == (["Table"], [("t",)])
    assert sql("show tables").rows == [("t",)]
    columns = sql("show columns from t")
    assert columns.names == ["Column", "Type", "Extra", "Comment"]
    assert columns.rows == [
        ("id", "integer", "", ""),
        ("name", "varchar", "", ""),
        ("time", "bigint", "", ""),
    ]
    assert sql("describe td.analytics.t").rows == columns.rows
    create = sql("show create table t")
    assert create.names == ["Create Table"]
    assert (
        create.value == "CREATE TABLE td.analytics.t (\n   id integer,\n   name varchar,\n   time bigint\n)"
    )


def test_show_functions_from_a_schema_is_empty(sql):
    answer = sql('show functions from "td"."analytics"')
    assert answer.names[:3] == ["Function", "Return Type", "Argument Types"]
    assert answer.rows == []


def test_describe_of_a_missing_table(sql):
    with pytest.raises(TrinoError) as error:
        sql("describe nowhere")
    assert error.value.name == "TABLE_NOT_FOUND"
    assert "td.analytics.nowhere" in error.value.message


def test_unknown_information_schema_table(sql):
    with pytest.raises(TrinoError) as error:
        sql("select * from information_schema.nothing")
    assert error.value.name == "TABLE_NOT_FOUND"
