{{ demo_seed_dependency('dream_persons') }}
with

source as (

    select * from {{ source('app', 'dream_persons') }}

),

renamed as (

    select
        cast(dream_id as bigint) as dream_id,
        cast(person_id as bigint) as person_id

    from source

)

select * from renamed
