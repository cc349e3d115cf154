-- One row per user: their top three persons, places and emotions as columns, pivoted in a single
-- group by (one pass; Postgres plans this far better than three separate aggregations).
{%- set pivoted_columns = [] %}
{%- for entity_type in ['person', 'place', 'emotion'] %}
{%- for rank in range(1, 4) %}
{%- set condition = "entity_type = '" ~ entity_type ~ "' and mention_rank = " ~ rank %}
{%- set prefix = entity_type ~ "_" ~ rank %}
{%- do pivoted_columns.append("max(entity_name) filter (where " ~ condition ~ ") as " ~ prefix ~ "_name") %}
{%- do pivoted_columns.append("max(mention_count) filter (where " ~ condition ~ ") as " ~ prefix ~ "_count") %}
{%- endfor %}
{%- endfor %}
with

top_mentions as (

    select * from {{ ref('int_entity_mentions_ranked') }}
    where mention_rank <= 3

),

pivoted as (

    select
        user_id,
        {{ pivoted_columns | join(',\n        ') }}

    from top_mentions
    group by user_id

)

select * from pivoted
