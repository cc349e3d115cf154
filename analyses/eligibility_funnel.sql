-- How many dreamers of the recap year get a video, and why the others do not.
-- Compile with `dbt compile -s eligibility_funnel`, run the SQL from target/compiled/.
with

dreamer_years as (

    select * from {{ ref('dreamer_years') }}

),

funnel as (

    select
        coalesce(ineligibility_reason, 'eligible') as outcome,
        count(*) as dreamers,
        sum(total_dreams) as counted_dreams,
        sum(logged_dreams) as logged_dreams,
        sum(case when is_time_zone_defaulted then 1 else 0 end) as dreamers_on_utc_fallback

    from dreamer_years
    group by coalesce(ineligibility_reason, 'eligible')

)

select * from funnel
order by dreamers desc
