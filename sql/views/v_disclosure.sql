-- year x kind of information (self_eval, budget, perf_goal): departments that disclosed,
-- did not, or left the 是/否 unmarked
with latest as (
    select submission_id, year
    from submissions
    where is_latest
),

kinds as (
    select * from (values ('self_eval'), ('budget'), ('perf_goal')) as k(kind)
),

answers as (
    select l.year, k.kind, f.value_bool
    from latest as l
    cross join kinds as k
    left join fields as f
        on f.submission_id = l.submission_id and f.key = k.kind || '_disclosed'
),

final as (
    select
        year,
        kind,
        count(*) filter (where value_bool) as disclosed,
        count(*) filter (where not value_bool) as not_disclosed,
        count(*) filter (where value_bool is null) as unmarked,
        count(*) as departments
    from answers
    group by year, kind
)

select * from final
