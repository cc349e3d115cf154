{#
  Generic test: every JSON document in `column_name` has the shape of schemas/recap_payload.schema.json.
  The schema's facts are the test's arguments (in models/marts/_marts__models.yml); a pytest
  (tests/test_warehouse_contract.py) fails when those arguments drift from the schema file.

  objects:    [{path: [...], keys: [...]}]      object at path with exactly these keys
  values:     [{path: [...], types: [...], minimum:, maximum:, max_length:, min_length:}]
  pair_lists: [{path: [...], max_items:, name_min_length:, count_minimum:}]  arrays of [string, integer]
  A path is a list of keys from the document root. Fails with one row per payload and problem.
#}
{% test payload_matches_contract(model, column_name, objects=[], values=[], pair_lists=[]) %}
{%- set checks = [] -%}

{%- for object in objects -%}
    {%- set condition -%}
        coalesce({{ json_key_count_at('payload', object.path) }}, -1) <> {{ object['keys'] | length }}
        {%- for key in object['keys'] %}
        or {{ json_schema_type_at('payload', object.path + [key]) }} is null
        {%- endfor %}
    {%- endset -%}
    {%- do checks.append(('object ' ~ (object.path | join('.') or '(root)') ~ ' must have exactly the keys ' ~ (object['keys'] | join(', ')), condition)) -%}
{%- endfor -%}

{%- for value in values -%}
    {%- set type_expression = json_schema_type_at('payload', value.path) -%}
    {%- set text_expression = json_text_at('payload', value.path) -%}
    {%- set condition -%}
        coalesce({{ type_expression }}, 'missing') not in ('{{ value.types | join("', '") }}')
        {%- if value.get('minimum') is not none %}
        or (case when {{ type_expression }} in ('integer', 'number') then cast({{ text_expression }} as double precision) end) < {{ value.minimum }}
        {%- endif %}
        {%- if value.get('maximum') is not none %}
        or (case when {{ type_expression }} in ('integer', 'number') then cast({{ text_expression }} as double precision) end) > {{ value.maximum }}
        {%- endif %}
        {%- if value.get('max_length') is not none %}
        or (case when {{ type_expression }} = 'string' then length({{ text_expression }}) end) > {{ value.max_length }}
        {%- endif %}
        {%- if value.get('min_length') is not none %}
        or (case when {{ type_expression }} = 'string' then length({{ text_expression }}) end) < {{ value.min_length }}
        {%- endif %}
    {%- endset -%}
    {%- do checks.append((value.path | join('.') ~ ' must be ' ~ (value.types | join(' or ')) ~ ' within its bounds', condition)) -%}
{%- endfor -%}

{%- for pair_list in pair_lists -%}
    {%- set condition -%}
        coalesce({{ json_array_length_at('payload', pair_list.path) }}, -1) not between 0 and {{ pair_list.max_items }}
    {%- endset -%}
    {%- do checks.append((pair_list.path | join('.') ~ ' must be an array of at most ' ~ pair_list.max_items ~ ' items', condition)) -%}
    {%- for index in range(pair_list.max_items) -%}
        {%- set item = pair_list.path + [index] -%}
        {%- set condition -%}
            coalesce({{ json_array_length_at('payload', pair_list.path) }}, 0) > {{ index }}
            and (
                coalesce({{ json_array_length_at('payload', item) }}, -1) <> 2
                or coalesce({{ json_schema_type_at('payload', item + [0]) }}, 'missing') <> 'string'
                or length({{ json_text_at('payload', item + [0]) }}) < {{ pair_list.name_min_length }}
                or coalesce({{ json_schema_type_at('payload', item + [1]) }}, 'missing') <> 'integer'
                or cast({{ json_text_at('payload', item + [1]) }} as double precision) < {{ pair_list.count_minimum }}
            )
        {%- endset -%}
        {%- do checks.append((item | join('.') ~ ' must be a [name, count] pair', condition)) -%}
    {%- endfor -%}
{%- endfor -%}

with

payloads as (

    select {{ column_name }} as payload from {{ model }}

)

{% for problem, condition in checks %}
select payload, '{{ problem | replace("'", "''") }}' as problem
from payloads
where {{ condition }}
{{ 'union all' if not loop.last }}
{% endfor %}
{% endtest %}
