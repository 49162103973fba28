"""Select-list aliases outside ORDER BY fail in strict mode as on TD (issue 8, item 8).

Trino's StatementAnalyzer.visitQuerySpecification analyzes WHERE, GROUP BY and HAVING in the
FROM clause's scope (the select list serves GROUP BY ordinals only) and ORDER BY in a scope that
adds the select list's names. Referencing an alias elsewhere is COLUMN_NOT_FOUND
`line L:C: Column 'y' cannot be resolved`. DuckDB resolves such aliases, so tdlocal answered.
A real column with the alias's name is what Trino reads, and must keep working.
"""

from __future__ import annotations

import pytest
from trino.exceptions import TrinoUserError


def run(connect, sql: str) -> list:
    cursor = connect().cursor()
    cursor.execute(sql)
    return cursor.fetchall()


@pytest.fixture(scope="module")
def items(td_connect) -> str:
    """td.aliases.items: (x, time) = (1, 0), (2, 0)."""
    run(td_connect, "CREATE SCHEMA IF NOT EXISTS td.aliases")
    run(td_connect, "DROP TABLE IF EXISTS td.aliases.items")
    run(td_connect, "CREATE TABLE td.aliases.items AS SELECT x, 0 AS time FROM (VALUES 1, 2) AS v (x)")
    return "td.aliases.items"


@pytest.mark.parametrize(
    ("sql", "name", "where"),
    [
        ("SELECT x + 1 AS y FROM {t} WHERE y > 0", "y", "1:47"),
        ("SELECT x AS y, count(*) FROM {t} GROUP BY y", "y", "1:56"),
        ("SELECT x AS y, count(*) AS n FROM {t} GROUP BY x HAVING y > 1", "y", "1:70"),
        ("SELECT 1 AS a WHERE a = 1", "a", "1:21"),
        ("WITH c AS (SELECT x FROM {t}) SELECT x + 1 AS z FROM c WHERE z > 0", "z", "1:75"),
        ("SELECT a.x AS k FROM {t} AS a JOIN {t} AS b ON a.x = b.x WHERE k > 1", "k", "1:90"),
        ("CREATE TABLE td.aliases.copy AS SELECT x + 1 AS y FROM {t} WHERE y > 0", "y", "1:79"),
        ("SELECT u.n AS m FROM UNNEST(ARRAY[1, 2]) AS u (n) WHERE m > 1", "m", "1:57"),
        # DuckDB's lateral aliases: a later select item reading an earlier one's alias.
        ("SELECT 1 AS a, a + 1 AS b", "a", "1:16"),
        ("SELECT x AS k, sum(x) OVER (ORDER BY k) FROM {t}", "k", "1:38"),
    ],
)
def test_an_alias_outside_order_by_cannot_be_resolved(td_connect, items, sql, name, where) -> None:
    with pytest.raises(TrinoUserError) as error:
        run(td_connect, sql.format(t=items))
    assert error.value.error_name == "COLUMN_NOT_FOUND"
    assert error.value.message.startswith(f"line {where}: Column '{name}' cannot be resolved"), (
        error.value.message
    )


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        # ORDER BY sees the select list (Trino's orderByScope).
        ("SELECT x AS y FROM {t} ORDER BY y DESC", [[2], [1]]),
        # A real column named like the alias is the column: Trino reads `time` from the table.
        ("SELECT x + 10 AS time FROM {t} WHERE time = 0 ORDER BY 1", [[11], [12]]),
        ("SELECT x AS x FROM {t} WHERE x > 1", [[2]]),
        ("SELECT x + 1 AS x, x * 10 AS w FROM {t} ORDER BY 1", [[2, 10], [3, 20]]),
        # GROUP BY ordinals refer to the select list.
        ("SELECT x AS y, count(*) FROM {t} GROUP BY 1 ORDER BY 1", [[1, 1], [2, 1]]),
        # Lambda parameters are not aliases.
        ("SELECT x AS v FROM {t} WHERE any_match(ARRAY[x], v -> v > 1)", [[2]]),
        # A correlated subquery reads the outer relation's column, which is not an alias.
        (
            "SELECT x AS k FROM {t} AS o WHERE EXISTS (SELECT 1 FROM {t} AS i WHERE i.x = o.x AND o.x > 1)",
            [[2]],
        ),
    ],
)
def test_what_trino_resolves_still_runs(td_connect, items, sql, expected) -> None:
    assert run(td_connect, sql.format(t=items)) == expected


def test_lenient_mode_keeps_duckdbs_alias_lookup(lenient_connect) -> None:
    assert run(lenient_connect, "SELECT 1 AS a WHERE a = 1") == [[1]]
