{#
  Helpers for the staging base models (models/staging/base), which collapse a raw table to one row
  per key and name what is wrong with it.

  group_has_one_version: within a `group by <key>`, true when every row of the group carries the same
  values (so exact duplicates collapse to one row), false when some copy differs - nulls count as a
  value. Booleans compare with bool_and/bool_or (Postgres has no min(boolean)).
#}
{% macro group_has_one_version(columns, boolean_columns=[]) -%}
    (
    {%- for column in columns + boolean_columns %}
        {{ 'and ' if not loop.first }}(count({{ column }}) = 0 or (count({{ column }}) = count(*) and
            {%- if column in boolean_columns %} bool_and({{ column }}) = bool_or({{ column }})))
            {%- else %} min({{ column }}) = max({{ column }})))
            {%- endif %}
    {%- endfor %}
    )
{%- endmacro %}

{#
  quarantine_checked_first: makes a staging model depend on quarantined_rows, so that in `dbt build`
  the quarantine threshold test (data-tests/assert_quarantine_stays_under_the_threshold.sql) runs
  before anything reads the table, and a broken extract stops the build before any payload changes.
  Unit tests mock the model's inputs instead: nothing is emitted there.
#}
{% macro quarantine_checked_first() -%}
    {%- if model.resource_type != 'unit_test' -%}
        -- depends_on: {{ ref('quarantined_rows') }}
    {%- endif -%}
{%- endmacro %}
