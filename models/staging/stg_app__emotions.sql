{{ quarantine_checked_first() }}
with

source as (

    select * from {{ ref('base_app__emotions') }}
    where quarantine_reason is null

),

renamed as (

    select
        emotion_id,
        {{ clean_name('emotion_name') }} as emotion_name,
        lower({{ clean_name('emotion_name') }}) as emotion_key

    from source

)

select * from renamed
