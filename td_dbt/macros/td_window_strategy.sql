{#-
  Incremental strategy `td_window`: replace exactly the target_range window of the target.

  dbt-trino's incremental materialization has already staged the window's rows in a temporary
  table (views_enabled is false). This deletes the target's rows in the same window, bounded by
  TD_INTERVAL on `time` as TD requires for DELETE, then inserts the staged rows; the
  materialization drops the stage afterwards.

  TD has no transactions: if the insert fails, the window stays empty until the next run, which
  rebuilds it from the source. Nothing outside the window is touched, so backfilling an older day
  after newer ones loads it, and re-running a day leaves the table as it was.

  `incremental_predicates` narrow both statements: only the window's rows matching every predicate
  are deleted, and only the staged rows matching them are inserted, so a re-run replaces exactly
  what it deleted. dbt's documented aliases `DBT_INTERNAL_DEST.` / `DBT_INTERNAL_SOURCE.` may
  qualify columns; Trino's DELETE takes no alias, so they are removed (both sides have the columns).
-#}
{% macro get_incremental_td_window_sql(arg_dict) %}
  {%- set target = arg_dict["target_relation"] -%}
  {%- set staged = arg_dict["temp_relation"] -%}
  {%- set columns = get_quoted_csv(arg_dict["dest_columns"] | map(attribute="name")) -%}
  {%- set predicates = [] -%}
  {%- for predicate in arg_dict.get("incremental_predicates") or [] -%}
    {%- do predicates.append(modules.re.sub('(?i)"?\\bDBT_INTERNAL_(DEST|SOURCE)"?\\.', '', predicate)) -%}
  {%- endfor %}

  delete from {{ target }}
  where TD_INTERVAL(time, '{{ td_dbt.target_range() }}', '{{ td_dbt.td_timezone() }}')
  {%- for predicate in predicates %}
    and ({{ predicate }})
  {%- endfor %};

  insert into {{ target }} ({{ columns }})
  (
    select {{ columns }}
    from {{ staged }}
    {%- for predicate in predicates %}
    {{ 'where' if loop.first else 'and' }} ({{ predicate }})
    {%- endfor %}
  )
{% endmacro %}


{#-
  Staging relations are unique per dbt invocation (`<model>__dbt_tmp_<invocation id>`): with the
  `td` pool above 1, two runs of one model for different days would otherwise both create, fill
  and drop `<model>__dbt_tmp`, and the second fails with TABLE_ALREADY_EXISTS or reads the first's
  rows. A run that dies leaves its stage behind; `td-dagster doctor` lists such tables.
-#}
{% macro trino__make_temp_relation(base_relation, suffix) %}
  {{- return(default__make_temp_relation(base_relation, suffix ~ '_' ~ invocation_id.replace('-', '')[:12])) -}}
{% endmacro %}
