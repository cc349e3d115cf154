{#
  dbt cannot know that source('app', <table>) is the demo seed `demo_<table>` when app_schema points
  at the demo schema, so on a fresh warehouse it could build a staging view before its seed exists.
  This emits a `-- depends_on:` hint (a ref dbt records at parse time) in demo mode only, so seeds
  load first. Production (`--vars '{app_schema: app}'`) emits nothing: seeds are disabled there.
  Unit tests mock the source instead, so the hint is skipped when compiling one.
#}
{% macro demo_seed_dependency(table_name) -%}
    {%- if var('app_schema') == 'app_demo' and model.resource_type != 'unit_test' -%}
        -- depends_on: {{ ref('demo_' ~ table_name) }}
    {%- endif -%}
{%- endmacro %}
