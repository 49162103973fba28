"""dbt-tests-adapter's basic suite (tables, views, ephemerals, incrementals, tests, docs) on tdlocal.

The seeds declare `timestamp(6)` for their date column, as dbt-trino's own subclasses do: dbt
infers timestamp columns of a CSV only on adapters with implicit text-to-timestamp casts, which
Trino does not have.
"""

import pytest
from dbt.tests.adapter.basic.expected_catalog import base_expected_catalog, no_stats
from dbt.tests.adapter.basic.files import generic_test_seed_yml, seeds_added_csv, seeds_base_csv
from dbt.tests.adapter.basic.test_adapter_methods import BaseAdapterMethod
from dbt.tests.adapter.basic.test_base import BaseSimpleMaterializations
from dbt.tests.adapter.basic.test_docs_generate import BaseDocsGenerate
from dbt.tests.adapter.basic.test_empty import BaseEmpty
from dbt.tests.adapter.basic.test_ephemeral import BaseEphemeral
from dbt.tests.adapter.basic.test_generic_tests import BaseGenericTests
from dbt.tests.adapter.basic.test_incremental import BaseIncremental, BaseIncrementalNotSchemaChange
from dbt.tests.adapter.basic.test_singular_tests import BaseSingularTests
from dbt.tests.adapter.basic.test_singular_tests_ephemeral import BaseSingularTestsEphemeral
from dbt.tests.adapter.basic.test_validate_connection import BaseValidateConnection

TIMESTAMP_SEED_COLUMNS = {"+column_types": {"some_date": "timestamp(6)"}}


class TypedBaseSeed:
    """The `base.csv` seed with its date column typed, under the project name the base class uses."""

    project_name = "base"

    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"name": self.project_name, "seeds": TIMESTAMP_SEED_COLUMNS}

    @pytest.fixture(scope="class")
    def seeds(self):
        return {"base.csv": seeds_base_csv}


class TestAdapterMethods(BaseAdapterMethod):
    pass


class TestSimpleMaterializations(TypedBaseSeed, BaseSimpleMaterializations):
    pass


class TestSingularTests(BaseSingularTests):
    pass


class TestSingularTestsEphemeral(TypedBaseSeed, BaseSingularTestsEphemeral):
    project_name = "singular_tests_ephemeral"


class TestEmpty(BaseEmpty):
    pass


class TestEphemeral(TypedBaseSeed, BaseEphemeral):
    project_name = "ephemeral"


class TestIncremental(TypedBaseSeed, BaseIncremental):
    project_name = "incremental"

    @pytest.fixture(scope="class")
    def seeds(self):
        return {"base.csv": seeds_base_csv, "added.csv": seeds_added_csv}


class TestIncrementalNotSchemaChange(BaseIncrementalNotSchemaChange):
    @pytest.fixture(scope="class")
    def models(self):
        # The base model writes `1 || '-' || current_timestamp`; Trino's `||` takes varchar only
        # (no implicit cast from integer or timestamp), so the values are cast as dbt-trino does.
        return {
            "incremental_not_schema_change.sql": """
{{ config(materialized="incremental", unique_key="user_id_current_time", on_schema_change="sync_all_columns") }}
select
    '1' || '-' || cast(current_timestamp as varchar) as user_id_current_time,
    {% if is_incremental() %} 'thisis18characters' {% else %} 'okthisis20characters' {% endif %} as platform
"""
        }


class TestGenericTests(TypedBaseSeed, BaseGenericTests):
    project_name = "generic_tests"

    @pytest.fixture(scope="class")
    def seeds(self):
        return {"base.csv": seeds_base_csv, "schema.yml": generic_test_seed_yml}


class TestValidateConnection(BaseValidateConnection):
    pass


class TestDocsGenerate(BaseDocsGenerate):
    @pytest.fixture(scope="class")
    def project_config_update(self, unique_schema):
        return {
            "asset-paths": ["assets", "invalid-asset-paths"],
            "vars": {"test_schema": unique_schema, "alternate_schema": unique_schema + "_test"},
            "seeds": {"quote_columns": True, "+column_types": {"updated_at": "timestamp(6)"}},
            "quoting": {"identifier": False},
        }

    @pytest.fixture(scope="class")
    def expected_catalog(self, project, profile_user):
        # Trino's information_schema names: integer, varchar, timestamp(6); no table statistics.
        return base_expected_catalog(
            project,
            role=None,
            id_type="integer",
            text_type="varchar",
            time_type="timestamp(6)",
            view_type="VIEW",
            table_type="BASE TABLE",
            model_stats=no_stats(),
        )
