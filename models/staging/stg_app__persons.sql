{{ demo_seed_dependency('persons') }}
with

source as (

    select * from {{ source('app', 'persons') }}

),

renamed as (

    select
        cast(person_id as bigint) as person_id,
        cast(user_id as bigint) as user_id,
        nullif({{ trim_whitespace("cast(name as " ~ dbt.type_string() ~ ")") }}, '') as person_name,
        lower(nullif({{ trim_whitespace("cast(name as " ~ dbt.type_string() ~ ")") }}, '')) as person_key

    from source

)

select * from renamed
