"""The reference semantics of TD_SESSIONIZE_WINDOW(time, timeout) OVER (... ORDER BY time)."""

from __future__ import annotations

from collections.abc import Iterable

from tdtime.inferred import SESSION_BREAKS_ON_EQUAL_GAP


def starts_new_session(gap: int, timeout: int) -> bool:
    """Whether an event `gap` seconds after the previous one opens a new session."""
    return gap >= timeout if SESSION_BREAKS_ON_EQUAL_GAP else gap > timeout


def sessionize(times: Iterable[int], timeout: int) -> list[int]:
    """Session numbers (0, 1, ...) for one partition's event times, given in ascending order.

    TD returns a UUID per session; rows share a UUID exactly when they share a number here.
    """
    if isinstance(timeout, bool) or not isinstance(timeout, int) or timeout < 0:
        raise ValueError(
            f"TD_SESSIONIZE_WINDOW timeout must be a non-negative number of seconds, got {timeout!r}"
        )
    sessions: list[int] = []
    previous: int | None = None
    for time in times:
        if previous is not None and time < previous:
            raise ValueError(
                f"times must be in ascending order (the window's ORDER BY time): {time} follows {previous}"
            )
        if previous is None:
            sessions.append(0)
        else:
            sessions.append(sessions[-1] + starts_new_session(time - previous, timeout))
        previous = time
    return sessions
