{{ config(meta={'dagster': {'ref': {'name': 'user_daily_activity'}}}) }}
-- Every local day's total in user_daily_activity equals the events loaded for that day: the two
-- partitioned models were loaded for the same windows. Returns the days that disagree.
-- Only the days of target_range are compared (a partitioned run checks the days it loaded; the
-- scheduled test job, with the default range, the recent days), and only the days
-- user_daily_activity holds: a day it has not loaded yet (incremental_events materialized on its
-- own, a backfill still to come) is a missing partition, which `td-dagster status` shows, not a
-- disagreement. A day loaded again in one model only is stale (`td-dagster stale`) and fails here.
with activity as (
    select event_date, sum(event_count) as events
    from {{ ref('user_daily_activity') }}
    where {{ td_dbt.in_target_range() }}
    group by event_date
),

events as (
    select event_date, count(*) as events
    from {{ ref('incremental_events') }}
    where {{ td_dbt.in_target_range() }}
    group by event_date
)

select
    activity.event_date,
    activity.events as activity_events,
    events.events as loaded_events
from activity
left join events on activity.event_date = events.event_date
where events.events is null or activity.events <> events.events
