{{ demo_seed_dependency('places') }}
with

source as (

    select * from {{ source('app', 'places') }}

),

renamed as (

    select
        cast(place_id as bigint) as place_id,
        cast(user_id as bigint) as user_id,
        nullif({{ trim_whitespace("cast(name as " ~ dbt.type_string() ~ ")") }}, '') as place_name,
        lower(nullif({{ trim_whitespace("cast(name as " ~ dbt.type_string() ~ ")") }}, '')) as place_key

    from source

)

select * from renamed
