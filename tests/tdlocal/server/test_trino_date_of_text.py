"""date(x) is CAST(x AS date), as Trino's docs define it, through the `trino` client against a
strict server.

Expected behaviour: Trino docs, Date and time functions: "date(x) -> date: This is an alias for
CAST(x AS date)"; the cast reads text by DateTimeUtils.parseDate (README's varchar-to-date row), so
'2024-01-05 10:00:00' fails with INVALID_CAST_ARGUMENT "Value cannot be cast to date: ..." and
TRY gives NULL. tdlocal's date() used DuckDB's cast, which read the date part of that text.
"""

from __future__ import annotations

import datetime

from tests.tdlocal.server.conftest import trino_failure


def test_date_of_text_with_a_time_fails_as_the_cast_does(td_connect) -> None:
    cursor = td_connect().cursor()
    raised = trino_failure(cursor, "SELECT date('2024-01-05 10:00:00')")
    assert raised.error_name == "INVALID_CAST_ARGUMENT"
    assert raised.message == "Value cannot be cast to date: 2024-01-05 10:00:00"


def test_date_of_dates_text_and_zoned_values(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute(
        "SELECT date('2024-1-5'), date(x), try(date('x')), date(TIMESTAMP '2024-01-05 23:00:00'), "
        # 2024-03-15 19:30 UTC is already the 16th in Tokyo.
        "date(from_unixtime(1710531000, 'Asia/Tokyo')) FROM (VALUES '2024-01-05') t(x)"
    )
    day = datetime.date(2024, 1, 5)
    assert cursor.fetchall() == [[day, day, None, day, datetime.date(2024, 3, 16)]]
