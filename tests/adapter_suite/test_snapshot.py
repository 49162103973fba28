"""dbt-tests-adapter's snapshot suites (timestamp and check strategies) on tdlocal, with dbt-trino's
own snapshot materialization (it ends in MERGE, which lenient tdlocal runs as Trino does)."""

import pytest
from dbt.tests.adapter.basic.files import seeds_added_csv, seeds_base_csv, seeds_newcolumns_csv
from dbt.tests.adapter.basic.test_snapshot_check_cols import BaseSnapshotCheckCols
from dbt.tests.adapter.basic.test_snapshot_timestamp import BaseSnapshotTimestamp
from dbt.tests.adapter.simple_snapshot.test_snapshot import BaseSimpleSnapshot, BaseSnapshotCheck


class TypedSeeds:
    @pytest.fixture(scope="class")
    def project_config_update(self):
        return {"seeds": {"+column_types": {"some_date": "timestamp(6)"}}}


class TestSnapshotCheckCols(TypedSeeds, BaseSnapshotCheckCols):
    @pytest.fixture(scope="class")
    def seeds(self):
        return {"base.csv": seeds_base_csv, "added.csv": seeds_added_csv}


class TestSnapshotTimestamp(TypedSeeds, BaseSnapshotTimestamp):
    @pytest.fixture(scope="class")
    def seeds(self):
        return {
            "base.csv": seeds_base_csv,
            "newcolumns.csv": seeds_newcolumns_csv,
            "added.csv": seeds_added_csv,
        }


class TestSimpleSnapshot(BaseSimpleSnapshot):
    pass


class TestSnapshotCheck(BaseSnapshotCheck):
    pass
