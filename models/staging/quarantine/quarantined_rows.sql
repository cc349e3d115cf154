-- The raw rows left out of the recap: one row per source table and key (see the base models for the
-- reasons), with how many raw rows that is and how many rows its table has, for the threshold test.
{%- set keyed_tables = [
    {'table': 'users', 'key': 'user_id'},
    {'table': 'dreams', 'key': 'dream_id'},
    {'table': 'persons', 'key': 'person_id'},
    {'table': 'places', 'key': 'place_id'},
    {'table': 'emotions', 'key': 'emotion_id'},
] %}
with
{% for keyed in keyed_tables %}
{{ keyed.table }}_quarantined as (

    select
        '{{ keyed.table }}' as source_table,
        cast({{ keyed.key }} as {{ dbt.type_string() }}) as source_key,
        quarantine_reason as reason,
        source_rows

    from {{ ref('base_app__' ~ keyed.table) }}
    where quarantine_reason is not null

),

{{ keyed.table }}_size as (

    select
        '{{ keyed.table }}' as source_table,
        sum(source_rows) as source_table_rows

    from {{ ref('base_app__' ~ keyed.table) }}

),
{% endfor %}
quarantined as (

    select * from users_quarantined
    union all
    select * from dreams_quarantined
    union all
    select * from persons_quarantined
    union all
    select * from places_quarantined
    union all
    select * from emotions_quarantined

),

sizes as (

    select * from users_size
    union all
    select * from dreams_size
    union all
    select * from persons_size
    union all
    select * from places_size
    union all
    select * from emotions_size

),

final as (

    select
        quarantined.source_table,
        quarantined.source_key,
        quarantined.reason,
        cast(quarantined.source_rows as bigint) as source_rows,
        cast(sizes.source_table_rows as bigint) as source_table_rows

    from quarantined
    inner join sizes
        on quarantined.source_table = sizes.source_table

)

select * from final
