"""dbt-trino's materialization options on tdlocal: `on_table_exists`, `views_enabled`, and the
table materialization of dbt-tests-adapter. Materialized views are not here: TD has none (see the
README's table)."""

import pytest
from dbt.tests.adapter.basic.test_table_materialization import BaseTableMaterialization
from dbt.tests.util import check_relations_equal, run_dbt, run_dbt_and_capture

SEED_CSV = "id,name\n1,Easton\n2,Lillian\n3,Jeremiah\n"
TABLE_SQL = "select * from {{ ref('seed') }}"
INCREMENTAL_SQL = """
{{ config(materialized='incremental', unique_key='id', incremental_strategy='delete+insert') }}
select * from {{ ref('seed') }}
"""


class TestTableMaterialization(BaseTableMaterialization):
    pass


class OnTableExists:
    on_table_exists = "rename"
    materialized = "table"

    @pytest.fixture(scope="class")
    def seeds(self):
        return {"seed.csv": SEED_CSV}

    @pytest.fixture(scope="class")
    def models(self):
        return {"materialization.sql": TABLE_SQL if self.materialized == "table" else INCREMENTAL_SQL}

    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"models": {"+materialized": self.materialized, "+on_table_exists": self.on_table_exists}}

    def test_rebuild_keeps_rows(self, project):
        """A second build of an existing table (a full refresh for incrementals) ends with the seed's
        rows, through the statements each `on_table_exists` mode sends."""
        run_dbt(["seed"])
        run_dbt(["run"])
        args = ["run", "--full-refresh"] if self.materialized == "incremental" else ["run"]
        _, log = run_dbt_and_capture(["--debug", *args])
        check_relations_equal(project.adapter, ["seed", "materialization"])
        for statement in self.expected_statements:
            assert statement in log.lower()


class TestOnTableExistsRename(OnTableExists):
    expected_statements = ('."materialization__dbt_backup"', "rename to", "drop table if exists")


class TestOnTableExistsRenameIncrementalFullRefresh(OnTableExists):
    materialized = "incremental"
    expected_statements = ('."materialization__dbt_backup"', "rename to")


class TestOnTableExistsDrop(OnTableExists):
    on_table_exists = "drop"
    expected_statements = ("drop table if exists",)


class TestOnTableExistsDropIncrementalFullRefresh(OnTableExists):
    on_table_exists = "drop"
    materialized = "incremental"
    expected_statements = ("drop table if exists",)


class TestOnTableExistsSkip(OnTableExists):
    on_table_exists = "skip"
    expected_statements = ("create table if not exists",)


class TestIncrementalViewsDisabled:
    """With `views_enabled: false`, dbt-trino stages incremental rows in a temporary table instead of
    a view: the setting TD projects need, since TD cannot create views."""

    @pytest.fixture(scope="class")
    def seeds(self):
        return {"seed.csv": SEED_CSV}

    @pytest.fixture(scope="class")
    def models(self):
        return {"materialization.sql": INCREMENTAL_SQL}

    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"models": {"+views_enabled": False}}

    def test_incremental_run_uses_a_table(self, project):
        run_dbt(["seed"])
        run_dbt(["run"])
        _, log = run_dbt_and_capture(["--debug", "run"])
        assert 'create table "td"' in log.lower() and "__dbt_tmp" in log
        check_relations_equal(project.adapter, ["seed", "materialization"])
