{{ config(materialized='view') }}

-- Stock dbt-trino creates a real view: TD rejects it (the strict-mode test relies on that).
select id, name from {{ ref('customers_table') }} where active
