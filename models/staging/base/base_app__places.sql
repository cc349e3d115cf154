-- One row per place_id of the raw places, cast, with the reason to quarantine it (null = clean).
-- Exact duplicate rows collapse to one; a place_id whose copies differ is quarantined whole.
{{ demo_seed_dependency('places') }}
with

source as (

    select * from {{ source('app', 'places') }}

),

renamed as (

    select
        cast(place_id as bigint) as place_id,
        cast(user_id as bigint) as user_id,
        cast(name as {{ dbt.type_string() }}) as place_name

    from source

),

collapsed as (

    select
        place_id,
        count(*) as source_rows,
        min(user_id) as user_id,
        min(place_name) as place_name,
        {{ group_has_one_version(['user_id', 'place_name']) }} as has_one_version

    from renamed
    group by place_id

),

checked as (

    select
        place_id,
        user_id,
        place_name,
        source_rows,
        case
            when place_id is null then 'missing key'
            when not has_one_version then 'duplicate key'
            when user_id is null then 'missing owner'
        end as quarantine_reason

    from collapsed

)

select * from checked
