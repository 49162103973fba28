-- A tier change belongs to the day it happened (`changed_at`), not to the day the CRM export
-- imported it (`time`, the next night), so this model is partitioned by `changed_at` and writes
-- it as its `time`. TD prunes only on `time`: filtering `changed_at` reads the whole (small) CRM
-- table, which lint reports unless silenced, as here on purpose.
{{ config(meta={'td_lint_ignore': ['td-unfiltered-scan']}) }}

with changes as (
  select * from {{ td_dbt.incremental_scan(source('crm', 'tier_changes'), time_column='changed_at') }}
)

select
  changes.customer_id,
  customers.customer_name,
  changes.new_tier,
  TD_TIME_STRING(changes.changed_at, 'd!', '{{ td_dbt.td_timezone() }}') as change_date,
  changes.changed_at as time
from changes
left join {{ ref('stg_customers') }} as customers on customers.customer_id = changes.customer_id
