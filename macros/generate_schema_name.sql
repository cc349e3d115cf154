{#
  Custom schemas are used verbatim (dbt's default would prefix them with the target schema).
  Only the demo seeds set one (`app_demo`), so that `var('app_schema')` can name it on every target.
  Models never set a custom schema: they all land in the target schema, where the runner reads them.
#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- else -%}
        {{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
