"""TD_PARSE_AGENT and TD_PARSE_USER_AGENT through the real `trino` client against a strict tdlocal.

Expected values, from TD's documentation of its Presto UDFs (the code blocks of TD's "Supported
Presto and TD functions" page, as copied into public TD query notes):
- TD_PARSE_AGENT returns map(varchar, varchar) with the keys os, vendor, os_version, name,
  category and version (Woothee's fields); TD's example, Chrome 16 on Windows 7, gives os
  'Windows 7', vendor 'Google', os_version 'NT 6.1', name 'Chrome', category 'pc', version
  '16.0.912.77'. TD's own published workflow SQL reads `element_at(TD_PARSE_AGENT(ua),
  'os_version')`. There is no `os_family` key in this map: os_family is an option of
  TD_PARSE_USER_AGENT.
- TD_PARSE_USER_AGENT(agent [, option]) returns text: for IE 9 on Windows 7,
  `{"user_agent": {"family": "IE", "major": "9", "minor": "0", "patch": ""}, "os": {...},
  "device": {"family": "Other"}}`; options os, os_family, os_major, os_minor, ua, ua_family,
  ua_major, ua_minor, device. TD's published SQL tests `td_parse_user_agent(ua, 'os_family') = 'iOS'`.
"""

from __future__ import annotations

import json

import pytest
from trino.exceptions import TrinoUserError

CHROME_16 = "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/535.7 (KHTML, like Gecko) Chrome/16.0.912.77 Safari/535.7"


def test_td_parse_agent_gives_tds_map(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT TD_PARSE_AGENT('{CHROME_16}'), typeof(TD_PARSE_AGENT('{CHROME_16}'))")
    assert cursor.fetchall() == [
        [
            {
                "os": "Windows 7",
                "vendor": "Google",
                "os_version": "NT 6.1",
                "name": "Chrome",
                "category": "pc",
                "version": "16.0.912.77",
            },
            "map(varchar, varchar)",
        ]
    ]


@pytest.mark.parametrize(
    ("agent", "category", "name"),
    [
        (
            "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            "Version/17.0 Mobile/15E148 Safari/604.1",
            "smartphone",
            "Safari",
        ),
        ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", "crawler", "Googlebot"),
        ("curl/7.64.1", "misc", "HTTP Library"),
    ],
)
def test_td_parse_agent_over_a_column(td_connect, agent, category, name) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT TD_PARSE_AGENT(a)['category'], TD_PARSE_AGENT(a)['name'], TD_PARSE_AGENT(NULL) "
        f"FROM (VALUES '{agent}') AS t (a)"
    )
    assert cursor.fetchall() == [[category, name, None]]


IE_9 = "Mozilla/5.0 (compatible; MSIE 9.0; Windows NT 6.1; Trident/5.0)"
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.0 Mobile/15E148 Safari/604.1"
)


def test_td_parse_user_agent_gives_tds_json(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT TD_PARSE_USER_AGENT('{IE_9}'), TD_PARSE_USER_AGENT('{IE_9}', 'ua')")
    [[whole, ua]] = cursor.fetchall()
    parsed = json.loads(whole)
    assert list(parsed) == ["user_agent", "os", "device"]
    assert parsed["user_agent"] == {"family": "IE", "major": "9", "minor": "0", "patch": ""}
    assert list(parsed["os"]) == ["family", "major", "minor", "patch", "patch_minor"]
    assert parsed["device"] == {"family": "Other"}
    assert json.loads(ua) == parsed["user_agent"]
    # TD's text uses ", " and ": " separators, as its example prints.
    assert whole.startswith('{"user_agent": {"family": "IE", "major": "9"')


def test_td_parse_user_agent_options_give_one_field(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        f"SELECT TD_PARSE_USER_AGENT('{IPHONE}', 'os_family'), TD_PARSE_USER_AGENT('{IE_9}', 'ua_family'), "
        f"TD_PARSE_USER_AGENT('{IE_9}', 'ua_major'), TD_PARSE_USER_AGENT(NULL, 'os') FROM (VALUES 1) AS t (x)"
    )
    assert cursor.fetchall() == [["iOS", "IE", "9", None]]


def test_td_parse_user_agent_refuses_an_unknown_option_naming_the_options(td_connect) -> None:
    cursor = td_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute(f"SELECT TD_PARSE_USER_AGENT('{IE_9}', 'browser')")
        cursor.fetchall()
    assert error.value.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert "'browser'" in error.value.message and "os_family" in error.value.message
