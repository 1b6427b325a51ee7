-- year x metric x kind x unit (the standard unit: 元, %, 个 ...): how many departments report it
-- and its spread. A sum only where adding means something: amounts, counts, quantities and changes
-- in money or counts. Never a level in % or ‰, a change in %, ‰ or percentage points (pp), a multiple (x),
-- a rank, a score (分), a per-head or average figure, or a figure without a unit.
-- Exact and approximate figures (约, 多, 以上, 不到 ..., or a range 3至5亿元) are counted apart;
-- the sum and the spread are of the exact figures only: an estimate is never added as if exact.
with metrics as (
    select
        f.metric,
        f.kind,
        f.value_std,
        f.unit_std,
        l.unit_name,
        l.year,
        f.approx is null and f.value_max is null as exact
    from facts as f
    inner join submissions as l on l.submission_id = f.submission_id
    where l.is_latest and f.metric is not null
),

classified as (
    select
        *,
        kind in ('amount', 'count', 'quantity', 'change')
        and unit_std is not null
        and unit_std not in ('%', '‰', 'pp', 'x', '分')
        and not regexp_matches(metric, '^(人均|生均|户均|亩均|每|平均|均)') as additive
    from metrics
),

final as (
    select
        year,
        metric,
        kind,
        unit_std as unit,
        count(distinct unit_name) as departments,
        count(*) as facts,
        count(*) filter (where exact) as exact_facts,
        count(*) filter (where not exact) as approx_facts,
        bool_and(additive) as additive,
        case when bool_and(additive) then sum(value_std) filter (where exact) end as sum_value,
        min(value_std) filter (where exact) as min_value,
        median(value_std) filter (where exact) as median_value,
        max(value_std) filter (where exact) as max_value
    from classified
    group by year, metric, kind, unit_std
)

select * from final
