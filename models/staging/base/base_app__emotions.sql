-- One row per emotion_id of the raw emotion taxonomy, cast, with the reason to quarantine it
-- (null = clean). Exact duplicate rows collapse to one; an emotion_id whose copies differ is
-- quarantined whole.
{{ demo_seed_dependency('emotions') }}
with

source as (

    select * from {{ source('app', 'emotions') }}

),

renamed as (

    select
        cast(emotion_id as bigint) as emotion_id,
        cast(name as {{ dbt.type_string() }}) as emotion_name

    from source

),

collapsed as (

    select
        emotion_id,
        count(*) as source_rows,
        min(emotion_name) as emotion_name,
        {{ group_has_one_version(['emotion_name']) }} as has_one_version

    from renamed
    group by emotion_id

),

checked as (

    select
        emotion_id,
        emotion_name,
        source_rows,
        case
            when emotion_id is null then 'missing key'
            when not has_one_version then 'duplicate key'
        end as quarantine_reason

    from collapsed

)

select * from checked
