{{ demo_seed_dependency('dream_emotions') }}
with

source as (

    select * from {{ source('app', 'dream_emotions') }}

),

renamed as (

    select
        cast(dream_id as bigint) as dream_id,
        cast(emotion_id as bigint) as emotion_id

    from source

)

select * from renamed
