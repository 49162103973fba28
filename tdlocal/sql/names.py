"""Table and schema names: resolve them in the session's catalog and schema, as Trino does.

Trino identifiers are case-insensitive and stored lowercase; DuckDB keeps the case it is given, so
names that create objects are lowercased here. Every table reference is qualified with the `td`
catalog and a schema, so a session schema that does not exist yet costs nothing until used.
"""

from __future__ import annotations

from sqlglot import exp

from tdlocal.errors import TrinoError
from tdlocal.sql.context import TD_CATALOG, TranslationContext

INFORMATION_SCHEMA = "information_schema"
SYSTEM_CATALOG = "system"


def lowercase_identifiers(tree: exp.Expression) -> None:
    """Lowercase every identifier in `tree` (Trino folds names; DuckDB would keep their case)."""
    for identifier in tree.find_all(exp.Identifier):
        identifier.set("this", identifier.name.lower())


def cte_names(tree: exp.Expression) -> set[str]:
    """Names defined by WITH clauses anywhere in `tree` (references to them are not tables)."""
    return {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}


def table_parts(table: exp.Table) -> tuple[str | None, str | None, str]:
    """(catalog, schema, name) as written, lowercased; missing parts are None."""
    return (
        table.catalog.lower() or None,
        table.db.lower() or None,
        table.name.lower(),
    )


def resolve_schema(catalog: str | None, schema: str | None, context: TranslationContext) -> str:
    """The schema a name refers to in `td`, or the Trino error for a missing or foreign catalog."""
    check_catalog(catalog or context.catalog)
    if schema:
        return schema
    if context.schema:
        return context.schema.lower()
    raise TrinoError(
        "Schema must be specified when session schema is not set: write td.<database>.<table> "
        "or send X-Trino-Schema",
        "MISSING_SCHEMA_NAME",
    )


def check_catalog(catalog: str | None) -> None:
    """Reject catalogs other than `td` (the only one TD serves)."""
    if catalog is None:
        return
    if catalog.lower() != TD_CATALOG:
        raise TrinoError(
            f"Catalog '{catalog}' does not exist: TD's only catalog is '{TD_CATALOG}'",
            "CATALOG_NOT_FOUND",
        )


def qualify(table: exp.Table, schema: str) -> None:
    """Make `table` td.<schema>.<name>, lowercase."""
    table.set("catalog", exp.to_identifier(TD_CATALOG, quoted=True))
    table.set("db", exp.to_identifier(schema.lower(), quoted=True))
    table.set("this", exp.to_identifier(table.name.lower(), quoted=True))


def is_information_schema(table: exp.Table) -> bool:
    """A reference to [catalog.]information_schema.<view>."""
    return table.db.lower() == INFORMATION_SCHEMA


def is_system_table(table: exp.Table) -> bool:
    """A reference to system.<schema>.<table> (Trino's system catalog)."""
    return table.catalog.lower() == SYSTEM_CATALOG


def qualify_table_references(tree: exp.Expression, context: TranslationContext) -> list[exp.Table]:
    """Qualify every plain table reference in `tree`; return the metadata tables left for later.

    References to CTEs stay as written. information_schema and system tables are returned
    unqualified: the metadata module replaces them.
    """
    local_names = cte_names(tree)
    metadata_tables = []
    for table in list(tree.find_all(exp.Table)):
        if not table.name or not isinstance(table.this, exp.Identifier):
            continue  # a table function such as UNNEST, or a schema-only reference
        catalog, schema, name = table_parts(table)
        if catalog is None and schema is None and name in local_names:
            continue
        if is_information_schema(table) or is_system_table(table):
            metadata_tables.append(table)
            continue
        qualify(table, resolve_schema(catalog, schema, context))
    return metadata_tables
