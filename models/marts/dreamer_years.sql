-- One row per user who dreamt in the recap year or the year before: their year in numbers, whether
-- they get a recap video and why not. Benchmarks (average, top_percent) are over eligible users only.
{%- set min_dreams = min_dreams() %}
with

dream_counts as (

    select * from {{ ref('int_dreamer_years_aggregated') }}

),

users as (

    select * from {{ ref('int_users_resolved') }}

),

streaks as (

    select * from {{ ref('int_dream_streaks_measured') }}

),

busiest_months as (

    select
        user_id,
        local_month

    from {{ ref('int_dream_months_ranked') }}
    where month_rank = 1

),

joined as (

    select
        dream_counts.user_id,
        cast({{ recap_year() }} as integer) as recap_year,
        users.display_name,
        users.locale,
        users.time_zone_name,
        users.is_time_zone_defaulted,
        users.is_deleted as is_user_deleted,
        dream_counts.logged_dreams,
        dream_counts.total_dreams,
        dream_counts.previous_year_dreams,
        dream_counts.lucid_dreams,
        dream_counts.nightmare_dreams,
        streaks.longest_streak_days,
        streaks.longest_streak_start_date,
        busiest_months.local_month as busiest_month

    from dream_counts
    inner join users
        on dream_counts.user_id = users.user_id
    left join streaks
        on dream_counts.user_id = streaks.user_id
    left join busiest_months
        on dream_counts.user_id = busiest_months.user_id

),

eligibility as (

    select
        *,
        case
            when is_user_deleted then 'user_deleted'
            when total_dreams = 0 then 'no_dreams_in_recap_year'
            when total_dreams < {{ min_dreams }} then 'too_few_dreams'
        end as ineligibility_reason

    from joined

),

benchmarked as (

    select
        *,
        ineligibility_reason is null as is_eligible,
        case
            when ineligibility_reason is null
                then {{ divide_round_half_away_from_zero(
                    'sum(total_dreams) over (partition by ineligibility_reason is null)',
                    'count(*) over (partition by ineligibility_reason is null)') }}
        end as average_dreams,
        case
            when ineligibility_reason is null
                then {{ divide_ceil(
                    '100 * rank() over (partition by ineligibility_reason is null order by total_dreams desc)',
                    'count(*) over (partition by ineligibility_reason is null)') }}
        end as top_percent

    from eligibility

),

final as (

    select
        user_id,
        recap_year,
        display_name,
        locale,
        time_zone_name,
        is_time_zone_defaulted,
        is_user_deleted,
        is_eligible,
        ineligibility_reason,
        logged_dreams,
        total_dreams,
        previous_year_dreams,
        lucid_dreams,
        nightmare_dreams,
        longest_streak_days,
        longest_streak_start_date,
        busiest_month,
        average_dreams,
        top_percent,
        total_dreams - average_dreams as difference_from_average

    from benchmarked

)

select * from final
