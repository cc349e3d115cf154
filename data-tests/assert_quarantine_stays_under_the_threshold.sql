-- A broken extract stops the build: fails when a source table has more than
-- var('quarantine_threshold') (default 0.01 = 1%) of its raw rows quarantined. Staging models depend
-- on quarantined_rows, so in `dbt build` this runs before any of them and nothing downstream changes.
select
    source_table,
    max(source_table_rows) as source_table_rows,
    sum(source_rows) as quarantined_source_rows

from {{ ref('quarantined_rows') }}
group by source_table
having sum(source_rows) > {{ quarantine_threshold() }} * max(source_table_rows)
