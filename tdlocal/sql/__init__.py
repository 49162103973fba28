"""Trino SQL -> DuckDB SQL for the local TD engine.

- statements: one statement -> a Plan (session and prepared statements, DDL, DML, queries)
- plan / context: what the engine must run and report; what a translation needs to know
- parameters: `?` placeholders and the literals of EXECUTE ... USING
- parsing: Trino text -> sqlglot tree, with Trino-shaped syntax errors
- translate: the rewrite pipeline, then DuckDB SQL
- names / output_names: table name resolution, `_colN` result names
- trino_semantics: fixes where DuckDB would answer differently from Trino
- td_functions / td_udfs / sessionize: TD's functions (tdtime is their source of truth)
- date_patterns / zones: Java date patterns and TD zones as SQL expressions
- metadata: information_schema, system.metadata, SHOW, DESCRIBE
- strict_mode: what TD's Trino rejects
- templates / tree_walk: small tools for writing rewrites
- function_library, duckdb_errors: the DuckDB side (UDFs and macros, exception mapping)

Everything except function_library and duckdb_errors is pure tree rewriting, without I/O.
"""
