-- The tables of contract/WAREHOUSE.md. Money in 元 (value_std), rates in percent.
-- Personal fields (contact person, phone, email) live only in contacts.

create table submissions (
    submission_id varchar primary key,   -- derived from sha256: stable across runs
    sha256 varchar not null unique,
    source_path varchar not null,
    format varchar,
    pages integer,
    unit_name varchar,
    year integer,
    form_code varchar,
    version integer not null,
    is_latest boolean not null,
    run_id varchar not null,
    ingested_at timestamp not null,
    schema varchar                        -- the reading's OUTPUT.md schema tag
);

create table fields (
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
    primary key (submission_id, key)
);

create table contacts (
    submission_id varchar primary key,
    contact_person varchar,
    contact_phone varchar,
    contact_email varchar
);

create table tasks (
    submission_id varchar not null,
    task_no integer not null,
    goal varchar,
    outcome varchar,
    goal_span_start integer,
    goal_span_end integer,
    outcome_span_start integer,
    outcome_span_end integer
);

create table facts (
    fact_id varchar not null,
    submission_id varchar not null,
    fact_no integer not null,             -- position in the reading, to keep its order
    task_no integer,
    metric varchar,
    kind varchar,
    value double,
    value_max double,
    unit varchar,
    value_std double,
    unit_std varchar,
    approx varchar,
    basis varchar,
    previous double,
    total double,
    text varchar,
    span_start integer,
    span_end integer,
    page integer,
    bbox_x0 double,
    bbox_top double,
    bbox_x1 double,
    bbox_bottom double,
    sentence varchar
);

create table documents (
    submission_id varchar primary key,
    text varchar not null
);

create table checks (
    submission_id varchar not null,
    rule varchar not null,
    status varchar not null check (status in ('pass', 'fail', 'skip')),
    detail varchar
);

create table warnings (
    submission_id varchar not null,
    message varchar not null
);

create table runs (
    run_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,              -- running, completed
    files_seen integer,
    files_new integer,
    files_changed integer,
    files_unchanged integer,
    files_rejected integer,
    source_dir varchar,
    jixiao_version varchar
);

create table rejects (
    run_id varchar not null,
    source_path varchar not null,
    sha256 varchar,
    error_code varchar not null,
    message varchar not null,
    jixiao_version varchar               -- a newer reader retries what an older one refused
);
