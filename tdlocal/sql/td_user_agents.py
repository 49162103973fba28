"""TD_PARSE_AGENT: a user-agent string as TD's map of `os`, `os_version`, `category`, `name`,
`version` and `vendor`.

TD's TD_PARSE_AGENT answers with Woothee's fields (those six keys and values such as category
'pc' / 'smartphone' and os 'Windows 10'), so the same parser is used here, the `woothee` package:
a general-purpose parser such as ua-parser would name browsers and platforms differently (its
families, not Woothee's categories) and the maps would not match TD's. Woothee's rules are what
TD's answers come from, even though the project releases rarely.

TD_PARSE_USER_AGENT(user_agent [, option]) is the other parser TD offers: ua-parser's (Browserscope)
families, as JSON text `{"user_agent": {...}, "os": {...}, "device": {...}}` with "" for missing
parts, or one part (`os`, `ua`, `device`) or one field (`os_family`, `ua_major`, ...) by option,
per TD's documentation. The `ua-parser` package runs the current uap-core rules: TD's documented
example names the OS family "Windows 7" (an older rule set), where today's rules give "Windows"
with major "7", so families of old platforms can differ from TD's (see the README).
"""

from __future__ import annotations

import functools
import json

import ua_parser
import woothee
from sqlglot import exp

from tdlocal.errors import TrinoError
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


PARSE_USER_AGENT = "tdlocal_td_parse_user_agent"
#: TD_PARSE_USER_AGENT's options (TD docs): a part as JSON, or one field of a part as text.
USER_AGENT_OPTIONS = (
    "os",
    "os_family",
    "os_major",
    "os_minor",
    "ua",
    "ua_family",
    "ua_major",
    "ua_minor",
    "device",
)
_PART_FIELDS = {
    "user_agent": ("family", "major", "minor", "patch"),
    "os": ("family", "major", "minor", "patch", "patch_minor"),
    "device": ("family",),
}


@functools.lru_cache(maxsize=4096)
def parse_user_agent(user_agent: str) -> dict[str, dict[str, str]]:
    """ua-parser's parts of `user_agent` as TD_PARSE_USER_AGENT shows them: unknown families are
    'Other' and missing numbers "" (TD's documented output)."""
    parsed = ua_parser.parse(user_agent)
    parts = {"user_agent": parsed.user_agent, "os": parsed.os, "device": parsed.device}
    return {
        part: {
            field: (getattr(value, field, None) or ("Other" if field == "family" else ""))
            for field in _PART_FIELDS[part]
        }
        for part, value in parts.items()
    }


def td_parse_user_agent_text(user_agent: str, option: str | None = None) -> str:
    """TD_PARSE_USER_AGENT's text: the whole JSON, one part's JSON, or one field.

    Raises ValueError naming the options for an option TD does not have.
    """
    parts = parse_user_agent(user_agent)
    if option is None:
        return json.dumps(parts)
    key = option.lower()
    if key not in USER_AGENT_OPTIONS:
        raise ValueError(
            f"TD_PARSE_USER_AGENT option {option!r} is not one of {', '.join(USER_AGENT_OPTIONS)}"
        )
    part_name, _, field = key.partition("_")
    part = parts["user_agent" if part_name == "ua" else part_name]
    return part[field] if field else json.dumps(part)


def _parse_user_agent_udf(user_agent: str | None, option: str | None) -> str | None:
    if user_agent is None:
        return None
    return td_parse_user_agent_text(user_agent, option)


PYTHON_FUNCTIONS = [
    PythonFunction(PARSE_AGENT, _parse_agent_udf, ["VARCHAR"], "MAP(VARCHAR, VARCHAR)", special_nulls=True),
    PythonFunction(
        PARSE_USER_AGENT, _parse_user_agent_udf, ["VARCHAR", "VARCHAR"], "VARCHAR", special_nulls=True
    ),
]


def td_parse_agent(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    """TD_PARSE_AGENT(user_agent) -> map(varchar, varchar)."""
    return exp.Anonymous(this=PARSE_AGENT, expressions=arguments)


def td_parse_user_agent(arguments: list[exp.Expression], context: TranslationContext) -> exp.Expression:
    """TD_PARSE_USER_AGENT(user_agent [, option]) -> varchar (JSON text, or one field)."""
    option = arguments[1] if len(arguments) == 2 else exp.Null()
    if isinstance(option, exp.Literal) and option.this.lower() not in USER_AGENT_OPTIONS:
        raise TrinoError(
            f"TD_PARSE_USER_AGENT option {option.this!r} is not one of {', '.join(USER_AGENT_OPTIONS)}",
            "INVALID_FUNCTION_ARGUMENT",
        )
    return exp.Anonymous(this=PARSE_USER_AGENT, expressions=[arguments[0], option])
