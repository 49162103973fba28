-- One row per user and local day. `time` is the day's start, so the row lies in the partition's
-- window and the td_window strategy can replace the day.
with events as (
    select * from {{ td_dbt.incremental_scan(ref('incremental_events')) }}
),

daily as (
    select
        user_id,
        event_date,
        TD_DATE_TRUNC('day', min(time), '{{ td_dbt.td_timezone() }}') as time,
        count(*) as event_count,
        count_if(event_type = 'purchase') as purchase_count,
        sum(revenue) as revenue
    from events
    group by user_id, event_date
)

select
    user_id || ':' || event_date as user_day_key,
    user_id,
    event_date,
    event_count,
    purchase_count,
    revenue,
    time
from daily
