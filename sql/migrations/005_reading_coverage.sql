-- How much of each form the reading accounted for (the reading's `coverage`), so that
-- v_reading_quality can put the weakest readings first. One row per submission.
create table reading_coverage (
    submission_id varchar primary key,
    labels_found integer not null,
    labels_expected integer not null,
    fields_read integer not null,
    values_unreadable integer not null,
    sections_missing varchar,
    goals_block boolean,
    tasks integer not null,
    unaccounted_numbers integer not null
);
