{#
  JSON building. The payload is first built as one canonical text - compact, keys in contract order,
  strings escaped by the engine's own to_json - by plain concatenation, which reads the same on every
  engine; only the string escaping and the final cast to the engine's JSON type are dispatched. The
  canonical text is byte-identical on DuckDB and Postgres (pinned by tests), so is its hash.
#}

{# A text expression -> its JSON string literal ("..." with escapes), or `null`. #}
{% macro json_string_literal(expression) -%}
    coalesce({{ adapter.dispatch('json_string_literal', 'dream_recap')(expression) }}, 'null')
{%- endmacro %}

{% macro default__json_string_literal(expression) -%}
    cast(to_json(cast({{ expression }} as text)) as text)
{%- endmacro %}

{% macro duckdb__json_string_literal(expression) -%}
    cast(to_json(cast({{ expression }} as varchar)) as varchar)
{%- endmacro %}

{# An integer expression -> its JSON number literal, or `null`. #}
{% macro json_integer_literal(expression) -%}
    coalesce(cast(cast({{ expression }} as bigint) as varchar), 'null')
{%- endmacro %}

{# [(key, json_text_expression), ...] -> '{"key":value,...}' in the given key order. #}
{% macro json_object_text(pairs) -%}
    '{'
    {%- for key, value in pairs %}
        || '{{ "," if not loop.first }}{{ tojson(key) }}:' || {{ value }}
    {%- endfor %}
    || '}'
{%- endmacro %}

{#
  [(name_expression, count_expression), ...] -> '[["name",count],...]', skipping pairs whose name is
  null (so up to three pivoted columns give a list of 0 to 3 pairs, in the given order).
#}
{% macro json_pair_list_text(pairs) -%}
    '[' || concat_ws(','
    {%- for name, count in pairs %},
        case when ({{ name }}) is not null
            then '[' || {{ json_string_literal(name) }} || ',' || {{ json_integer_literal(count) }} || ']'
        end
    {%- endfor %}
    ) || ']'
{%- endmacro %}

{# Canonical JSON text -> the engine's JSON column type (DuckDB json, Postgres jsonb). #}
{% macro parse_json(text_expression) -%}
    {{ return(adapter.dispatch('parse_json', 'dream_recap')(text_expression)) }}
{%- endmacro %}

{% macro default__parse_json(text_expression) -%}
    cast({{ text_expression }} as jsonb)
{%- endmacro %}

{% macro duckdb__parse_json(text_expression) -%}
    cast({{ text_expression }} as json)
{%- endmacro %}

{#
  JSON reading, for tests. `keys` is a list of object keys / array indexes from the document root,
  e.g. ['dreams', 'total'] or ['persons', 0, 1].
#}

{# The JSON Schema type name of the value at `keys`: object, array, string, integer, number, boolean,
   null; SQL null when the path does not exist. #}
{% macro json_schema_type_at(json_column, keys) -%}
    {{ return(adapter.dispatch('json_schema_type_at', 'dream_recap')(json_column, keys)) }}
{%- endmacro %}

{% macro default__json_schema_type_at(json_column, keys) -%}
    case jsonb_typeof(({{ json_column }})::jsonb #> {{ _pg_json_path(keys) }})
        when 'number' then
            case when (({{ json_column }})::jsonb #>> {{ _pg_json_path(keys) }})::numeric
                      = trunc((({{ json_column }})::jsonb #>> {{ _pg_json_path(keys) }})::numeric)
                then 'integer' else 'number' end
        else jsonb_typeof(({{ json_column }})::jsonb #> {{ _pg_json_path(keys) }})
    end
{%- endmacro %}

{% macro duckdb__json_schema_type_at(json_column, keys) -%}
    case json_type({{ json_column }}, {{ _duckdb_json_path(keys) }})
        when 'OBJECT' then 'object'
        when 'ARRAY' then 'array'
        when 'VARCHAR' then 'string'
        when 'BIGINT' then 'integer'
        when 'UBIGINT' then 'integer'
        when 'HUGEINT' then 'integer'
        when 'DOUBLE' then 'number'
        when 'BOOLEAN' then 'boolean'
        when 'NULL' then 'null'
    end
{%- endmacro %}

{# The value at `keys` as text (strings unquoted), SQL null when missing or JSON null. #}
{% macro json_text_at(json_column, keys) -%}
    {{ return(adapter.dispatch('json_text_at', 'dream_recap')(json_column, keys)) }}
{%- endmacro %}

{% macro default__json_text_at(json_column, keys) -%}
    (({{ json_column }})::jsonb #>> {{ _pg_json_path(keys) }})
{%- endmacro %}

{% macro duckdb__json_text_at(json_column, keys) -%}
    json_extract_string({{ json_column }}, {{ _duckdb_json_path(keys) }})
{%- endmacro %}

{# Number of elements of the array at `keys` (SQL null if not an array). #}
{% macro json_array_length_at(json_column, keys) -%}
    {{ return(adapter.dispatch('json_array_length_at', 'dream_recap')(json_column, keys)) }}
{%- endmacro %}

{% macro default__json_array_length_at(json_column, keys) -%}
    case when jsonb_typeof(({{ json_column }})::jsonb #> {{ _pg_json_path(keys) }}) = 'array'
        then jsonb_array_length(({{ json_column }})::jsonb #> {{ _pg_json_path(keys) }}) end
{%- endmacro %}

{% macro duckdb__json_array_length_at(json_column, keys) -%}
    case when json_type({{ json_column }}, {{ _duckdb_json_path(keys) }}) = 'ARRAY'
        then json_array_length({{ json_column }}, {{ _duckdb_json_path(keys) }}) end
{%- endmacro %}

{# Number of keys of the object at `keys` (SQL null if not an object). #}
{% macro json_key_count_at(json_column, keys) -%}
    {{ return(adapter.dispatch('json_key_count_at', 'dream_recap')(json_column, keys)) }}
{%- endmacro %}

{% macro default__json_key_count_at(json_column, keys) -%}
    case when jsonb_typeof(({{ json_column }})::jsonb #> {{ _pg_json_path(keys) }}) = 'object'
        then (select count(*) from jsonb_object_keys(({{ json_column }})::jsonb #> {{ _pg_json_path(keys) }})) end
{%- endmacro %}

{% macro duckdb__json_key_count_at(json_column, keys) -%}
    case when json_type({{ json_column }}, {{ _duckdb_json_path(keys) }}) = 'OBJECT'
        then len(json_keys({{ json_column }}, {{ _duckdb_json_path(keys) }})) end
{%- endmacro %}

{% macro _pg_json_path(keys) -%}
    '{ {{- keys | join(',') -}} }'::text[]
{%- endmacro %}

{% macro _duckdb_json_path(keys) -%}
    '$
    {%- for key in keys -%}
        {%- if key is number -%}[{{ key }}]{%- else -%}."{{ key }}"{%- endif -%}
    {%- endfor -%}'
{%- endmacro %}

{# The values at several paths as one array of JSON values (1-based), extracted in one pass. #}
{% macro json_values_at(json_column, paths) -%}
    {{ return(adapter.dispatch('json_values_at', 'dream_recap')(json_column, paths)) }}
{%- endmacro %}

{% macro default__json_values_at(json_column, paths) -%}
    array[
        {%- for keys in paths %}
        ({{ json_column }})::jsonb #> {{ _pg_json_path(keys) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ]
{%- endmacro %}

{% macro duckdb__json_values_at(json_column, paths) -%}
    json_extract({{ json_column }}, [
        {%- for keys in paths %}
        {{ _duckdb_json_path(keys) }}{{ ',' if not loop.last }}
        {%- endfor %}
    ])
{%- endmacro %}
