-- per submission: a night checks the spans of the submissions it loaded (loaded rows never change)
-- every span points at its own text in the submission's document (offsets are 0-based, end-exclusive)
with fact_spans as (
    select 'fact' as item, f.fact_id as id, f.submission_id, f.span_start, f.span_end, f.text
    from facts as f
    where f.span_start is not null
),

field_spans as (
    select 'field' as item, f.key as id, f.submission_id, f.span_start, f.span_end, f.text
    from fields as f
    where f.span_start is not null
),

spans as (
    select * from fact_spans
    union all
    select * from field_spans
),

final as (
    select s.*
    from spans as s
    left join documents as d on d.submission_id = s.submission_id
    where d.text is null
        or s.span_start < 0
        or s.span_end > length(d.text)
        or substring(d.text, s.span_start + 1, s.span_end - s.span_start) is distinct from s.text
)

select * from final
