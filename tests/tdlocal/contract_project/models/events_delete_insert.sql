{{ config(materialized='incremental', incremental_strategy='delete+insert', unique_key='event_id') }}

-- Replaces rows by key on each run: row count stays at the seed size.
select event_id, customer_id, event_type, amount, time
from {{ ref('contract_events') }}
{% if is_incremental() %}
where time >= (select min(time) from {{ this }})
{% endif %}
