{#
  codepoint_order: an expression to `order by` so strings sort by Unicode code point on every engine.
  DuckDB compares strings byte-wise (UTF-8 byte order = code-point order); Postgres sorts by the
  database collation unless told `collate "C"` (byte order).
#}
{% macro codepoint_order(expression) -%}
    {{ return(adapter.dispatch('codepoint_order', 'dream_recap')(expression)) }}
{%- endmacro %}

{% macro default__codepoint_order(expression) -%}
    {{ expression }}
{%- endmacro %}

{% macro postgres__codepoint_order(expression) -%}
    ({{ expression }}) collate "C"
{%- endmacro %}

{#
  trim_whitespace: strip leading and trailing whitespace - every character Python's str.isspace()
  accepts (ASCII controls 9-13 and 28-31, space, NEL, no-break spaces, the Unicode space separators) -
  the same on every engine. Plain trim() differs: Postgres strips only ' ', DuckDB strips some Unicode
  spaces but not tabs or newlines.
#}
{% macro trim_whitespace(expression) -%}
    {{ return(adapter.dispatch('trim_whitespace', 'dream_recap')(expression)) }}
{%- endmacro %}

{% macro default__trim_whitespace(expression) -%}
    btrim({{ expression }}, {{ whitespace_characters() }})
{%- endmacro %}

{% macro duckdb__trim_whitespace(expression) -%}
    trim({{ expression }}, {{ whitespace_characters() }})
{%- endmacro %}

{% macro whitespace_characters() -%}
    {%- set code_points = [9, 10, 11, 12, 13, 28, 29, 30, 31, 32, 133, 160, 5760] + range(8192, 8203) | list + [8232, 8233, 8239, 8287, 12288] -%}
    ({% for code_point in code_points %}chr({{ code_point }}){{ ' || ' if not loop.last }}{% endfor %})
{%- endmacro %}
