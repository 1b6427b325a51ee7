-- one row per submission and field key, one contacts and one documents row per submission
with fields_twice as (
    select 'fields' as tbl, submission_id, key, count(*) as n
    from fields
    group by submission_id, key
    having count(*) > 1
),

contacts_twice as (
    select 'contacts' as tbl, submission_id, null as key, count(*) as n
    from contacts
    group by submission_id
    having count(*) > 1
),

documents_twice as (
    select 'documents' as tbl, submission_id, null as key, count(*) as n
    from documents
    group by submission_id
    having count(*) > 1
),

final as (
    select * from fields_twice
    union all
    select * from contacts_twice
    union all
    select * from documents_twice
)

select * from final
