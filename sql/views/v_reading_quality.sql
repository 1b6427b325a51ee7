-- latest submission: how completely it was read (weakness_rank 1 is the weakest) — labels of the template
-- found, fields read, unreadable values, missing sections, tasks, facts, warnings
with latest as (
    select submission_id, unit_name, year, format, source_path
    from submissions
    where is_latest
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

warning_counts as (
    select submission_id, count(*) as warning_count
    from warnings
    group by submission_id
),

quality as (
    select
        latest.submission_id,
        latest.unit_name,
        latest.year,
        latest.format,
        latest.source_path,
        coverage.labels_found,
        coverage.labels_expected,
        round(100.0 * coverage.labels_found / nullif(coverage.labels_expected, 0), 1) as labels_found_pct,
        coverage.fields_read,
        coverage.values_unreadable,
        coverage.sections_missing,
        coalesce(task_counts.task_count, 0) as task_count,
        coalesce(coverage.goals_block and coalesce(task_counts.task_count, 0) = 0, false) as goals_without_tasks,
        coalesce(fact_counts.fact_count, 0) as fact_count,
        coverage.unaccounted_numbers,
        coalesce(warning_counts.warning_count, 0) as warning_count
    from latest
    left join reading_coverage as coverage using (submission_id)
    left join task_counts using (submission_id)
    left join fact_counts using (submission_id)
    left join warning_counts using (submission_id)
),

final as (
    select
        row_number() over (
            order by labels_found_pct asc nulls first, goals_without_tasks desc, task_count asc,
                     warning_count desc, unit_name
        ) as weakness_rank,
        *
    from quality
)

select * from final
