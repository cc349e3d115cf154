-- One row per user_id of the raw users, cast, with the reason to quarantine it (null = clean).
-- Exact duplicate rows collapse to one; a user_id whose copies differ is quarantined whole.
-- (`locale` is a keyword to sqlfluff, but it is the app's column name and a payload key: noqa RF04.)
{{ demo_seed_dependency('users') }}
with

source as (

    select * from {{ source('app', 'users') }}

),

renamed as (

    select
        cast(user_id as bigint) as user_id,
        cast(display_name as {{ dbt.type_string() }}) as display_name,
        cast(locale as {{ dbt.type_string() }}) as locale,  -- noqa: RF04
        cast(timezone as {{ dbt.type_string() }}) as time_zone_name,
        cast(created_at as timestamp) as created_at,
        cast(deleted_at as timestamp) as deleted_at

    from source

),

collapsed as (

    select
        user_id,
        count(*) as source_rows,
        min(display_name) as display_name,
        min(locale) as locale,  -- noqa: RF04
        min(time_zone_name) as time_zone_name,
        min(created_at) as created_at,
        min(deleted_at) as deleted_at,
        {{ group_has_one_version(['display_name', 'locale', 'time_zone_name', 'created_at', 'deleted_at']) }}
            as has_one_version

    from renamed
    group by user_id

),

checked as (

    select
        user_id,
        display_name,
        locale,
        time_zone_name,
        created_at,
        deleted_at,
        source_rows,
        case
            when user_id is null then 'missing key'
            when not has_one_version then 'duplicate key'
        end as quarantine_reason

    from collapsed

)

select * from checked
