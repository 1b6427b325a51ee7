-- failed check of a latest submission: who, which year, which rule, why, from which file
with latest as (
    select submission_id, unit_name, year, source_path, sha256
    from submissions
    where is_latest
),

final as (
    select
        l.unit_name,
        l.year,
        c.rule,
        c.detail,
        l.source_path,
        l.sha256,
        c.submission_id
    from checks as c
    inner join latest as l on l.submission_id = c.submission_id
    where c.status = 'fail'
)

select * from final
