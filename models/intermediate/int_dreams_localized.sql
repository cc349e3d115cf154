-- Every existing (not deleted) dream of an existing user, on its author's local calendar, for the
-- recap year and the year before. `is_counted` is false when the author's account is deleted.
{%- set recap_year = recap_year() %}
with

dreams as (

    select * from {{ ref('stg_app__dreams') }}
    where
        not is_deleted
        -- cheap UTC pre-filter with a day of margin for any time zone offset
        and dreamt_at_utc >= cast('{{ recap_year - 1 }}-01-01' as timestamp) - interval '1 day'
        and dreamt_at_utc < cast('{{ recap_year + 1 }}-01-01' as timestamp) + interval '1 day'

),

users as (

    select
        user_id,
        time_zone_name,
        is_deleted
    from {{ ref('int_users_resolved') }}

),

localized as (

    select
        dreams.dream_id,
        dreams.user_id,
        dreams.dreamt_at_utc,
        {{ to_local_timestamp('dreams.dreamt_at_utc', 'users.time_zone_name') }} as dreamt_at_local,
        dreams.is_lucid,
        dreams.is_nightmare,
        not users.is_deleted as is_counted

    from dreams
    inner join users
        on dreams.user_id = users.user_id

),

dated as (

    select
        dream_id,
        user_id,
        dreamt_at_utc,
        dreamt_at_local,
        cast(dreamt_at_local as date) as local_date,
        cast(extract(year from dreamt_at_local) as integer) as local_year,
        cast(extract(month from dreamt_at_local) as integer) as local_month,
        is_lucid,
        is_nightmare,
        is_counted

    from localized

)

select * from dated
where local_year in ({{ recap_year - 1 }}, {{ recap_year }})
