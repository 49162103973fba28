with orders as (
  select * from {{ td_dbt.incremental_scan(source('storefront', 'orders')) }}
)

select
  order_id,
  customer_id,
  sku,
  quantity,
  TD_TIME_STRING(time, 'd!', '{{ td_dbt.td_timezone() }}') as order_date,
  time
from orders
