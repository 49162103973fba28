"""Every point of TD semantics that fits the known examples but that TD does not document.

Kept in one module so that each can be revised in one place when a live TD account shows
otherwise. Everything else in tdtime follows TD's documentation or observed query results.
"""

from datetime import date, timedelta

# TD_INTERVAL's reference-point algorithm (interval.py) is itself inferred; it reproduces every
# documented example. The quarter unit `q` appears in some TD material only.
QUARTER_UNIT_SUPPORTED = True

# TD_TIME_STRING's `q!` cut: no sample output is known; the quarter's first month as yyyy-MM.
QUARTER_BANG_PATTERN = "%Y-%m"

# TD abbreviations are fixed offsets (TD's notes: "JST is a fixed +09:00"). PST and PDT are read
# the same way: the abbreviation names the offset, so 'PDT' in January is still -07:00.
# CST is deliberately absent: it means US Central and China Standard Time in different places.
ABBREVIATION_OFFSETS = {
    "JST": timedelta(hours=9),
    "KST": timedelta(hours=9),
    "PST": timedelta(hours=-8),
    "PDT": timedelta(hours=-7),
    "MST": timedelta(hours=-7),
    "MDT": timedelta(hours=-6),
    "CDT": timedelta(hours=-5),
    "EST": timedelta(hours=-5),
    "EDT": timedelta(hours=-4),
}
AMBIGUOUS_ABBREVIATIONS = {
    "CST": "America/Chicago (US Central) or Asia/Shanghai (China Standard Time)",
    "IST": "Asia/Kolkata (India), Asia/Jerusalem (Israel) or Europe/Dublin (Irish Standard Time)",
}

# TD_TIME_PARSE on text it cannot read returns NULL rather than failing the query.
UNPARSEABLE_TIME_IS_NULL = True

# TD_TIME_ADD's tz only reads a string `time`; days and weeks are fixed 86,400 / 604,800 seconds.
TIME_ADD_DAY_SECONDS = 86_400

# TD_SESSIONIZE_WINDOW starts a new session when the gap to the previous event is strictly
# greater than the timeout; a gap equal to the timeout stays in the session.
SESSION_BREAKS_ON_EQUAL_GAP = False


def week_of_year(day: date) -> int:
    """TD_TIME_FORMAT's `w`: the ISO week number, as TD's weeks are ISO (Monday first)."""
    return day.isocalendar().week


# Also inferred, and implemented where they are used:
# - TD_INTERVAL's reference-point algorithm (interval.py), which reproduces every TD example.
# - TD_INTERVAL_RANGE returns [start, end) as two BIGINT Unix seconds (interval.py).
