{#
  Refresh planner statistics right after a table is built. Postgres does not analyze a table created
  with `create table as`, and without statistics its planner picks nested loops on joins of 1M rows.
  DuckDB keeps its own statistics up to date: nothing to do.
#}
{% macro analyze_relation(relation) -%}
    {{ return(adapter.dispatch('analyze_relation', 'dream_recap')(relation)) }}
{%- endmacro %}

{% macro default__analyze_relation(relation) -%}
{%- endmacro %}

{% macro postgres__analyze_relation(relation) -%}
    analyze {{ relation }}
{%- endmacro %}
