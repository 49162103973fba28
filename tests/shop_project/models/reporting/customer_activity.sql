with orders as (
  select customer_id, count(*) as orders, sum(quantity) as units
  from {{ ref('daily_orders') }}
  where TD_INTERVAL(time, '{{ var("report_window") }}', '{{ td_dbt.td_timezone() }}')
  group by 1
),

changes as (
  select customer_id, count(*) as tier_changes
  from {{ ref('daily_tier_changes') }}
  where TD_INTERVAL(time, '{{ var("report_window") }}', '{{ td_dbt.td_timezone() }}')
  group by 1
)

select
  coalesce(orders.customer_id, changes.customer_id) as customer_id,
  coalesce(orders.orders, 0) as orders,
  coalesce(orders.units, 0) as units,
  coalesce(changes.tier_changes, 0) as tier_changes
from orders
full outer join changes on changes.customer_id = orders.customer_id
