{#-
  The td_dbt package's hooks into dbt. dbt looks these names up in the root project only (a
  package's macros live in the package's namespace), so they are one-line calls into the package
  kept outside td_dbt's own macro-paths: a project adds "dbt_packages/td_dbt/hooks" to its
  macro-paths, which makes them the project's macros. The code location refuses, and
  `td-dagster lint` reports (rule td-package-hooks), a project that includes td_dbt without them.
-#}

{#- dbt's source(), with the TD database name validated. -#}
{% macro source(source_name, table_name) %}
  {{- return(td_dbt.source(source_name, table_name)) -}}
{% endmacro %}

{#- incremental_strategy: td_window (dbt finds a strategy as get_incremental_<name>_sql). -#}
{% macro get_incremental_td_window_sql(arg_dict) %}
  {{- return(td_dbt.get_incremental_td_window_sql(arg_dict)) -}}
{% endmacro %}

{#- Table rebuilds that keep the old table until the new one is built (dbt-trino calls it directly). -#}
{% macro on_table_exists_logic(on_table_exists, existing_relation, intermediate_relation, backup_relation, target_relation) %}
  {%- do td_dbt.on_table_exists_logic(on_table_exists, existing_relation, intermediate_relation, backup_relation, target_relation) -%}
{% endmacro %}

{#- `dbt docs generate` without COMMENT-reading queries TD rejects (dbt-trino calls them directly). -#}
{% macro trino__get_catalog_table_comment_schemas_sql(information_schema, schemas) %}
  {{- return(td_dbt.trino__get_catalog_table_comment_schemas_sql(information_schema, schemas)) -}}
{% endmacro %}

{% macro trino__get_catalog_table_comment_relations_sql(information_schema, relations) %}
  {{- return(td_dbt.trino__get_catalog_table_comment_relations_sql(information_schema, relations)) -}}
{% endmacro %}

{#- Snapshots without MERGE. dbt (1.8+, require_explicit_package_overrides_for_builtin_materializations)
    uses a package's override of a built-in materialization only through a root-project one. -#}
{% materialization snapshot, adapter='trino' %}
  {{- return(td_dbt.materialization_snapshot_trino()) -}}
{% endmaterialization %}
