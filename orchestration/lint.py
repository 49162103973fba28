"""`td-dagster lint`: the TD rules dbt cannot check, applied to each model's compiled SQL.

1. Every scan of a TD source filters its `time` column with TD_INTERVAL or TD_TIME_RANGE in the
   WHERE of the same SELECT (anything else reads every partition of the table).
2. Every TD_INTERVAL that consumes target_range also passes td_timezone (without it TD reads UTC
   days while the partitions are local days).

The project is compiled with sentinel values for both vars, so a use of either var is recognisable
in the compiled SQL whatever macros produced it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import sqlglot
from sqlglot import exp

#: Compile-time values of target_range and td_timezone that no model would write literally.
SENTINEL_TARGET_RANGE = "-7919d/1999-12-31"
SENTINEL_TIMEZONE = "Etc/GMT+11"
TIME_FILTERS = ("td_interval", "td_time_range")
TIME_COLUMN = "time"


@dataclass(frozen=True)
class Finding:
    model: str
    path: str
    problem: str

    def __str__(self) -> str:
        return f"{self.path} ({self.model}): {self.problem}"


def sentinel_vars() -> dict[str, str]:
    return {"target_range": SENTINEL_TARGET_RANGE, "td_timezone": SENTINEL_TIMEZONE}


def lint_manifest(manifest: Mapping[str, Any]) -> list[Finding]:
    """Findings for every model of a manifest compiled with sentinel_vars()."""
    sources = {
        _normalise(source["relation_name"]): source["relation_name"]
        for source in manifest.get("sources", {}).values()
    }
    findings: list[Finding] = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("language", "sql") != "sql":
            continue
        findings.extend(
            lint_model(node["name"], node["original_file_path"], node.get("compiled_code") or "", sources)
        )
    return sorted(findings, key=lambda finding: (finding.path, finding.problem))


def lint_model(name: str, path: str, compiled_sql: str, sources: Mapping[str, str]) -> list[Finding]:
    """Findings for one model's compiled SQL; `sources` maps normalised relation names to their text."""
    if not compiled_sql.strip():
        return [Finding(name, path, "has no compiled SQL: run `dbt compile` before linting")]
    try:
        statements = [tree for tree in sqlglot.parse(compiled_sql, read="trino") if tree is not None]
    except sqlglot.errors.ParseError as error:
        return [Finding(name, path, f"could not be parsed as Trino SQL: {error}")]
    findings = []
    for tree in statements:
        for table in tree.find_all(exp.Table):
            relation = _normalise(_table_name(table))
            if relation in sources and not _scan_is_time_filtered(table):
                findings.append(
                    Finding(
                        name,
                        path,
                        f"scans TD source {sources[relation]} without TD_INTERVAL/TD_TIME_RANGE on its "
                        f"`{TIME_COLUMN}` column in the same WHERE, so TD reads every partition: read it "
                        "through {{ incremental_scan(source(...)) }} or add "
                        "`where TD_INTERVAL(time, '{{ target_range() }}', '{{ td_timezone() }}')`",
                    )
                )
        for call in _calls(tree, "td_interval"):
            arguments = call.expressions
            if len(arguments) >= 2 and _literal(arguments[1]) == SENTINEL_TARGET_RANGE:
                timezone = _literal(arguments[2]) if len(arguments) >= 3 else None
                if timezone != SENTINEL_TIMEZONE:
                    written = "no timezone" if timezone is None else f"timezone {timezone!r}"
                    findings.append(
                        Finding(
                            name,
                            path,
                            f"consumes target_range in {call.sql(dialect='trino')} with {written}: pass "
                            "'{{ td_timezone() }}' as the third argument, so the range selects the "
                            "partitions' local days",
                        )
                    )
    return findings


def _scan_is_time_filtered(table: exp.Table) -> bool:
    select = table.find_ancestor(exp.Select)
    if select is None or not _is_direct_source(select, table):
        return False
    where = select.args.get("where")
    if where is None:
        return False
    alias = table.alias_or_name.lower()
    for conjunct in _conjuncts(where.this):
        if (
            isinstance(conjunct, exp.Anonymous)
            and conjunct.name.lower() in TIME_FILTERS
            and conjunct.expressions
        ):
            column = conjunct.expressions[0]
            if (
                isinstance(column, exp.Column)
                and column.name.lower() == TIME_COLUMN
                and column.table.lower() in ("", alias)
            ):
                return True
    return False


def _is_direct_source(select: exp.Select, table: exp.Table) -> bool:
    """The table is in this SELECT's FROM or JOINs (not in a subquery nested deeper)."""
    from_clause = select.args.get("from_")
    direct = [from_clause.this] if from_clause is not None else []
    direct += [join.this for join in select.args.get("joins") or []]
    return any(candidate is table for candidate in direct)


def _conjuncts(condition: exp.Expression) -> Iterator[exp.Expression]:
    condition = condition.unnest()
    if isinstance(condition, exp.And):
        yield from _conjuncts(condition.left)
        yield from _conjuncts(condition.right)
    else:
        yield condition


def _calls(tree: exp.Expression, name: str) -> Iterator[exp.Anonymous]:
    for call in tree.find_all(exp.Anonymous):
        if call.name.lower() == name:
            yield call


def _literal(expression: exp.Expression) -> str | None:
    return expression.this if isinstance(expression, exp.Literal) and expression.is_string else None


def _table_name(table: exp.Table) -> str:
    return ".".join(part for part in (table.catalog, table.db, table.name) if part)


def _normalise(relation: str) -> str:
    return relation.replace('"', "").replace("`", "").lower()
