{{ demo_seed_dependency('dreams') }}
with

source as (

    select * from {{ source('app', 'dreams') }}

),

renamed as (

    select
        cast(dream_id as bigint) as dream_id,
        cast(user_id as bigint) as user_id,
        cast(dreamt_at as timestamp) as dreamt_at_utc,
        coalesce(cast(is_lucid as boolean), false) as is_lucid,
        coalesce(cast(is_nightmare as boolean), false) as is_nightmare,
        cast(deleted_at as timestamp) as deleted_at,
        deleted_at is not null as is_deleted

    from source

)

select * from renamed
