"""The lint rules on compiled SQL: unfiltered TD source scans and target_range without its zone."""

import pytest

from orchestration.lint import SENTINEL_TARGET_RANGE as RANGE
from orchestration.lint import SENTINEL_TIMEZONE as ZONE
from orchestration.lint import lint_manifest, lint_model

SOURCES = {
    "td.raw.events": '"td"."raw"."events"',
    "td.sample_datasets.www_access": '"td"."sample_datasets"."www_access"',
}


def problems(sql: str) -> list[str]:
    return [finding.problem for finding in lint_model("m", "models/m.sql", sql, SOURCES)]


@pytest.mark.parametrize(
    "sql",
    [
        f"""select * from (select * from "td"."raw"."events" where TD_INTERVAL(time, '{RANGE}', '{ZONE}'))""",
        f"with s as (select * from td.raw.events e where x = 1 and td_interval(e.time, '{RANGE}', '{ZONE}')) select * from s",
        "select * from td.raw.events where TD_TIME_RANGE(time, '2024-01-01', '2024-02-01', 'JST')",
        "select * from td.raw.events where TD_INTERVAL(time, '-30d', 'JST')",
        "select * from analytics.other_table",  # not a TD source
    ],
)
def test_filtered_scans_pass(sql):
    assert problems(sql) == []


@pytest.mark.parametrize(
    "sql",
    [
        'select * from "td"."raw"."events"',
        "select * from td.raw.events where user_id = 'a'",
        "select * from td.raw.events where user_id = 'a' or TD_INTERVAL(time, '-1d', 'JST')",  # OR does not prune
        "select * from td.raw.events where TD_INTERVAL(event_time, '-1d', 'JST')",  # not the time column
        "select * from td.raw.events e join td.sample_datasets.www_access w on e.user_id = w.user where TD_INTERVAL(e.time, '-1d', 'JST')",
        "select * from td.raw.events where time > 0",
    ],
)
def test_unfiltered_scans_are_named(sql):
    found = problems(sql)
    assert len(found) == 1 and "without TD_INTERVAL/TD_TIME_RANGE" in found[0]


def test_target_range_without_its_timezone():
    assert "with no timezone" in problems(f"select * from t where TD_INTERVAL(time, '{RANGE}')")[0]
    assert "with timezone 'UTC'" in problems(f"select * from t where TD_INTERVAL(time, '{RANGE}', 'UTC')")[0]
    assert problems(f"select * from t where TD_INTERVAL(time, '{RANGE}', '{ZONE}')") == []


def test_unparseable_or_uncompiled_models_are_reported():
    assert "could not be parsed" in problems("select * from where")[0]
    assert "no compiled SQL" in problems("")[0]


def test_lint_manifest_covers_sql_models_only():
    manifest = {
        "sources": {"source.p.raw.events": {"relation_name": '"td"."raw"."events"'}},
        "nodes": {
            "model.p.bad": {
                "resource_type": "model",
                "name": "bad",
                "original_file_path": "models/bad.sql",
                "compiled_code": 'select * from "td"."raw"."events"',
            },
            "model.p.good": {
                "resource_type": "model",
                "name": "good",
                "original_file_path": "models/good.sql",
                "compiled_code": "select 1",
            },
            "test.p.t": {
                "resource_type": "test",
                "name": "t",
                "original_file_path": "tests/t.sql",
                "compiled_code": 'select * from "td"."raw"."events"',
            },
        },
    }
    findings = lint_manifest(manifest)
    assert [str(finding).split(":")[0] for finding in findings] == ["models/bad.sql (bad)"]
