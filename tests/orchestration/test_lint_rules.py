"""The lint rules on manifest nodes: each rule fires on its pattern, stays quiet otherwise, and a
model silences a rule with meta.td_lint_ignore."""

import pytest

from orchestration.lint import RULES, lint_manifest, lint_model
from orchestration.lint import SENTINEL_TARGET_RANGE as RANGE
from orchestration.lint import SENTINEL_TIMEZONE as ZONE

SCANNED = {
    "td.raw.events": '"td"."raw"."events"',
    "td.sample_datasets.www_access": '"td"."sample_datasets"."www_access"',
    "td.analytics.daily": '"td"."analytics"."daily"',
}


def node(sql: str = "select 1", raw: str | None = None, **config) -> dict:
    return {
        "resource_type": "model",
        "name": "m",
        "original_file_path": "models/m.sql",
        "relation_name": '"td"."analytics"."m"',
        "compiled_code": sql,
        "raw_code": sql if raw is None else raw,
        "config": {"materialized": "table", **config},
    }


def rules(sql: str = "select 1", raw: str | None = None, **config) -> list[str]:
    return [finding.rule for finding in lint_model(node(sql, raw, **config), SCANNED)]


@pytest.mark.parametrize(
    "sql",
    [
        f"""select * from (select * from "td"."raw"."events" where TD_INTERVAL(time, '{RANGE}', '{ZONE}'))""",
        f"with s as (select * from td.raw.events e where x = 1 and td_interval(e.time, '{RANGE}', '{ZONE}')) select * from s",
        "select * from td.raw.events where TD_TIME_RANGE(time, '2024-01-01', '2024-02-01', 'JST')",
        "select * from td.raw.events where TD_INTERVAL(time, '-30d', 'JST')",
        "select * from analytics.other_table",  # neither a TD source nor an incremental model
        "select * from td.analytics.daily where TD_INTERVAL(time, '-30d', 'JST')",
        # An ephemeral model inlined by dbt: linted as its own model, not in each user.
        "with __dbt__cte__stg as (select * from td.raw.events) select * from __dbt__cte__stg",
    ],
)
def test_filtered_reads_pass(sql):
    assert rules(sql) == []


@pytest.mark.parametrize(
    "sql",
    [
        'select * from "td"."raw"."events"',
        "select * from td.raw.events where user_id = 'a'",
        "select * from td.raw.events where user_id = 'a' or TD_INTERVAL(time, '-1d', 'JST')",  # OR does not prune
        "select * from td.raw.events where TD_INTERVAL(event_time, '-1d', 'JST')",  # not the time column
        "select * from td.raw.events e join td.sample_datasets.www_access w on e.user_id = w.user where TD_INTERVAL(e.time, '-1d', 'JST')",
        "select * from td.raw.events where time > 0",
        "select count(*) from td.analytics.daily",  # an incremental model's whole history
    ],
)
def test_unfiltered_reads_are_reported(sql):
    (finding,) = lint_model(node(sql), SCANNED)
    assert finding.rule == "td-unfiltered-scan"
    assert "without TD_INTERVAL/TD_TIME_RANGE" in finding.message and "incremental_scan" in finding.fix


def test_target_range_without_its_timezone():
    written = "select *\nfrom t\nwhere TD_INTERVAL(time, '{{ target_range() }}')"
    (finding,) = lint_model(node(f"select * from t where TD_INTERVAL(time, '{RANGE}')", raw=written), SCANNED)
    assert finding.rule == "td-range-without-timezone" and "with no timezone" in finding.message
    # The model's own line, never the sentinel values lint compiles with.
    assert "in `where TD_INTERVAL(time, '{{ target_range() }}')`" in finding.message
    assert finding.line == 3
    assert RANGE not in str(finding) and ZONE not in str(finding)
    assert (
        "with timezone 'UTC'"
        in lint_model(node(f"select * from t where TD_INTERVAL(time, '{RANGE}', 'UTC')"), SCANNED)[0].message
    )
    assert rules(f"select * from t where TD_INTERVAL(time, '{RANGE}', '{ZONE}')") == []


@pytest.mark.parametrize(
    ("config", "rule", "words"),
    [
        ({"materialized": "view"}, "td-view", "cannot create views"),
        (
            {"materialized": "incremental", "incremental_strategy": "append"},
            "td-incremental-strategy",
            "not idempotent per day",
        ),
        ({"materialized": "incremental"}, "td-incremental-strategy", "'append'"),  # dbt-trino's default
        (
            {"materialized": "incremental", "incremental_strategy": "merge"},
            "td-incremental-strategy",
            "not supported on TD",
        ),
        ({"persist_docs": {"columns": True}}, "td-persist-docs", "COMMENT ON"),
        ({"grants": {"select": ["a"]}}, "td-grants", "GRANT"),
        ({"on_table_exists": "replace"}, "td-on-table-exists-replace", "CREATE OR REPLACE"),
    ],
)
def test_config_rules(config, rule, words):
    (finding,) = lint_model(node(**config), SCANNED)
    assert finding.rule == rule and words in finding.message and finding.fix
    assert rules(materialized="incremental", incremental_strategy="td_window") == []


def test_the_max_time_pattern_is_found_in_the_raw_code_with_its_line():
    raw = "select *\nfrom {{ source('raw', 'events') }}\n{% if is_incremental() %}\nwhere time > (select max(time) from {{ this }})\n{% endif %}"
    findings = lint_model(node("select * from td.raw.events", raw=raw), SCANNED)
    assert [(f.rule, f.line) for f in findings] == [("td-max-time-pattern", 4), ("td-unfiltered-scan", 2)]
    assert "backfill" in findings[0].message and "td_window" in findings[0].fix


def test_a_direct_read_of_a_window_var_is_reported_with_its_line_and_the_macro_to_use():
    raw = (
        "select *\nfrom t\nwhere TD_INTERVAL(time, '{{ var(\"target_range\") }}', '{{ var('td_timezone') }}')"
    )
    findings = lint_model(
        node(f"select * from t where TD_INTERVAL(time, '{RANGE}', '{ZONE}')", raw=raw), SCANNED
    )
    assert [(f.rule, f.line) for f in findings] == [("td-window-var", 3), ("td-window-var", 3)]
    assert "var('target_range') directly" in findings[0].message
    assert findings[0].fix.startswith("use {{ td_dbt.target_range() }}")
    assert findings[1].fix.startswith("use {{ td_dbt.td_timezone() }}")


def test_sessionize_as_a_grouping_key():
    sql = "select u, TD_SESSIONIZE(time, 1800, u) as s, count(*) from t group by u, TD_SESSIONIZE(time, 1800, u)"
    assert rules(sql) == ["td-sessionize-group-by"]
    window = "select u, TD_SESSIONIZE_WINDOW(time, 1800) over (partition by u order by time) as s from t"
    assert rules(window) == []


def test_unparseable_or_uncompiled_models_are_reported():
    (unparsable,) = lint_model(node("select * from where"), SCANNED)
    # Trino's parser: `mismatched input 'where'`; the line of the compiled SQL and of the file.
    assert unparsable.message == "is not valid Trino SQL: mismatched input 'where' (compiled SQL line 1)"
    assert unparsable.line == 1
    (second_line,) = lint_model(node("select a,\n  b * from t"), SCANNED)
    assert (second_line.line, second_line.message) == (
        2,
        "is not valid Trino SQL: mismatched input 'from' (compiled SQL line 2)",
    )
    assert "no compiled SQL" in lint_model(node(""), SCANNED)[0].message


def test_every_rule_has_a_message_and_a_fix():
    assert all(rule.id.startswith("td-") and rule.message and rule.fix for rule in RULES.values())


def test_lint_manifest_covers_sql_models_honours_silencing_and_sees_incremental_models():
    daily = {
        **node(),
        "name": "daily",
        "relation_name": '"td"."analytics"."daily"',
        "config": {"materialized": "incremental", "incremental_strategy": "td_window"},
    }
    bad = {**node("select * from td.analytics.daily"), "name": "bad", "original_file_path": "models/bad.sql"}
    silenced = {
        **bad,
        "name": "silenced",
        "config": {"materialized": "table", "meta": {"td_lint_ignore": ["td-unfiltered-scan"]}},
    }
    manifest = {
        "sources": {"source.p.raw.events": {"relation_name": '"td"."raw"."events"'}},
        "nodes": {
            "model.p.daily": daily,
            "model.p.bad": bad,
            "model.p.silenced": silenced,
            "test.p.t": {**bad, "resource_type": "test"},
        },
    }
    findings = lint_manifest(manifest)
    assert [(f.model, f.rule) for f in findings] == [("bad", "td-unfiltered-scan")]
    assert str(findings[0]).startswith("models/bad.sql:1: td-unfiltered-scan (bad) reads")
