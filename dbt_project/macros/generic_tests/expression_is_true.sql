{#-
  Generic test: every row satisfies `expression` (optionally only rows matching `condition`).
  The project's own, because dbt_utils needs the package hub. Attached to a column, the
  expression still sees the whole row.
-#}
{% test expression_is_true(model, expression, column_name=None, condition=None) %}
select *
from {{ model }}
where not ({{ expression }})
{%- if condition %}
  and ({{ condition }})
{%- endif %}
{% endtest %}
