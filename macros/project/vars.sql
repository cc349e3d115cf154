{#
  The project's vars, read once each and checked: a var is cast to an integer (or a timestamp) in
  Jinja and only that value ever reaches SQL, so a typo fails the parse at once with a message
  instead of being pasted into a query. `--vars '{recap_year: "2025"}'` (a string of digits) is fine.
#}
{% macro integer_var(name, minimum, maximum) -%}
    {%- set raw = var(name) -%}
    {%- if raw is integer -%}
        {%- set value = raw -%}
    {%- elif raw is string and modules.re.fullmatch('\s*[0-9]+\s*', raw) -%}
        {%- set value = raw | trim | int -%}
    {%- else -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a whole number between " ~ minimum ~ " and " ~ maximum ~ ", got " ~ (raw | string | tojson)) }}
    {%- endif -%}
    {%- if value < minimum or value > maximum -%}
        {{ exceptions.raise_compiler_error("var " ~ name ~ " must be a whole number between " ~ minimum ~ " and " ~ maximum ~ ", got " ~ value) }}
    {%- endif -%}
    {{ return(value) }}
{%- endmacro %}

{# The recap year (payload `year`: 1970-2999, as in schemas/recap_payload.schema.json). #}
{% macro recap_year() -%}
    {{ return(integer_var('recap_year', 1970, 2999)) }}
{%- endmacro %}

{# The fewest counted dreams that earn a recap (a recap needs at least one dream to show). #}
{% macro min_dreams() -%}
    {{ return(integer_var('min_dreams', 1, 1000000)) }}
{%- endmacro %}

{#
  The share of a source table that may be quarantined before the build fails (a broken extract),
  a number in [0, 1]; default 0.01 (1%).
#}
{% macro quarantine_threshold() -%}
    {%- set raw = var('quarantine_threshold') -%}
    {%- set text = raw | string | trim -%}
    {%- if raw is sameas true or raw is sameas false or not modules.re.fullmatch('[0-9]*\.?[0-9]+([eE][-+]?[0-9]+)?', text) or text | float > 1 -%}
        {{ exceptions.raise_compiler_error("var quarantine_threshold must be a share between 0 and 1 (0.01 = 1%), got " ~ (raw | string | tojson)) }}
    {%- endif -%}
    {{ return(text | float) }}
{%- endmacro %}

{#
  as_of: the extract's clock, as a SQL timestamp literal (UTC, without time zone). A dream dated after
  it is "in the future" and quarantined.
  - var as_of ('YYYY-MM-DD[ HH:MM[:SS]]') when set: to rebuild as of a past extract, or for synthetic
    data generated past today;
  - else, on the demo seeds (app_schema app_demo), 2027-01-05: they are a fictional extract taken
    after the year they tell, so the demo tells the same story on any day;
  - else the time this dbt invocation started (run_started_at, UTC): the build time.
#}
{% macro as_of_timestamp() -%}
    {%- set raw = var('as_of', none) -%}
    {%- if raw is not none -%}
        {%- set text = raw | string | trim -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}( [0-9]{2}:[0-9]{2}(:[0-9]{2})?)?', text) -%}
            {{ exceptions.raise_compiler_error("var as_of must be a UTC time 'YYYY-MM-DD' or 'YYYY-MM-DD HH:MM:SS', got " ~ (raw | string | tojson)) }}
        {%- endif -%}
    {%- elif var('app_schema') == 'app_demo' -%}
        {%- set text = '2027-01-05 00:00:00' -%}
    {%- else -%}
        {%- set text = run_started_at.strftime('%Y-%m-%d %H:%M:%S') -%}
    {%- endif -%}
    {{ return("cast('" ~ text ~ "' as timestamp)") }}
{%- endmacro %}

{# The build time: when this dbt invocation started (UTC), as a SQL timestamp literal. #}
{% macro build_timestamp() -%}
    {{ return("cast('" ~ run_started_at.strftime('%Y-%m-%d %H:%M:%S') ~ "' as timestamp)") }}
{%- endmacro %}
