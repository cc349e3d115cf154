-- Every number in a payload is the one analysts see in dreamer_years.
{%- set fields = [
    ('total', 'total_dreams'), ('difference', 'difference_from_average'), ('lucid', 'lucid_dreams'),
    ('nightmares', 'nightmare_dreams'), ('average', 'average_dreams'), ('previous_year', 'previous_year_dreams'),
    ('top_percent', 'top_percent'), ('longest_streak', 'longest_streak_days'), ('busiest_month', 'busiest_month'),
] %}
with

payloads as (

    select
        user_id,
        recap_year,
        {%- for key, column in fields %}
        cast({{ json_text_at('payload', ['dreams', key]) }} as bigint) as payload_{{ key }},
        {%- endfor %}
        cast({{ json_text_at('payload', ['user', 'id']) }} as bigint) as payload_user_id,
        cast({{ json_text_at('payload', ['year']) }} as integer) as payload_year

    from {{ ref('recap_payloads') }}

),

dreamers as (

    select * from {{ ref('dreamer_years') }}

)

select payloads.*
from payloads
inner join dreamers
    on payloads.user_id = dreamers.user_id
where
    payloads.payload_user_id <> payloads.user_id
    or payloads.payload_year <> payloads.recap_year
    {%- for key, column in fields %}
    or payloads.payload_{{ key }} is distinct from dreamers.{{ column }}
    {%- endfor %}
