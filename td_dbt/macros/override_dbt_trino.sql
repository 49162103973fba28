{#-
  Overrides of dbt-trino 1.11 for Treasure Data's hosted Trino (version 423).

  TD rejects CREATE VIEW, CREATE OR REPLACE TABLE, MERGE, COMMENT ON and every query on
  system.metadata.*. dbt-trino emits each of them somewhere; these overrides keep the adapter on
  what TD accepts: CREATE TABLE AS, INSERT, DELETE ... WHERE, DROP TABLE and information_schema.
-#}


{#- Views become tables: the view materialization drops the old relation first. -#}
{% macro trino__create_view_as(relation, sql) -%}
  create table {{ relation }} as (
    {{ sql }}
  )
{%- endmacro %}


{#- No CREATE OR REPLACE (Trino 431+), no COMMENT clause, no contract-enforced column list. -#}
{% macro trino__create_table_as(temporary, relation, sql, on_exists=None) -%}
  {%- if on_exists == 'replace' -%}
    {{ exceptions.raise_compiler_error(
        "on_table_exists: replace emits CREATE OR REPLACE TABLE, which TD's Trino 423 does not have. "
        ~ "Use on_table_exists: drop (this project's default) for " ~ relation) }}
  {%- endif -%}
  {%- set if_not_exists = ' if not exists' if on_exists == 'skip' else '' -%}
  create table{{ if_not_exists }} {{ relation }}
    {{ properties(temporary) }}
  as (
    {{ sql }}
  )
{%- endmacro %}


{#- Relation listing from information_schema only (stock joins system.metadata.materialized_views). -#}
{% macro trino__list_relations_without_caching(relation) %}
  {%- do td_dbt.require_td_api_key() -%}
  {% call statement('list_relations_without_caching', fetch_result=True) -%}
    select
      table_catalog as database,
      table_name as name,
      table_schema as schema,
      case when table_type = 'BASE TABLE' then 'table'
           when table_type = 'VIEW' then 'view'
           else table_type
      end as table_type
    from {{ relation.information_schema() }}.tables
    where table_schema = '{{ relation.schema | lower }}'
  {% endcall %}
  {{ return(load_result('list_relations_without_caching').table) }}
{% endmacro %}


{#- The docs catalog: table comments from information_schema (stock reads system.metadata.table_comments). -#}
{% macro trino__get_catalog_table_comment_schemas_sql(information_schema, schemas) -%}
    {{ td_dbt._td_null_table_comments(information_schema) }}
    where
        table_schema != 'information_schema'
        and table_schema in ('{{ schemas | join("','") | lower }}')
{%- endmacro %}


{% macro trino__get_catalog_table_comment_relations_sql(information_schema, relations) -%}
    {{ td_dbt._td_null_table_comments(information_schema) }}
    {{ trino__get_catalog_relations_where_clause_sql(relations) }}
{%- endmacro %}


{#- TD keeps no table comments dbt can read: every table's comment is null. -#}
{% macro _td_null_table_comments(information_schema) -%}
    select
        table_catalog as "table_database",
        table_schema as "table_schema",
        table_name as "table_name",
        cast(null as varchar) as "table_comment"
    from {{ information_schema }}.tables
{%- endmacro %}


{#- No COMMENT ON: descriptions stay in dbt docs. -#}
{% macro trino__persist_docs(relation, model, for_relation, for_columns) -%}
  {%- if config.persist_relation_docs() or config.persist_column_docs() -%}
    {{ exceptions.warn("persist_docs is ignored for " ~ relation ~ ": TD's Trino does not accept COMMENT ON.") }}
  {%- endif -%}
{%- endmacro %}


{#- No MERGE on TD: incremental models use td_window (or delete+insert), snapshots are not supported. -#}
{% macro trino__get_merge_sql(target, source, unique_key, dest_columns, incremental_predicates) -%}
  {{ exceptions.raise_compiler_error(
      "incremental_strategy merge emits MERGE, which TD's Trino does not support. Use "
      ~ "incremental_strategy: td_window (replace the target_range window) for " ~ target) }}
{%- endmacro %}


{% macro trino__snapshot_merge_sql(target, source, insert_cols) -%}
  {{ exceptions.raise_compiler_error(
      "dbt snapshots emit MERGE, which TD's Trino does not support (" ~ target ~ ").") }}
{%- endmacro %}


{#- Seeds: never CREATE OR REPLACE. -#}
{% macro trino__reset_csv_table(model, full_refresh, old_relation, agate_table) %}
    {{ adapter.drop_relation(old_relation) }}
    {{ return(create_csv_table(model, agate_table)) }}
{% endmacro %}


{#- Listing schemas is dbt's first query on most commands: check the API key before it. -#}
{% macro trino__list_schemas(database) -%}
  {%- do td_dbt.require_td_api_key() -%}
  {% call statement('list_schemas', fetch_result=True, auto_begin=False) %}
    select schema_name
    from {{ information_schema_name(database) }}.schemata
  {% endcall %}
  {{ return(load_result('list_schemas').table) }}
{% endmacro %}


{#-
  TD databases are created in the TD console, not by dbt; tdlocal (the `local` target) creates
  them on demand like any Trino catalog would.
-#}
{% macro trino__create_schema(relation) -%}
  {%- if target.name != 'local' -%}
    {{ exceptions.raise_compiler_error(
        "TD database '" ~ relation.schema ~ "' does not exist. Create it in the TD console "
        ~ "(or with `td db:create " ~ relation.schema ~ "`), or set TD_DATABASE to an existing one.") }}
  {%- endif -%}
  {%- call statement('create_schema') -%}
    create schema if not exists {{ relation.without_identifier() }}
  {%- endcall -%}
{% endmacro %}


{#-
  Table models (and full refreshes) with `on_table_exists: drop` build the new table beside the old
  one first: stock dbt-trino drops the old table before building, so a build that fails (a bad cast
  upstream) left the table missing. TD's `ALTER TABLE ... RENAME` is unconfirmed, so the new rows
  are copied into place:
    0. DROP TABLE IF EXISTS <model>__dbt_tmp, when dbt's relation cache holds one: a run killed
       between 1 and 4 left it behind, and step 1 would fail with TABLE_ALREADY_EXISTS on every
       later run (dbt's own materializations drop a preexisting intermediate the same way)
    1. CREATE TABLE <model>__dbt_tmp AS <model SQL>   (failure: the old table is intact)
    2. DROP TABLE <model>
    3. CREATE TABLE <model> AS SELECT * FROM the new table
    4. DROP TABLE the new table
  Between 2 and the end of 3 the table is missing; a crash there needs the next run to heal, as for
  td_window's delete and insert. The name is dbt's fixed intermediate name (not per invocation like
  td_window's stages): two runs rebuilding one whole table at once cannot both succeed anyway, and
  a fixed name is what lets the next run find and drop a killed run's leftover, so none accumulate.
  Other on_table_exists modes, and a first build, keep dbt-trino's
  behaviour: `dbt.on_table_exists_logic` is the adapter's original (dbt puts the macros of its
  internal packages, dbt-trino's included, in the `dbt` namespace).
-#}
{% macro on_table_exists_logic(on_table_exists, existing_relation, intermediate_relation, backup_relation, target_relation) -%}
  {%- if on_table_exists != 'drop' or existing_relation is none -%}
    {%- do dbt.on_table_exists_logic(on_table_exists, existing_relation, intermediate_relation, backup_relation, target_relation) -%}
  {%- else -%}
    {%- set staged = make_intermediate_relation(target_relation) -%}
    {#- The cache lists the schema's tables when dbt starts (or on first use), so a leftover of a
        killed run is known without a query; drop_relation_if_exists issues `drop table if exists`. -#}
    {%- do drop_relation_if_exists(load_cached_relation(staged)) -%}
    {%- call statement('main') -%}
      {{ create_table_as(False, staged, sql) }}
    {%- endcall -%}
    {%- do adapter.drop_relation(existing_relation) -%}
    {%- call statement('copy_into_place') -%}
      {{ create_table_as(False, target_relation, 'select * from ' ~ staged) }}
    {%- endcall -%}
    {%- do adapter.drop_relation(staged) -%}
  {%- endif -%}
{%- endmacro %}
