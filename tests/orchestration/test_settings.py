"""Environment configuration: defaults, and errors that name the variable and the fix."""

import pytest

from orchestration.settings import PROJECT_ROOT, Settings, SettingsError


def test_defaults_are_the_embedded_engine_and_this_repository():
    settings = Settings.from_env({})
    assert settings.dbt_target == "local" and settings.uses_tdlocal
    assert settings.dbt_project_dir == PROJECT_ROOT / "dbt_project"
    assert settings.schedules_enabled
    assert (settings.tdlocal_host, settings.tdlocal_port) == ("127.0.0.1", 8765)
    assert settings.td_console_url is None and settings.alert_webhook_url is None


def test_td_targets_link_to_the_console_of_their_region():
    settings = Settings.from_env({"DBT_TARGET": "prod", "TD_API_HOST": "api-presto.treasuredata.co.jp"})
    assert settings.td_console_url == "https://console.treasuredata.co.jp"


def test_loading_needs_no_key_but_running_on_td_does():
    settings = Settings.from_env({"DBT_TARGET": "prod"})
    with pytest.raises(SettingsError, match="TD_API_KEY is not set, and DBT_TARGET='prod'"):
        settings.require_td_api_key({})
    settings.require_td_api_key({"TD_API_KEY": "1/abc"})
    Settings.from_env({}).require_td_api_key({})  # the local target needs none


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"DBT_TARGET": "staging"}, "DBT_TARGET='staging' is not a target"),
        ({"DBT_PROJECT_DIR": "/nonexistent"}, "has no dbt_project.yml"),
        ({"TD_SCHEDULES_ENABLED": "maybe"}, "TD_SCHEDULES_ENABLED='maybe' is not a yes/no value"),
        ({"TDLOCAL_PORT": "http"}, "TDLOCAL_PORT='http' is not a TCP port"),
        (
            {"DBT_INDIRECT_SELECTION": "bogus"},
            "DBT_INDIRECT_SELECTION='bogus' is not one of dbt's modes: use eager, cautious, buildable, empty",
        ),
        ({"ALERT_WEBHOOK_URL": "hooks.slack.com/x"}, "ALERT_WEBHOOK_URL='hooks.slack.com/x' is not an http"),
        (
            {"DAGSTER_WEBSERVER_URL": "localhost:3000"},
            "DAGSTER_WEBSERVER_URL='localhost:3000' is not an http",
        ),
    ],
)
def test_bad_values_are_named(env, message):
    with pytest.raises(SettingsError, match=message):
        Settings.from_env(env)


def test_schedules_can_be_turned_off():
    assert not Settings.from_env({"TD_SCHEDULES_ENABLED": "false"}).schedules_enabled
