-- One row per eligible user and recap year: the video's only input, as JSON that follows
-- schemas/recap_payload.schema.json, and the hash of its canonical text; beside the payload (never
-- in it, so an unchanged recap keeps its hash), when it was built and how recent its source data is.
with

dreamers as (

    select * from {{ ref('dreamer_years') }}
    where is_eligible

),

top_entities as (

    select * from {{ ref('int_top_entities_pivoted') }}

),

extract_span as (

    select max(dreamt_at_utc) as source_data_until
    from {{ ref('stg_app__dreams') }}

),

payload_texts as (

    select
        dreamers.user_id,
        dreamers.recap_year,
        {{ json_object_text([
            ('user', json_object_text([
                ('id', json_integer_literal('dreamers.user_id')),
                ('name', json_string_literal('left(dreamers.display_name, 200)')),
                ('locale', json_string_literal('case when length(dreamers.locale) <= 35 then dreamers.locale end')),
            ])),
            ('year', json_integer_literal('dreamers.recap_year')),
            ('dreams', json_object_text([
                ('total', json_integer_literal('dreamers.total_dreams')),
                ('difference', json_integer_literal('dreamers.difference_from_average')),
                ('lucid', json_integer_literal('dreamers.lucid_dreams')),
                ('nightmares', json_integer_literal('dreamers.nightmare_dreams')),
                ('average', json_integer_literal('dreamers.average_dreams')),
                ('previous_year', json_integer_literal('dreamers.previous_year_dreams')),
                ('top_percent', json_integer_literal('dreamers.top_percent')),
                ('longest_streak', json_integer_literal('dreamers.longest_streak_days')),
                ('busiest_month', json_integer_literal('dreamers.busiest_month')),
            ])),
            ('persons', json_pair_list_text([
                ('top_entities.person_1_name', 'top_entities.person_1_count'),
                ('top_entities.person_2_name', 'top_entities.person_2_count'),
                ('top_entities.person_3_name', 'top_entities.person_3_count'),
            ])),
            ('places', json_pair_list_text([
                ('top_entities.place_1_name', 'top_entities.place_1_count'),
                ('top_entities.place_2_name', 'top_entities.place_2_count'),
                ('top_entities.place_3_name', 'top_entities.place_3_count'),
            ])),
            ('emotions', json_pair_list_text([
                ('top_entities.emotion_1_name', 'top_entities.emotion_1_count'),
                ('top_entities.emotion_2_name', 'top_entities.emotion_2_count'),
                ('top_entities.emotion_3_name', 'top_entities.emotion_3_count'),
            ])),
        ]) }} as payload_text

    from dreamers
    left join top_entities
        on dreamers.user_id = top_entities.user_id

),

final as (

    select
        payload_texts.user_id,
        payload_texts.recap_year,
        {{ parse_json('payload_texts.payload_text') }} as payload,
        {{ hash_text('payload_texts.payload_text') }} as payload_hash,
        {{ build_timestamp() }} as built_at,
        extract_span.source_data_until,
        cast({{ dbt.string_literal(var('app_schema', 'app')) }} as {{ dbt.type_string() }}) as source_schema

    from payload_texts
    cross join extract_span

)

select * from final
