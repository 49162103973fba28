{#-
  Read a TD table through the validated target_range window, in the partition timezone.

  The filter is on the bare `time` column, so TD prunes its hourly partitions. Partitioned runs
  replace exactly this window in the target (see the td_window incremental strategy), so a re-run
  or an older-day backfill loads the same rows as the first run did.
-#}
{% macro incremental_scan(relation, time_column='time') -%}
(
  select *
  from {{ relation }}
  where TD_INTERVAL({{ time_column }}, '{{ target_range() }}', '{{ td_timezone() }}')
)
{%- endmacro %}
