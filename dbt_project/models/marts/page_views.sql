-- Successful GET requests per local day and path from TD's sample access log.
with requests as (
    select * from {{ ref('stg_www_access') }}
    where method = 'GET'
      and status_code = 200
)

select
    TD_TIME_STRING(time, 'd!', '{{ td_dbt.td_timezone() }}') as access_date,
    path,
    count(*) as page_views,
    approx_distinct(host) as unique_hosts,
    TD_DATE_TRUNC('day', min(time), '{{ td_dbt.td_timezone() }}') as time
from requests
group by 1, 2
