-- Which recaps still need a (re-)render: no job yet, a job for an older payload, or a failed job.
-- Reads the runner's own table (source runner.render_jobs), which exists once render-runner has run.
with

payloads as (

    select
        user_id,
        recap_year,
        payload_hash
    from {{ ref('recap_payloads') }}

),

jobs as (

    select
        user_id,
        recap_year,
        status,
        payload_hash,
        attempts,
        last_error
    from {{ source('runner', 'render_jobs') }}

),

backlog as (

    select
        payloads.user_id,
        payloads.recap_year,
        jobs.attempts,
        jobs.last_error,
        case
            when jobs.user_id is null then 'not queued'
            when jobs.payload_hash <> payloads.payload_hash then 'payload changed'
            else jobs.status
        end as state

    from payloads
    left join jobs
        on
            payloads.user_id = jobs.user_id
            and payloads.recap_year = jobs.recap_year

)

select
    state,
    count(*) as recaps,
    max(attempts) as max_attempts
from backlog
group by state
order by recaps desc
