-- Event-level history, one daily partition per run: the window's events, deduplicated (TD import
-- can deliver an event twice) and stamped with their local date. The td_window strategy replaces
-- exactly the window, so backfills and re-runs are idempotent.
with source as (
    select * from {{ incremental_scan(source('raw', 'events')) }}
),

deduplicated as (
    select *
    from (
        select
            *,
            row_number() over (partition by event_id order by time) as copy_number
        from source
        where event_id is not null
    )
    where copy_number = 1
),

events as (
    select
        event_id,
        user_id,
        lower(trim(event_type)) as event_type,
        path,
        lower(device) as device,
        case when lower(trim(event_type)) = 'purchase' then coalesce(cast(revenue as double), 0.0) else 0.0 end as revenue,
        TD_TIME_STRING(time, 'd!', '{{ td_timezone() }}') as event_date,
        time
    from deduplicated
)

select * from events
