"""dbt-tests-adapter's model-contract suites on tdlocal: column names and types checked before the
build (from the types tdlocal reports for a query), `not_null` enforced on insert, and SQL headers.

The base fixtures are Postgres (`text` columns, `::` casts); the column YAML here uses Trino's
`varchar`, and the typed values are Trino expressions with the type Trino gives them.
"""

import pytest
from dbt.tests.adapter.constraints import fixtures
from dbt.tests.adapter.constraints.test_constraints import (
    BaseConstraintsRollback,
    BaseIncrementalConstraintsColumnsEqual,
    BaseIncrementalConstraintsRollback,
    BaseIncrementalContractSqlHeader,
    BaseTableConstraintsColumnsEqual,
    BaseTableContractSqlHeader,
    BaseViewConstraintsColumnsEqual,
)

SCHEMA_YML = fixtures.model_schema_yml.replace("data_type: text", "data_type: varchar")
HEADER_SCHEMA_YML = fixtures.model_contract_header_schema_yml.replace("data_type: text", "data_type: varchar")

# Trino's message for a NULL written to a NOT NULL column (Trino's
# `NULL value not allowed for NOT NULL column: <name>`, CONSTRAINT_VIOLATION).
NOT_NULL_MESSAGE = "NULL value not allowed for NOT NULL column: id"

# The set_sql_header tests read back the session zone the header sets (Trino: SET TIME ZONE,
# then current_timezone() returns the zone's id).
HEADER_TABLE_SQL = """
{{ config(materialized = "table") }}
{% call set_sql_header(config) %}
set time zone 'Asia/Kolkata';
{%- endcall %}
select current_timezone() as column_name
"""
HEADER_INCREMENTAL_SQL = HEADER_TABLE_SQL.replace(
    '"table"', '"incremental", on_schema_change="append_new_columns"'
)


class TrinoColumnTypes:
    @pytest.fixture
    def string_type(self):
        return "VARCHAR"

    @pytest.fixture
    def int_type(self):
        return "INTEGER"

    @pytest.fixture
    def data_types(self, schema_int_type, int_type, string_type):
        # (SQL value, the contract's data_type, the type dbt names when it differs); types per
        # Trino's docs: an integer literal is integer, CAST(... AS timestamp) is timestamp(3).
        return [
            ["1", schema_int_type, int_type],
            ["'1'", string_type, string_type],
            ["DATE '2019-01-01'", "date", "DATE"],
            ["true", "boolean", "BOOLEAN"],
            ["CAST('2013-11-03 00:00:00' AS timestamp)", "timestamp(3)", "TIMESTAMP"],
            ["ARRAY['a', 'b', 'c']", "array(varchar)", "ARRAY"],
            ["ARRAY[1, 2, 3]", "array(integer)", "ARRAY"],
            ["CAST('1' AS decimal(10, 2))", "decimal(10,2)", "DECIMAL"],
        ]


class TestTableConstraintsColumnsEqual(TrinoColumnTypes, BaseTableConstraintsColumnsEqual):
    @pytest.fixture(scope="class")
    def models(self):
        return {
            "my_model_wrong_order.sql": fixtures.my_model_wrong_order_sql,
            "my_model_wrong_name.sql": fixtures.my_model_wrong_name_sql,
            "constraints_schema.yml": SCHEMA_YML,
        }


class TestViewConstraintsColumnsEqual(TrinoColumnTypes, BaseViewConstraintsColumnsEqual):
    @pytest.fixture(scope="class")
    def models(self):
        return {
            "my_model_wrong_order.sql": fixtures.my_model_view_wrong_order_sql,
            "my_model_wrong_name.sql": fixtures.my_model_view_wrong_name_sql,
            "constraints_schema.yml": SCHEMA_YML,
        }


class TestIncrementalConstraintsColumnsEqual(TrinoColumnTypes, BaseIncrementalConstraintsColumnsEqual):
    @pytest.fixture(scope="class")
    def models(self):
        return {
            "my_model_wrong_order.sql": fixtures.my_model_incremental_wrong_order_sql,
            "my_model_wrong_name.sql": fixtures.my_model_incremental_wrong_name_sql,
            "constraints_schema.yml": SCHEMA_YML,
        }


class TestTableConstraintsRollback(BaseConstraintsRollback):
    @pytest.fixture(scope="class")
    def models(self):
        return {"my_model.sql": fixtures.my_model_sql, "constraints_schema.yml": SCHEMA_YML}

    @pytest.fixture(scope="class")
    def expected_error_messages(self):
        return [NOT_NULL_MESSAGE]


class TestIncrementalConstraintsRollback(BaseIncrementalConstraintsRollback):
    @pytest.fixture(scope="class")
    def models(self):
        return {"my_model.sql": fixtures.my_incremental_model_sql, "constraints_schema.yml": SCHEMA_YML}

    @pytest.fixture(scope="class")
    def expected_error_messages(self):
        return [NOT_NULL_MESSAGE]


class TestTableContractSqlHeader(BaseTableContractSqlHeader):
    @pytest.fixture(scope="class")
    def models(self):
        return {
            "my_model_contract_sql_header.sql": HEADER_TABLE_SQL,
            "constraints_schema.yml": HEADER_SCHEMA_YML,
        }


class TestIncrementalContractSqlHeader(BaseIncrementalContractSqlHeader):
    @pytest.fixture(scope="class")
    def models(self):
        return {
            "my_model_contract_sql_header.sql": HEADER_INCREMENTAL_SQL,
            "constraints_schema.yml": HEADER_SCHEMA_YML,
        }
