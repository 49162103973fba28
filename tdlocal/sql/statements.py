"""One Trino statement -> a Plan: session statements, prepared statements, DDL, DML and queries.

Session statements (SET/RESET SESSION, USE, PREPARE, DEALLOCATE) run nothing on DuckDB: they
report SessionChanges that the server turns into X-Trino-* response headers. EXECUTE and
EXECUTE IMMEDIATE bind their parameters into the statement text, which is then planned like any
other statement.
"""

from __future__ import annotations

import re
from functools import lru_cache

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.session import Session, SessionChanges
from tdlocal.sql import insert_types, intervals, metadata, names, parameters, select_aliases, strict_mode
from tdlocal.sql.context import TD_CATALOG, TranslationContext
from tdlocal.sql.output_names import UNNAMED_MARKER, unnamed_positions
from tdlocal.sql.parsing import blank_comments, parse_statement
from tdlocal.sql.plan import Plan, TableRef, quote_string
from tdlocal.sql.translate import to_duckdb_sql, translate_query
from tdtime import resolve_zone

#: Trino's limit on query text, in characters (query.max-length, 1,000,000 by default; TD
#: documents it as "1 MB"). Trino counts the Java string's length, not UTF-8 bytes.
MAX_QUERY_TEXT_LENGTH = 1_000_000
TIME_COLUMN = "time"
#: The session property SET TIME ZONE sets (Trino's SystemSessionProperties.TIME_ZONE_ID).
TIME_ZONE_PROPERTY = "time_zone_id"
#: The zone SET TIME ZONE LOCAL restores: the server's default, UTC on TD.
SERVER_TIME_ZONE = "UTC"

_NAME = r'(?:"(?:[^"]|"")*"|[A-Za-z_][\w$@]*)'
_SET_SESSION = re.compile(
    rf"^SET\s+SESSION\s+(?P<name>{_NAME}(?:\.{_NAME})?)\s*=\s*(?P<value>.+)$", re.I | re.S
)
_RESET_SESSION = re.compile(rf"^RESET\s+SESSION\s+(?P<name>{_NAME}(?:\.{_NAME})?)$", re.I | re.S)
_USE = re.compile(rf"^USE\s+(?P<first>{_NAME})(?:\s*\.\s*(?P<second>{_NAME}))?$", re.I | re.S)
_PREPARE = re.compile(rf"^PREPARE\s+(?P<name>{_NAME})\s+FROM\s+(?P<sql>.+)$", re.I | re.S)
_EXECUTE_IMMEDIATE = re.compile(r"^EXECUTE\s+IMMEDIATE\s+'", re.I)
_EXECUTE = re.compile(rf"^EXECUTE\s+(?P<name>{_NAME})(?:\s+USING\s+(?P<values>.+))?$", re.I | re.S)
_DEALLOCATE = re.compile(rf"^DEALLOCATE\s+PREPARE\s+(?P<name>{_NAME})$", re.I | re.S)
_TRANSACTION = re.compile(
    r"^(?P<kind>START\s+TRANSACTION|BEGIN|COMMIT|ROLLBACK)(?:\s+(?:WORK|TRANSACTION))?\b.*$", re.I | re.S
)
_SET_TIME_ZONE = re.compile(r"^SET\s+TIME\s+ZONE\s+(?P<zone>.+)$", re.I | re.S)
_EXPLAIN = re.compile(
    r"^EXPLAIN(?:\s+ANALYZE(?P<verbose>\s+VERBOSE)?)?(?:\s*\((?P<options>[^)]*)\))?\s+(?P<sql>.+)$",
    re.I | re.S,
)
_USING = re.compile(r"^\s*USING\s+(?P<values>.+)$", re.I | re.S)
_INSERT_VALUES = re.compile(r"^\s*INSERT\s+INTO\s.+\bVALUES\b", re.I | re.S)
# Statements whose translation depends on the query's "now" are never cached.
_TIME_DEPENDENT = re.compile(r"\b(TD_\w+|CURRENT_\w+|NOW|LOCALTIMESTAMP|LOCALTIME)\b", re.I)


def plan_statement(sql: str, session: Session, context: TranslationContext) -> Plan:
    """The Plan for one Trino statement; raises TrinoError for anything TD would reject."""
    length = java_string_length(sql)
    if length > MAX_QUERY_TEXT_LENGTH:
        raise TrinoError(
            f"Query text length ({length}) exceeds the maximum length ({MAX_QUERY_TEXT_LENGTH}): "
            "split the statement (e.g. insert in smaller batches)",
            "QUERY_TEXT_TOO_LARGE",
        )
    text = _strip_statement(sql)
    session_plan = _plan_session_statement(text, session, context)
    if session_plan is not None:
        return session_plan
    if metadata.is_show_statement(text):
        return metadata.plan_show(text, context)
    tree = parse_statement(text)
    strict_mode.check_syntax(text, tree, context)
    return plan_parsed_statement(tree, context)


def java_string_length(text: str) -> int:
    """Java's String.length(): UTF-16 code units (a character beyond U+FFFF counts twice)."""
    if text.isascii():
        return len(text)
    return len(text) + sum(1 for char in text if ord(char) > 0xFFFF)


def _strip_statement(sql: str) -> str:
    text = blank_comments(sql).strip()
    while text.endswith(";"):
        text = text[:-1].rstrip()
    return text


# --- session and prepared statements ---------------------------------------------------------


def _plan_session_statement(text: str, session: Session, context: TranslationContext) -> Plan | None:
    if match := _SET_SESSION.match(text):
        value = _session_value(match["value"].strip())
        changes = SessionChanges(set_session={_name_text(match["name"]): value})
        return Plan(update_type="SET SESSION", changes=changes)
    if match := _RESET_SESSION.match(text):
        return Plan(
            update_type="RESET SESSION", changes=SessionChanges(clear_session=[_name_text(match["name"])])
        )
    if match := _USE.match(text):
        return _plan_use(match, context)
    if match := _SET_TIME_ZONE.match(text):
        return _plan_set_time_zone(match["zone"].strip())
    if match := _EXPLAIN.match(text):
        return _plan_explain(match, session, context)
    if match := _PREPARE.match(text):
        name, statement = _identifier(match["name"]), match["sql"].strip()
        parse_statement(statement)  # Trino rejects a prepared statement that does not parse
        return Plan(update_type="PREPARE", changes=SessionChanges(added_prepare={name: statement}))
    if _EXECUTE_IMMEDIATE.match(text):
        statement, end = parameters.read_string_literal(text, text.index("'"))
        return _plan_bound(statement, _using_values(text[end:]), session, context)
    if match := _EXECUTE.match(text):
        statement = _prepared_statement(session, _identifier(match["name"]))
        values = parameters.split_parameters(match["values"]) if match["values"] else []
        return _plan_bound(statement, values, session, context)
    if match := _DEALLOCATE.match(text):
        name = _identifier(match["name"])
        _prepared_statement(session, name)
        return Plan(update_type="DEALLOCATE", changes=SessionChanges(deallocated_prepare=[name]))
    if match := _TRANSACTION.match(text):
        # dbt-trino runs in autocommit; every statement here commits on its own.
        kind = " ".join(match["kind"].upper().split())
        return Plan(update_type="START TRANSACTION" if kind == "BEGIN" else kind)
    return None


def _plan_use(match: re.Match[str], context: TranslationContext) -> Plan:
    if match["second"]:
        catalog, schema = _identifier(match["first"]), _identifier(match["second"])
        names.check_catalog(catalog)
        changes = SessionChanges(set_catalog=catalog, set_schema=schema)
    else:
        schema = _identifier(match["first"])
        if context.catalog is None:
            raise TrinoError(
                "Catalog must be specified when session catalog is not set: write USE td.<database>",
                "GENERIC_USER_ERROR",
            )
        names.check_catalog(context.catalog)
        changes = SessionChanges(set_schema=schema)
    return Plan(update_type="USE", changes=changes, required_schema=schema)


def _plan_set_time_zone(zone_text: str) -> Plan:
    """SET TIME ZONE: Trino stores the zone as the session property time_zone_id.

    Source: Trino's SetTimeZoneTask; `LOCAL` is the server's own zone, UTC on TD (and here).
    Only string literals are taken; an interval or other expression is refused by name.
    """
    if zone_text.upper() == "LOCAL":
        zone = SERVER_TIME_ZONE
    elif zone_text.startswith("'"):
        zone = _session_value(zone_text)
        try:
            resolve_zone(zone)
        except ValueError:
            raise TrinoError(f"Time zone not supported: {zone}", "NOT_SUPPORTED") from None
    else:
        raise TrinoError(
            f"tdlocal takes SET TIME ZONE with a string literal or LOCAL, not {zone_text[:100]!r}: "
            "write e.g. SET TIME ZONE 'Asia/Tokyo'",
            "NOT_SUPPORTED",
        )
    return Plan(update_type="SET TIME ZONE", changes=SessionChanges(set_session={TIME_ZONE_PROPERTY: zone}))


def _plan_explain(match: re.Match[str], session: Session, context: TranslationContext) -> Plan:
    """EXPLAIN [ANALYZE] [(options)] statement: one varchar column `Query Plan`, as Trino answers.

    The text is DuckDB's plan of the translated statement (a plan, not Trino's plan): what is
    checked is that the statement would be accepted. `(TYPE VALIDATE)` answers `Valid` = true.
    EXPLAIN ANALYZE would run the statement, which tdlocal does not do for an EXPLAIN.
    """
    if match.group(0)[len("EXPLAIN") :].lstrip().upper().startswith("ANALYZE"):
        raise TrinoError("tdlocal does not run EXPLAIN ANALYZE: use EXPLAIN", "NOT_SUPPORTED")
    options = (match["options"] or "").upper()
    inner = plan_statement(match["sql"], session, context)
    if inner.changes.set_session or inner.changes.added_prepare or inner.changes.set_schema:
        raise TrinoError("EXPLAIN takes a query, DML or DDL statement", "NOT_SUPPORTED")
    if "VALIDATE" in options:
        return Plan(sql=['SELECT true AS "Valid"'], returns_rows=True)
    plan = Plan(returns_rows=True, required_schema=inner.required_schema, required_table=inner.required_table)
    if len(inner.sql) == 1 and (inner.returns_rows or inner.counts_rows) and inner.parameters is None:
        plan.sql = [f"EXPLAIN {inner.sql[0]}"]
        plan.explain = True
    else:
        plan.sql = [f'SELECT {quote_string(inner.update_type or "")} AS "Query Plan"']
    return plan


def _plan_bound(statement: str, values: list[str], session: Session, context: TranslationContext) -> Plan:
    fast = _plan_insert_with_duckdb_parameters(statement, values, context)
    if fast is not None:
        return fast
    bound = parameters.bind_parameters(statement, values)
    plan = plan_statement(bound, session, context)
    if plan.changes.added_prepare or plan.changes.deallocated_prepare:
        raise TrinoError("EXECUTE cannot run PREPARE or DEALLOCATE", "NOT_SUPPORTED")
    return plan


def _plan_insert_with_duckdb_parameters(
    statement: str, values: list[str], context: TranslationContext
) -> Plan | None:
    """dbt seeds: INSERT ... VALUES (?, ...) with plain literals, translated once, bound by DuckDB.

    A seed batch has up to 1,000 rows x columns of literals; parsing them as SQL costs more than
    the insert. The statement with its placeholders is the same for every full batch, so its
    translation is cached, and the literals are bound as DuckDB parameters. Anything unusual
    (other statements, time functions, arrays or maps as values) takes the general path.
    """
    if not _INSERT_VALUES.match(statement) or _TIME_DEPENDENT.search(statement):
        return None
    bound = [parameters.python_value(value) for value in values]
    if any(value is parameters.NOT_A_SIMPLE_LITERAL for value in bound):
        return None
    expected = parameters.placeholder_count(statement)
    if expected != len(values):
        raise TrinoError(
            f"Incorrect number of parameters: expected {expected} but found {len(values)}",
            "INVALID_PARAMETER_USAGE",
        )
    translated = _translated_insert(statement, context.strict, context.catalog, context.schema)
    if translated is None:
        return None
    return Plan(sql=[translated], update_type="INSERT", counts_rows=True, writes=True, parameters=bound)


@lru_cache(maxsize=64)
def _translated_insert(statement: str, strict: bool, catalog: str | None, schema: str | None) -> str | None:
    # `now` does not matter: statements using time functions never get here.
    context = TranslationContext(now=0, strict=strict, catalog=catalog, schema=schema)
    tree = parse_statement(statement)
    strict_mode.check_syntax(statement, tree, context)
    plan = plan_parsed_statement(tree, context)
    if plan.update_type != "INSERT" or len(plan.sql) != 1:
        return None
    return plan.sql[0]


def _using_values(rest: str) -> list[str]:
    if not rest.strip():
        return []
    match = _USING.match(rest)
    if match is None:
        raise TrinoError(
            f"expected USING <values> after EXECUTE IMMEDIATE's statement, found {rest.strip()[:100]!r}",
            "SYNTAX_ERROR",
        )
    return parameters.split_parameters(match["values"])


def _prepared_statement(session: Session, name: str) -> str:
    statements = {key.lower(): sql for key, sql in session.prepared_statements.items()}
    if name.lower() not in statements:
        raise TrinoError(f"Prepared statement not found: {name}", "NOT_FOUND")
    return statements[name.lower()]


def _session_value(text: str) -> str:
    if text.startswith("'"):
        value, end = parameters.read_string_literal(text, 0)
        if text[end:].strip():
            raise TrinoError(f"SET SESSION takes one literal value, got {text!r}", "SYNTAX_ERROR")
        return value
    return text


def _identifier(text: str) -> str:
    text = text.strip()
    return text[1:-1].replace('""', '"') if text.startswith('"') else text.lower()


def _name_text(text: str) -> str:
    return ".".join(_identifier(part) for part in re.findall(_NAME, text))


# --- SQL statements -----------------------------------------------------------------------------


def plan_parsed_statement(tree: exp.Expression, context: TranslationContext) -> Plan:
    """The Plan for a parsed statement (a query, DDL or DML)."""
    strict_mode.check(tree, context)
    # Before translation, which rewrites the tree: select-list aliases Trino cannot see (issue 8).
    checks = _alias_checks(tree, context) if context.strict else []
    plan = _plan_statement_kind(tree, context)
    plan.column_checks = checks
    return plan


def _alias_checks(tree: exp.Expression, context: TranslationContext) -> list[tuple[str, TrinoError]]:
    checks = []
    for probe in select_aliases.alias_probes(tree):
        try:
            checks.append((to_duckdb_sql(translate_query(probe.query, context)), probe.error))
        except TrinoError:
            continue  # a FROM the probe cannot stand alone with: the statement itself will tell
    return checks


def _plan_statement_kind(tree: exp.Expression, context: TranslationContext) -> Plan:
    if isinstance(tree, (exp.Query, exp.Values)):
        return _plan_query(tree, context)
    for kind, planner in _PLANNERS:
        if isinstance(tree, kind):
            return planner(tree, context)
    if isinstance(tree, exp.Command):
        raise TrinoError(
            f"tdlocal does not support this statement: {tree.sql(dialect='trino')[:200]!r}", "NOT_SUPPORTED"
        )
    raise TrinoError(f"tdlocal does not support {type(tree).__name__} statements", "NOT_SUPPORTED")


def _plan_query(tree: exp.Query | exp.Values, context: TranslationContext) -> Plan:
    if isinstance(tree, exp.Values):
        tree = _select_from_values(tree)
    translated = translate_query(tree, context)
    return Plan(sql=[to_duckdb_sql(translated)], returns_rows=True)


def _select_from_values(values: exp.Values) -> exp.Select:
    """A top-level VALUES as SELECT * over it, its columns unnamed (Trino calls them _col0, ...)."""
    first = values.expressions[0] if values.expressions else None
    width = len(first.expressions) if isinstance(first, exp.Tuple) else 1
    alias = exp.TableAlias(
        this=exp.to_identifier("values"),
        columns=[exp.to_identifier(f"{UNNAMED_MARKER}v{index}", quoted=True) for index in range(width)],
    )
    values.set("alias", alias)
    return exp.select("*").from_(values)


def _plan_create(tree: exp.Create, context: TranslationContext) -> Plan:
    kind = (tree.args.get("kind") or "").upper()
    if kind == "SCHEMA":
        return _plan_create_schema(tree, context)
    if kind == "VIEW":
        return _plan_create_view(tree, context)
    if kind == "TABLE":
        return _plan_create_table(tree, context)
    raise TrinoError(f"tdlocal does not support CREATE {kind}", "NOT_SUPPORTED")


def _plan_create_schema(tree: exp.Create, context: TranslationContext) -> Plan:
    catalog, schema = _schema_name(tree.this)
    names.check_catalog(catalog)
    exists = " IF NOT EXISTS" if tree.args.get("exists") else ""
    sql = f'CREATE SCHEMA{exists} "{TD_CATALOG}".{_quoted(schema)}'
    return Plan(sql=[sql], update_type="CREATE SCHEMA", writes=True)


def _plan_create_view(tree: exp.Create, context: TranslationContext) -> Plan:
    _drop_properties(tree)
    if tree.expression is not None:
        _require_column_names(tree.expression)
    names.lowercase_identifiers(tree.this)
    tree = translate_query(tree, context)
    return Plan(sql=[to_duckdb_sql(tree)], update_type="CREATE VIEW", writes=True)


def _plan_create_table(tree: exp.Create, context: TranslationContext) -> Plan:
    no_data = _asks_for_no_data(tree)
    comment = _drop_properties(tree)
    like = _expand_like_clauses(tree)
    query = tree.expression
    if query is not None:
        _require_column_names(query)
    names.lowercase_identifiers(tree)
    intervals.refuse_interval_column_definitions(tree)
    tree = translate_query(tree, context)
    if no_data and tree.expression is not None:
        # The query's columns and types, none of its rows.
        rows = exp.Subquery(this=tree.expression.copy(), alias=exp.TableAlias(this=exp.to_identifier("q")))
        tree.set("expression", exp.select("*").from_(rows).limit(0))
    table = _created_table(tree)
    if query is None and context.strict:
        _add_time_column_definition(tree, context.now)
    plan = Plan(sql=[to_duckdb_sql(tree)], update_type="CREATE TABLE", writes=True)
    if query is not None:
        plan.refuse_interval_columns_in = table
        plan.year_month_columns = frozenset(intervals.year_month_output_names(tree.expression))
        plan.counts_rows = not like  # CREATE TABLE (LIKE ...) is DDL: no row count
        if context.strict:
            plan.add_time_column_to, plan.creation_time = table, context.now
    if comment is not None:
        plan.sql.append(f"COMMENT ON TABLE {table.sql} IS {quote_string(comment)}")
    return plan


def _expand_like_clauses(tree: exp.Create) -> bool:
    """CREATE TABLE t (LIKE other [INCLUDING|EXCLUDING PROPERTIES], c type, ...) as a CTAS with no rows.

    Trino copies the other table's columns (names, types) in place of the LIKE; a query selecting
    them with no rows makes DuckDB do the same from its catalog. Extra columns are typed NULLs.
    TD keeps no table properties, so INCLUDING PROPERTIES has nothing to copy.
    """
    schema = tree.this
    if not isinstance(schema, exp.Schema) or not any(
        isinstance(item, exp.LikeProperty) for item in schema.expressions
    ):
        return False
    select = exp.Select()
    sources: list[exp.Table] = []
    for item in schema.expressions:
        if isinstance(item, exp.LikeProperty):
            source = item.this.copy()
            alias = f"like_{len(sources)}"
            source.set("alias", exp.TableAlias(this=exp.to_identifier(alias)))
            sources.append(source)
            select = (
                select.select(exp.Star(), append=True)
                if len(sources) == 1
                else select.select(exp.Column(this=exp.Star(), table=exp.to_identifier(alias)), append=True)
            )
        elif isinstance(item, exp.ColumnDef):
            kind = item.args.get("kind") or exp.DataType.build("VARCHAR")
            select = select.select(
                exp.alias_(exp.Cast(this=exp.Null(), to=kind.copy()), item.this.copy()), append=True
            )
        else:
            raise TrinoError(
                f"tdlocal does not take {item.sql(dialect='trino')!r} next to LIKE in CREATE TABLE",
                "NOT_SUPPORTED",
            )
    if len(sources) > 1:
        # Columns of several LIKE tables: name each source's star by its alias.
        select.set(
            "expressions",
            [
                exp.Column(this=exp.Star(), table=exp.to_identifier("like_0"))
                if isinstance(expression, exp.Star)
                else expression
                for expression in select.expressions
            ],
        )
    select = select.from_(sources[0])
    for source in sources[1:]:
        select = select.join(source, join_type="CROSS")
    tree.set("this", schema.this)
    tree.set("expression", select.where(exp.false()))
    return True


def _row_write_planner(update_type: str):
    """Planner for INSERT, DELETE, UPDATE and MERGE: translate, run, report the rows written."""

    def plan(tree: exp.Expression, context: TranslationContext) -> Plan:
        insert_check = None
        if isinstance(tree, exp.Insert):
            insert_check = insert_types.plan_check(
                tree, context, lambda probe: to_duckdb_sql(translate_query(probe, context))
            )
        tree = translate_query(tree, context)
        return Plan(
            sql=[to_duckdb_sql(tree)],
            update_type=update_type,
            counts_rows=True,
            writes=True,
            insert_check=insert_check,
        )

    return plan


def _plan_drop(tree: exp.Drop, context: TranslationContext) -> Plan:
    kind = (tree.args.get("kind") or "").upper()
    exists = " IF EXISTS" if tree.args.get("exists") else ""
    if kind == "SCHEMA":
        target = tree.this if tree.this is not None else (tree.args.get("tables") or [None])[0]
        if not isinstance(target, exp.Table):
            raise TrinoError("DROP SCHEMA needs a schema name", "SYNTAX_ERROR")
        catalog, schema = _schema_name(target)
        names.check_catalog(catalog)
        # Trino refuses to drop a non-empty schema unless CASCADE is given (DuckDB, too).
        cascade = " CASCADE" if tree.args.get("cascade") else ""
        sql = f'DROP SCHEMA{exists} "{TD_CATALOG}".{_quoted(schema)}{cascade}'
        return Plan(sql=[sql], update_type="DROP SCHEMA", writes=True)
    if kind in ("TABLE", "VIEW"):
        tree = translate_query(tree, context)
        return Plan(sql=[to_duckdb_sql(tree)], update_type=f"DROP {kind}", writes=True)
    if kind == "FUNCTION":
        # TD has no user functions; dbt only drops what SHOW FUNCTIONS listed (nothing).
        return Plan(update_type="DROP FUNCTION")
    raise TrinoError(f"tdlocal does not support DROP {kind}", "NOT_SUPPORTED")


def _plan_alter(tree: exp.Alter, context: TranslationContext) -> Plan:
    actions = tree.args.get("actions") or []
    names.lowercase_identifiers(tree)
    if len(actions) == 1 and isinstance(actions[0], exp.AlterRename):
        return _plan_rename(tree, actions[0], context)
    tree = translate_query(tree, context)
    update_type = "ADD COLUMN"
    if actions and isinstance(actions[0], exp.Drop):
        update_type = "DROP COLUMN"
    elif actions and isinstance(actions[0], exp.RenameColumn):
        update_type = "RENAME COLUMN"
    elif actions and isinstance(actions[0], exp.AlterColumn):
        update_type = "SET COLUMN TYPE"
    return Plan(sql=[to_duckdb_sql(tree)], update_type=update_type, writes=True)


def _plan_rename(tree: exp.Alter, rename: exp.AlterRename, context: TranslationContext) -> Plan:
    catalog, schema, name = names.table_parts(tree.this)
    source_schema = names.resolve_schema(catalog, schema, context)
    target = rename.this
    target_catalog, target_schema, target_name = names.table_parts(target)
    target_schema = names.resolve_schema(target_catalog, target_schema, context)
    if target_schema != source_schema:
        raise TrinoError(
            f"tdlocal cannot move td.{source_schema}.{name} to another database ({target_schema}): "
            "rename within the same database",
            "NOT_SUPPORTED",
        )
    kind = (tree.args.get("kind") or "TABLE").upper()
    sql = f"ALTER {kind} {TableRef(source_schema, name).sql} RENAME TO {_quoted(target_name)}"
    return Plan(sql=[sql], update_type=f"RENAME {kind}", writes=True)


def _plan_comment(tree: exp.Comment, context: TranslationContext) -> Plan:
    kind = (tree.args.get("kind") or "").upper()
    target = tree.this
    text = tree.expression
    comment = "NULL" if isinstance(text, exp.Null) else quote_string(text.name)
    if kind == "COLUMN":
        parts = [part.name.lower() for part in target.parts]
        column, table_parts = parts[-1], parts[:-1]
        table = _table_ref_from_parts(table_parts, context)
        sql = f"COMMENT ON COLUMN {table.sql}.{_quoted(column)} IS {comment}"
    else:
        table = _table_ref_from_parts([part.name.lower() for part in target.parts], context)
        sql = f"COMMENT ON {'VIEW' if kind == 'VIEW' else 'TABLE'} {table.sql} IS {comment}"
    return Plan(sql=[sql], update_type="COMMENT", writes=True)


_PLANNERS = [
    (exp.Create, _plan_create),
    (exp.Insert, _row_write_planner("INSERT")),
    (exp.Delete, _row_write_planner("DELETE")),
    (exp.Update, _row_write_planner("UPDATE")),
    (exp.Merge, _row_write_planner("MERGE")),
    (exp.Drop, _plan_drop),
    (exp.Alter, _plan_alter),
    (exp.Comment, _plan_comment),
]


# --- helpers ------------------------------------------------------------------------------------


def _asks_for_no_data(tree: exp.Create) -> bool:
    """CREATE TABLE ... AS query WITH NO DATA: Trino creates the table with the query's columns and
    no rows (Trino docs, CREATE TABLE AS: the `empty_nation` example)."""
    properties = tree.args.get("properties")
    return properties is not None and any(
        isinstance(prop, exp.WithDataProperty) and prop.args.get("no") for prop in properties.expressions
    )


def _drop_properties(tree: exp.Create) -> str | None:
    """Remove WITH (...) properties and SECURITY clauses (TD ignores them); return a COMMENT."""
    properties = tree.args.get("properties")
    comment = None
    if properties is not None:
        for prop in properties.expressions:
            if isinstance(prop, exp.SchemaCommentProperty):
                comment = prop.this.name
        tree.set("properties", None)
    return comment


def _require_column_names(query: exp.Expression) -> None:
    select = query
    while isinstance(select, (exp.Subquery, exp.SetOperation)):
        select = select.this if isinstance(select, exp.Subquery) else select.left
    if isinstance(select, exp.Select):
        missing = unnamed_positions(select)
        if missing:
            raise TrinoError(
                f"Column name not specified at position {missing[0] + 1}: give every computed "
                "column an alias (... AS name)",
                "MISSING_COLUMN_NAME",
            )


def _schema_name(target: exp.Table) -> tuple[str | None, str]:
    """(catalog, schema) of a schema reference such as `td.s` or `s`, lowercased."""
    catalog = target.catalog.lower() or None
    return catalog, (target.db or target.name).lower()


def _created_table(tree: exp.Create) -> TableRef:
    target = tree.this.this if isinstance(tree.this, exp.Schema) else tree.this
    return TableRef(target.db, target.name)


def _add_time_column_definition(tree: exp.Create, now: int) -> None:
    schema = tree.this
    if not isinstance(schema, exp.Schema):
        return
    columns = [column.name.lower() for column in schema.expressions if isinstance(column, exp.ColumnDef)]
    if TIME_COLUMN in columns:
        return
    schema.append(
        "expressions",
        exp.ColumnDef(
            this=exp.to_identifier(TIME_COLUMN, quoted=True),
            kind=exp.DataType.build("BIGINT"),
            constraints=[
                exp.ColumnConstraint(kind=exp.DefaultColumnConstraint(this=exp.Literal.number(now)))
            ],
        ),
    )


def _table_ref_from_parts(parts: list[str], context: TranslationContext) -> TableRef:
    if not parts or len(parts) > 3:
        raise TrinoError(f"expected [catalog.][schema.]table, got {'.'.join(parts)!r}", "SYNTAX_ERROR")
    catalog = parts[-3] if len(parts) == 3 else None
    schema = parts[-2] if len(parts) >= 2 else None
    return TableRef(names.resolve_schema(catalog, schema, context), parts[-1])


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'
