{{ config(materialized='incremental', incremental_strategy='append') }}

-- Appends every seed row on each run: row count grows by the seed size per run.
select event_id, customer_id, event_type, amount, time
from {{ ref('contract_events') }}
