-- One row per user with a counted dream in the recap year: the longest run of consecutive local
-- dates with at least one dream (gaps and islands: date minus its row number is constant in a run).
with

dream_dates as (

    select distinct
        user_id,
        local_date

    from {{ ref('int_dreams_localized') }}
    where is_counted and local_year = {{ recap_year() }}

),

islands as (

    select
        user_id,
        local_date,
        (local_date - cast('1970-01-01' as date))
        - row_number() over (partition by user_id order by local_date) as island_id

    from dream_dates

),

streaks as (

    select
        user_id,
        min(local_date) as streak_start_date,
        count(*) as streak_days

    from islands
    group by user_id, island_id

),

ranked as (

    select
        user_id,
        streak_start_date,
        streak_days,
        row_number() over (partition by user_id order by streak_days desc, streak_start_date asc) as streak_rank

    from streaks

)

select
    user_id,
    cast(streak_days as integer) as longest_streak_days,
    streak_start_date as longest_streak_start_date

from ranked
where streak_rank = 1
