-- Cleaned raw events of the marts' window (mart_window, the last 30 days): one row per event,
-- types and names made consistent. Unpartitioned: rebuilt on each run, so it reads only what the
-- marts summarise and a daily run's cost does not grow with the history kept in TD.
with source as (
    select *
    from {{ source('raw', 'events') }}
    where TD_INTERVAL(time, '{{ mart_window() }}', '{{ td_dbt.td_timezone() }}')
),

renamed as (
    select
        event_id,
        user_id,
        lower(trim(event_type)) as event_type,
        path,
        lower(device) as device,
        cast(revenue as double) as revenue,
        time
    from source
    where event_id is not null
      and user_id is not null
)

select * from renamed
