{#
  strip_unsafe_characters: remove the characters that must never reach a poster from a text value -
  C0 and C1 control characters (U+0000-U+001F, U+007F-U+009F) and the bidi marks, embeddings,
  overrides and isolates (U+200E, U+200F, U+202A-U+202E, U+2066-U+2069): U+202E alone shows a name
  reversed. One regular expression whose character class is built with chr(), so it reads the same
  on every engine; only NUL differs (Postgres text cannot hold it, DuckDB's can).
#}
{% macro strip_unsafe_characters(expression) -%}
    {{ return(adapter.dispatch('strip_unsafe_characters', 'dream_recap')(expression)) }}
{%- endmacro %}

{% macro default__strip_unsafe_characters(expression) -%}
    regexp_replace({{ expression }}, {{ _unsafe_character_class() }}, '', 'g')
{%- endmacro %}

{% macro duckdb__strip_unsafe_characters(expression) -%}
    regexp_replace(replace({{ expression }}, chr(0), ''), {{ _unsafe_character_class() }}, '', 'g')
{%- endmacro %}

{% macro _unsafe_character_class() -%}
    {%- set ranges = [(1, 31), (127, 159), (8206, 8207), (8234, 8238), (8294, 8297)] -%}
    ('['{% for low, high in ranges %} || chr({{ low }}) || '-' || chr({{ high }}){% endfor %} || ']')
{%- endmacro %}

{#
  clean_name: a name as typed -> the name to show: unsafe characters stripped, then surrounding
  whitespace trimmed; blank -> null.
#}
{% macro clean_name(expression) -%}
    nullif({{ trim_whitespace(strip_unsafe_characters("cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")")) }}, '')
{%- endmacro %}
