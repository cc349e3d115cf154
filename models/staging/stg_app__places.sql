{{ quarantine_checked_first() }}
with

source as (

    select * from {{ ref('base_app__places') }}
    where quarantine_reason is null

),

renamed as (

    select
        place_id,
        user_id,
        {{ clean_name('place_name') }} as place_name,
        lower({{ clean_name('place_name') }}) as place_key

    from source

)

select * from renamed
