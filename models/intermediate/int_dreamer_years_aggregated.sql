-- One row per user with a (not deleted) dream in the recap year or the year before: dream counts.
-- `logged_` counts include dreams of deleted accounts; the others count only counted dreams.
{%- set recap_year = recap_year() %}
with

dreams as (

    select * from {{ ref('int_dreams_localized') }}

),

aggregated as (

    select
        user_id,
        count(*) filter (where local_year = {{ recap_year }}) as logged_dreams,
        count(*) filter (where local_year = {{ recap_year }} and is_counted) as total_dreams,
        count(*) filter (where local_year = {{ recap_year - 1 }} and is_counted) as previous_year_dreams,
        count(*) filter (where local_year = {{ recap_year }} and is_counted and is_lucid) as lucid_dreams,
        count(*) filter (where local_year = {{ recap_year }} and is_counted and is_nightmare) as nightmare_dreams

    from dreams
    group by user_id

)

select * from aggregated
