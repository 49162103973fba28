with orders as (
  select * from {{ incremental_scan(source('storefront', 'orders')) }}
)

select
  order_id,
  customer_id,
  sku,
  quantity,
  TD_TIME_STRING(time, 'd!', '{{ td_timezone() }}') as order_date,
  time
from orders
