"""`td-dagster lint`: what TD will reject or scan in full, found in each model's config and compiled SQL.

Pure functions over a manifest compiled with sentinel_vars() (project_lint.py is the edge that
compiles). The sentinel values make every use of target_range and td_timezone recognisable in the
compiled SQL, whatever macros produced it. Each rule has an id; a model silences rules with

    {{ config(meta={'td_lint_ignore': ['td-unfiltered-scan']}) }}

(or `meta: {td_lint_ignore: [...]}` in YAML), ideally next to a comment saying why.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass
from typing import Any

import sqlglot
from sqlglot import exp

from orchestration.dbt_args import BARE_WINDOW_VAR

#: Compile-time values of target_range and td_timezone that no model would write literally.
SENTINEL_TARGET_RANGE = "-7919d/1999-12-31"
SENTINEL_TIMEZONE = "Etc/GMT+11"
TIME_FILTERS = ("td_interval", "td_time_range")
TIME_COLUMN = "time"
#: The meta key listing the rule ids a model silences.
IGNORE_META_KEY = "td_lint_ignore"
PARTITIONED_STRATEGY = "td_window"
#: dbt inlines an ephemeral model as a CTE of this name; its own lint covers what it reads.
EPHEMERAL_CTE_PREFIX = "__dbt__cte__"


@dataclass(frozen=True)
class Rule:
    """A lint rule: its id, what is wrong (one line) and what to do instead."""

    id: str
    message: str
    fix: str


RULES = {
    rule.id: rule
    for rule in (
        Rule(
            "td-unfiltered-scan",
            "reads {relation} without TD_INTERVAL/TD_TIME_RANGE on its bare `time` column in the same "
            "WHERE, so TD scans every partition of the table",
            "read it through {{{{ td_dbt.incremental_scan(...) }}}}, or add `where TD_INTERVAL(time, "
            "'{{{{ td_dbt.target_range() }}}}', '{{{{ td_dbt.td_timezone() }}}}')` (or a fixed window such as "
            "'{{{{ var(\"mart_window\") }}}}') to the SELECT that reads it",
        ),
        Rule(
            "td-range-without-timezone",
            "consumes target_range in {call} with {written}, so the range selects UTC days while the "
            "partitions are local days",
            "pass '{{{{ td_dbt.td_timezone() }}}}' as the third argument",
        ),
        Rule(
            "td-view",
            "is materialized as a view: TD's Trino cannot create views",
            "materialize it as a table (or ephemeral, if it is only a building block)",
        ),
        Rule(
            "td-incremental-strategy",
            "uses incremental_strategy '{strategy}': {reason}",
            "use incremental_strategy 'td_window', which replaces exactly the target_range window "
            "(read the source through td_dbt.incremental_scan)",
        ),
        Rule(
            "td-max-time-pattern",
            "loads rows newer than `max(time)` of {{{{ this }}}}: a backfill of an older day loads "
            "nothing once newer days are in, and a re-run of a day is not idempotent",
            "use incremental_strategy 'td_window' with td_dbt.incremental_scan(...), which replaces "
            "exactly the partition's window",
        ),
        Rule(
            "td-persist-docs",
            "sets persist_docs: TD's Trino does not accept COMMENT ON",
            "remove persist_docs; descriptions stay in dbt docs",
        ),
        Rule(
            "td-grants",
            "sets grants: TD manages access in its console, not with GRANT",
            "remove grants and give access to the TD database in the TD console",
        ),
        Rule(
            "td-on-table-exists-replace",
            "sets on_table_exists: replace, which emits CREATE OR REPLACE TABLE (Trino 431+; TD runs 423)",
            "use on_table_exists: drop",
        ),
        Rule(
            "td-sessionize-group-by",
            "groups by TD_SESSIONIZE(...), which TD's Trino does not accept",
            "compute `TD_SESSIONIZE_WINDOW(time, timeout) over (partition by user order by time)` in "
            "a CTE and group by that column",
        ),
        Rule(
            "td-window-var",
            "reads var('{name}') directly: the value is not validated, and a direct read sees only "
            "--vars, so partitioned runs of the project must pass the window there (a full dbt parse "
            "per partition) instead of in TD_RUN_*",
            "use {{{{ td_dbt.{name}() }}}}, which validates it and reads the partition window either way",
        ),
        Rule(
            "td-package-hooks",
            "{problem}",
            "wire the project as td_dbt/README.md shows (packages.yml, macro-paths, dispatch)",
        ),
        Rule(
            "td-not-compiled",
            "{problem}",
            "{fix}",
        ),
    )
}

_MAX_TIME_OF_THIS = re.compile(r"max\s*\(\s*time\s*\)\s*from\s*\{\{\s*this\s*\}\}", re.IGNORECASE)

_STRATEGY_REASONS = {
    "append": "not idempotent per day (a re-run or a retried partition inserts the rows twice)",
    "delete+insert": "not idempotent per day for rows whose key moved out of the window, and its "
    "DELETE is not bounded by time, so TD rewrites every partition",
    "merge": "not supported on TD (it emits MERGE)",
    "microbatch": "not supported on TD (it compares event_time with TIMESTAMP literals; TD's `time` "
    "is BIGINT)",
}


@dataclass(frozen=True)
class Finding:
    """One reported problem: a rule broken by a model, where, and what to do."""

    rule: str
    model: str
    path: str
    line: int
    message: str
    fix: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.rule} ({self.model}) {self.message}. Fix: {self.fix}"

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def sentinel_vars() -> dict[str, str]:
    """The --vars that make target_range and td_timezone recognisable in compiled SQL."""
    return {"target_range": SENTINEL_TARGET_RANGE, "td_timezone": SENTINEL_TIMEZONE}


def lint_manifest(manifest: Mapping[str, Any]) -> list[Finding]:
    """Findings for every SQL model of a manifest compiled with sentinel_vars(), minus silenced ones."""
    sources = {
        _normalise(source["relation_name"]): source["relation_name"]
        for source in manifest.get("sources", {}).values()
    }
    # Any incremental model's table holds its whole history: a full read is as costly as a source's.
    incremental = {
        _normalise(node["relation_name"]): node["relation_name"]
        for node in manifest.get("nodes", {}).values()
        if node.get("resource_type") == "model"
        and node.get("config", {}).get("materialized") == "incremental"
        and node.get("relation_name")
    }
    findings: list[Finding] = []
    for node in manifest.get("nodes", {}).values():
        if node.get("resource_type") != "model" or node.get("language", "sql") != "sql":
            continue
        ignored = set(_ignored_rules(node))
        findings.extend(
            finding for finding in lint_model(node, {**sources, **incremental}) if finding.rule not in ignored
        )
    return sorted(findings, key=lambda finding: (finding.path, finding.line, finding.rule))


def lint_model(node: Mapping[str, Any], scanned: Mapping[str, str]) -> list[Finding]:
    """Findings for one manifest model node; `scanned` maps normalised relation names (TD sources,
    incremental models) to their text."""
    return [*_config_findings(node), *_sql_findings(node, scanned)]


def _finding(node: Mapping[str, Any], rule_id: str, line: int = 1, **details: str) -> Finding:
    rule = RULES[rule_id]
    return Finding(
        rule=rule.id,
        model=node["name"],
        path=node["original_file_path"],
        line=line,
        message=rule.message.format(**details),
        fix=rule.fix.format(**details),
    )


def _config_findings(node: Mapping[str, Any]) -> Iterator[Finding]:
    config = node.get("config", {})
    raw = node.get("raw_code") or ""
    materialized = config.get("materialized")
    if materialized == "view":
        yield _finding(node, "td-view", _line_of(raw, r"materialized\s*=\s*['\"]view"))
    strategy = config.get("incremental_strategy") or "append"  # dbt-trino's default strategy
    if materialized == "incremental" and strategy != PARTITIONED_STRATEGY:
        reason = _STRATEGY_REASONS.get(strategy, "not a strategy this code location can partition by day")
        yield _finding(
            node,
            "td-incremental-strategy",
            _line_of(raw, r"incremental_strategy", r"materialized\s*=\s*['\"]incremental"),
            strategy=strategy,
            reason=reason,
        )
    persist_docs = config.get("persist_docs") or {}
    if persist_docs.get("relation") or persist_docs.get("columns"):
        yield _finding(node, "td-persist-docs", _line_of(raw, r"persist_docs"))
    if config.get("grants"):
        yield _finding(node, "td-grants", _line_of(raw, r"grants"))
    if config.get("on_table_exists") == "replace":
        yield _finding(node, "td-on-table-exists-replace", _line_of(raw, r"on_table_exists"))
    for match in BARE_WINDOW_VAR.finditer(raw):
        name = "target_range" if "target_range" in match.group(0) else "td_timezone"
        yield _finding(node, "td-window-var", raw[: match.start()].count("\n") + 1, name=name)


def _sql_findings(node: Mapping[str, Any], scanned: Mapping[str, str]) -> Iterator[Finding]:
    compiled = node.get("compiled_code") or ""
    raw = node.get("raw_code") or ""
    if not compiled.strip():
        yield _finding(
            node,
            "td-not-compiled",
            problem="has no compiled SQL",
            fix="run `dbt compile` (it must succeed), then lint again",
        )
        return
    try:
        statements = [tree for tree in sqlglot.parse(compiled, read="trino") if tree is not None]
    except sqlglot.errors.ParseError as error:
        yield _unparsable(node, compiled, raw, error)
        return
    own_relation = _normalise(node.get("relation_name") or "")
    # From the raw code: the pattern sits in an is_incremental() block, which compiles to nothing
    # until the table exists.
    max_time = _MAX_TIME_OF_THIS.search(raw)
    if max_time:
        yield _finding(node, "td-max-time-pattern", raw.count("\n", 0, max_time.start()) + 1)
    for tree in statements:
        reported: set[str] = set()
        for table in tree.find_all(exp.Table):
            relation = _normalise(_table_name(table))
            if relation not in scanned or relation in reported or _inside_ephemeral_cte(table):
                continue
            if relation == own_relation:
                continue  # reads of {{ this }}: see td-max-time-pattern
            if not _scan_is_time_filtered(table):
                reported.add(relation)
                yield _finding(
                    node,
                    "td-unfiltered-scan",
                    _line_of(raw, *_reference_patterns(relation)),
                    relation=scanned[relation],
                )
        for call in _calls(tree, "td_interval"):
            arguments = call.expressions
            if len(arguments) >= 2 and _literal(arguments[1]) == SENTINEL_TARGET_RANGE:
                timezone = _literal(arguments[2]) if len(arguments) >= 3 else None
                if timezone != SENTINEL_TIMEZONE:
                    written = "no timezone" if timezone is None else f"timezone {timezone!r}"
                    line = _line_of(raw, r"target_range")
                    yield _finding(
                        node,
                        "td-range-without-timezone",
                        line,
                        # The model's own line, not the compiled call: that holds the sentinel vars
                        # lint compiles with, values the user never wrote.
                        call=_source_line(raw, line),
                        written=written,
                    )
        for group in tree.find_all(exp.Group):
            if any(call.name.lower() == "td_sessionize" for call in group.find_all(exp.Anonymous)):
                yield _finding(node, "td-sessionize-group-by", _line_of(raw, r"TD_SESSIONIZE\s*\("))
                break


def _unparsable(
    node: Mapping[str, Any], compiled: str, raw: str, error: sqlglot.errors.ParseError
) -> Finding:
    """td-not-compiled for SQL Trino's grammar rejects, in Trino's words (`mismatched input 'x'`),
    at the model file's line holding the compiled line verbatim, else the line of the same number
    (dbt renders Jinja in place, so the numbers usually agree)."""
    details = error.errors[0] if error.errors else {}
    line, near = details.get("line") or 1, details.get("highlight")
    compiled_lines, raw_lines = compiled.splitlines(), raw.splitlines()
    compiled_line = compiled_lines[line - 1].strip() if 0 < line <= len(compiled_lines) else ""
    verbatim = [
        number for number, text in enumerate(raw_lines, 1) if compiled_line and text.strip() == compiled_line
    ]
    file_line = verbatim[0] if verbatim else (line if line <= len(raw_lines) else 1)
    what = f"mismatched input {near!r}" if near else "a syntax error"
    return _finding(
        node,
        "td-not-compiled",
        file_line,
        problem=f"is not valid Trino SQL: {what} (compiled SQL line {line})",
        fix="fix the model's SQL there (dbt writes the compiled SQL under target/compiled/), then lint again",
    )


def _ignored_rules(node: Mapping[str, Any]) -> list[str]:
    meta = {**(node.get("meta") or {}), **(node.get("config", {}).get("meta") or {})}
    ignored = meta.get(IGNORE_META_KEY) or []
    return [ignored] if isinstance(ignored, str) else list(ignored)


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


def _inside_ephemeral_cte(table: exp.Table) -> bool:
    cte = table.find_ancestor(exp.CTE)
    while cte is not None:
        if cte.alias_or_name.lower().startswith(EPHEMERAL_CTE_PREFIX):
            return True
        cte = cte.find_ancestor(exp.CTE)
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


def _reference_patterns(relation: str) -> list[str]:
    """Where a relation is likely named in the model's source: source('x', 'name'), ref('name')."""
    name = re.escape(relation.rsplit(".", 1)[-1])
    return [rf"(source|ref)\s*\([^)]*['\"]{name}['\"]", rf"\b{name}\b"]


def _source_line(raw_code: str, line: int) -> str:
    """Line `line` (1-based) of the model file, stripped, in backticks; `the model` if it is empty."""
    lines = raw_code.splitlines()
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    return f"`{text}`" if text else "the model"


def _line_of(raw_code: str, *patterns: str) -> int:
    """The 1-based line of the model file where the first pattern matches (1 if none does)."""
    for pattern in patterns:
        match = re.search(pattern, raw_code, flags=re.IGNORECASE)
        if match:
            return raw_code.count("\n", 0, match.start()) + 1
    return 1
