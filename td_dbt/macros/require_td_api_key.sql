{#-
  A run against TD (any target but `local`) needs TD_API_KEY. The overrides of dbt's first
  metadata queries (list_schemas, list_relations) call this before connecting, so a missing key
  stops the command with one clear message instead of an authentication error. The profile
  passes the key as the Trino user (TD's API-key login), so an empty user means no key; the
  value itself is never rendered into SQL or logs.
-#}
{% macro require_td_api_key() %}
  {%- if target.name != 'local' and (target.user | trim) == '' -%}
    {{ exceptions.raise_compiler_error(
        "TD_API_KEY is not set, and target '" ~ target.name ~ "' runs on Treasure Data. "
        ~ "Set it to your TD API key (TD console > My Settings > API Keys): export TD_API_KEY=..."
    ) }}
  {%- endif -%}
{% endmacro %}
