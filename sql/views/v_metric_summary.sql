-- year x metric x unit (the standard unit: 元, %, 个 ...): how many departments report it and its spread.
-- The kind is part of the grain too: a level in % and a change in % of one metric must not be summed.
with metrics as (
    select f.metric, f.kind, f.value_std, f.unit_std, l.unit_name, l.year
    from facts as f
    inner join submissions as l on l.submission_id = f.submission_id
    where l.is_latest and f.metric is not null
),

final as (
    select
        year,
        metric,
        kind,
        unit_std as unit,
        count(distinct unit_name) as departments,
        count(*) as facts,
        sum(value_std) as sum_value,
        min(value_std) as min_value,
        median(value_std) as median_value,
        max(value_std) as max_value
    from metrics
    group by year, metric, kind, unit_std
)

select * from final
