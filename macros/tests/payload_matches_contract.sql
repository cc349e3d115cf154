{#
  Generic test: every JSON document in `column_name` has the shape of schemas/recap_payload.schema.json.
  The schema's facts are the test's arguments (in models/marts/_marts__models.yml); a pytest
  (tests/test_warehouse_contract.py) fails when those arguments drift from the schema file.

  objects:    [{path: [...], keys: [...]}]      object at path with exactly these keys
  values:     [{path: [...], types: [...], minimum:, maximum:, max_length:, min_length:}]
  pair_lists: [{path: [...], max_items:, name_min_length:, count_minimum:}]  arrays of [string, integer]
  A path is a list of keys / array indexes from the document root. Fails with one row per bad payload,
  listing its problems. Every path is extracted once per document (one parse on DuckDB), then inspected.
#}
{% test payload_matches_contract(model, column_name, objects=[], values=[], pair_lists=[]) %}
{#- every path the checks look at, each once; path number n is column p<n> below -#}
{%- set paths = [] -%}
{%- for object in objects -%}
    {%- if object.path not in paths %}{% do paths.append(object.path) %}{% endif -%}
    {%- for key in object['keys'] -%}
        {%- if object.path + [key] not in paths %}{% do paths.append(object.path + [key]) %}{% endif -%}
    {%- endfor -%}
{%- endfor -%}
{%- for value in values -%}
    {%- if value.path not in paths %}{% do paths.append(value.path) %}{% endif -%}
{%- endfor -%}
{%- for pair_list in pair_lists -%}
    {%- if pair_list.path not in paths %}{% do paths.append(pair_list.path) %}{% endif -%}
    {%- for index in range(pair_list.max_items) -%}
        {%- for item in [pair_list.path + [index], pair_list.path + [index, 0], pair_list.path + [index, 1]] -%}
            {%- if item not in paths %}{% do paths.append(item) %}{% endif -%}
        {%- endfor -%}
    {%- endfor -%}
{%- endfor -%}

{#- the objects and arrays whose number of keys / items is checked -#}
{%- set sized_paths = objects | map(attribute='path') | list -%}
{%- for pair_list in pair_lists -%}
    {%- do sized_paths.append(pair_list.path) -%}
    {%- for index in range(pair_list.max_items) %}{% do sized_paths.append(pair_list.path + [index]) %}{% endfor -%}
{%- endfor -%}

{%- set checks = [] -%}
{%- for object in objects -%}
    {%- set condition -%}
        coalesce({{ 'p' ~ (paths.index(object.path) + 1) }}_size, -1) <> {{ object['keys'] | length }}
        or {{ 'p' ~ (paths.index(object.path) + 1) }}_type <> 'object'
        {%- for key in object['keys'] %}
        or {{ 'p' ~ (paths.index(object.path + [key]) + 1) }}_type is null
        {%- endfor %}
    {%- endset -%}
    {%- do checks.append(('object ' ~ (object.path | join('.') or '(root)') ~ ' must have exactly the keys ' ~ (object['keys'] | join(', ')), condition)) -%}
{%- endfor -%}

{%- for value in values -%}
    {%- set p = 'p' ~ (paths.index(value.path) + 1) -%}
    {%- set condition -%}
        coalesce({{ p }}_type, 'missing') not in ('{{ value.types | join("', '") }}')
        {%- if value.get('minimum') is not none %}
        or (case when {{ p }}_type in ('integer', 'number') then cast({{ p }}_text as double precision) end) < {{ value.minimum }}
        {%- endif %}
        {%- if value.get('maximum') is not none %}
        or (case when {{ p }}_type in ('integer', 'number') then cast({{ p }}_text as double precision) end) > {{ value.maximum }}
        {%- endif %}
        {%- if value.get('max_length') is not none %}
        or (case when {{ p }}_type = 'string' then length({{ p }}_text) end) > {{ value.max_length }}
        {%- endif %}
        {%- if value.get('min_length') is not none %}
        or (case when {{ p }}_type = 'string' then length({{ p }}_text) end) < {{ value.min_length }}
        {%- endif %}
    {%- endset -%}
    {%- do checks.append((value.path | join('.') ~ ' must be ' ~ (value.types | join(' or ')) ~ ' within its bounds', condition)) -%}
{%- endfor -%}

{%- for pair_list in pair_lists -%}
    {%- set p = 'p' ~ (paths.index(pair_list.path) + 1) -%}
    {%- set condition -%}
        coalesce({{ p }}_type, 'missing') <> 'array' or {{ p }}_size > {{ pair_list.max_items }}
    {%- endset -%}
    {%- do checks.append((pair_list.path | join('.') ~ ' must be an array of at most ' ~ pair_list.max_items ~ ' items', condition)) -%}
    {%- for index in range(pair_list.max_items) -%}
        {%- set item = pair_list.path + [index] -%}
        {%- set condition -%}
            {{ 'p' ~ (paths.index(item) + 1) }}_type is not null
            and (
                {{ 'p' ~ (paths.index(item) + 1) }}_type <> 'array'
                or {{ 'p' ~ (paths.index(item) + 1) }}_size <> 2
                or coalesce({{ 'p' ~ (paths.index(item + [0]) + 1) }}_type, 'missing') <> 'string'
                or length({{ 'p' ~ (paths.index(item + [0]) + 1) }}_text) < {{ pair_list.name_min_length }}
                or coalesce({{ 'p' ~ (paths.index(item + [1]) + 1) }}_type, 'missing') <> 'integer'
                or cast({{ 'p' ~ (paths.index(item + [1]) + 1) }}_text as double precision) < {{ pair_list.count_minimum }}
            )
        {%- endset -%}
        {%- do checks.append((item | join('.') ~ ' must be a [name, count] pair', condition)) -%}
    {%- endfor -%}
{%- endfor -%}

with

payloads as (

    select {{ column_name }} as payload from {{ model }}

),

extracted as materialized (

    select
        payload,
        {{ json_values_at('payload', paths) }} as path_values

    from payloads

),

-- `as materialized`: each step is computed once per document; Postgres would otherwise inline the
-- CTEs and re-extract every path (re-reading the whole document) at each of its uses below.
fragments as materialized (

    select
        payload
        {%- for path in paths %},
        path_values[{{ loop.index }}] as p{{ loop.index }}
        {%- endfor %}

    from extracted

),

inspected as materialized (

    select
        payload
        {%- for path in paths %},
        {{ json_schema_type_at('p' ~ loop.index, []) }} as p{{ loop.index }}_type,
        {{ json_text_at('p' ~ loop.index, []) }} as p{{ loop.index }}_text,
        {%- if path in sized_paths %}
        coalesce({{ json_array_length_at('p' ~ loop.index, []) }}, {{ json_key_count_at('p' ~ loop.index, []) }}) as p{{ loop.index }}_size
        {%- else %}
        cast(null as bigint) as p{{ loop.index }}_size
        {%- endif %}
        {%- endfor %}

    from fragments

),

problems as (

    select
        payload,
        concat_ws('; '
        {%- for problem, condition in checks %},
            case when {{ condition }} then '{{ problem | replace("'", "''") }}' end
        {%- endfor %}
        ) as problems

    from inspected

)

select * from problems
where problems <> ''
{% endtest %}
