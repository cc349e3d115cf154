-- recap_payloads holds exactly the eligible rows of dreamer_years: none missing, none extra.
with

eligible as (

    select
        user_id,
        recap_year
    from {{ ref('dreamer_years') }}
    where is_eligible

),

payloads as (

    select
        user_id,
        recap_year
    from {{ ref('recap_payloads') }}

)

select
    coalesce(eligible.user_id, payloads.user_id) as user_id,
    case when payloads.user_id is null then 'eligible without payload' else 'payload without eligibility' end as problem

from eligible
full outer join payloads
    on
        eligible.user_id = payloads.user_id
        and eligible.recap_year = payloads.recap_year
where eligible.user_id is null or payloads.user_id is null
