"""TD_PARSE_AGENT: a user-agent string as TD's map of `os`, `os_version`, `category`, `name`,
`version` and `vendor`.

TD's TD_PARSE_AGENT answers with Woothee's fields (those six keys and values such as category
'pc' / 'smartphone' and os 'Windows 10'), so the same parser is used here, the `woothee` package:
a general-purpose parser such as ua-parser would name browsers and platforms differently (its
families, not Woothee's categories) and the maps would not match TD's. Woothee's rules are what
TD's answers come from, even though the project releases rarely.
"""

from __future__ import annotations

import functools

import woothee
from sqlglot import exp

from tdlocal.sql.context import TranslationContext
from tdlocal.sql.function_library import PythonFunction

PARSE_AGENT = "tdlocal_td_parse_agent"
#: The keys of TD_PARSE_AGENT's map, in Woothee's order.
AGENT_KEYS = ("name", "category", "os", "os_version", "version", "vendor")


@functools.lru_cache(maxsize=4096)
def parse_agent(user_agent: str) -> dict[str, str]:
    """The map TD_PARSE_AGENT gives for `user_agent` (unknown parts are Woothee's 'UNKNOWN')."""
    parsed = woothee.parse(user_agent)
    return {key: str(parsed.get(key, "UNKNOWN")) for key in AGENT_KEYS}


def _parse_agent_udf(user_agent: str | None) -> dict[str, str] | None:
    return None if user_agent is None else parse_agent(user_agent)


PYTHON_FUNCTIONS = [
    PythonFunction(PARSE_AGENT, _parse_agent_udf, ["VARCHAR"], "MAP(VARCHAR, VARCHAR)", special_nulls=True)
]


def td_parse_agent(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    """TD_PARSE_AGENT(user_agent) -> map(varchar, varchar)."""
    return exp.Anonymous(this=PARSE_AGENT, expressions=arguments)
