{{ config(materialized='table') }}

select id, name, signup_date, score, active
from {{ ref('contract_customers') }}
