-- Event-level history, one daily partition per run: the window's events, deduplicated (TD import
-- can deliver an event twice) and stamped with their local date. The td_window strategy replaces
-- exactly the window, so backfills and re-runs are idempotent.
--
-- An event's first delivery is the one kept, whichever runs load its days: the scan reaches one
-- day before the window, so a copy delivered at 00:00:05 is dropped when its original arrived at
-- 23:59:55 the day before, as it is when both days load in one range run. This holds for copies
-- delivered on the same or the next local day; copies further apart may be kept twice. The order
-- is total, so ties pick the same row.
with source as (
    select * from {{ td_dbt.incremental_scan(source('raw', 'events'), lookback_days=1) }}
),

deduplicated as (
    select *
    from (
        select
            *,
            row_number() over (
                partition by event_id
                order by time, user_id, event_type, path, device, revenue
            ) as copy_number
        from source
        where event_id is not null
    )
    where copy_number = 1
      and {{ td_dbt.in_target_range('time') }}
),

events as (
    select
        event_id,
        user_id,
        lower(trim(event_type)) as event_type,
        path,
        lower(device) as device,
        case when lower(trim(event_type)) = 'purchase' then coalesce(cast(revenue as double), 0.0) else 0.0 end as revenue,
        TD_TIME_STRING(time, 'd!', '{{ td_dbt.td_timezone() }}') as event_date,
        time
    from deduplicated
)

select * from events
