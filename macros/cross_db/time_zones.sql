{#
  to_local_timestamp: a UTC timestamp without time zone -> wall-clock time in `time_zone` (an IANA name),
  as a timestamp without time zone. `ts at time zone 'UTC'` reads the naive value as UTC (whatever the
  session time zone is), then `at time zone <zone>` gives the local wall clock. DuckDB needs its ICU
  extension for this; the duckdb wheel links it statically, so it works offline.
#}
{% macro to_local_timestamp(utc_timestamp, time_zone) -%}
    {{ return(adapter.dispatch('to_local_timestamp', 'dream_recap')(utc_timestamp, time_zone)) }}
{%- endmacro %}

{% macro default__to_local_timestamp(utc_timestamp, time_zone) -%}
    (({{ utc_timestamp }}) at time zone 'UTC') at time zone ({{ time_zone }})
{%- endmacro %}

{% macro duckdb__to_local_timestamp(utc_timestamp, time_zone) -%}
    timezone({{ time_zone }}, timezone('UTC', {{ utc_timestamp }}))
{%- endmacro %}

{#
  time_zone_names_relation: a relation with a `name` column listing the zone names the engine can
  convert with. Used to keep only reference zones the engine actually knows.
#}
{% macro time_zone_names_relation() -%}
    {{ return(adapter.dispatch('time_zone_names_relation', 'dream_recap')()) }}
{%- endmacro %}

{% macro default__time_zone_names_relation() -%}
    pg_catalog.pg_timezone_names
{%- endmacro %}

{% macro duckdb__time_zone_names_relation() -%}
    pg_timezone_names()
{%- endmacro %}
