{{ demo_seed_dependency('users') }}
with

source as (

    select * from {{ source('app', 'users') }}

),

renamed as (

    select
        cast(user_id as bigint) as user_id,
        nullif({{ trim_whitespace("cast(display_name as " ~ dbt.type_string() ~ ")") }}, '') as display_name,
        nullif({{ trim_whitespace("cast(locale as " ~ dbt.type_string() ~ ")") }}, '') as locale,
        nullif({{ trim_whitespace("cast(timezone as " ~ dbt.type_string() ~ ")") }}, '') as time_zone_name,
        cast(created_at as timestamp) as created_at,
        cast(deleted_at as timestamp) as deleted_at,
        deleted_at is not null as is_deleted

    from source

)

select * from renamed
