-- A tier change belongs to the day it happened (`time`, set by the CRM export).
with changes as (
  select * from {{ td_dbt.incremental_scan(source('crm', 'tier_changes')) }}
)

select
  changes.customer_id,
  customers.customer_name,
  changes.new_tier,
  TD_TIME_STRING(changes.time, 'd!', '{{ td_dbt.td_timezone() }}') as change_date,
  changes.time
from changes
left join {{ ref('stg_customers') }} as customers on customers.customer_id = changes.customer_id
