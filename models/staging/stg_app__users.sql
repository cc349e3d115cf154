{{ quarantine_checked_first() }}
with

source as (

    select * from {{ ref('base_app__users') }}
    where quarantine_reason is null

),

renamed as (

    select
        user_id,
        {{ clean_name('display_name') }} as display_name,
        nullif({{ trim_whitespace('locale') }}, '') as locale,  -- noqa: RF04
        nullif({{ trim_whitespace('time_zone_name') }}, '') as time_zone_name,
        created_at,
        deleted_at,
        deleted_at is not null as is_deleted

    from source

)

select * from renamed
