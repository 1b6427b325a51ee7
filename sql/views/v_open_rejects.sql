-- file now refused: every source path refused on the latest night (a file still in the folder
-- whose bytes are still refused), with the night its refusal began since it last loaded, and
-- how many nights it has been refused since: what a clerk must chase today
with last_run as (
    select run_id
    from runs
    where status = 'completed'
    order by started_at desc, run_id desc
    limit 1
),

refusals as (
    select
        j.source_path,
        j.sha256,
        j.error_code,
        j.message,
        j.run_id,
        r.started_at
    from rejects as j
    inner join runs as r on r.run_id = j.run_id
    where r.status = 'completed'
),

loads as (
    select
        s.source_path,
        max(r.started_at) as loaded_at
    from submissions as s
    inner join runs as r on r.run_id = s.run_id
    group by s.source_path
),

since_loaded as (
    select f.*
    from refusals as f
    left join loads as l on l.source_path = f.source_path
    where l.loaded_at is null or f.started_at > l.loaded_at
),

streaks as (
    select
        source_path,
        arg_min(run_id, started_at) as first_run_id,
        count(distinct run_id) as nights_refused
    from since_loaded
    group by source_path
),

final as (
    select
        j.source_path,
        j.sha256,
        j.error_code,
        j.message,
        s.first_run_id,
        j.run_id as last_run_id,
        s.nights_refused
    from refusals as j
    inner join last_run as lr on lr.run_id = j.run_id
    inner join streaks as s on s.source_path = j.source_path
    order by j.source_path
)

select * from final
