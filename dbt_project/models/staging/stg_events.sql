-- Cleaned raw events of the target_range window (the last 3 months by default): one row per
-- event, types and names made consistent. Unpartitioned: rebuilt whole on each run.
with source as (
    select * from {{ td_dbt.incremental_scan(source('raw', 'events')) }}
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
