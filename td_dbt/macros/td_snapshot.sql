{#-
  Snapshots on Treasure Data: dbt's snapshot contract (timestamp and check strategies,
  hard_deletes ignore / invalidate / new_record, invalidate_hard_deletes) without MERGE, UPDATE,
  CREATE OR REPLACE or RENAME, which TD's Trino 423 lacks or which are unverified there.

  dbt-core's own staging query (snapshot_staging_table) decides what changed; only the way the
  changes are written differs. A stock run MERGEs them in one statement; here they are written
  by statements that each leave the history complete, because TD has no transactions:

    0. If `<snapshot>__td_pending` exists, an earlier run stopped part-way: finish it (steps 3-6).
    1. ALTER TABLE ADD COLUMN for source columns the snapshot lacks (each one is idempotent).
    2. CREATE TABLE <snapshot>__td_pending AS the rows to write: a closed copy (dbt_valid_to set)
       of every current row that changed or was deleted, and every new row. CTAS commits the
       table only when the query completes, so a pending table that exists is complete.
    3. INSERT the closed copies not yet in the snapshot (matched on dbt_scd_id and dbt_valid_to).
    4. INSERT the new rows not yet in the snapshot (matched on dbt_scd_id).
    5. DELETE the still-open originals of the closed copies (literal dbt_scd_id lists, bounded,
       no subquery in DELETE's WHERE, which TD does not document).
    6. DROP the pending table.

  Between 3 and 5 a changed row has its open original and its closed copy side by side: readers
  see one extra version until the next run, and nothing is ever lost. Every step checks what is
  already there, so repeating any of them after a failure writes nothing twice.
-#}

{%- macro td_snapshot_pending_relation(target_relation) -%}
  {{ return(target_relation.incorporate(path={"identifier": target_relation.identifier ~ "__td_pending"})) }}
{%- endmacro %}


{#- A current (not yet closed) row, with or without dbt_valid_to_current. -#}
{%- macro td_snapshot_is_current(alias, columns) -%}
  {%- set valid_to = (alias ~ '.' if alias else '') ~ columns.dbt_valid_to -%}
  {%- if config.get('dbt_valid_to_current') -%}
    ({{ valid_to }} is null or {{ valid_to }} = {{ config.get('dbt_valid_to_current') }})
  {%- else -%}
    {{ valid_to }} is null
  {%- endif -%}
{%- endmacro %}


{% materialization snapshot, adapter='trino' %}
  {%- set strategy_name = config.get('strategy') -%}
  {%- set columns = config.get("snapshot_table_column_names") or get_snapshot_table_column_names() -%}
  {%- if config.get('properties', {}).get('location') -%}
    {%- do exceptions.raise_compiler_error("Specifying 'location' property in snapshots is not supported.") -%}
  {%- endif -%}

  {%- set target_relation_exists, target_relation = get_or_create_relation(
        database=model.database, schema=model.schema,
        identifier=model.get('alias', model.get('name')), type='table') -%}
  {%- if not target_relation.is_table -%}
    {%- do exceptions.relation_wrong_type(target_relation, 'table') -%}
  {%- endif -%}
  {%- set pending = td_dbt.td_snapshot_pending_relation(target_relation) -%}

  {{ run_hooks(pre_hooks, inside_transaction=False) }}
  {{ run_hooks(pre_hooks, inside_transaction=True) }}

  {%- set strategy_macro = strategy_dispatch(strategy_name) -%}
  {%- set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_relation_exists) -%}

  {%- if not target_relation_exists -%}
    {#- A leftover pending table belongs to a snapshot table that was dropped since: stale. -#}
    {%- do adapter.drop_relation(pending) -%}
    {%- set final_sql = create_table_as(False, target_relation, build_snapshot_table(strategy, model['compiled_code'])) -%}
  {%- else -%}
    {%- do adapter.assert_valid_snapshot_target_given_strategy(target_relation, columns, strategy) -%}
    {%- if adapter.get_relation(pending.database, pending.schema, pending.identifier) is not none -%}
      {{ log("Snapshot " ~ target_relation ~ ": finishing the run that stopped part-way (" ~ pending ~ " exists)", info=True) }}
      {%- do td_dbt.td_snapshot_apply_pending(target_relation, pending, columns) -%}
    {%- endif -%}

    {%- set target_names = adapter.get_columns_in_relation(target_relation) | map(attribute='name') | map('lower') | list -%}
    {%- for column in get_column_schema_from_query(model['compiled_code']) -%}
      {%- if column.name | lower not in target_names -%}
        {%- call statement('td_snapshot_add_column') -%}
          alter table {{ target_relation }} add column {{ adapter.quote(column.name) }} {{ column.data_type }}
        {%- endcall -%}
      {%- endif -%}
    {%- endfor -%}

    {%- set staging_sql = snapshot_staging_table(strategy, model['compiled_code'], target_relation) -%}
    {%- set staging_names = get_columns_in_query(staging_sql) | map('lower') | list -%}
    {%- set written = [] -%}
    {%- for column in adapter.get_columns_in_relation(target_relation) -%}
      {%- if column.name | lower in staging_names -%}
        {%- do written.append(column.name | lower) -%}
      {%- endif -%}
    {%- endfor -%}
    {%- call statement('td_snapshot_pending') -%}
      {{ td_dbt.td_snapshot_pending_sql(target_relation, pending, staging_sql, written, columns) }}
    {%- endcall -%}
    {%- set final_sql = none -%}
    {%- do td_dbt.td_snapshot_apply_pending(target_relation, pending, columns) -%}
  {%- endif -%}

  {#- dbt reports the `main` statement's response as the snapshot's result. -#}
  {%- call statement('main') -%}
    {%- if final_sql is not none -%}
      {{ final_sql }}
    {%- else -%}
      select count(*) as rows_in_snapshot from {{ target_relation }}
    {%- endif -%}
  {%- endcall -%}

  {%- do persist_docs(target_relation, model) -%}
  {{ run_hooks(post_hooks, inside_transaction=True) }}
  {{ adapter.commit() }}
  {{ run_hooks(post_hooks, inside_transaction=False) }}
  {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}


{#- Step 2: the rows one run writes, tagged 'close' (a closed copy) or 'insert' (a new row). -#}
{% macro td_snapshot_pending_sql(target_relation, pending, staging_sql, written, columns) -%}
  create table {{ pending }} as
  with td_snapshot_changes as (
    {{ staging_sql }}
  )
  select
    {%- for name in written %}
    {% if name == columns.dbt_valid_to | lower -%} td_snapshot_changes.{% else -%} current_row.{% endif -%}
    {{ adapter.quote(name) }},
    {%- endfor %}
    'close' as td_snapshot_action
  from {{ target_relation }} as current_row
  join td_snapshot_changes
    on td_snapshot_changes.{{ columns.dbt_scd_id }} = current_row.{{ columns.dbt_scd_id }}
  where td_snapshot_changes.dbt_change_type in ('update', 'delete')
    and {{ td_dbt.td_snapshot_is_current('current_row', columns) }}
  union all
  select
    {%- for name in written %}
    td_snapshot_changes.{{ adapter.quote(name) }},
    {%- endfor %}
    'insert' as td_snapshot_action
  from td_snapshot_changes
  where td_snapshot_changes.dbt_change_type = 'insert'
{%- endmacro %}


{#- Steps 3 to 6, each safe to repeat. -#}
{% macro td_snapshot_apply_pending(target_relation, pending, columns) %}
  {#- The pending table's columns that the snapshot has. TD gives a table created without `time`
      one holding its creation time, so a snapshot of a source without `time` has it in both:
      the rows this run writes then carry the pending table's creation time, the run's time. -#}
  {%- set target_names = adapter.get_columns_in_relation(target_relation) | map(attribute='name') | map('lower') | list -%}
  {%- set names = adapter.get_columns_in_relation(pending) | map(attribute='name') | map('lower')
        | select('in', target_names) | list -%}
  {%- set column_list = names | map('string') | join(', ') -%}
  {%- set scd_id = columns.dbt_scd_id -%}
  {%- set valid_to = columns.dbt_valid_to -%}

  {%- call statement('td_snapshot_insert_closed') -%}
    insert into {{ target_relation }} ({{ column_list }})
    select {{ column_list }}
    from {{ pending }} as pending
    where pending.td_snapshot_action = 'close'
      and not exists (
        select 1 from {{ target_relation }} as existing
        where existing.{{ scd_id }} = pending.{{ scd_id }} and existing.{{ valid_to }} = pending.{{ valid_to }}
      )
  {%- endcall -%}

  {%- call statement('td_snapshot_insert_new') -%}
    insert into {{ target_relation }} ({{ column_list }})
    select {{ column_list }}
    from {{ pending }} as pending
    where pending.td_snapshot_action = 'insert'
      and not exists (
        select 1 from {{ target_relation }} as existing where existing.{{ scd_id }} = pending.{{ scd_id }}
      )
  {%- endcall -%}

  {%- set closed = run_query("select distinct " ~ scd_id ~ " from " ~ pending ~ " where td_snapshot_action = 'close' order by 1") -%}
  {%- set ids = closed.columns[0].values() | list -%}
  {#- Batches keep each DELETE far below TD's 1 MB query text limit. -#}
  {%- for batch in ids | batch(2000) -%}
    {%- call statement('td_snapshot_delete_closed') -%}
      delete from {{ target_relation }}
      where {{ td_dbt.td_snapshot_is_current('', columns) }}
        and {{ scd_id }} in ('{{ batch | join("', '") }}')
    {%- endcall -%}
  {%- endfor -%}

  {%- do adapter.drop_relation(pending) -%}
{% endmacro %}
