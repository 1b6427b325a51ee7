-- per submission: a night checks the passages of the submissions it loaded (loaded rows never change)
-- a passage id names one passage in the whole warehouse: it starts with its own submission's id,
-- and no submission repeats one (search_passages has no primary key: migration 006)
with repeated as (
    select 'repeated' as what, passage_id, count(*) as n
    from search_passages
    group by passage_id
    having count(*) > 1
),

misnamed as (
    select 'not named after its submission' as what, passage_id, 1 as n
    from search_passages
    where not starts_with(passage_id, submission_id || ':')
),

final as (
    select * from repeated
    union all
    select * from misnamed
)

select * from final
