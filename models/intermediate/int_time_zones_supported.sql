-- The known IANA zones (seed) that this engine can also convert with, keyed case-insensitively.
with

reference_zones as (

    select time_zone_name from {{ ref('time_zones') }}

),

engine_zones as (

    select distinct name as time_zone_name from {{ time_zone_names_relation() }}

),

supported as (

    select
        reference_zones.time_zone_name,
        lower(reference_zones.time_zone_name) as time_zone_key

    from reference_zones
    inner join engine_zones
        on reference_zones.time_zone_name = engine_zones.time_zone_name

)

select * from supported
