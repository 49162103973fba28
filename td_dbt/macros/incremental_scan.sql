{#-
  Read a TD table through the validated target_range window, in the partition timezone.

  The filter is on the bare `time` column, so TD prunes its hourly partitions. Partitioned runs
  replace exactly this window in the target (see the td_window incremental strategy), so a re-run
  or an older-day backfill loads the same rows as the first run did.

  `lookback_days` widens the read by whole local days before the window, for models that must see
  what came just before it (deduplication across midnight) and then keep only the window's rows
  with `td_dbt.in_target_range()`. It applies to the absolute ranges partitioned runs pass
  (`-Nd/yyyy-MM-dd`); a relative ad hoc range (`-3M/now`) is read as it is.
-#}
{% macro incremental_scan(relation, time_column='time', lookback_days=0) -%}
(
  select *
  from {{ relation }}
  where TD_INTERVAL({{ time_column }}, '{{ td_dbt._range_with_lookback(lookback_days) }}', '{{ td_dbt.td_timezone() }}')
)
{%- endmacro %}


{#- The condition "`time_column` lies in target_range" (for rows read with a lookback). -#}
{% macro in_target_range(time_column='time') -%}
  TD_INTERVAL({{ time_column }}, '{{ td_dbt.target_range() }}', '{{ td_dbt.td_timezone() }}')
{%- endmacro %}


{% macro _range_with_lookback(lookback_days) %}
  {%- set days = td_dbt.validated_positive_integer(lookback_days, 'lookback_days', 31) if lookback_days else 0 -%}
  {%- set absolute = modules.re.fullmatch('-([0-9]+)d/([0-9]{4}-[0-9]{2}-[0-9]{2})', td_dbt.target_range()) -%}
  {%- if days and absolute is not none -%}
    {{ return('-' ~ ((absolute.group(1) | int) + days) ~ 'd/' ~ absolute.group(2)) }}
  {%- endif -%}
  {{ return(td_dbt.target_range()) }}
{% endmacro %}
