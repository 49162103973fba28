"""dbt-tests-adapter's incremental suites (unique keys, predicates, on_schema_change, merge) on tdlocal.

dbt-trino runs them with `delete+insert` and `merge` (its default strategy is `append`). TD has no
`MERGE`; lenient tdlocal runs it as stock Trino would.
"""

import re

import pytest
from dbt.tests.adapter.incremental import test_incremental_unique_id as unique_id
from dbt.tests.adapter.incremental.test_incremental_merge_exclude_columns import BaseMergeExcludeColumns
from dbt.tests.adapter.incremental.test_incremental_on_schema_change import BaseIncrementalOnSchemaChange
from dbt.tests.adapter.incremental.test_incremental_predicates import BaseIncrementalPredicates
from dbt.tests.adapter.incremental.test_incremental_unique_id import BaseIncrementalUniqueKey

# A bare 'yyyy-MM-dd' literal (not already typed or cast) in the base fixtures.
_BARE_DATE = re.compile(r"(?<!cast\()(?<!DATE )'(\d{4}-\d{2}-\d{2})'")


def with_date_literals(sql: str) -> str:
    """The fixture SQL with its bare date strings as `DATE '...'` literals: the base fixtures rely on
    Postgres casting text to date on insert and in UNION, which Trino does not do."""
    return _BARE_DATE.sub(r"DATE '\1'", sql)


class TrinoUniqueKeyFixtures:
    @pytest.fixture(scope="class")
    def seeds(self):
        return {
            "duplicate_insert.sql": with_date_literals(unique_id.seeds__duplicate_insert_sql),
            "seed.csv": unique_id.seeds__seed_csv,
            "add_new_rows.sql": with_date_literals(unique_id.seeds__add_new_rows_sql),
        }

    @pytest.fixture(scope="class")
    def models(self):
        names = [
            "trinary_unique_key_list",
            "nontyped_trinary_unique_key_list",
            "unary_unique_key_list",
            "not_found_unique_key",
            "empty_unique_key_list",
            "no_unique_key",
            "empty_str_unique_key",
            "str_unique_key",
            "duplicated_unary_unique_key_list",
            "not_found_unique_key_list",
        ]
        models = {f"{name}.sql": getattr(unique_id, f"models__{name}_sql") for name in names}
        models["expected"] = {
            name + ".sql": with_date_literals(getattr(unique_id, f"models__expected__{name}_sql"))
            for name in ("one_str__overwrite", "unique_key_list__inplace_overwrite")
        }
        return models


class TestIncrementalUniqueKeyDeleteInsert(TrinoUniqueKeyFixtures, BaseIncrementalUniqueKey):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"models": {"+incremental_strategy": "delete+insert"}}


class TestIncrementalUniqueKeyMerge(TrinoUniqueKeyFixtures, BaseIncrementalUniqueKey):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"models": {"+incremental_strategy": "merge"}}


class TestIncrementalPredicatesDeleteInsert(BaseIncrementalPredicates):
    pass


class TestIncrementalPredicatesMerge(BaseIncrementalPredicates):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {
            "models": {
                "+incremental_predicates": ["dbt_internal_dest.id != 2"],
                "+incremental_strategy": "merge",
            }
        }


class TestIncrementalOnSchemaChange(BaseIncrementalOnSchemaChange):
    pass


class TestMergeExcludeColumns(BaseMergeExcludeColumns):
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"models": {"+incremental_strategy": "merge"}}
