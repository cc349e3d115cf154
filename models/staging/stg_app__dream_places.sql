{{ demo_seed_dependency('dream_places') }}
with

source as (

    select * from {{ source('app', 'dream_places') }}

),

renamed as (

    select
        cast(dream_id as bigint) as dream_id,
        cast(place_id as bigint) as place_id

    from source

)

select * from renamed
