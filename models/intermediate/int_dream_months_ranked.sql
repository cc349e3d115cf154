-- One row per user and local month of the recap year with counted dreams, ranked by dreams
-- (most first, ties to the earliest month).
with

dreams as (

    select
        user_id,
        local_month
    from {{ ref('int_dreams_localized') }}
    where is_counted and local_year = {{ recap_year() }}

),

monthly as (

    select
        user_id,
        local_month,
        count(*) as dream_count

    from dreams
    group by user_id, local_month

),

ranked as (

    select
        user_id,
        local_month,
        dream_count,
        cast(row_number() over (partition by user_id order by dream_count desc, local_month asc) as integer)
            as month_rank

    from monthly

)

select * from ranked
