{#
  Exact integer arithmetic for the rounding rules (no floating point, same answer on every engine).
  Both take non-negative numerators and positive denominators.
#}
{% macro integer_divide(numerator, denominator) -%}
    {{ return(adapter.dispatch('integer_divide', 'dream_recap')(numerator, denominator)) }}
{%- endmacro %}

{% macro default__integer_divide(numerator, denominator) -%}
    div(({{ numerator }}), ({{ denominator }}))
{%- endmacro %}

{% macro duckdb__integer_divide(numerator, denominator) -%}
    (({{ numerator }}) // ({{ denominator }}))
{%- endmacro %}

{# n / d rounded half away from zero, for n >= 0, d > 0: floor((2n + d) / 2d). #}
{% macro divide_round_half_away_from_zero(numerator, denominator) -%}
    cast({{ integer_divide('2 * (' ~ numerator ~ ') + (' ~ denominator ~ ')', '2 * (' ~ denominator ~ ')') }} as bigint)
{%- endmacro %}

{# ceil(n / d), for n >= 0, d > 0: floor((n + d - 1) / d). #}
{% macro divide_ceil(numerator, denominator) -%}
    cast({{ integer_divide('(' ~ numerator ~ ') + (' ~ denominator ~ ') - 1', '(' ~ denominator ~ ')') }} as bigint)
{%- endmacro %}
