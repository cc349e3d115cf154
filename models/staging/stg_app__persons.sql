{{ quarantine_checked_first() }}
with

source as (

    select * from {{ ref('base_app__persons') }}
    where quarantine_reason is null

),

renamed as (

    select
        person_id,
        user_id,
        {{ clean_name('person_name') }} as person_name,
        lower({{ clean_name('person_name') }}) as person_key

    from source

)

select * from renamed
