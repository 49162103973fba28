"""TD_PARSE_AGENT through the real `trino` client against a strict tdlocal.

Expected values: TD's documentation of TD_PARSE_AGENT, a map(varchar, varchar) with the keys
os, os_version, category, name, version and vendor; its example is Chrome 16 on Windows 7
(recalled from TD's page, whose answer is Woothee's, the parser TD's function runs). The other
user agents check Woothee's categories (pc, smartphone, crawler, misc) as TD reports them.
"""

from __future__ import annotations

import pytest

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
