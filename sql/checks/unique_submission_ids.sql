-- every submission id and every sha256 appears once
with by_id as (
    select 'submission_id' as what, submission_id as id, count(*) as n
    from submissions
    group by submission_id
    having count(*) > 1
),

by_sha as (
    select 'sha256' as what, sha256 as id, count(*) as n
    from submissions
    group by sha256
    having count(*) > 1
),

final as (
    select * from by_id
    union all
    select * from by_sha
)

select * from final
