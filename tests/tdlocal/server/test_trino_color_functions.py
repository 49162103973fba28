"""bar, color and rgb as Trino 423 answers them, through the real `trino` client against a
strict tdlocal.

Expected values: Trino's TestColorFunctions.testBar (`bar(0.6, 5, color('#f0f'), color('#00f'))`
and `bar(1, 10, color('#f00'), color('#0f0'))`, whose colours are also bar's defaults,
rgb(255, 0, 0) to rgb(0, 255, 0)) and ColorFunctions' messages for out-of-range components.
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError

ESC, CELL, RESET = "\x1b", "\u2588", "\x1b[0m"


def cells(*indexes: int) -> str:
    return "".join(f"{ESC}[38;5;{index}m{CELL}" for index in indexes)


RED_TO_GREEN_10 = cells(196, 202, 208, 214, 226, 226, 154, 118, 82, 46) + RESET


@pytest.mark.parametrize(
    ("expression", "expected"),
    [
        ("bar(0.6, 5, color('#f0f'), color('#00f'))", cells(201, 165, 129) + RESET + "  "),
        ("bar(1, 10, color('#f00'), color('#0f0'))", RED_TO_GREEN_10),
        ("bar(1, 10)", RED_TO_GREEN_10),
        ("bar(1, 10, rgb(255, 0, 0), rgb(0, 255, 0))", RED_TO_GREEN_10),
        # No cells: only the reset, padded to the width.
        ("bar(0, 3)", RESET + "   "),
        ("bar(NULL, 3)", None),
    ],
)
def test_bar(td_connect, expression, expected) -> None:
    cursor = td_connect().cursor()
    cursor.execute(f"SELECT {expression}")
    assert cursor.fetchall() == [[expected]]


def test_bar_over_a_column(td_connect) -> None:
    cursor = td_connect().cursor()
    cursor.execute("SELECT bar(x, 5, color('#f0f'), color('#00f')) FROM (VALUES 0.6, 0.0) AS t (x)")
    assert cursor.fetchall() == [[cells(201, 165, 129) + RESET + "  "], [RESET + "     "]]


def test_rgb_out_of_range_fails_with_trinos_message(td_connect) -> None:
    cursor = td_connect().cursor()
    with pytest.raises(TrinoUserError) as error:
        cursor.execute("SELECT bar(0.5, 4, rgb(300, 0, 0), rgb(0, 0, 0))")
        cursor.fetchall()
    assert error.value.error_name == "INVALID_FUNCTION_ARGUMENT"
    assert error.value.message == "red must be between 0 and 255"
