{{ quarantine_checked_first() }}
with

source as (

    select * from {{ ref('base_app__dreams') }}
    where quarantine_reason is null

),

renamed as (

    select
        dream_id,
        user_id,
        dreamt_at_utc,
        deleted_at,
        coalesce(is_lucid, false) as is_lucid,
        coalesce(is_nightmare, false) as is_nightmare,
        deleted_at is not null as is_deleted

    from source

)

select * from renamed
