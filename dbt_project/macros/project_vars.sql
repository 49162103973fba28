{#-
  This project's own vars, validated by td_dbt's validators (models read vars only through
  macros; tests/dbt_project/test_validated_vars.py fails on any other `var(...)`). The TD vars
  every project shares (target_range, td_timezone, td_source_database) are td_dbt's.
-#}

{#- The marts' TD_INTERVAL over the loaded history (relative on purpose: "the last 30 days"). -#}
{% macro mart_window() -%}
  {{- return(td_dbt.validated_td_interval(var('mart_window'), 'mart_window')) -}}
{%- endmacro %}


{#- Seconds without an event that end a session (TD_SESSIONIZE_WINDOW's timeout): 1..604800. -#}
{% macro session_timeout_seconds() -%}
  {{- return(td_dbt.validated_positive_integer(var('session_timeout_seconds'), 'session_timeout_seconds', 604800)) -}}
{%- endmacro %}
