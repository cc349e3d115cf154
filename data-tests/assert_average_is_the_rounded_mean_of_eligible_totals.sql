-- average_dreams is within half a dream of the plain mean of eligible totals (checked in floating
-- point, independently of the exact integer rounding used by the model), and the same for everyone.
with

eligible as (

    select
        total_dreams,
        average_dreams
    from {{ ref('dreamer_years') }}
    where is_eligible

),

summary as (

    select
        avg(cast(total_dreams as double precision)) as mean_total,
        min(average_dreams) as min_average,
        max(average_dreams) as max_average

    from eligible

)

select *
from summary
where
    min_average <> max_average
    or abs(min_average - mean_total) > 0.5
