-- One row per user, entity type and entity: how many counted dreams of the recap year mention it,
-- the spelling to show, and its rank in the user's list.
with

entity_counts as (

    select
        user_id,
        entity_type,
        entity_key,
        count(distinct dream_id) as mention_count

    from {{ ref('int_dream_entities_linked') }}
    group by user_id, entity_type, entity_key

),

spelling_counts as (

    select
        user_id,
        entity_type,
        entity_key,
        entity_name,
        count(*) as spelling_count  -- rows are distinct per dream and spelling

    from {{ ref('int_dream_entities_linked') }}
    group by user_id, entity_type, entity_key, entity_name

),

spellings_ranked as (

    select
        user_id,
        entity_type,
        entity_key,
        entity_name,
        row_number() over (
            partition by user_id, entity_type, entity_key
            order by spelling_count desc, {{ codepoint_order('entity_name') }} asc
        ) as spelling_rank

    from spelling_counts

),

named as (

    select
        entity_counts.user_id,
        entity_counts.entity_type,
        entity_counts.entity_key,
        spellings_ranked.entity_name,
        entity_counts.mention_count

    from entity_counts
    inner join spellings_ranked
        on
            entity_counts.user_id = spellings_ranked.user_id
            and entity_counts.entity_type = spellings_ranked.entity_type
            and entity_counts.entity_key = spellings_ranked.entity_key
            and spellings_ranked.spelling_rank = 1

),

ranked as (

    select
        user_id,
        entity_type,
        entity_key,
        entity_name,
        mention_count,
        row_number() over (
            partition by user_id, entity_type
            order by mention_count desc, {{ codepoint_order('entity_key') }} asc
        ) as mention_rank

    from named

)

select * from ranked
