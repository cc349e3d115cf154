-- One row per app user, with the time zone that applies: their own when it is a known IANA name
-- (matched ignoring case and surrounding spaces), else UTC.
with

users as (

    select * from {{ ref('stg_app__users') }}

),

time_zones as (

    select * from {{ ref('int_time_zones_supported') }}

),

resolved as (

    select
        users.user_id,
        users.display_name,
        users.locale,
        users.time_zone_name as time_zone_name_raw,
        users.is_deleted,
        coalesce(time_zones.time_zone_name, 'UTC') as time_zone_name,
        time_zones.time_zone_name is null as is_time_zone_defaulted

    from users
    left join time_zones
        on lower(users.time_zone_name) = time_zones.time_zone_key

)

select * from resolved
