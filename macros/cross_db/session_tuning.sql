{#
  Pre-hook for heavy models. Postgres's default work_mem (4MB) makes the big joins and distinct
  aggregations of the intermediate models spill to disk (external merge sorts, batched hash
  aggregates); `set local` raises it for the model's own transaction only. JIT compilation is
  turned off too: for these one-pass queries over wide expressions it costs seconds and saves
  nothing (data tests cannot have hooks: set PGOPTIONS='-c jit=off' to spare them too).
  DuckDB manages its memory itself: nothing to do. Tune with --vars '{postgres_work_mem: 64MB}'.
#}
{% macro session_tuning() -%}
    {{ return(adapter.dispatch('session_tuning', 'dream_recap')()) }}
{%- endmacro %}

{% macro default__session_tuning() -%}
{%- endmacro %}

{% macro postgres__session_tuning() -%}
    {%- set work_mem = var("postgres_work_mem", "256MB") | string | trim -%}
    {%- if not modules.re.fullmatch('[0-9]+ ?(kB|MB|GB)', work_mem) -%}
        {{ exceptions.raise_compiler_error("var postgres_work_mem must be a size such as 256MB, got " ~ (work_mem | tojson)) }}
    {%- endif %}
    set local work_mem = '{{ work_mem }}';
    set local jit = off
{%- endmacro %}
