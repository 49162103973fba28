-- Sessions per user over the last 30 complete days: a session ends after
-- session_timeout_seconds without an event (TD_SESSIONIZE_WINDOW).
with events as (
    select user_id, time
    from {{ ref('stg_events') }}
    where TD_INTERVAL(time, '{{ mart_window() }}', '{{ td_dbt.td_timezone() }}')
),

sessionized as (
    select
        user_id,
        time,
        TD_SESSIONIZE_WINDOW(time, {{ session_timeout_seconds() }})
            over (partition by user_id order by time) as session_id
    from events
),

sessions as (
    select
        user_id,
        session_id,
        min(time) as session_start,
        max(time) as session_end,
        count(*) as event_count
    from sessionized
    group by user_id, session_id
)

select
    user_id,
    count(*) as session_count,
    avg(session_end - session_start) as avg_session_seconds,
    avg(event_count) as avg_events_per_session,
    max(session_end) as time
from sessions
group by user_id
