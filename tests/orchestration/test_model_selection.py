"""Which resources are partitioned, and `--select` names checked against the manifest before any SQL."""

import pytest

from orchestration.model_selection import SelectionError, check_selection, is_partitioned_model

MANIFEST = {
    "nodes": {
        "model.p.user_daily_activity": {
            "resource_type": "model",
            "name": "user_daily_activity",
            "fqn": ["td_analytics", "incremental", "user_daily_activity"],
        },
        "seed.p.product_catalog": {
            "resource_type": "seed",
            "name": "product_catalog",
            "fqn": ["td_analytics", "product_catalog"],
        },
        "test.p.t": {"resource_type": "test", "name": "not_null_x", "fqn": ["td_analytics", "not_null_x"]},
    }
}


@pytest.mark.parametrize(
    "selection",
    [
        "user_daily_activity",
        "user_daily_activity+",
        "+user_daily_activity",
        "2+user_daily_activity+1",
        "@user_daily_activity",
        "@+user_daily_activity",  # dbt's pattern takes `@` then `+` (only `@` with a `+` suffix fails)
        "incremental",  # a folder, as dbt's default fqn method matches it
        "td_analytics",  # the package
        "product_catalog user_daily_activity",
        "tag:marts",  # methods are dbt's business
        "path:models/marts,config.materialized:table",
        "user_*",
        "fqn:*",
        "config.incremental_strategy:td_window,resource_type:model",
    ],
)
def test_known_names_and_method_selectors_pass(selection):
    check_selection(selection, MANIFEST)


def test_an_unknown_name_fails_with_close_matches():
    with pytest.raises(SelectionError) as raised:
        check_selection("user_daily_activty+", MANIFEST)
    message = str(raised.value)
    assert "named 'user_daily_activty'" in message and "Did you mean 'user_daily_activity'?" in message


def test_a_name_with_no_close_match_still_names_the_value_and_the_syntax():
    with pytest.raises(SelectionError, match=r"named 'zzz'.*dbt syntax"):
        check_selection("user_daily_activity zzz", MANIFEST)
    with pytest.raises(SelectionError):
        check_selection("not_null_x", MANIFEST)  # tests are checks, not selectable assets


def test_a_method_dbt_does_not_have_names_it_and_lists_dbts_methods():
    # dbt raised InvalidSelectorError("'bogus' is not a valid method name"), a raw traceback.
    with pytest.raises(SelectionError) as raised:
        check_selection("bogus:method:x", MANIFEST)
    message = str(raised.value)
    assert message.startswith("--select 'bogus:method:x': 'bogus' is not a dbt selection method.")
    # dbt's MethodName members (dbt/graph/selector_methods.py), and its config.<key> form.
    assert "`tag:`" in message and "`path:`" in message and "`config.<key>:`" in message
    with pytest.raises(SelectionError, match=r"'tags' is not a dbt selection method\. Did you mean `tag:`\?"):
        check_selection("user_daily_activity tags:marts", MANIFEST)
    with pytest.raises(SelectionError, match=r"'confg' is not a dbt selection method"):
        check_selection("confg.materialized:table", MANIFEST)


@pytest.mark.parametrize(
    ("selection", "message"),
    [
        # dbt's RAW_SELECTOR_PATTERN reads one `+` before the name: `++x` is the name `+x`.
        ("++user_daily_activity", "'++user_daily_activity' repeats a graph operator"),
        ("user_daily_activity++", "'user_daily_activity++' repeats a graph operator"),
        ("@@user_daily_activity", "'@@user_daily_activity' repeats a graph operator"),
        ("", "--select '' is empty: leave --select out"),
        ("   ", "--select '   ' is empty"),
        ("tag:", "the term 'tag:' names nothing"),
        ("+", "the term '+' names nothing"),
        ("user_daily_activity,", "the term '' names nothing"),
    ],
)
def test_selections_dbt_would_reject_or_read_as_nothing_fail_with_the_fix(selection, message):
    with pytest.raises(SelectionError) as raised:
        check_selection(selection, MANIFEST)
    assert message in str(raised.value)
    assert str(raised.value).endswith("comma-joined ones an intersection")  # the syntax, as the fix


@pytest.mark.parametrize(
    ("config", "partitioned"),
    [
        ({"materialized": "incremental", "incremental_strategy": "td_window"}, True),
        ({"materialized": "incremental", "incremental_strategy": "append"}, False),
        ({"materialized": "incremental"}, False),
        ({"materialized": "table"}, False),
    ],
)
def test_only_td_window_incremental_models_are_partitioned(config, partitioned):
    assert is_partitioned_model({"resource_type": "model", "config": config}) is partitioned
