{#-
  Incremental strategy `td_window`: replace exactly the target_range window of the target.

  dbt-trino's incremental materialization has already staged the window's rows in a temporary
  table (views_enabled is false). This deletes the target's rows in the same window, bounded by
  TD_INTERVAL on `time` as TD requires for DELETE, then inserts the staged rows; the
  materialization drops the stage afterwards.

  TD has no transactions: if the insert fails, the window stays empty until the next run, which
  rebuilds it from the source. Nothing outside the window is touched, so backfilling an older day
  after newer ones loads it, and re-running a day leaves the table as it was.
-#}
{% macro get_incremental_td_window_sql(arg_dict) %}
  {%- set target = arg_dict["target_relation"] -%}
  {%- set staged = arg_dict["temp_relation"] -%}
  {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
  {%- set predicates = arg_dict.get("incremental_predicates") or [] -%}

  delete from {{ target }}
  where TD_INTERVAL(time, '{{ target_range() }}', '{{ td_timezone() }}')
  {%- for predicate in predicates %}
    and {{ predicate }}
  {%- endfor %};

  insert into {{ target }} ({{ columns }})
  (
    select {{ columns }}
    from {{ staged }}
  )
{% endmacro %}
