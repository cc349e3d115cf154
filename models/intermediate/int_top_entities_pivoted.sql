-- One row per user: their top three persons, places and emotions as columns, pivoted in a single
-- group by (one pass; Postgres plans this far better than three separate aggregations).
{%- set entity_types = ['person', 'place', 'emotion'] %}
with

top_mentions as (

    select * from {{ ref('int_entity_mentions_ranked') }}
    where mention_rank <= 3

),

pivoted as (

    select
        user_id
        {%- for entity_type in entity_types %}
        {%- for rank in range(1, 4) %},
        max(entity_name) filter (where entity_type = '{{ entity_type }}' and mention_rank = {{ rank }}) as {{ entity_type }}_{{ rank }}_name,
        max(mention_count) filter (where entity_type = '{{ entity_type }}' and mention_rank = {{ rank }}) as {{ entity_type }}_{{ rank }}_count
        {%- endfor %}
        {%- endfor %}

    from top_mentions
    group by user_id

)

select * from pivoted
