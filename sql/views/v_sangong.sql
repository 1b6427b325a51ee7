-- department x year: 三公经费 budget and actual, the rate reported and recomputed, rank in the year
-- (rank 1 spent the largest share of its budget; departments without both figures are unranked)
with latest as (
    select submission_id, unit_name, year
    from submissions
    where is_latest
),

sangong as (
    select
        submission_id,
        max(value_std) filter (where key = 'sangong_budget') as budget_yuan,
        max(value_std) filter (where key = 'sangong_actual') as actual_yuan,
        max(value_num) filter (where key = 'sangong_control_rate') as control_rate_reported_pct
    from fields
    where key in ('sangong_budget', 'sangong_actual', 'sangong_control_rate')
    group by submission_id
),

computed as (
    select
        l.unit_name,
        l.year,
        s.budget_yuan,
        s.actual_yuan,
        s.control_rate_reported_pct,
        case when s.budget_yuan > 0
            then round(s.actual_yuan / s.budget_yuan * 100, 1)
        end as control_rate_computed_pct,
        l.submission_id
    from latest as l
    left join sangong as s on s.submission_id = l.submission_id
),

final as (
    select
        unit_name,
        year,
        budget_yuan,
        actual_yuan,
        control_rate_reported_pct,
        control_rate_computed_pct,
        actual_yuan > budget_yuan as overspent,
        case when control_rate_computed_pct is not null
            then rank() over (
                partition by year, control_rate_computed_pct is null
                order by control_rate_computed_pct desc
            )
        end as rank_in_year,
        submission_id
    from computed
)

select * from final
