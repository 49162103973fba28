-- Events per local day and type over the last 30 complete days, refreshed after each load.
with events as (
    select * from {{ ref('incremental_events') }}
    where TD_INTERVAL(time, '{{ mart_window() }}', '{{ td_dbt.td_timezone() }}')
)

select
    TD_TIME_STRING(time, 'd!', '{{ td_dbt.td_timezone() }}') as event_date,
    event_type,
    count(*) as event_count,
    approx_distinct(user_id) as unique_users,
    TD_DATE_TRUNC('day', min(time), '{{ td_dbt.td_timezone() }}') as time
from events
group by 1, 2
