-- per submission: a night checks the fields of the submissions it loaded (loaded rows never change)
-- a submission has each field once (fields has no primary key: migration 006)
with final as (
    select submission_id, key, count(*) as n
    from fields
    group by submission_id, key
    having count(*) > 1
)

select * from final
