"""dbt-tests-adapter's seed suite on tdlocal: types inferred from CSVs, delimiters, BOMs, custom schemas."""

import re

import pytest
from dbt.tests.adapter.simple_seed import seeds
from dbt.tests.adapter.simple_seed.test_seed import (
    BaseBasicSeedTests,
    BaseSeedConfigFullRefreshOff,
    BaseSeedCustomSchema,
    BaseSeedParsing,
    BaseSeedSpecificFormats,
    BaseSeedWithEmptyDelimiter,
    BaseSeedWithUniqueDelimiter,
    BaseSeedWithWrongDelimiter,
    BaseSimpleSeedEnabledViaConfig,
    BaseTestEmptySeed,
)
from dbt.tests.util import run_dbt

# 'yyyy-MM-dd HH:mm:ss' string literals in the expected-rows insert.
_BARE_TIMESTAMP = re.compile(r"'(\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2})'")


def expected_seed_statements() -> list[str]:
    """The base suite's `seed_expected` table as Trino statements.

    The base SQL is Postgres: `TEXT` columns and text literals cast to timestamp on insert; Trino
    has `varchar` and no implicit varchar-to-timestamp cast, so the literals become typed ones.
    """
    sql = seeds.seeds__expected_sql.replace(" TEXT", " VARCHAR")
    sql = _BARE_TIMESTAMP.sub(r"TIMESTAMP '\1'", sql)
    return [statement for statement in sql.split(";") if statement.strip()]


class TrinoExpectedSeed:
    @pytest.fixture(scope="class", autouse=True)
    def setUp(self, project):
        for statement in expected_seed_statements():
            project.run_sql(statement)


class TestBasicSeedTests(TrinoExpectedSeed, BaseBasicSeedTests):
    @pytest.mark.xfail(
        strict=True,
        reason="Trino (and TD) have no DROP TABLE ... CASCADE: a full-refresh seed leaves the view built "
        "on it in place, which the base test (written for Postgres) expects gone",
    )
    def test_simple_seed_full_refresh_flag(self, project):
        super().test_simple_seed_full_refresh_flag(project)


class TestSeedConfigFullRefreshOff(TrinoExpectedSeed, BaseSeedConfigFullRefreshOff):
    pass


class TestSeedCustomSchema(TrinoExpectedSeed, BaseSeedCustomSchema):
    pass


class TestSeedWithUniqueDelimiter(TrinoExpectedSeed, BaseSeedWithUniqueDelimiter):
    pass


class TestSeedWithWrongDelimiter(TrinoExpectedSeed, BaseSeedWithWrongDelimiter):
    def test_seed_with_wrong_delimiter(self, project):
        # The whole line becomes one column name with spaces and '|': Trino's parser rejects the
        # CREATE TABLE, with a syntax error (Postgres, the base's engine, words it differently).
        result = run_dbt(["seed"], expect_pass=False)
        assert "syntax_error" in result.results[0].message.lower()


class TestSeedWithEmptyDelimiter(TrinoExpectedSeed, BaseSeedWithEmptyDelimiter):
    pass


class TestSimpleSeedEnabledViaConfig(BaseSimpleSeedEnabledViaConfig):
    pass


class TestSeedParsing(TrinoExpectedSeed, BaseSeedParsing):
    pass


class TestSeedSpecificFormats(BaseSeedSpecificFormats):
    pass


class TestEmptySeed(BaseTestEmptySeed):
    pass
