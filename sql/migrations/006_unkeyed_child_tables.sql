-- fields and search_passages lose their primary keys, so the nightly batch's memory stays
-- flat whatever the number of files. DuckDB keeps a key's index (an ART) in memory, whole,
-- and writes it again at every checkpoint: these two tables gain dozens of rows per file, and
-- their indexes held ~10 MB after a night of 1,000 files, ~22 MB after 5,000. DuckDB cannot drop a
-- constraint, so each table is rebuilt: a new one with the same columns in the same order,
-- every row copied by name, the old one dropped, the new one renamed (views are recreated
-- when the warehouse is opened, after the migrations).
--
-- The keys still hold, guarded twice: the loader writes a submission's rows once, in the
-- transaction that inserts its submissions row (whose keys stay), and refuses a reading that
-- would repeat a field or a passage (load.py); the data checks unique_field_keys and
-- unique_passage_ids fail the night should a repeat get in all the same.
-- submissions (its id and sha256), documents and reading_coverage keep their keys: one row
-- per file, a few hundred bytes of index each.

create table fields_unkeyed (
    submission_id varchar not null,
    key varchar not null,
    section varchar not null,
    value_text varchar,
    value_num double,
    value_bool boolean,
    value_date date,
    unit varchar,
    value_std double,
    unit_std varchar,
    text varchar,
    span_start integer,
    span_end integer,
    page integer,
    bbox_x0 double,
    bbox_top double,
    bbox_x1 double,
    bbox_bottom double
);
insert into fields_unkeyed by name select * from fields;
drop table fields;
alter table fields_unkeyed rename to fields;

create table search_passages_unkeyed (
    passage_id varchar not null,         -- submission_id:part (part: goal-N, outcome-N, or a field key)
    submission_id varchar not null,
    task_no integer,
    part varchar not null,               -- goal, outcome, or the field key (social_benefit, ...)
    text varchar not null,
    span_start integer,                  -- where the passage is in the document text
    span_end integer,
    word_count integer not null
);
insert into search_passages_unkeyed by name select * from search_passages;
drop table search_passages;
alter table search_passages_unkeyed rename to search_passages;
