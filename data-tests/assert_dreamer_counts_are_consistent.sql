-- Parts never exceed the whole: lucid, nightmares and the streak fit in the year's total; counted
-- dreams fit in logged dreams; a deleted account counts nothing; eligibility follows min_dreams.
select
    user_id,
    is_user_deleted,
    is_eligible,
    logged_dreams,
    total_dreams,
    previous_year_dreams,
    lucid_dreams,
    nightmare_dreams,
    longest_streak_days,
    busiest_month

from {{ ref('dreamer_years') }}
where
    lucid_dreams > total_dreams
    or nightmare_dreams > total_dreams
    or longest_streak_days > total_dreams
    or total_dreams > logged_dreams
    or (is_user_deleted and (total_dreams > 0 or previous_year_dreams > 0 or is_eligible))
    or (is_eligible and total_dreams < {{ min_dreams() }})
    or (not is_eligible and not is_user_deleted and total_dreams >= {{ min_dreams() }})
    or (total_dreams > 0 and (longest_streak_days is null or busiest_month is null))
