{{ config(meta={'dagster': {'ref': {'name': 'user_daily_activity'}}}) }}
-- Every local day's total in user_daily_activity equals the events loaded for that day: the two
-- partitioned models were loaded for the same windows. Returns the days that disagree.
-- Only the days of target_range are compared: a partitioned run checks the days it loaded, and
-- a day one model holds but the other has not loaded yet (a model materialized on its own, a
-- backfill still to come) fails the run that loads it, not every later run. The scheduled test
-- job, with the default range, compares the recent days.
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
    coalesce(activity.event_date, events.event_date) as event_date,
    activity.events as activity_events,
    events.events as loaded_events
from activity
full outer join events on activity.event_date = events.event_date
where coalesce(activity.events, -1) <> coalesce(events.events, -1)
