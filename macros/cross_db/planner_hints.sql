{#
  join_links_per_entity_type: which of two equivalent forms int_dream_entities_linked takes.
  - Postgres (default): one join chain per entity type on integer keys, unioned afterwards; each CTE
    is referenced once, so the planner has statistics for every hash join (3.9-4.4 s vs 5.1-6.0 s
    for the other form at 1M dreams, BENCHMARKS.md).
  - DuckDB: the link tables unioned first and joined once (about 3x faster there).
  Both give the same rows: the model's unit test and the pytest oracle run on both engines.
#}
{% macro join_links_per_entity_type() -%}
    {{ return(adapter.dispatch('join_links_per_entity_type', 'dream_recap')()) }}
{%- endmacro %}

{% macro default__join_links_per_entity_type() -%}
    {{ return(true) }}
{%- endmacro %}

{% macro duckdb__join_links_per_entity_type() -%}
    {{ return(false) }}
{%- endmacro %}
