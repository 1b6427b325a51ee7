-- every row belongs to a submission, every submission has its document,
-- every submission and reject to a run
with owned as (
    select 'documents' as tbl, submission_id from documents
    union all select 'fields', submission_id from fields
    union all select 'tasks', submission_id from tasks
    union all select 'facts', submission_id from facts
    union all select 'checks', submission_id from checks
    union all select 'warnings', submission_id from warnings
    union all select 'reading_coverage', submission_id from reading_coverage
    union all select 'search_passages', submission_id from search_passages
),

orphans as (
    select o.tbl, o.submission_id
    from owned as o
    anti join submissions as s on s.submission_id = o.submission_id
),

missing_document as (
    select 'no document' as tbl, s.submission_id
    from submissions as s
    anti join documents as d on d.submission_id = s.submission_id
),

wordless as (
    select 'search word without passage' as tbl, w.passage_id
    from search_words as w
    anti join search_passages as p on p.passage_id = w.passage_id
),

runless as (
    select 'submission without run' as tbl, s.submission_id
    from submissions as s
    anti join runs as r on r.run_id = s.run_id
    union all
    select 'reject without run', j.source_path
    from rejects as j
    anti join runs as r on r.run_id = j.run_id
),

final as (
    select * from orphans
    union all select * from missing_document
    union all select * from runless
    union all select * from wordless
)

select * from final
