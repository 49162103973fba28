"""The statements dbt-trino sends, as the client sees their outcome: rows, counts, session changes."""

from __future__ import annotations

import pytest

from tdlocal.errors import TrinoError
from tdlocal.session import Session


def test_create_schema_and_use(sql):
    created = sql("create schema if not exists td.staging")
    assert (created.result.update_type, created.result.columns) == ("CREATE SCHEMA", [])
    used = sql("USE td.staging")
    assert (used.result.changes.set_catalog, used.result.changes.set_schema) == ("td", "staging")
    assert sql("USE staging").result.changes.set_schema == "staging"
    with pytest.raises(TrinoError) as error:
        sql("USE td.nowhere")
    assert error.value.name == "SCHEMA_NOT_FOUND"


def test_drop_schema(sql):
    sql("create schema td.scratch")
    sql("create table td.scratch.t (x integer)")
    with pytest.raises(TrinoError) as error:
        sql("drop schema td.scratch")
    assert error.value.name == "SCHEMA_NOT_EMPTY"
    sql("drop table td.scratch.t")
    assert sql('drop schema if exists "td"."scratch"').result.update_type == "DROP SCHEMA"
    sql("drop schema if exists td.scratch")


def test_a_values_statement_has_unnamed_columns(sql):
    answer = sql("VALUES (1, 'a'), (2, 'b')")
    assert (answer.names, answer.rows) == (["_col0", "_col1"], [(1, "a"), (2, "b")])


def test_use_of_another_catalog_fails(sql):
    with pytest.raises(TrinoError) as error:
        sql("USE hive.default")
    assert error.value.name == "CATALOG_NOT_FOUND"


def test_session_schema_may_name_a_schema_that_does_not_exist_yet(engine):
    from tdlocal.engine import Engine  # noqa: F401 (the fixture's type)

    session = Session(catalog="td", schema="not_yet")
    assert engine.execute("SELECT 1", session, "q1").fetch(10) == [(1,)]
    engine.execute("CREATE SCHEMA td.not_yet", session, "q2")
    engine.execute("CREATE TABLE t (x integer)", session, "q3")
    assert engine.execute("SELECT count(*) FROM td.not_yet.t", session, "q4").fetch(10) == [(0,)]


def test_unqualified_names_need_a_session_schema(engine):
    with pytest.raises(TrinoError) as error:
        engine.execute("SELECT * FROM t", Session(catalog="td"), "q1")
    assert error.value.name == "MISSING_SCHEMA_NAME"


def test_dbt_table_materialization(sql):
    created = sql(
        'create table "td"."analytics"."orders__dbt_tmp" WITH (format = \'ORC\') as '
        "(select 1 as id, 'a' as status union all select 2, 'b')"
    )
    assert (created.result.update_type, created.result.update_count) == ("CREATE TABLE", 2)
    sql('alter table "td"."analytics"."orders__dbt_tmp" rename to "td"."analytics"."orders"')
    assert sql("select id, status from orders order by id").rows == [(1, "a"), (2, "b")]
    dropped = sql('drop table if exists "td"."analytics"."orders"')
    assert dropped.result.update_type == "DROP TABLE"
    sql('drop table if exists "td"."analytics"."orders"')  # idempotent


def test_ctas_needs_a_name_for_every_column(sql):
    with pytest.raises(TrinoError) as error:
        sql("create table t as select 1")
    assert error.value.name == "MISSING_COLUMN_NAME"


def test_delete_insert_incremental(sql):
    sql("create table events (id integer, day varchar)")
    sql("insert into events (id, day) values (1, 'a'), (2, 'b'), (3, 'b')")
    sql("create table events__dbt_tmp as select 2 as id, 'c' as day")
    deleted = sql(
        'delete from "td"."analytics"."events" where (id) in (select (id) from "td"."analytics"."events__dbt_tmp")'
    )
    assert (deleted.result.update_type, deleted.result.update_count) == ("DELETE", 1)
    inserted = sql(
        'insert into "td"."analytics"."events" ("id", "day") (select "id", "day" from events__dbt_tmp)'
    )
    assert (inserted.result.update_type, inserted.result.update_count) == ("INSERT", 1)
    assert sql("select id, day from events order by id").rows == [(1, "a"), (2, "c"), (3, "b")]


def test_dbt_test_query_and_limit(sql):
    sql("create table t (id integer)")
    sql("insert into t (id) values (1), (NULL)")
    answer = sql(
        "select count(*) as failures, count(*) != 0 as should_warn, count(*) != 0 as should_error "
        "from (select * from t where id is null) dbt_internal_test"
    )
    assert answer.names == ["failures", "should_warn", "should_error"]
    assert answer.types == ["bigint", "boolean", "boolean"]
    assert answer.row == (1, True, True)
    assert len(sql("select * from t limit 1").rows) == 1


def test_add_column(sql):
    sql("create table t (id integer)")
    added = sql('alter table "td"."analytics"."t" add column "note" varchar')
    assert added.result.update_type == "ADD COLUMN"
    assert sql("select * from t").names == ["id", "time", "note"]


def test_set_and_reset_session(sql):
    changed = sql("SET SESSION query_max_run_time = '1h'")
    assert changed.result.update_type == "SET SESSION"
    assert changed.result.changes.set_session == {"query_max_run_time": "1h"}
    assert sql(
        "SET SESSION hive.insert_existing_partitions_behavior = 'OVERWRITE'"
    ).result.changes.set_session == {"hive.insert_existing_partitions_behavior": "OVERWRITE"}
    reset = sql("RESET SESSION query_max_run_time")
    assert (reset.result.update_type, reset.result.changes.clear_session) == (
        "RESET SESSION",
        ["query_max_run_time"],
    )


class TestPreparedStatements:
    def test_execute_immediate_with_seed_literals(self, sql):
        sql("create table seed (id integer, name varchar, amount double, price decimal(10,2), day date)")
        rows = [(i, f"it's {i}", i * 1.5, f"{i}.25", f"2024-01-{i % 28 + 1:02d}") for i in range(1000)]
        statement = "insert into seed (id, name, amount, price, day) values " + ", ".join(
            ["(?, ?, ?, ?, ?)"] * len(rows)
        )
        values = ",".join(
            f"{i},'{name.replace(chr(39), chr(39) * 2)}',DOUBLE '{amount}',DECIMAL '{price}',DATE '{day}'"
            for i, name, amount, price, day in rows
        )
        text = "EXECUTE IMMEDIATE '" + statement.replace("'", "''") + "' USING " + values
        inserted = sql(text)
        assert (inserted.result.update_type, inserted.result.update_count) == ("INSERT", 1000)
        assert sql("select name, amount, cast(price as varchar) from seed where id = 7").row == (
            "it's 7",
            10.5,
            "7.25",
        )

    def test_execute_immediate_with_quotes_inside_the_statement(self, sql):
        answer = sql("EXECUTE IMMEDIATE 'SELECT ''it''''s'' || ?, ? + 1' USING 'x', 41")
        assert answer.row == ("it'sx", 42)

    def test_execute_immediate_without_parameters(self, sql):
        assert sql("EXECUTE IMMEDIATE 'SELECT 1'").value == 1

    def test_prepare_execute_deallocate(self, engine):
        session = Session(catalog="td", schema="analytics")
        prepared = engine.execute("PREPARE st_1 FROM SELECT ? + 1, ?", session, "q1")
        assert prepared.update_type == "PREPARE"
        assert prepared.changes.added_prepare == {"st_1": "SELECT ? + 1, ?"}
        with_statement = Session(
            catalog="td", schema="analytics", prepared_statements=prepared.changes.added_prepare
        )
        assert engine.execute("EXECUTE st_1 USING 41, 'x'", with_statement, "q2").fetch(10) == [(42, "x")]
        deallocated = engine.execute("DEALLOCATE PREPARE st_1", with_statement, "q3")
        assert deallocated.changes.deallocated_prepare == ["st_1"]
        # The client keeps sending the stale statement header afterwards: harmless.
        assert engine.execute("SELECT 2", with_statement, "q4").fetch(10) == [(2,)]

    def test_wrong_parameter_count(self, sql):
        with pytest.raises(TrinoError) as error:
            sql("EXECUTE IMMEDIATE 'SELECT ?, ?' USING 1")
        assert error.value.name == "INVALID_PARAMETER_USAGE"
        assert "expected 2 but found 1" in error.value.message

    def test_execute_of_an_unknown_statement(self, sql):
        with pytest.raises(TrinoError) as error:
            sql("EXECUTE nope USING 1")
        assert error.value.name == "NOT_FOUND"

    def test_typed_parameter_literals_from_the_trino_client(self, sql):
        answer = sql(
            "EXECUTE IMMEDIATE 'SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?' USING NULL, true, DOUBLE '1.5', X'00ff', "
            "TIMESTAMP '2024-01-02 03:04:05.000000', ARRAY[1,2], MAP(ARRAY['a'], ARRAY[1]), "
            "UUID '12345678-1234-1234-1234-123456789012', nan()"
        )
        assert answer.row[:7] == (None, True, 1.5, b"\x00\xff", answer.row[4], [1, 2], {"a": 1})
        assert answer.row[7] == "12345678-1234-1234-1234-123456789012"


def test_transactions_are_accepted_and_autocommit(sql):
    assert sql("START TRANSACTION").result.update_type == "START TRANSACTION"
    assert sql("COMMIT").result.update_type == "COMMIT"


def test_multiple_statements_are_rejected(sql):
    with pytest.raises(TrinoError) as error:
        sql("SELECT 1; SELECT 2")
    assert error.value.name == "SYNTAX_ERROR"


def test_a_trailing_semicolon_is_fine(sql):
    assert sql("SELECT 1;").value == 1


@pytest.mark.parametrize(
    ("statement", "message"),
    [
        # Trino's parser: `line 1:12: mismatched input 'from'. Expecting: ...`, at the token's start.
        ("select a * from t", "line 1:12: mismatched input 'from'"),
        ("select a,\n  b * from t", "line 2:7: mismatched input 'from'"),
    ],
)
def test_a_syntax_error_points_at_the_token_in_trinos_words(sql, statement, message):
    with pytest.raises(TrinoError) as error:
        sql(statement)
    assert error.value.name == "SYNTAX_ERROR"
    assert error.value.message.startswith(message)
    assert "sqlglot" not in error.value.message and "<class" not in error.value.message


def test_ctas_with_no_data_creates_the_columns_without_the_rows(sql):
    # Trino docs, CREATE TABLE AS: `CREATE TABLE empty_nation AS SELECT * FROM nation WITH NO DATA`
    # creates a table with nation's schema and no rows; WITH DATA (the default) copies them.
    sql("create table nation as select 1 as nationkey, 'JAPAN' as name union all select 2, 'PERU'")
    created = sql("create table empty_nation as select * from nation with no data")
    assert (created.result.update_type, created.result.update_count) == ("CREATE TABLE", 0)
    assert sql("select count(*) from empty_nation").rows == [(0,)]
    assert sql("select name from empty_nation").result.columns[0].name == "name"
    sql("create table full_nation as select * from nation with data")
    assert sql("select count(*) from full_nation").rows == [(2,)]
