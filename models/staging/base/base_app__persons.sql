-- One row per person_id of the raw persons, cast, with the reason to quarantine it (null = clean).
-- Exact duplicate rows collapse to one; a person_id whose copies differ is quarantined whole.
{{ demo_seed_dependency('persons') }}
with

source as (

    select * from {{ source('app', 'persons') }}

),

renamed as (

    select
        cast(person_id as bigint) as person_id,
        cast(user_id as bigint) as user_id,
        cast(name as {{ dbt.type_string() }}) as person_name

    from source

),

collapsed as (

    select
        person_id,
        count(*) as source_rows,
        min(user_id) as user_id,
        min(person_name) as person_name,
        {{ group_has_one_version(['user_id', 'person_name']) }} as has_one_version

    from renamed
    group by person_id

),

checked as (

    select
        person_id,
        user_id,
        person_name,
        source_rows,
        case
            when person_id is null then 'missing key'
            when not has_one_version then 'duplicate key'
            when user_id is null then 'missing owner'
        end as quarantine_reason

    from collapsed

)

select * from checked
