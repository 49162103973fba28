"""Trino's metadata over DuckDB's catalog: information_schema, system.metadata, SHOW, DESCRIBE.

DuckDB cannot resolve `td.information_schema.columns` and would name types its own way, so each
metadata table becomes a subquery over duckdb_tables() / duckdb_columns() with Trino's column
names and Trino type texts (through the `tdlocal_trino_type` UDF).
"""

from __future__ import annotations

import re

import sqlglot
from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql import names
from tdlocal.sql.context import TD_CATALOG, TranslationContext
from tdlocal.sql.function_library import TRINO_TYPE_UDF
from tdlocal.sql.plan import Plan, TableRef, quote_identifier, quote_string

_TD = quote_string(TD_CATALOG)

# DuckDB's `main` schema always exists; it is listed only once something lives in it.
_USER_SCHEMAS = f"""
    SELECT schema_name FROM duckdb_schemas()
    WHERE database_name = {_TD}
      AND (schema_name <> 'main'
           OR EXISTS (SELECT 1 FROM duckdb_tables() WHERE database_name = {_TD} AND schema_name = 'main')
           OR EXISTS (SELECT 1 FROM duckdb_views()
                      WHERE database_name = {_TD} AND schema_name = 'main' AND NOT internal))
"""

_RELATIONS = f"""
    SELECT schema_name, table_name, 'BASE TABLE' AS table_type, comment
    FROM duckdb_tables() WHERE database_name = {_TD}
    UNION ALL
    SELECT schema_name, view_name, 'VIEW', comment
    FROM duckdb_views() WHERE database_name = {_TD} AND NOT internal
"""

INFORMATION_SCHEMA_VIEWS = {
    "schemata": f"""
        SELECT {_TD} AS catalog_name, schema_name FROM ({_USER_SCHEMAS})
        UNION ALL SELECT {_TD}, 'information_schema'
    """,
    "tables": f"""
        SELECT {_TD} AS table_catalog, schema_name AS table_schema, table_name, table_type
        FROM ({_RELATIONS})
    """,
    "views": f"""
        SELECT {_TD} AS table_catalog, schema_name AS table_schema, view_name AS table_name,
               sql AS view_definition
        FROM duckdb_views() WHERE database_name = {_TD} AND NOT internal
    """,
    "columns": f"""
        SELECT {_TD} AS table_catalog, schema_name AS table_schema, table_name, column_name,
               CAST(column_index AS BIGINT) AS ordinal_position, column_default,
               CASE WHEN is_nullable THEN 'YES' ELSE 'NO' END AS is_nullable,
               {TRINO_TYPE_UDF}(data_type) AS data_type, comment, CAST(NULL AS VARCHAR) AS extra_info
        FROM duckdb_columns() WHERE database_name = {_TD}
    """,
    "table_privileges": """
        SELECT CAST(NULL AS VARCHAR) AS grantor, CAST(NULL AS VARCHAR) AS grantor_type,
               CAST(NULL AS VARCHAR) AS grantee, CAST(NULL AS VARCHAR) AS grantee_type,
               CAST(NULL AS VARCHAR) AS table_catalog, CAST(NULL AS VARCHAR) AS table_schema,
               CAST(NULL AS VARCHAR) AS table_name, CAST(NULL AS VARCHAR) AS privilege_type,
               CAST(NULL AS VARCHAR) AS is_grantable, CAST(NULL AS VARCHAR) AS with_hierarchy
        WHERE false
    """,
}

# Trino's system.metadata tables that dbt-trino's stock macros join (lenient mode only).
SYSTEM_METADATA_TABLES = {
    "table_comments": f"""
        SELECT {_TD} AS catalog_name, schema_name, table_name, comment FROM ({_RELATIONS})
    """,
    "materialized_views": """
        SELECT CAST(NULL AS VARCHAR) AS catalog_name, CAST(NULL AS VARCHAR) AS schema_name,
               CAST(NULL AS VARCHAR) AS name, CAST(NULL AS VARCHAR) AS storage_catalog,
               CAST(NULL AS VARCHAR) AS storage_schema, CAST(NULL AS VARCHAR) AS storage_table,
               CAST(NULL AS VARCHAR) AS freshness, CAST(NULL AS VARCHAR) AS owner,
               CAST(NULL AS VARCHAR) AS comment, CAST(NULL AS VARCHAR) AS definition
        WHERE false
    """,
}


def replace_metadata_tables(tables: list[exp.Table], context: TranslationContext) -> None:
    """Swap each information_schema / system table reference for its subquery over DuckDB's catalog."""
    for table in tables:
        catalog, schema, name = names.table_parts(table)
        if names.is_system_table(table):
            body = _system_table(schema, name, context)
        else:
            names.check_catalog(catalog or context.catalog)
            if name not in INFORMATION_SCHEMA_VIEWS:
                raise TrinoError(f"Table 'td.information_schema.{name}' does not exist", "TABLE_NOT_FOUND")
            body = INFORMATION_SCHEMA_VIEWS[name]
        alias = table.alias or name
        subquery = exp.Subquery(
            this=sqlglot.parse_one(body, read="duckdb"),
            alias=exp.TableAlias(this=exp.to_identifier(alias, quoted=True)),
        )
        table.replace(subquery)


def _system_table(schema: str | None, name: str, context: TranslationContext) -> str:
    full_name = f"system.{schema}.{name}"
    if context.strict:
        raise TrinoError(
            f"Table '{full_name}' does not exist: TD's Trino does not expose system.metadata "
            "(strict TD mode). Query td.information_schema instead, e.g. override dbt-trino's "
            "list_relations_without_caching and get_catalog macros",
            "TABLE_NOT_FOUND",
        )
    if schema == "metadata" and name in SYSTEM_METADATA_TABLES:
        return SYSTEM_METADATA_TABLES[name]
    raise TrinoError(f"Table '{full_name}' does not exist", "TABLE_NOT_FOUND")


# --- SHOW and DESCRIBE --------------------------------------------------------------------------

_NAME = r'(?:"(?:[^"]|"")*"|[A-Za-z_][\w$@]*)'
_QUALIFIED = rf"{_NAME}(?:\s*\.\s*{_NAME}){{0,2}}"
_LIKE = r"(?:\s+LIKE\s+(?P<like>'(?:[^']|'')*')(?:\s+ESCAPE\s+(?P<escape>'(?:[^']|'')*'))?)?"
_SHOW_PATTERNS = {
    "catalogs": re.compile(rf"^SHOW\s+CATALOGS{_LIKE}$", re.I | re.S),
    "schemas": re.compile(rf"^SHOW\s+SCHEMAS(?:\s+(?:FROM|IN)\s+(?P<name>{_NAME}))?{_LIKE}$", re.I | re.S),
    "tables": re.compile(rf"^SHOW\s+TABLES(?:\s+(?:FROM|IN)\s+(?P<name>{_QUALIFIED}))?{_LIKE}$", re.I | re.S),
    "columns": re.compile(rf"^SHOW\s+COLUMNS\s+(?:FROM|IN)\s+(?P<name>{_QUALIFIED}){_LIKE}$", re.I | re.S),
    "describe": re.compile(rf"^(?:DESCRIBE|DESC)\s+(?P<name>{_QUALIFIED})$", re.I | re.S),
    "create": re.compile(rf"^SHOW\s+CREATE\s+(?P<kind>TABLE|VIEW)\s+(?P<name>{_QUALIFIED})$", re.I | re.S),
    "functions": re.compile(
        rf"^SHOW\s+FUNCTIONS(?:\s+(?:FROM|IN)\s+(?P<name>{_QUALIFIED}))?{_LIKE}$", re.I | re.S
    ),
}
_SHOW_STATEMENT = re.compile(r"^\s*(SHOW|DESCRIBE|DESC)\b", re.I)


def is_show_statement(sql: str) -> bool:
    """SHOW ... or DESCRIBE ...: answered by `plan_show`."""
    return bool(_SHOW_STATEMENT.match(sql))


def plan_show(sql: str, context: TranslationContext) -> Plan:
    """The plan answering a SHOW or DESCRIBE statement, with Trino's column names."""
    text = sql.strip().rstrip(";").strip()
    for kind, pattern in _SHOW_PATTERNS.items():
        match = pattern.match(text)
        if match:
            return _SHOW_PLANNERS[kind](match, context)
    raise TrinoError(
        f"tdlocal does not answer {text.split()[0].upper()} statements of this form: {text[:200]!r}. "
        "Supported: SHOW CATALOGS, SHOW SCHEMAS, SHOW TABLES, SHOW COLUMNS, DESCRIBE, "
        "SHOW CREATE TABLE|VIEW, SHOW FUNCTIONS",
        "NOT_SUPPORTED",
    )


def _like_filter(column: str, match: re.Match[str]) -> str:
    groups = match.groupdict()
    if not groups.get("like"):
        return ""
    escape = f" ESCAPE {groups['escape']}" if groups.get("escape") else ""
    return f" AND {column} LIKE {groups['like']}{escape}"


def _show_catalogs(match: re.Match[str], context: TranslationContext) -> Plan:
    sql = f'SELECT * FROM (SELECT {_TD} AS "Catalog") WHERE true{_like_filter(quote_identifier("Catalog"), match)}'
    return Plan(sql=[sql], returns_rows=True)


def _show_schemas(match: re.Match[str], context: TranslationContext) -> Plan:
    if match["name"]:
        names.check_catalog(_identifier_text(match["name"]))
    sql = (
        f'SELECT schema_name AS "Schema" FROM ({INFORMATION_SCHEMA_VIEWS["schemata"]}) '
        f"WHERE true{_like_filter('schema_name', match)} ORDER BY schema_name"
    )
    return Plan(sql=[sql], returns_rows=True)


def _show_tables(match: re.Match[str], context: TranslationContext) -> Plan:
    parts = _split_name(match["name"]) if match["name"] else []
    if len(parts) > 2:
        raise TrinoError(f"SHOW TABLES takes [catalog.]schema, got {match['name']!r}", "SYNTAX_ERROR")
    catalog = parts[0] if len(parts) == 2 else None
    schema = names.resolve_schema(catalog, parts[-1] if parts else None, context)
    sql = (
        f'SELECT table_name AS "Table" FROM ({_RELATIONS}) '
        f"WHERE schema_name = {quote_string(schema)}{_like_filter('table_name', match)} ORDER BY table_name"
    )
    return Plan(sql=[sql], returns_rows=True, required_schema=schema)


def _show_columns(match: re.Match[str], context: TranslationContext) -> Plan:
    table = _table_ref(match["name"], context)
    sql = (
        f'SELECT column_name AS "Column", {TRINO_TYPE_UDF}(data_type) AS "Type", '
        f"'' AS \"Extra\", COALESCE(comment, '') AS \"Comment\" "
        f"FROM duckdb_columns() WHERE database_name = {_TD} AND schema_name = {quote_string(table.schema)} "
        f"AND table_name = {quote_string(table.name)}{_like_filter('column_name', match)} "
        "ORDER BY column_index"
    )
    return Plan(sql=[sql], returns_rows=True, required_table=table)


def _show_create(match: re.Match[str], context: TranslationContext) -> Plan:
    table = _table_ref(match["name"], context)
    where = (
        f"database_name = {_TD} AND schema_name = {quote_string(table.schema)} "
        f"AND table_name = {quote_string(table.name)}"
    )
    if match["kind"].upper() == "VIEW":
        sql = (
            f"SELECT 'CREATE VIEW {table} SECURITY DEFINER AS' || chr(10) || sql AS \"Create View\" "
            f"FROM duckdb_views() WHERE database_name = {_TD} AND schema_name = {quote_string(table.schema)} "
            f"AND view_name = {quote_string(table.name)}"
        )
    else:
        column = (
            f"'   ' || column_name || ' ' || {TRINO_TYPE_UDF}(data_type) || "
            "COALESCE(' COMMENT ' || chr(39) || replace(comment, chr(39), chr(39) || chr(39)) || chr(39), '')"
        )
        sql = (
            f"SELECT 'CREATE TABLE {table} (' || chr(10) || "
            f"string_agg({column}, ',' || chr(10) ORDER BY column_index) || chr(10) || ')' "
            f'AS "Create Table" FROM duckdb_columns() WHERE {where}'
        )
    return Plan(sql=[sql], returns_rows=True, required_table=table)


def _show_functions(match: re.Match[str], context: TranslationContext) -> Plan:
    # TD has no user-defined functions: the list is empty (dbt asks before dropping a schema).
    if match["name"]:
        parts = _split_name(match["name"])
        names.resolve_schema(parts[0] if len(parts) == 2 else None, parts[-1], context)
    columns = ["Function", "Return Type", "Argument Types", "Function Type", "Deterministic", "Description"]
    select = ", ".join(
        f"CAST(NULL AS {'BOOLEAN' if name == 'Deterministic' else 'VARCHAR'}) AS {quote_identifier(name)}"
        for name in columns
    )
    return Plan(sql=[f"SELECT {select} WHERE false"], returns_rows=True)


_SHOW_PLANNERS = {
    "catalogs": _show_catalogs,
    "schemas": _show_schemas,
    "tables": _show_tables,
    "columns": _show_columns,
    "describe": _show_columns,
    "create": _show_create,
    "functions": _show_functions,
}


def _split_name(text: str) -> list[str]:
    return [_identifier_text(part) for part in re.findall(_NAME, text)]


def _identifier_text(part: str) -> str:
    part = part.strip()
    if part.startswith('"'):
        return part[1:-1].replace('""', '"').lower()
    return part.lower()


def _table_ref(text: str, context: TranslationContext) -> TableRef:
    parts = _split_name(text)
    catalog = parts[-3] if len(parts) == 3 else None
    schema = parts[-2] if len(parts) >= 2 else None
    return TableRef(names.resolve_schema(catalog, schema, context), parts[-1])
