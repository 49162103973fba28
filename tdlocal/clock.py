"""The engine's notion of "now": the query's start time, or a time pinned by TDLOCAL_NOW.

TD_SCHEDULED_TIME() and relative TD_INTERVAL strings ('-1d') read "now". Pinning it makes a local
run reproducible: the same SQL selects the same rows whatever the wall clock says.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Mapping
from datetime import datetime

NOW_ENVIRONMENT_VARIABLE = "TDLOCAL_NOW"

_UNIX_SECONDS = re.compile(r"^-?\d+(\.\d+)?$")
_ACCEPTED_FORMS = (
    "Unix seconds (e.g. 1700000000) or ISO-8601 with an offset "
    "(e.g. 2024-01-15T09:00:00+09:00 or 2024-01-15T00:00:00Z)"
)


class InvalidNowError(ValueError):
    """A pinned "now" that is neither Unix seconds nor an ISO-8601 time with an offset."""


def parse_now(text: str, *, source: str = NOW_ENVIRONMENT_VARIABLE) -> int:
    """Unix seconds for a pinned "now" written as Unix seconds or ISO-8601 with an offset."""
    value = text.strip()
    if _UNIX_SECONDS.match(value):
        return int(float(value) // 1)
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00") if value.endswith("Z") else value)
    except ValueError:
        raise InvalidNowError(f"{source}={text!r} is not a time: use {_ACCEPTED_FORMS}") from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise InvalidNowError(
            f"{source}={text!r} has no UTC offset, so it could mean any instant: use {_ACCEPTED_FORMS}"
        )
    return int(moment.timestamp() // 1)


def pinned_now_from_environment(environment: Mapping[str, str] | None = None) -> int | None:
    """The "now" pinned by TDLOCAL_NOW, or None when it is unset or empty."""
    environment = os.environ if environment is None else environment
    text = environment.get(NOW_ENVIRONMENT_VARIABLE, "")
    return parse_now(text) if text.strip() else None


class Clock:
    """Gives each query its "now": the pinned time if there is one, else the wall clock."""

    def __init__(self, pinned: int | None = None) -> None:
        self.pinned = pinned

    def query_start(self) -> int:
        """Unix seconds to use as "now" for a query starting at this moment."""
        return self.pinned if self.pinned is not None else int(time.time())
