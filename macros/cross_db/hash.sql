{# hash_text: lowercase hex MD5 of a text value (same digest on every engine for the same UTF-8 text). #}
{% macro hash_text(expression) -%}
    {{ return(adapter.dispatch('hash_text', 'dream_recap')(expression)) }}
{%- endmacro %}

{% macro default__hash_text(expression) -%}
    md5({{ expression }})
{%- endmacro %}
