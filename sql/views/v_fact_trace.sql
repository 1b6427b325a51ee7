-- fact: the figure with everything an auditor needs to find it again in the source file
with latest as (
    select submission_id, unit_name, year, source_path, sha256, format, version, run_id, ingested_at
    from submissions
    where is_latest
),

final as (
    select
        f.fact_id,
        l.unit_name,
        l.year,
        f.metric,
        f.kind,
        f.value,
        f.unit,
        f.value_std,
        f.unit_std,
        f.text,
        l.source_path,
        l.sha256,
        l.format,
        l.version,
        f.page,
        f.bbox_x0,
        f.bbox_top,
        f.bbox_x1,
        f.bbox_bottom,
        f.span_start,
        f.span_end,
        f.sentence,
        f.submission_id,
        -- appended for `jixiao trace`: the task a figure belongs to and the run that loaded it
        f.task_no,
        l.run_id,
        l.ingested_at
    from facts as f
    inner join latest as l on l.submission_id = f.submission_id
)

select * from final
