{#-
  Every dbt var the project reads, validated. Models read vars only through these macros (a test,
  tests/dbt_project/test_validated_vars.py, fails on any other `var(...)`), so a bad value or an
  injection attempt passed with `dbt run --vars` fails at compile time, naming the value and the
  fix, before any SQL is sent to TD.

  The TD_INTERVAL grammar is TD's documented syntax, the same one tdtime.interval implements;
  tests/dbt_project/test_target_range_validation.py runs both over the same strings. On top of the
  grammar this project bounds counts to 6 digits and offset dates to the years 1970..9999: wider
  values are typing mistakes, and TD's time arithmetic overflows long before 10^7 years.
-#}

{% macro target_range() -%}
  {{- return(td_dbt.validated_td_interval(td_dbt.td_run_value('TD_RUN_TARGET_RANGE', var('target_range')), 'target_range')) -}}
{%- endmacro %}


{#- Empty var: the TD_TIMEZONE environment variable, else Asia/Tokyo (the partitions' zone). -#}
{% macro td_timezone() -%}
  {{- return(td_dbt.validated_td_timezone(td_dbt.td_run_value('TD_RUN_TIMEZONE', var('td_timezone')) or env_var('TD_TIMEZONE', 'Asia/Tokyo'), 'td_timezone')) -}}
{%- endmacro %}


{#-
  A partitioned run's window: the environment variable `env_name` when a run sets it, else
  `var_value` (the var it stands for).

  Dagster's partitioned runs pass their window in TD_RUN_TARGET_RANGE and TD_RUN_TIMEZONE, not in
  --vars: dbt discards its saved parse whenever --vars differ from the last parse ("Unable to do
  partial parsing because config vars ... changed"), so every partition would re-parse the whole
  project. The variables are read only while executing (`execute` is false while parsing): dbt
  records the env_var() calls it sees while parsing and re-parses the files that made them when
  their values change. The value is validated like the var, by the callers above, when the
  models compile; the orchestration derives it from the partition window (tdtime), so it is
  whole local days before dbt starts. By hand, pass --vars as before (with neither variable set).
-#}
{% macro td_run_value(env_name, var_value) %}
  {%- if execute -%}
    {%- set from_run = env_var(env_name, '') -%}
    {%- if from_run -%}
      {{ return(from_run) }}
    {%- endif -%}
  {%- endif -%}
  {{ return(var_value) }}
{% endmacro %}


{#-
  The TD database of the raw sources: the var, else TD_SOURCE_DATABASE, else raw. sources.yml
  reads it (YAML cannot raise errors), and the `source` override below validates every source's
  database name when a model uses it.
-#}
{% macro td_source_database() -%}
  {{- return(td_dbt.validated_td_database(var('td_source_database', '') or env_var('TD_SOURCE_DATABASE', 'raw'), 'td_source_database')) -}}
{%- endmacro %}


{#-
  dbt's `source()`, with the TD database name checked: sources.yml renders its schema from a var
  or an environment variable, and the name reaches SQL unquoted.
-#}
{% macro source(source_name, table_name) %}
  {#- At parse time dbt's source() returns a placeholder relation, so the var that sources.yml
      renders is checked here too: a bad value then fails while parsing, before any SQL. -#}
  {%- do td_dbt.td_source_database() -%}
  {%- set relation = builtins.source(source_name, table_name) -%}
  {%- do td_dbt.validated_td_database(relation.schema, "the schema of source '" ~ source_name ~ "." ~ table_name ~ "'") -%}
  {{ return(relation) }}
{% endmacro %}


{% macro validated_td_interval(value, name) %}
  {%- set problem = td_dbt.td_interval_problem(value) -%}
  {%- if problem -%}
    {{ exceptions.raise_compiler_error(name ~ " " ~ problem) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}


{% macro validated_td_timezone(value, name) %}
  {%- set problem = td_dbt.td_timezone_problem(value) -%}
  {%- if problem -%}
    {{ exceptions.raise_compiler_error(name ~ " " ~ problem) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}


{% macro validated_positive_integer(value, name, maximum) %}
  {%- set problem = td_dbt.positive_integer_problem(value, maximum) -%}
  {%- if problem -%}
    {{ exceptions.raise_compiler_error(name ~ " " ~ problem ~ ". Pass a number, e.g. --vars '{\"" ~ name ~ "\": 1800}'") }}
  {%- endif -%}
  {{ return(value | int) }}
{% endmacro %}


{% macro validated_td_database(value, name) %}
  {%- set problem = td_dbt.td_database_problem(value) -%}
  {%- if problem -%}
    {{ exceptions.raise_compiler_error(name ~ " " ~ problem) }}
  {%- endif -%}
  {{ return(value) }}
{% endmacro %}


{#- '' when `value` is a whole number in 1..maximum (a number or its digits), else the problem. -#}
{% macro positive_integer_problem(value, maximum) %}
  {%- set text = value | string -%}
  {%- if value is boolean or modules.re.fullmatch('[0-9]{1,9}', text) is none or (text | int) < 1 or (text | int) > maximum -%}
    {{ return(td_dbt._td_quote(text) ~ " is not a whole number from 1 to " ~ maximum) }}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}


{#- '' when `value` is a TD database name (lower-case letters, digits, underscores), else the problem. -#}
{% macro td_database_problem(value) %}
  {#- Trino's reserved keywords (Trino docs, "Reserved keywords"): unquoted, they are syntax. -#}
  {%- set reserved = ['alter', 'and', 'as', 'between', 'by', 'case', 'cast', 'constraint', 'create', 'cross', 'cube', 'current_catalog', 'current_date', 'current_path', 'current_role', 'current_schema', 'current_time', 'current_timestamp', 'current_user', 'deallocate', 'delete', 'describe', 'distinct', 'drop', 'else', 'end', 'escape', 'except', 'execute', 'exists', 'extract', 'false', 'for', 'from', 'full', 'group', 'grouping', 'having', 'in', 'inner', 'insert', 'intersect', 'into', 'is', 'join', 'json_array', 'json_exists', 'json_object', 'json_query', 'json_table', 'json_value', 'left', 'like', 'listagg', 'localtime', 'localtimestamp', 'natural', 'normalize', 'not', 'null', 'on', 'or', 'order', 'outer', 'prepare', 'recursive', 'right', 'rollup', 'select', 'skip', 'table', 'then', 'trim', 'true', 'uescape', 'union', 'unnest', 'using', 'values', 'when', 'where', 'with'] -%}
  {%- if value is string and value in reserved -%}
    {{ return(td_dbt._td_quote(value) ~ " is a reserved word in Trino SQL: it cannot name a TD database in unquoted SQL") }}
  {%- endif -%}
  {%- if value is not string or modules.re.fullmatch('[a-z_][a-z0-9_]{0,254}', value) is none -%}
    {{ return(td_dbt._td_quote(value | string) ~ " is not a TD database name: start with a letter or underscore, then lower-case letters, digits and underscores (an unquoted Trino name), e.g. 'raw' or 'production'") }}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}


{#- '' when `value` is documented TD_INTERVAL syntax within the project's bounds, else what is wrong and the fix. -#}
{% macro td_interval_problem(value) %}
  {%- set grammar = '-?[0-9]+[smhdwMqy](/(now|-?[0-9]+[smhdwMqy]|[0-9]{4}-[0-9]{2}-[0-9]{2}))?' -%}
  {%- set date = '[0-9]{4}-[0-9]{2}-[0-9]{2}' -%}
  {%- set hint = "TD_INTERVAL takes duration[/offset]: a duration such as -7d, -1M or 1d, and an optional offset that is 'now', a signed count and unit such as -1M, or a date yyyy-MM-dd (units: s m h d w M q y; m is minutes, M is months)" -%}
  {%- set re = modules.re -%}
  {%- if value is not string -%}
    {{ return("must be a TD_INTERVAL string, got " ~ (value | string) ~ ". " ~ hint) }}
  {%- endif -%}
  {%- set quoted = td_dbt._td_quote(value) -%}
  {%- if re.fullmatch(grammar, value) is none -%}
    {%- set date_range = re.fullmatch('(' ~ date ~ ')/(' ~ date ~ ')', value) -%}
    {%- set bare_date = re.fullmatch(date, value) -%}
    {%- if date_range is not none and td_dbt._td_date(date_range.group(1)) and td_dbt._td_date(date_range.group(2)) and td_dbt._td_date(date_range.group(2)) > td_dbt._td_date(date_range.group(1)) -%}
      {%- set first = td_dbt._td_date(date_range.group(1)) -%}
      {%- set last = td_dbt._td_date(date_range.group(2)) -%}
      {{ return(quoted ~ " is not a TD_INTERVAL string: a start/end date pair is not TD_INTERVAL syntax. For the days from " ~ first ~ " up to (not including) " ~ last ~ ", write '-" ~ (last - first).days ~ "d/" ~ last ~ "'") }}
    {%- elif bare_date is not none and td_dbt._td_date(value) -%}
      {{ return(quoted ~ " is not a TD_INTERVAL string: a bare date is not TD_INTERVAL syntax. For the single day " ~ value ~ ", write '-1d/" ~ (td_dbt._td_date(value) + modules.datetime.timedelta(days=1)) ~ "'") }}
    {%- endif -%}
    {{ return(quoted ~ " is not a TD_INTERVAL string. " ~ hint) }}
  {%- endif -%}
  {%- set offset = value.split('/')[1] if '/' in value else '' -%}
  {%- if re.fullmatch(date, offset) is not none and not td_dbt._td_date(offset) -%}
    {{ return(quoted ~ " is not a TD_INTERVAL string: " ~ offset ~ " is not a calendar date") }}
  {%- endif -%}
  {#- At most 1,000 years per count: TD's times end in year 9999, and a duration plus an offset of
      such counts would leave that range at run time instead of here. -#}
  {%- set max_count = {'s': 999999, 'm': 999999, 'h': 999999, 'd': 365242, 'w': 52177, 'M': 12000, 'q': 4000, 'y': 1000} -%}
  {%- for count, unit in re.findall('([0-9]+)([smhdwMqy])', value) -%}
    {%- if count | length > 6 -%}
      {{ return(quoted ~ " has a count of " ~ (count | length) ~ " digits: counts are limited to 6 digits (999999); use a larger unit, e.g. -2y instead of -730d") }}
    {%- elif (count | int) > max_count[unit] -%}
      {{ return(quoted ~ " counts " ~ count ~ unit ~ ", more than 1000 years: use at most " ~ max_count[unit] ~ unit) }}
    {%- endif -%}
  {%- endfor -%}
  {%- if re.fullmatch(date, offset) is not none and (offset[:4] | int) < 1970 -%}
    {{ return(quoted ~ " has the offset date " ~ offset ~ ", before 1970: TD's time column counts seconds from 1970-01-01 UTC, so use a date from 1970 on") }}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}


{#- '' when TD accepts `value` as a timezone (IANA name or TD abbreviation), else the problem. -#}
{% macro td_timezone_problem(value) %}
  {#- TD's fixed-offset abbreviations, as tdtime/inferred.py lists them, plus UTC and GMT. -#}
  {%- set abbreviations = ['UTC', 'GMT', 'JST', 'KST', 'PST', 'PDT', 'MST', 'MDT', 'CDT', 'EST', 'EDT'] -%}
  {%- if value is not string or (value not in abbreviations and value not in modules.pytz.all_timezones_set) -%}
    {{ return(td_dbt._td_quote(value | string) ~ " is not a timezone TD accepts: use an IANA name such as 'Asia/Tokyo' or 'America/Los_Angeles', or one of " ~ abbreviations | join(', ')) }}
  {%- endif -%}
  {{ return('') }}
{% endmacro %}


{#- The date yyyy-MM-dd names, or none if it is not a calendar date. -#}
{% macro _td_date(text) %}
  {%- set parts = text.split('-') | map('int') | list -%}
  {%- set leap = parts[0] % 4 == 0 and (parts[0] % 100 != 0 or parts[0] % 400 == 0) -%}
  {%- set days_in_month = [31, 29 if leap else 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] -%}
  {%- if parts[0] < 1 or parts[1] < 1 or parts[1] > 12 or parts[2] < 1 or parts[2] > days_in_month[parts[1] - 1] -%}
    {{ return(none) }}
  {%- endif -%}
  {{ return(modules.datetime.date(parts[0], parts[1], parts[2])) }}
{% endmacro %}


{#- Quote a value for an error message; long or multi-line input is cut so the message stays readable. -#}
{% macro _td_quote(text) -%}
  {%- set shown = text if text | length <= 80 else text[:77] ~ '...' -%}
  {{- return("'" ~ shown | replace('\n', '\\n') ~ "'") -}}
{%- endmacro %}


{#- For tests: log {value: problem} for each value as one JSON line (`dbt run-operation`). -#}
{% macro report_target_range_problems(values) %}
  {%- set problems = {} -%}
  {%- for value in values -%}
    {%- do problems.update({value: td_dbt.td_interval_problem(value)}) -%}
  {%- endfor -%}
  {% do log("TARGET_RANGE_PROBLEMS " ~ tojson(problems), info=True) %}
{% endmacro %}


{#- For tests: {kind: {value: problem}} for every validator, as one JSON line. -#}
{% macro report_var_problems(values) %}
  {%- set problems = {'td_interval': {}, 'td_timezone': {}, 'positive_integer': {}, 'td_database': {}} -%}
  {%- for value in values -%}
    {%- set key = value | string -%}
    {%- do problems.td_interval.update({key: td_dbt.td_interval_problem(value)}) -%}
    {%- do problems.td_timezone.update({key: td_dbt.td_timezone_problem(value)}) -%}
    {%- do problems.positive_integer.update({key: td_dbt.positive_integer_problem(value, 604800)}) -%}
    {%- do problems.td_database.update({key: td_dbt.td_database_problem(value)}) -%}
  {%- endfor -%}
  {% do log("VAR_PROBLEMS " ~ tojson(problems), info=True) %}
{% endmacro %}
