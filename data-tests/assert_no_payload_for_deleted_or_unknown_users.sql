-- Payloads only exist for users that exist and are not deleted.
with

payloads as (

    select user_id from {{ ref('recap_payloads') }}

),

users as (

    select
        user_id,
        is_deleted
    from {{ ref('stg_app__users') }}

)

select payloads.user_id
from payloads
left join users
    on payloads.user_id = users.user_id
where users.user_id is null or users.is_deleted
