-- In every top list, counts never increase along the list and never exceed the year's total.
{%- set lists = ['persons', 'places', 'emotions'] %}
{%- set count_columns = [] %}
{%- for list in lists %}
{%- for index in range(3) %}
{%- set value = json_text_at('payload', [list, index, 1]) %}
{%- do count_columns.append("cast(" ~ value ~ " as bigint) as " ~ list ~ "_" ~ index) %}
{%- endfor %}
{%- endfor %}
with

payloads as (

    select
        user_id,
        cast({{ json_text_at('payload', ['dreams', 'total']) }} as bigint) as total,
        {{ count_columns | join(',\n        ') }}

    from {{ ref('recap_payloads') }}

)

select *
from payloads
where
    false
    {%- for list in lists %}
    or {{ list }}_0 > total
    or {{ list }}_1 > {{ list }}_0
    or {{ list }}_2 > {{ list }}_1
    or ({{ list }}_0 is null and {{ list }}_1 is not null)
    or ({{ list }}_1 is null and {{ list }}_2 is not null)
    {%- endfor %}
