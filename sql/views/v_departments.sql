-- department x year: the form's headline figures side by side, latest version only
with latest as (
    select submission_id, unit_name, year, version, source_path
    from submissions
    where is_latest
),

headline as (
    select
        submission_id,
        max(value_text) filter (where key = 'unit_nature') as unit_nature,
        max(value_std) filter (where key = 'sangong_budget') as sangong_budget_yuan,
        max(value_std) filter (where key = 'sangong_actual') as sangong_actual_yuan,
        max(value_num) filter (where key = 'sangong_control_rate') as sangong_control_rate_pct,
        max(value_std) filter (where key = 'public_budget') as public_budget_yuan,
        max(value_std) filter (where key = 'public_actual') as public_actual_yuan,
        max(value_num) filter (where key = 'public_control_rate') as public_control_rate_pct,
        max(value_std) filter (where key = 'fixed_assets_total') as fixed_assets_total_yuan,
        max(value_std) filter (where key = 'fixed_assets_in_use') as fixed_assets_in_use_yuan,
        max(value_num) filter (where key = 'fixed_asset_utilization') as fixed_asset_utilization_pct,
        bool_or(value_bool) filter (where key = 'self_eval_disclosed') as self_eval_disclosed,
        bool_or(value_bool) filter (where key = 'budget_disclosed') as budget_disclosed,
        bool_or(value_bool) filter (where key = 'perf_goal_disclosed') as perf_goal_disclosed,
        max(value_date) filter (where key = 'fill_date') as fill_date
    from fields
    group by submission_id
),

task_counts as (
    select submission_id, count(*) as task_count
    from tasks
    group by submission_id
),

fact_counts as (
    select submission_id, count(*) as fact_count
    from facts
    group by submission_id
),

check_counts as (
    select submission_id, count(*) filter (where status = 'fail') as checks_failed
    from checks
    group by submission_id
),

final as (
    select
        l.unit_name,
        l.year,
        h.unit_nature,
        h.sangong_budget_yuan,
        h.sangong_actual_yuan,
        h.sangong_control_rate_pct,
        h.public_budget_yuan,
        h.public_actual_yuan,
        h.public_control_rate_pct,
        h.fixed_assets_total_yuan,
        h.fixed_assets_in_use_yuan,
        h.fixed_asset_utilization_pct,
        h.self_eval_disclosed,
        h.budget_disclosed,
        h.perf_goal_disclosed,
        h.fill_date,
        coalesce(t.task_count, 0) as task_count,
        coalesce(f.fact_count, 0) as fact_count,
        coalesce(c.checks_failed, 0) as checks_failed,
        l.version,
        l.submission_id,
        l.source_path
    from latest as l
    left join headline as h on h.submission_id = l.submission_id
    left join task_counts as t on t.submission_id = l.submission_id
    left join fact_counts as f on f.submission_id = l.submission_id
    left join check_counts as c on c.submission_id = l.submission_id
)

select * from final
