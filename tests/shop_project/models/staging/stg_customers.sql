{{ config(meta={'td_lint_ignore': ['td-unfiltered-scan']}) }}
-- The customer dimension is small and rewritten whole by the CRM export: a full read is intended.
select
  customer_id,
  customer_name,
  tier
from {{ source('crm', 'customers') }}
