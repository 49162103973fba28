-- TD's sample access log over the target_range window, with readable column names.
with source as (
    select * from {{ td_dbt.incremental_scan(source('sample_datasets', 'www_access')) }}
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
