-- TD's sample access log over the marts' window (mart_window, the last 30 days), with readable
-- column names. Rebuilt on each run: bounded so that its cost follows the window, not the history.
with source as (
    select *
    from {{ source('sample_datasets', 'www_access') }}
    where TD_INTERVAL(time, '{{ mart_window() }}', '{{ td_dbt.td_timezone() }}')
),

renamed as (
    select
        host,
        path,
        upper(method) as method,
        referer,
        cast(code as integer) as status_code,
        agent as user_agent,
        cast(size as bigint) as response_bytes,
        time
    from source
)

select * from renamed
