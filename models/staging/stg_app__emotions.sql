{{ demo_seed_dependency('emotions') }}
with

source as (

    select * from {{ source('app', 'emotions') }}

),

renamed as (

    select
        cast(emotion_id as bigint) as emotion_id,
        nullif({{ trim_whitespace("cast(name as " ~ dbt.type_string() ~ ")") }}, '') as emotion_name,
        lower(nullif({{ trim_whitespace("cast(name as " ~ dbt.type_string() ~ ")") }}, '')) as emotion_key

    from source

)

select * from renamed
