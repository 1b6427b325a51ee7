-- a fact id names one fact in the whole warehouse
with final as (
    select fact_id, count(*) as n
    from facts
    group by fact_id
    having count(*) > 1
)

select * from final
