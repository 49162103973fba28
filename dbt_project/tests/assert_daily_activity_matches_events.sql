{{ config(meta={'dagster': {'ref': {'name': 'user_daily_activity'}}}) }}
-- Every local day's total in user_daily_activity equals the events loaded for that day: the two
-- partitioned models were loaded for the same windows. Returns the days that disagree.
with activity as (
    select event_date, sum(event_count) as events
    from {{ ref('user_daily_activity') }}
    group by event_date
),

events as (
    select event_date, count(*) as events
    from {{ ref('incremental_events') }}
    group by event_date
)

select
    coalesce(activity.event_date, events.event_date) as event_date,
    activity.events as activity_events,
    events.events as loaded_events
from activity
full outer join events on activity.event_date = events.event_date
where coalesce(activity.events, -1) <> coalesce(events.events, -1)
