-- Which entity (person, place, emotion) each counted dream of the recap year mentions, one row per
-- dream, entity and spelling. Dangling links, another user's persons/places, blank names and
-- duplicate link rows drop out; names equal after lower(trim()) share one entity_key.
with

dreams as (

    select dream_id, user_id from {{ ref('int_dreams_localized') }}
    where is_counted and local_year = {{ var('recap_year') }}

),

links as (

    select dream_id, 'person' as entity_type, person_id as entity_id from {{ ref('stg_app__dream_persons') }}
    union all
    select dream_id, 'place' as entity_type, place_id as entity_id from {{ ref('stg_app__dream_places') }}
    union all
    select dream_id, 'emotion' as entity_type, emotion_id as entity_id from {{ ref('stg_app__dream_emotions') }}

),

entities as (

    select
        'person' as entity_type,
        person_id as entity_id,
        user_id as owner_user_id,
        person_key as entity_key,
        person_name as entity_name
    from {{ ref('stg_app__persons') }}
    where person_key is not null

    union all

    select
        'place' as entity_type,
        place_id as entity_id,
        user_id as owner_user_id,
        place_key as entity_key,
        place_name as entity_name
    from {{ ref('stg_app__places') }}
    where place_key is not null

    union all

    select
        'emotion' as entity_type,
        emotion_id as entity_id,
        cast(null as bigint) as owner_user_id,  -- the taxonomy is shared
        emotion_key as entity_key,
        emotion_name as entity_name
    from {{ ref('stg_app__emotions') }}
    where emotion_key is not null

),

joined as (

    select
        dreams.user_id,
        dreams.dream_id,
        links.entity_type,
        entities.entity_key,
        entities.entity_name

    from links
    inner join dreams
        on links.dream_id = dreams.dream_id
    inner join entities
        on links.entity_type = entities.entity_type
        and links.entity_id = entities.entity_id
    where entities.owner_user_id is null
        or entities.owner_user_id = dreams.user_id

),

deduplicated as (

    select distinct
        user_id,
        dream_id,
        entity_type,
        entity_key,
        entity_name

    from joined

)

select * from deduplicated
