-- Which entity (person, place, emotion) each counted dream of the recap year mentions, one row per
-- dream, entity and spelling. Dangling links, another user's persons/places, blank names and
-- duplicate link rows drop out; names equal after lower(trim()) share one entity_key.
-- Two equivalent forms, chosen per engine (macros/cross_db/planner_hints.sql): on Postgres one join
-- chain per entity type on integer keys (each CTE referenced once, so it plans them with statistics
-- as hash joins), then one union and one distinct; on DuckDB the link and entity tables unioned
-- first, joined once, then one distinct.
{%- set entity_types = [
    {'type': 'person', 'links': 'stg_app__dream_persons', 'entities': 'stg_app__persons', 'owned': true},
    {'type': 'place', 'links': 'stg_app__dream_places', 'entities': 'stg_app__places', 'owned': true},
    {'type': 'emotion', 'links': 'stg_app__dream_emotions', 'entities': 'stg_app__emotions', 'owned': false},
] %}
{%- if join_links_per_entity_type() %}
with
{% for entity in entity_types %}
{{ entity.type }}_dreams as (

    select
        dream_id,
        user_id

    from {{ ref('int_dreams_localized') }}
    where is_counted and local_year = {{ recap_year() }}

),

{{ entity.type }}_links as (

    select
        {{ entity.type }}_dreams.user_id,
        {{ entity.type }}_dreams.dream_id,
        '{{ entity.type }}' as entity_type,
        entities.{{ entity.type }}_key as entity_key,
        entities.{{ entity.type }}_name as entity_name

    from {{ ref(entity.links) }} as links
    inner join {{ entity.type }}_dreams
        on links.dream_id = {{ entity.type }}_dreams.dream_id
    inner join {{ ref(entity.entities) }} as entities
        on
            links.{{ entity.type }}_id = entities.{{ entity.type }}_id
            {%- if entity.owned %}
            -- another user's {{ entity.type }} does not count (the emotion taxonomy is shared by all)
            and {{ entity.type }}_dreams.user_id = entities.user_id
            {%- endif %}
    where entities.{{ entity.type }}_key is not null

),
{% endfor %}
all_links as (

    select * from person_links
    union all
    select * from place_links
    union all
    select * from emotion_links

),

deduplicated as (

    select distinct
        user_id,
        dream_id,
        entity_type,
        entity_key,
        entity_name

    from all_links

)

select * from deduplicated
{%- else %}
with

dreams as (

    select
        dream_id,
        user_id

    from {{ ref('int_dreams_localized') }}
    where is_counted and local_year = {{ recap_year() }}

),

links as (

    select
        dream_id,
        'person' as entity_type,
        person_id as entity_id
    from {{ ref('stg_app__dream_persons') }}
    union all
    select
        dream_id,
        'place' as entity_type,
        place_id as entity_id
    from {{ ref('stg_app__dream_places') }}
    union all
    select
        dream_id,
        'emotion' as entity_type,
        emotion_id as entity_id
    from {{ ref('stg_app__dream_emotions') }}

),

entities as (

    select
        'person' as entity_type,
        person_id as entity_id,
        user_id as owner_id,
        false as is_shared,
        person_key as entity_key,
        person_name as entity_name
    from {{ ref('stg_app__persons') }}
    where person_key is not null
    union all
    select
        'place' as entity_type,
        place_id as entity_id,
        user_id as owner_id,
        false as is_shared,
        place_key as entity_key,
        place_name as entity_name
    from {{ ref('stg_app__places') }}
    where place_key is not null
    union all
    select
        'emotion' as entity_type,
        emotion_id as entity_id,
        cast(null as bigint) as owner_id,
        true as is_shared,
        emotion_key as entity_key,
        emotion_name as entity_name
    from {{ ref('stg_app__emotions') }}
    where emotion_key is not null

),

deduplicated as (

    select distinct
        dreams.user_id,
        dreams.dream_id,
        links.entity_type,
        entities.entity_key,
        entities.entity_name

    from links
    inner join dreams
        on links.dream_id = dreams.dream_id
    inner join entities
        on
            links.entity_type = entities.entity_type
            and links.entity_id = entities.entity_id
    -- another user's person or place does not count; the emotion taxonomy is shared by all
    where entities.is_shared or dreams.user_id = entities.owner_id

)

select * from deduplicated
{%- endif %}
