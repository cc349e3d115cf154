-- A warning, not a failure: some raw rows were quarantined (left out of every recap) but few enough
-- for the build to go on. One row per source table and reason; details in quarantined_rows.
{{ config(severity='warn') }}

select
    source_table,
    reason,
    sum(source_rows) as quarantined_source_rows

from {{ ref('quarantined_rows') }}
group by source_table, reason
