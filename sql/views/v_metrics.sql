-- fact: every figure read from free text with its department and year, ready to pivot
with latest as (
    select submission_id, unit_name, year
    from submissions
    where is_latest
),

final as (
    select
        f.fact_id,
        l.unit_name,
        l.year,
        f.task_no,
        f.metric,
        f.kind,
        f.value,
        f.value_max,
        f.unit,
        f.value_std,
        f.unit_std,
        f.approx,
        f.basis,
        f.previous,
        f.total,
        f.text,
        f.submission_id
    from facts as f
    inner join latest as l on l.submission_id = f.submission_id
)

select * from final
