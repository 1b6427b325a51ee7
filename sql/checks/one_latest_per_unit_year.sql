-- each department and year has exactly one latest version, the highest, and versions 1..n
with per_form as (
    select
        unit_name,
        year,
        count(*) filter (where is_latest) as latest_count,
        max(version) as max_version,
        max(version) filter (where is_latest) as latest_version,
        count(distinct version) as versions
    from submissions
    group by unit_name, year
),

final as (
    select *
    from per_form
    where latest_count <> 1
        or latest_version is distinct from max_version
        or versions <> max_version
)

select * from final
