-- One row per dream_id of the raw dreams, cast, with the reason to quarantine it (null = clean).
-- Exact duplicate rows collapse to one; a dream_id whose copies differ is quarantined whole.
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
        cast(is_lucid as boolean) as is_lucid,
        cast(is_nightmare as boolean) as is_nightmare,
        cast(deleted_at as timestamp) as deleted_at

    from source

),

collapsed as (

    select
        dream_id,
        count(*) as source_rows,
        min(user_id) as user_id,
        min(dreamt_at_utc) as dreamt_at_utc,
        bool_or(is_lucid) as is_lucid,
        bool_or(is_nightmare) as is_nightmare,
        min(deleted_at) as deleted_at,
        {{ group_has_one_version(['user_id', 'dreamt_at_utc', 'deleted_at'], ['is_lucid', 'is_nightmare']) }}
            as has_one_version

    from renamed
    group by dream_id

),

checked as (

    select
        dream_id,
        user_id,
        dreamt_at_utc,
        is_lucid,
        is_nightmare,
        deleted_at,
        source_rows,
        case
            when dream_id is null then 'missing key'
            when not has_one_version then 'duplicate key'
            when user_id is null then 'missing author'
            when dreamt_at_utc is null then 'missing date'
            when dreamt_at_utc > {{ as_of_timestamp() }} then 'in the future'
        end as quarantine_reason

    from collapsed

)

select * from checked
